import { describe, expect, it } from 'vitest';
import { maskEmail, maskIdentity, maskName, maskPhone } from './pii-mask.ts';

describe('personal data masking', () => {
  it('masks Chinese mobiles as 138****5678 and keeps a foreign number recognisable', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    const foreign = maskPhone('+442079460958');
    expect(foreign.endsWith('0958')).toBe(true);
    expect(foreign).not.toContain('7946');
  });

  it('masks the local part of an email', () => {
    expect(maskEmail('zhang.san@example.com')).toBe('z***@example.com');
  });

  it('masks WeChat ids and names but passes external ids', () => {
    expect(maskIdentity('wechat_openid', 'oABCDEFG123456')).toBe('oA***56');
    expect(maskIdentity('external_id', 'C-001')).toBe('C-001');
    expect(maskName('张三丰')).toBe('张**');
  });
});
