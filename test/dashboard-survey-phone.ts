import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { screenshot, watchedPage } from './dashboard-harness.ts';

// The public survey page as a customer's phone shows it, for the dashboard's survey tests.

/**
 * Opens a survey link `url` in a new tab of `browser` at phone width (390×844) and, with
 * `answer`, posts that answer from it as the page's own form would; returns the last status and
 * the page's visible lines, and closes the tab (left open, it would keep the dashboard's tab in
 * the background, where its popups never finish opening).
 */
export async function onPhone(
  browser: BrowserContext,
  url: string,
  shot: string,
  answer?: Record<string, string>,
) {
  const { page: phone, errors: seen } = await watchedPage(browser);
  try {
    return await phoneVisit(phone, seen, url, shot, answer);
  } finally {
    await phone.close();
  }
}

async function phoneVisit(
  phone: Page,
  seen: string[],
  url: string,
  shot: string,
  answer?: Record<string, string>,
) {
  await phone.setViewportSize({ width: 390, height: 844 });
  let status = (await phone.goto(url))?.status();
  if (answer) {
    // A refused link's page has no form: one like the survey's is put on it and submitted.
    const [posted] = await Promise.all([
      phone.waitForNavigation(),
      phone.evaluate(
        ({ to, fields }) => {
          const form = document.createElement('form');
          form.method = 'post';
          form.action = to;
          for (const [name, value] of Object.entries(fields))
            form.append(Object.assign(document.createElement('input'), { name, value }));
          document.body.append(form);
          form.submit();
        },
        { to: url, fields: answer },
      ),
    ]);
    status = posted?.status();
  }
  const text = (await phone.locator('main').innerText()).replace(/\n+/g, '\n');
  const forms = await phone.locator('form').count();
  await screenshot(phone, shot);
  // The browser reports each refusal's status and nothing else.
  expect(seen.filter((e) => !/status of (404|409|410)/.test(e))).toEqual([]);
  return { status, text, forms };
}
