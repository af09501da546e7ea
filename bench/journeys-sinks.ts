/**
 * The sinks of `npm run bench:journeys`, in their own process so that receiving does not take the
 * worker's event loop: a real SMTP server (smtp-server) and a real HTTP server on 127.0.0.1. Each
 * counts what it received by idempotency key (the `X-Retain-Idempotency-Key` mail header, the
 * `idempotency-key` request header), so the benchmark can check that every message arrived once.
 *
 * Talks to its parent over IPC: it sends `{ smtpPort, httpPort }` when listening and answers
 * `{ stats: prefix }` with `{ total, distinct, keys }` for the keys starting with the prefix.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

const received = new Map<string, number>();
const count = (key: string) => received.set(key, (received.get(key) ?? 0) + 1);

const KEY_HEADER = /^x-retain-idempotency-key:[ \t]*(.+?)\r?$/im;

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  disableReverseLookup: true,
  size: 1024 * 1024,
  onData(stream, _session, callback) {
    // Only the header block is read: parsing every body would cost the sink more than the sender.
    let head = '';
    let done = false;
    stream.on('data', (chunk: Buffer) => {
      if (done) return;
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end >= 0) {
        head = head.slice(0, end);
        done = true;
      }
    });
    stream.on('end', () => {
      const key = KEY_HEADER.exec(head)?.[1]?.trim();
      count(key ?? '(none)');
      callback();
    });
  },
});

const http = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    count(String(req.headers['idempotency-key'] ?? '(none)'));
    res.end('ok');
  });
});

await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));

process.on('message', (m: { stats?: string; exit?: boolean }) => {
  if (m.exit) {
    http.close();
    smtp.close(() => process.exit(0));
    return;
  }
  if (m.stats !== undefined) {
    let total = 0;
    const keys: string[] = [];
    for (const [key, n] of received)
      if (key.startsWith(m.stats)) {
        total += n;
        keys.push(key);
      }
    process.send!({
      total,
      distinct: keys.length,
      keys,
      peakMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    });
  }
});
process.send!({
  smtpPort: (smtp.server.address() as AddressInfo).port,
  httpPort: (http.address() as AddressInfo).port,
});
