// The Cache cluster lab: its numbers against the native core for the default state and every
// preset, settings and the keyboard in the link, bad links, and ten million requests per
// algorithm in the worker without a long task on the page.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, core, corePresets, grouped, longTasks, watchLongTasks, waitForResults } from './fixtures';
import type { Page } from '@playwright/test';

type Algorithm = {
  algorithm: string;
  name: string;
  hit_ratio: number;
  hit_ratio_theory: number | null;
  db_steady_rps: number;
  db_peak_rps: number | null;
  db_peak_theory_rps: number | null;
  moved_keys: number | null;
  moved_theory: number | null;
  node_rps: number[];
  node_rps_theory: number[];
  total: { requests: number; local_hits: number; hits: number; fetches: number; coalesced: number };
  series: { at_ms: number; fetches: number }[];
};
type Numbers = { query: string; problems: string[]; report: { bucket_ms: number; algorithms: Algorithm[] } };

const cluster = (q: string) => core<Numbers>('cache-cluster', q);
const presets = () => corePresets().filter((p) => p.lab === 'cache-cluster');
const SLUG: Record<string, string> = {
  ModN: 'modn', Ring: 'ring', Rendezvous: 'hrw', Jump: 'jump', Maglev: 'maglev', MultiProbe: 'multiprobe', Anchor: 'anchor',
};
/** A float as the page writes it: rounded half to even, digits grouped. */
const whole = (x: number) => {
  let r = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0) r -= 1;
  return grouped(r);
};
const ratio = (x: number | null) => (x === null ? '—' : x.toFixed(4));

/** Checks that the page shows, algorithm by algorithm, what the core computes for `query`. */
async function expectCoreNumbers(page: Page, query: string, timeout = 60_000) {
  const expected = cluster(query);
  await expect(page.locator('section.results[data-state="done"]')).toHaveAttribute('data-query', expected.query, { timeout });
  for (const a of expected.report.algorithms) {
    const cell = (row: string) => page.locator(`#${row} td[data-alg="${SLUG[a.algorithm]}"]`);
    await expect(cell('row-hit')).toHaveText(ratio(a.hit_ratio));
    await expect(cell('row-che')).toHaveText(ratio(a.hit_ratio_theory));
    await expect(cell('row-steady')).toHaveText(whole(a.db_steady_rps));
    await expect(cell('row-peak')).toHaveText(a.db_peak_rps === null ? '—' : whole(a.db_peak_rps));
    await expect(cell('row-moved')).toHaveText(ratio(a.moved_keys));
    await expect(cell('row-fetches')).toHaveText(grouped(a.total.fetches));
    await expect(cell('row-local')).toHaveText(grouped(a.total.local_hits));
    await expect(cell('row-coalesced')).toHaveText(grouped(a.total.coalesced));
    await expect(cell('row-busiest')).toHaveText(whole(Math.max(...a.node_rps)));
    // The picture has the algorithm's line and a bar per node.
    await expect(page.locator(`#db-chart g.policy-line[data-series="${SLUG[a.algorithm]}"] polyline`)).toHaveCount(1);
    await expect(page.locator(`#nodes-chart g.node-bars[data-alg="${SLUG[a.algorithm]}"] rect.bar`)).toHaveCount(a.node_rps.length);
  }
  return expected;
}

test('the default state shows the core’s numbers, theory beside them', async ({ page }) => {
  await page.goto('./cache-cluster/');
  const expected = await expectCoreNumbers(page, 'v=1');
  const [ring, modn] = expected.report.algorithms;
  // The measured numbers sit on their theory: Che node by node, the keys a loss moves, each node's share.
  expect(Math.abs(ring.hit_ratio - ring.hit_ratio_theory!)).toBeLessThan(0.01);
  expect(Math.abs(ring.moved_keys! - 0.1)).toBeLessThan(0.03);
  expect(Math.abs(modn.moved_keys! - 0.9)).toBeLessThan(0.03);
  expect(modn.db_peak_rps!).toBeGreaterThan(3 * ring.db_peak_rps!);
  await expect(page.locator('#headline-moved')).toContainText('1/N = 10.0 %');
  await expect(page.locator('#headline-hit')).toContainText('Che, node by node');
  await expect(page.locator('#headline-peak')).toContainText('one fetch per miss');
  // The chart's table has a row per second of the run.
  await expect(page.locator('#db-chart details.chart-data tbody tr')).toHaveCount(60);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
});

