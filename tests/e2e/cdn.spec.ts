// The CDN lab: its numbers against the native core for the default state and every preset,
// settings and the keyboard in the link, bad links, and four runs of ten million requests in the
// worker without a long task on the page.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, core, corePresets, grouped, longTasks, watchLongTasks, waitForResults } from './fixtures';
import type { Page } from '@playwright/test';

type Region = { name: string; answered: number; stale: number; p50_ms: number | null; p95_ms: number | null; p99_ms: number | null };
type Run = {
  name: string;
  slug: string;
  offload: number;
  offload_theory: number | null;
  origin_rps: number;
  origin_rps_theory: number | null;
  stale: number;
  stale_theory: number | null;
  answered: number;
  answered_theory: number | null;
  shield_hit_ratio: number | null;
  not_modified: number;
  flush_10s_requests: number | null;
  total: { requests: number; fresh: number; misses: number; origin_requests: number };
  regions: Region[];
};
type Numbers = { query: string; problems: string[]; report: { theory_missing: string | null; runs: Run[] } };

const cdn = (q: string) => core<Numbers>('cdn', q);
const presets = () => corePresets().filter((p) => p.lab === 'cdn');
/** A float as the page writes it: rounded half to even, digits grouped. */
const whole = (x: number) => {
  let r = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0) r -= 1;
  return grouped(r);
};
const ratio = (x: number | null) => (x === null ? '—' : x.toFixed(4));
const ms = (x: number | null) => (x === null ? '—' : `${x} ms`);

/** Checks that the page shows, run by run and region by region, what the core computes for `query`. */
async function expectCoreNumbers(page: Page, query: string, timeout = 60_000) {
  const expected = cdn(query);
  await expect(page.locator('section.results[data-state="done"]')).toHaveAttribute('data-query', expected.query, { timeout });
  for (const a of expected.report.runs) {
    const cell = (row: string) => page.locator(`#${row} td[data-run="${a.slug}"]`);
    await expect(cell('row-offload')).toHaveText(ratio(a.offload));
    await expect(cell('row-offload-theory')).toHaveText(ratio(a.offload_theory));
    await expect(cell('row-origin')).toHaveText(whole(a.origin_rps));
    await expect(cell('row-stale')).toHaveText(ratio(a.stale));
    await expect(cell('row-stale-theory')).toHaveText(ratio(a.stale_theory));
    await expect(cell('row-answered')).toHaveText(ratio(a.answered));
    await expect(cell('row-shield')).toHaveText(ratio(a.shield_hit_ratio));
    await expect(cell('row-requests')).toHaveText(grouped(a.total.requests));
    await expect(cell('row-misses')).toHaveText(grouped(a.total.misses));
    await expect(cell('row-origin-total')).toHaveText(grouped(a.total.origin_requests));
    await expect(cell('row-flush-10s')).toHaveText(a.flush_10s_requests === null ? '—' : grouped(a.flush_10s_requests));
    for (const [g, region] of a.regions.entries()) {
      const row = page.locator(`#region-table tr[data-region="${g}"][data-run="${a.slug}"]`);
      await expect(row.locator('th')).toHaveText(region.name);
      await expect(row.locator('td.p50')).toHaveText(ms(region.p50_ms));
      await expect(row.locator('td.p95')).toHaveText(ms(region.p95_ms));
      await expect(row.locator('td.p99')).toHaveText(ms(region.p99_ms));
    }
    await expect(page.locator(`#origin-chart g.policy-line[data-series="${a.slug}"] polyline`)).toHaveCount(1);
  }
  return expected;
}

test('the default state shows the core’s numbers, the TTL-cache model beside them', async ({ page }) => {
  await page.goto('./cdn/');
  const expected = await expectCoreNumbers(page, 'v=1');
  // The default edges hold every object, so the TTL-cache model holds and sits beside each run.
  expect(expected.report.theory_missing).toBeNull();
  await expect(page.locator('#headline-offload')).toContainText('TTL-cache model');
  const [short, long] = expected.report.runs;
  for (const a of [short, long]) {
    expect(Math.abs(a.origin_rps / a.origin_rps_theory! - 1)).toBeLessThan(0.01);
    expect(Math.abs(a.answered - a.answered_theory!)).toBeLessThan(0.005);
  }
  expect(long.offload).toBeGreaterThan(short.offload);
  expect(long.stale).toBeGreaterThan(short.stale);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
});

