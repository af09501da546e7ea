import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../shared/errors.ts';
import { parseJsonBody } from './json-body.ts';

describe('JSON bodies', () => {
  it('refuses a __proto__ key anywhere, naming where, and leaves Object.prototype alone', () => {
    const fieldOf = (text: string) => {
      try {
        parseJsonBody(text);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidInputError);
        return (error as InvalidInputError).fields?.[0]?.field;
      }
      return 'accepted';
    };
    expect(fieldOf('{"a": {"b": [{"__proto__": {"polluted": 1}}]}}')).toBe('body.a.b.0.__proto__');
    expect(fieldOf('{"constructor": {"prototype": {"polluted": 1}}}')).toBe('body.constructor');
    expect(fieldOf('{not json')).toBe('body');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parseJsonBody('{"constructor": "a name", "x": [1, {"y": null}]}')).toEqual({
      constructor: 'a name',
      x: [1, { y: null }],
    });
  });

  it('walks a body nested 5,000 deep without overflowing the stack', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(() => parseJsonBody(deep)).not.toThrow();
  });
});