test('every preset opens with the core’s numbers', async ({ page }) => {
  test.setTimeout(300_000);
  for (const p of presets()) {
    await page.goto(`./cache-cluster/#/lab/cache-cluster?${p.query}`);
    await expectCoreNumbers(page, p.query, 120_000);
    await expect(page.locator('#preset')).not.toHaveValue('');
  }
});

test('settings and the keyboard change the link, and the link restores them', async ({ page }) => {
  const q = 'v=1&alg=ring&nodes=5&objects=10000&capacity=500&rate=10000&seconds=10&fail=5000&hot=10&fetch=100';
  await page.goto(`./cache-cluster/#/lab/cache-cluster?${q}`);
  await waitForResults(page, cluster(q).query);
  await page.locator('#alg-hrw').check();
  await page.locator('#replicas').fill('4');
  await page.locator('#replicas').press('Enter');
  // → turns coalescing on, from anywhere on the page but a field.
  await page.locator('#lab-title').click();
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/coalesce=1/);
  const expected = await expectCoreNumbers(page, `${q.replace('alg=ring', 'alg=ring,hrw')}&replicas=4&coalesce=1`);
  expect(expected.report.algorithms.every((a) => a.total.coalesced > 0)).toBe(true);
  const url = page.url();
  await page.goto('about:blank');
  await page.goto(url);
  await waitForResults(page, expected.query);
  await expect(page.locator('#replicas')).toHaveValue('4');
  await expect(page.locator('#coalesce')).toBeChecked();
  await expect(page.locator('#alg-hrw')).toBeChecked();
  // A fourth algorithm is refused: its box is disabled once three are on.
  await page.locator('#alg-jump').check();
  await expect(page.locator('#alg-maglev')).toBeDisabled();
});

test('bad cluster links are named and clamped, never a hang', async ({ page }) => {
  const bad = 'v=1&alg=ring,bounded&policy=opt&nodes=0&rate=1000000&seconds=600&fail=999999&alpha=-1&objects=1000000&local=100&apps=64';
  await page.goto(`./cache-cluster/#/lab/cache-cluster?${bad}`);
  const banner = page.locator('.url-problems');
  for (const word of ['bounded', 'OPT', 'nodes', 'alpha', 'more than 10000000 requests', 'memory']) await expect(banner).toContainText(word);
  await expectCoreNumbers(page, bad, 120_000);
  await page.locator('#nodes').fill('1');
  await page.locator('#nodes').press('Enter');
  await expect(page.locator('#notice')).toContainText('cache nodes must be 2–64, not 1');
});

test('ten million requests per algorithm in the worker: progress, Cancel, and no main-thread task over 50 ms @alone', async ({ page }) => {
  test.setTimeout(300_000);
  const big = 'v=1&alg=ring,modn&rate=1000000&seconds=10&fail=5000';
  await page.goto('./cache-cluster/#/lab/cache-cluster?v=1&alg=ring&rate=1000&seconds=2&fail=0');
  await waitForResults(page, cluster('v=1&alg=ring&rate=1000&seconds=2&fail=0').query);
  await page.goto(`./cache-cluster/#/lab/cache-cluster?${big}`);
  await expect(page.locator('progress')).toBeVisible();
  await page.locator('#cancel').click();
  await expect(page.locator('.results[data-state="failed"]')).toContainText('Cancelled');
  await watchLongTasks(page);
  const started = Date.now();
  await page.locator('#run-again').click();
  await expect(page.locator('progress')).toBeVisible();
  await expectCoreNumbers(page, big, 240_000);
  const seconds = (Date.now() - started) / 1000;
  const tasks = await longTasks(page);
  console.log(`Cache cluster, 2 × 10,000,000 requests (ring and mod N, a node lost): ${seconds.toFixed(1)} s in the worker; long tasks: ${JSON.stringify(tasks)}`);
  expect(tasks, 'main-thread tasks over 50 ms while the clusters ran').toEqual([]);
});
