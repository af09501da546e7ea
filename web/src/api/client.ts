/** An error answer of the API: `{error, message, fields?}` and its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: { field: string; message: string }[],
  ) {
    super(message);
  }
}

// Writes made with the session cookie must carry the token login returned (see README, HTTP API).
let csrfToken: string | null = null;

/** Remembers the CSRF token of the signed-in session. */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

/** Calls `/api/v1{path}`; JSON in and out, errors thrown as {@link ApiError}. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: payload,
    credentials: 'same-origin',
  });
  const text = await response.text();
  const json = text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined;
  if (!response.ok) {
    throw new ApiError(
      response.status,
      json?.error ?? 'error',
      json?.message ?? response.statusText,
      json?.fields,
    );
  }
  return (json ?? text) as T;
}

/** GET with a query string built from the defined values. */
export function get<T>(path: string, query: Record<string, string | number | undefined | null> = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return api<T>('GET', qs ? `${path}?${qs}` : path);
}

/** The address of an API download (CSV, XLSX), for a link the browser follows with the cookie. */
export function downloadUrl(path: string, query: Record<string, string | undefined> = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const qs = params.toString();
  return `/api/v1${path}${qs ? `?${qs}` : ''}`;
}
