import { describe, expect, it } from 'vitest';
import { redactUrl } from './log-redact.ts';

describe('URLs in logs', () => {
  it('masks phones and emails searched for, and leaves other parameters alone', () => {
    expect(redactUrl('/api/v1/customers?q=13812345678&limit=5')).toBe(
      '/api/v1/customers?q=138****5678&limit=5',
    );
    expect(redactUrl('/api/v1/customers?q=zhang%40example.com')).toBe(
      '/api/v1/customers?q=z***%40example.com',
    );
    expect(redactUrl('/api/v1/customers?q=%E5%BC%A0%E4%B8%89')).toBe('/api/v1/customers?q=***');
    expect(redactUrl('/api/v1/metrics?from=2024-01-01')).toBe('/api/v1/metrics?from=2024-01-01');
  });
});

describe('invitation links in logs', () => {
  it('leaves the token of an accept link out', () => {
    expect(redactUrl('/invite/ri_secretToken123')).toBe('/invite/***');
  });
});
