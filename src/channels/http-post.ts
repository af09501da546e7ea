import http from 'node:http';
import https from 'node:https';

/** What a receiver answered: its status and its request id (`x-request-id`), the body read and dropped. */
export interface PostAnswer {
  status: number;
  requestId: string | null;
}

/** Posts bodies to one receiver over kept-alive connections. */
export interface Poster {
  post(url: string, headers: Record<string, string>, body: string): Promise<PostAnswer>;
  /** Closes the kept-alive connections. */
  close(): void;
}

/** How long a receiver may stay silent before the post fails (it may be retried). */
const SILENCE_MS = 10_000;

/**
 * A poster with its own kept-alive connections, through node's `http`/`https` agents rather than
 * `fetch`: a delivery round posts thousands of small bodies, and `fetch` (web streams, an abort
 * signal, a Request and a Response object per call) cost more of the worker's CPU per post than
 * everything else the round does for a message.
 */
export function keptAlivePoster(): Poster {
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };
  // Parsed once: a poster posts to one endpoint, again and again.
  let last: { url: string; target: URL } | undefined;
  const parse = (url: string) => {
    if (last?.url !== url) last = { url, target: new URL(url) };
    return last.target;
  };
  const once = (url: string, headers: Record<string, string>, body: string) =>
    new Promise<PostAnswer & { reused: boolean }>((resolve, reject) => {
      const target = parse(url);
      const agent = agents[target.protocol as keyof typeof agents];
      if (!agent) return reject(new Error(`unsupported protocol ${target.protocol}`));
      const request = (target.protocol === 'https:' ? https : http).request(
        target,
        {
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          timeout: SILENCE_MS,
        },
        (response) => {
          response.resume();
          response.on('error', reject);
          response.on('end', () => {
            const id = response.headers['x-request-id'];
            resolve({
              status: response.statusCode ?? 0,
              requestId: typeof id === 'string' ? id : null,
              reused: request.reusedSocket,
            });
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer in ${SILENCE_MS / 1000} s`)));
      request.on('error', (error) => reject(Object.assign(error, { reused: request.reusedSocket })));
      request.end(body);
    });
  // A kept-alive connection the receiver closed just as it was reused fails at once: that post is
  // made again on a new connection (the receiver never saw it; node's documented remedy).
  const post = async (url: string, headers: Record<string, string>, body: string): Promise<PostAnswer> => {
    try {
      const { status, requestId } = await once(url, headers, body);
      return { status, requestId };
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { reused?: boolean };
      if (!e.reused || e.code !== 'ECONNRESET') throw error;
      const { status, requestId } = await once(url, headers, body);
      return { status, requestId };
    }
  };
  return {
    post,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
