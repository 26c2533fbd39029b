// Shared fixtures: every test fails on a console error or on any request that leaves 127.0.0.1,
// and can ask the native core (through the `shardscope` CLI) for the numbers a page must show.
import { test as base, expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';

/** What the native core prints for `shardscope <args…>` (a lab's numbers for a permalink query). */
export function core<T>(...args: string[]): T {
  // A lab at full scale prints megabytes (the Message bus lab's 10,000 partitions, twice), more
  // than execFileSync's default 1 MB buffer.
  return JSON.parse(execFileSync('target/release/shardscope', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }));
}

/** Every lab's presets. */
export const corePresets = () => core<{ lab: string; name: string; lesson: string; query: string }[]>('presets');

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

export type AlgorithmReport = {
  algorithm: string;
  moved: number;
  minimum: number;
  peak_to_mean: number;
  refused: string[];
  nodes: { node: number; before: number | null; after: number | null }[];
  replication: { examined: number; under_replicated: number; unavailable: number; badly_spread: number } | null;
};
export type PlacementNumbers = { query: string; problems: string[]; report: { keys: number; algorithms: AlgorithmReport[] } };

/** What the native core computes for a Placement permalink query. */
export const corePlacement = (query: string) => core<PlacementNumbers>('placement', query);

/** The serde names of the algorithms, as the Placement page's `data-alg` slugs. */
export const SLUG: Record<string, string> = {
  ModN: 'modn', Ring: 'ring', Rendezvous: 'hrw', Jump: 'jump', Maglev: 'maglev',
  MultiProbe: 'multiprobe', Bounded: 'bounded', Anchor: 'anchor',
};

/** Checks that the Placement page shows, column by column, the numbers the core computes for `query`. */
export async function expectCoreNumbers(page: Page, query: string) {
  const expected = corePlacement(query);
  const results = await waitForResults(page, expected.query);
  await expect(results).toHaveAttribute('data-keys', String(expected.report.keys));
  for (const a of expected.report.algorithms) {
    const slug = SLUG[a.algorithm];
    const cell = (row: string) => page.locator(`#${row} td[data-alg="${slug}"]`);
    await expect(cell('row-moved').locator('.moved')).toHaveAttribute('data-value', String(a.moved));
    await expect(cell('row-minimum').locator('.minimum')).toHaveAttribute('data-value', String(a.minimum));
    await expect(cell('row-peak').locator('.peak')).toHaveAttribute('data-value', a.peak_to_mean.toFixed(4));
    if (a.replication) {
      await expect(cell('row-replicas').locator('.unavailable')).toHaveAttribute('data-value', String(a.replication.unavailable));
      await expect(cell('row-replicas').locator('.badly-spread')).toHaveAttribute('data-value', String(a.replication.badly_spread));
    }
  }
  return expected;
}

/** `s` with the characters a RegExp treats specially escaped. */
export const escapeRegExp = (s: string) => s.replace(/[.?*+^$()|[\]\\]/g, '\\$&');

/** `1234567` as the page writes it: `1,234,567`. */
export const grouped = (n: number) => n.toLocaleString('en-US');

/** Starts recording the page's long tasks (over 50 ms), after proving the observer sees one: a
 *  deliberate 120 ms task of the page's own event loop must be reported exactly once. */
export async function watchLongTasks(page: Page) {
  await page.evaluate(async () => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask' });
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        const t = performance.now();
        while (performance.now() - t < 120) { /* busy */ }
        resolve();
      }, 50),
    );
    await new Promise((r) => setTimeout(r, 300));
  });
  const calibration = await longTasks(page);
  expect(calibration.length, 'the long-task observer sees a deliberate 120 ms task').toBe(1);
}

/** The long tasks recorded since the last call (see `watchLongTasks`), in milliseconds. */
export async function longTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.splice(0));
}
