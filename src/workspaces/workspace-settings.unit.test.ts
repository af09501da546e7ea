import { describe, expect, it } from 'vitest';
import { readSettings, setSetting } from './workspace-settings.ts';

describe('setSetting', () => {
  it('sets a known setting and keeps the others', () => {
    const raw = setSetting({ points: { enabled: true } }, 'points.member_days', [18]);
    expect(raw).toEqual({ points: { enabled: true, member_days: [18] } });
    expect(readSettings(raw).points.member_days).toEqual([18]);
  });

  it('sets an event bonus under any event type (a record of the settings)', () => {
    expect(setSetting({}, 'points.event_bonuses.review', 20)).toEqual({
      points: { event_bonuses: { review: 20 } },
    });
  });

  // Issue #13: `PATCH /workspace/settings {"__proto__.polluted":"yes"}` wrote into Object.prototype.
  it('refuses __proto__, constructor and prototype anywhere in a path, touching no prototype', () => {
    for (const path of [
      '__proto__.polluted',
      'constructor.prototype.polluted',
      'points.__proto__.polluted',
      'points.event_bonuses.__proto__',
      'points.event_bonuses.constructor',
      'toString',
      'points.hasOwnProperty',
    ]) {
      expect(() => setSetting({}, path, 'yes'), path).toThrow(/unknown setting/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('keeps words for the workspace’s own task codes, and refuses bad codes and bad words', () => {
    const raw = setSetting({}, 'tasks.labels', { birthday_call: ' 生日关怀电话 ', sent_sample: '已寄样品' });
    expect(readSettings(raw).tasks.labels).toEqual({
      birthday_call: '生日关怀电话',
      sent_sample: '已寄样品',
    });
    expect(readSettings({}).tasks.labels).toEqual({});
    const hostile = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    // A __proto__ key is dropped by the schema (as in every record of the settings): no word, no prototype.
    expect(readSettings(setSetting({}, 'tasks.labels', hostile)).tasks.labels).toEqual({});
    for (const labels of [
      { 'Bad Code': 'x' },
      { birthday_call: '' },
      { birthday_call: '   ' },
      { birthday_call: 'a\u0000b' },
      { birthday_call: '\ud800' },
      { birthday_call: '长'.repeat(41) },
      { birthday_call: 7 },
      ['birthday_call'],
      'birthday_call',
    ])
      expect(() => setSetting({}, 'tasks.labels', labels), JSON.stringify(labels)).toThrow(/tasks\.labels/);
    expect(Object.prototype).not.toHaveProperty('x');
  });

  it('names the keys a section has when a key is unknown', () => {
    expect(() => setSetting({}, 'points.enabld', true)).toThrow(
      /unknown setting "points.enabld": "points" has enabled, per_unit/,
    );
    expect(() => setSetting({}, 'nothing', 1)).toThrow(/the sections are rfm, lifecycle, points/);
    expect(() => setSetting({}, 'points.enabled.deeper', 1)).toThrow(
      /"points.enabled" has no settings inside it/,
    );
    expect(() => setSetting({}, 'points..enabled', 1)).toThrow(/needs a name such as points.enabled/);
  });

  it('replaces a stored value that is not an object on the way down instead of writing into it', () => {
    expect(setSetting({ points: 'broken' }, 'points.enabled', true)).toEqual({ points: { enabled: true } });
  });
});
