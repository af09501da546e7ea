import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../shared/errors.ts';
import { detectEncoding, formatOf } from './file-reader.ts';

const CHINESE_CSV = '订单号,手机号,下单时间,实付金额\r\nE1001,13800138000,2024/3/5 14:03,¥1299.00\r\n';

describe('detectEncoding', () => {
  it('detects UTF-8 Chinese text as utf8', () => {
    expect(detectEncoding(Buffer.from(CHINESE_CSV, 'utf8'))).toBe('utf8');
  });

  it('detects the same text saved as GBK (Excel on Chinese Windows) as gb18030', () => {
    expect(detectEncoding(iconv.encode(CHINESE_CSV, 'gbk'))).toBe('gb18030');
  });

  it('still detects utf8 when the sample ends inside a 3-byte character', () => {
    const bytes = Buffer.from('订单号', 'utf8'); // 3 characters × 3 bytes
    expect(detectEncoding(bytes.subarray(0, 7))).toBe('utf8');
    expect(detectEncoding(bytes.subarray(0, 8))).toBe('utf8');
  });

  it('detects utf8 for plain ASCII and an empty sample', () => {
    expect(detectEncoding(Buffer.from('InvoiceNo,StockCode\n536365,85123A\n'))).toBe('utf8');
    expect(detectEncoding(Buffer.alloc(0))).toBe('utf8');
  });

  it('detects gb18030 when the only GBK character ends the sample', () => {
    // 张 in GBK is D5 C5: C5 is not a UTF-8 continuation byte, so this cannot be cut-off UTF-8.
    const bytes = iconv.encode('phone,name\r\n13800138000,张', 'gbk');
    expect(detectEncoding(bytes)).toBe('gb18030');
  });
});

describe('detectEncoding of a single-byte file', () => {
  it('a Latin-1 file is stored garbled: detects neither utf8 nor gb18030 for Western European Latin-1', () => {
    // Müller and Zürich decode as GBK pairs with an ASCII second byte; José, ends a cell: invalid GBK.
    expect(detectEncoding(iconv.encode('name,city\nMüller,Zürich\n', 'latin1'))).toBeUndefined();
    expect(detectEncoding(iconv.encode('name,city\nJosé,Málaga\n', 'latin1'))).toBeUndefined();
  });
});

describe('formatOf', () => {
  it('reads the format from the extension, ignoring case', () => {
    expect(formatOf('orders.csv')).toEqual({ format: 'csv', gzip: false });
    expect(formatOf('/data/ORDERS.CSV.GZ')).toEqual({ format: 'csv', gzip: true });
    expect(formatOf('events.tsv')).toEqual({ format: 'tsv', gzip: false });
    expect(formatOf('events.tsv.gz')).toEqual({ format: 'tsv', gzip: true });
    expect(formatOf('客户.xlsx')).toEqual({ format: 'xlsx', gzip: false });
  });

  it('rejects an unsupported file type, naming the file', () => {
    expect(() => formatOf('orders.json')).toThrow(InvalidInputError);
    expect(() => formatOf('orders.json')).toThrow(/orders\.json: unsupported file type/);
    expect(() => formatOf('orders.xlsx.gz')).toThrow(InvalidInputError);
  });
});