test('every preset opens with the core’s numbers', async ({ page }) => {
  test.setTimeout(400_000);
  for (const p of presets()) {
    await page.goto(`./cdn/#/lab/cdn?${p.query}`);
    const expected = await expectCoreNumbers(page, p.query, 120_000);
    await expect(page.locator('#preset')).not.toHaveValue('');
    // Where the model holds, the measured origin load sits on it.
    for (const a of expected.report.runs) {
      if (a.origin_rps_theory !== null) expect(Math.abs(a.origin_rps / a.origin_rps_theory - 1)).toBeLessThan(0.03);
    }
  }
  await expect(page.locator('#headline-stale')).toContainText('stale by');
});

test('settings and the keyboard change the link, and the link restores them', async ({ page }) => {
  const q = 'v=1&ttl=30&regions=2&edges=2&objects=5000&edgecap=5000&shieldcap=5000&rate=2000&seconds=60';
  await page.goto(`./cdn/#/lab/cdn?${q}`);
  const first = await expectCoreNumbers(page, q);
  expect(first.report.theory_missing).toBeNull();
  await expect(page.locator('#headline-stale')).toContainText('TTL-cache model');
  await page.locator('#ttl').fill('300, 5');
  await page.locator('#ttl').press('Enter');
  await expect(page).toHaveURL(/ttl=5%2C300|ttl=5,300/);
  await page.locator('#shield').selectOption('both');
  // → turns purging on change on, from anywhere on the page but a field.
  await page.locator('#lab-title').click();
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/purge=1/);
  const expected = await expectCoreNumbers(page, `${q.replace('ttl=30', 'ttl=5,300')}&shield=both&purge=1`);
  expect(expected.report.runs.map((a) => a.slug)).toEqual(['ttl5', 'ttl5-shield', 'ttl300', 'ttl300-shield']);
  const url = page.url();
  await page.goto('about:blank');
  await page.goto(url);
  await waitForResults(page, expected.query);
  await expect(page.locator('#ttl')).toHaveValue('5,300');
  await expect(page.locator('#purge')).toBeChecked();
  await expect(page.locator('#shield')).toHaveValue('both');
});

test('bad CDN links are named and clamped, never a hang', async ({ page }) => {
  const bad = 'v=1&ttl=0,abc,60&shield=maybe&regions=9&rate=1000000&seconds=3600&alpha=-1&objects=1000000&edges=32&flush=99999999';
  await page.goto(`./cdn/#/lab/cdn?${bad}`);
  const banner = page.locator('.url-problems');
  for (const word of ['abc', 'maybe', 'regions', 'alpha', 'more than', 'memory']) await expect(banner).toContainText(word);
  await expectCoreNumbers(page, bad, 120_000);
  await page.locator('#ttl').fill('60, soon');
  await page.locator('#ttl').press('Enter');
  await expect(page.locator('#notice')).toContainText('“soon” is not a max-age');
  await page.locator('#regions').fill('7');
  await page.locator('#regions').press('Enter');
  await expect(page.locator('#notice')).toContainText('regions must be 1–6, not 7');
});

test('four runs of ten million requests in the worker: progress, Cancel, and no main-thread task over 50 ms @alone', async ({ page }) => {
  test.setTimeout(400_000);
  const big = 'v=1&ttl=60,600&shield=both&rate=1000000&seconds=10';
  const small = 'v=1&ttl=60&rate=1000&seconds=2';
  await page.goto(`./cdn/#/lab/cdn?${small}`);
  await waitForResults(page, cdn(small).query);
  await page.goto(`./cdn/#/lab/cdn?${big}`);
  await expect(page.locator('progress')).toBeVisible();
  await page.locator('#cancel').click();
  await expect(page.locator('.results[data-state="failed"]')).toContainText('Cancelled');
  await watchLongTasks(page);
  const started = Date.now();
  await page.locator('#run-again').click();
  await expect(page.locator('progress')).toBeVisible();
  await expectCoreNumbers(page, big, 360_000);
  const seconds = (Date.now() - started) / 1000;
  const tasks = await longTasks(page);
  console.log(`CDN, 4 × 10,000,000 requests (two max-ages, without and with shields): ${seconds.toFixed(1)} s in the worker; long tasks: ${JSON.stringify(tasks)}`);
  expect(tasks, 'main-thread tasks over 50 ms while the runs went').toEqual([]);
});
