import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail as the SMTP server received and parsed it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  listUnsubscribe?: string;
  /** With `startSmtpSink({ ids: true })`: the Message-ID and Retain's idempotency key. */
  messageId?: string;
  idempotencyKey?: string;
  /** The raw `List-Unsubscribe-Post` header (RFC 8058). */
  listUnsubscribePost?: string;
}

/** A request as the HTTP server received it. */
export interface ReceivedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const post = (lines: readonly { key: string; line: string }[]) => {
  const line = lines.find((l) => l.key === 'list-unsubscribe-post')?.line;
  return line ? { listUnsubscribePost: line.slice(line.indexOf(':') + 1).trim() } : {};
};

/** A real SMTP server on 127.0.0.1 that parses and keeps every mail it receives. */
export async function startSmtpSink(options: { ids?: boolean } = {}) {
  const mail: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          // mailparser files List-* headers under `list`.
          const list = parsed.headers.get('list') as { unsubscribe?: { url: string } } | undefined;
          mail.push({
            from: session.envelope.mailFrom ? (session.envelope.mailFrom as { address: string }).address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: (parsed.text ?? '').trim(),
            ...(parsed.html ? { html: parsed.html } : {}),
            ...(list?.unsubscribe ? { listUnsubscribe: list.unsubscribe.url } : {}),
            ...(options.ids
              ? {
                  messageId: parsed.messageId ?? '',
                  idempotencyKey: String(parsed.headers.get('x-retain-idempotency-key') ?? ''),
                }
              : {}),
            ...post(parsed.headerLines),
          });
          callback();
        })
        .catch(callback);
    },
  });
  // A client that dies mid-mail (a killed worker) resets its connection; that is its problem.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    mail,
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * A real HTTP server on 127.0.0.1 that keeps every request and answers through `respond`
 * (by default 200 "ok").
 */
export async function startHttpSink(
  respond?: (req: IncomingMessage, res: ServerResponse, body: string) => void,
) {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      if (respond) respond(req, res, body);
      else res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    requests,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * A port on 127.0.0.1 that nothing listens on, as the system hands out: a `retain serve` child given
 * it does not collide with another test file's server (two run at once) or another checkout's, as a
 * port drawn from a small fixed range could, which then answered the test in its place.
 */
export async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
