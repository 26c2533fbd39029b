// Shared fixtures: every test fails on a console error or on any request that leaves 127.0.0.1,
// and can ask the native core (through the `shardscope` CLI) for the numbers a page must show.
import { test as base, expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';

export type RebalanceNumbers = {
  query: string;
  problems: string[];
  keys: number;
  moved: number;
  minimum: number;
  expected_moved: number;
  loads: { node: number; before: number | null; after: number | null }[];
};

/** What the native core prints for `shardscope <args…>` (a lab's numbers for a permalink query). */
export function core<T>(...args: string[]): T {
  return JSON.parse(execFileSync('target/release/shardscope', args, { encoding: 'utf8' }));
}

/** The numbers the core computes natively for a Rebalance permalink query. */
export const coreRebalance = (query: string) => core<RebalanceNumbers>('rebalance', query);

/** The labs in the core's catalog. */
export const coreLabs = () => core<{ slug: string; title: string; summary: string }[]>('labs');

type Fixtures = { guard: { consoleErrors: string[]; foreignRequests: string[]; allowErrors: () => void } };

export const test = base.extend<Fixtures>({
  guard: [
    async ({ page }, use) => {
      const consoleErrors: string[] = [];
      const foreignRequests: string[] = [];
      let errorsAllowed = false;
      page.on('console', (msg) => {
        if (msg.type() === 'error' || msg.type() === 'warning') consoleErrors.push(`${msg.type()}: ${msg.text()}`);
      });
      page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
      page.on('request', (req) => {
        const url = new URL(req.url());
        if (url.protocol !== 'data:' && url.hostname !== '127.0.0.1') foreignRequests.push(req.url());
      });
      await use({ consoleErrors, foreignRequests, allowErrors: () => (errorsAllowed = true) });
      expect(foreignRequests, 'requests that left 127.0.0.1').toEqual([]);
      if (!errorsAllowed) expect(consoleErrors, 'console errors and warnings').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until a lab shows finished numbers for exactly `query`. */
export async function waitForResults(page: Page, query: string) {
  const results = page.locator('section.results[data-state="done"]');
  await expect(results).toHaveAttribute('data-query', query);
  return results;
}

/** Reads the numbers the page shows. */
export async function shownNumbers(page: Page) {
  const results = page.locator('section.results[data-state="done"]');
  const rows = await page.locator('table.loads tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      node: Number(tr.getAttribute('data-node')),
      cells: Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? ''),
    })),
  );
  return {
    moved: Number(await results.getAttribute('data-moved')),
    minimum: Number(await results.getAttribute('data-minimum')),
    keys: Number(await results.getAttribute('data-keys')),
    headline: await page.locator('#moved').innerText(),
    rows,
  };
}

/** `1234567` as the page writes it: `1,234,567`. */
export const grouped = (n: number) => n.toLocaleString('en-US');
