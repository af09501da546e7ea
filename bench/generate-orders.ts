import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a deterministic orders CSV: `orders` rows for `orders / 10` customers over two years
 * (2024–2025, Shanghai local times), 3% cancelled, 2% refunded, amounts ¥9.90–¥999.00.
 */
export async function generateOrdersFile(path: string, orders: number): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  const customers = Math.max(1, Math.floor(orders / 10));
  let seed = 20261123;
  const next = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const start = Date.UTC(2024, 0, 1);
  const span = 730 * 86_400_000;
  const pad = (n: number) => String(n).padStart(2, '0');
  const channels = ['天猫', '微信小程序', '门店'];
  let buffer = 'order_id,customer_id,ordered_at,amount,status,channel\n';
  for (let i = 1; i <= orders; i++) {
    const d = new Date(start + Math.floor(next() * span));
    const time = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    const r = next();
    const status = r < 0.03 ? 'cancelled' : r < 0.05 ? 'refunded' : 'completed';
    const amount = (990 + Math.floor(next() * 98_910)) / 100;
    const customer = 1 + Math.floor(next() * customers);
    buffer += `SO${i},C${customer},${time},${amount.toFixed(2)},${status},${channels[i % 3]}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}
