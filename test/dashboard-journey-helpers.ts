import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type APIRequestContext, type Page, request } from 'playwright-core';
import { expect } from 'vitest';
import { PASSWORD } from './dashboard-harness.ts';

// What the journeys browser tests share: an admin's own API session, a webhook receiver, the zh-CN
// number formats the page uses, and the canvas's handles, edges and titles read as a user sees them.

/** A number as the zh-CN page shows it. */
export const zhNumber = (n: number) => n.toLocaleString('zh-CN');
/** A share as the zh-CN page shows it (one decimal at most), `—` for none. */
export const zhPercent = (f: number | null) =>
  f === null ? '—' : new Intl.NumberFormat('zh-CN', { style: 'percent', maximumFractionDigits: 1 }).format(f);

/** A step of a journey's report (`GET /journeys/{journey}`). */
export interface Step {
  step: string;
  reached: number;
  now_at: number;
  outcomes: Record<string, number>;
}

/** The admin's session apart from the browser's: reads and writes through the API. */
export async function adminSession(base: string) {
  const api: APIRequestContext = await request.newContext({ baseURL: base });
  const login = await api.post('/api/v1/auth/login', {
    data: { email: 'admin@shop.test', password: PASSWORD },
  });
  const csrf = (await login.json()).csrf_token as string;
  return {
    api,
    /** A write; a status of 300 or more fails the test with the server's answer. */
    async write(method: 'post' | 'put', path: string, data: unknown) {
      const reply = await api[method](`/api/v1${path}`, { data, headers: { 'x-csrf-token': csrf } });
      expect(reply.status(), `${method} ${path}: ${await reply.text()}`).toBeLessThan(300);
      return reply.status() === 204 ? null : reply.json();
    },
    get: async (path: string) => (await api.get(`/api/v1${path}`)).json(),
  };
}

/** A receiver for the webhook channel: every message the worker delivers arrives in `received`. */
export async function startHook() {
  const received: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

/** The canvas and select helpers on the page `current()` returns. */
export function canvasHelpers(current: () => Page) {
  /** Opens an Ant Design select by its label and picks the option shown as `option` (checked, retried). */
  async function choose(label: string, option: string) {
    const page = current();
    const select = page.getByLabel(label, { exact: true });
    const shown = () => select.evaluate((input) => input.closest('.ant-select')?.textContent ?? '');
    for (let attempt = 0; attempt < 3 && (await shown()) !== option; attempt++) {
      await select.click();
      await page
        .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
        .and(page.getByTitle(option, { exact: true }))
        .click({ timeout: 3000 })
        .catch(() => page.keyboard.press('Escape'));
      await expect
        .poll(shown, { timeout: 2000 })
        .toBe(option)
        .catch(() => undefined);
    }
    expect(await shown(), label).toBe(option);
  }
  /** Connects two handles (`node:handle`) of the canvas by dragging one onto the other. */
  async function connectHandles(from: string, to: string) {
    const page = current();
    const handle = (spec: string) => {
      const [node, id] = spec.split(':');
      return page.locator(`.react-flow__handle[data-nodeid="${node}"][data-handleid="${id}"]`);
    };
    const a = (await handle(from).boundingBox())!;
    const b = (await handle(to).boundingBox())!;
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
    await page.mouse.up();
  }
  /** The canvas's edges (`source:handle>target`), sorted. */
  const edgeIds = async () =>
    (
      await current()
        .locator('.react-flow__edge')
        .evaluateAll((es) => es.map((e) => e.getAttribute('data-id')))
    ).sort();
  /** A node's title as the canvas shows it. */
  const nodeTitle = (id: string) => current().locator(`[data-node="${id}"] [data-node-title]`).textContent();
  return { choose, connectHandles, edgeIds, nodeTitle };
}
