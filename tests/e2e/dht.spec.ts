// The DHT lab: its numbers against the native core, a lookup stepped hop by hop, every preset,
// the permalink, bad links, and 100,000 nodes in the worker without a long task on the page.
import { readdirSync, readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { test, expect, core, corePresets, grouped, longTasks, watchLongTasks, waitForResults } from './fixtures';
import type { Page } from '@playwright/test';

type Protocol = {
  protocol: 'Chord' | 'Kademlia' | 'OneHop';
  lookups: number;
  mean_hops: number;
  p50: number;
  p99: number;
  max_hops: number;
  mean_messages: number;
  mean_latency_ms: number;
  p99_latency_ms: number;
  theory_latency_ms: number;
  misrouted: number;
  lost: number;
  unsuccessful: number;
  state_mean: number;
  buckets: { index: number; nodes: number; held: number }[];
  trace: { queried: number[]; timed_out: number[] }[];
  eclipse: { lookups: number; chosen: number; bound: number; theory_bound: number } | null;
  churn: { misrouted: number }[];
};
type ZoomLevel = { span: number; start_at: number; slots: number; points: number[]; density: number[] };
type FailureCurve = { successors: number; points: { fail: number; misrouted: number; lost: number }[] };
type Numbers = {
  query: string;
  problems: string[];
  report: { slots: number; protocols: Protocol[]; sweep: unknown[]; failure_sweep: FailureCurve[]; zoom: ZoomLevel[] };
};

const dht = (q: string) => core<Numbers>('dht', q);
const SLUG = { Chord: 'chord', Kademlia: 'kademlia', OneHop: 'onehop' } as const;
const presets = () => corePresets().filter((p) => p.lab === 'dht');

/** Checks that the page shows, protocol by protocol, what the core computes for `query`. */
async function expectCoreNumbers(page: Page, query: string) {
  const expected = dht(query);
  await waitForResults(page, expected.query);
  for (const p of expected.report.protocols) {
    const cell = (row: string) => page.locator(`#${row} td[data-protocol="${SLUG[p.protocol]}"]`);
    await expect(cell('row-lookups')).toHaveText(grouped(p.lookups));
    await expect(cell('row-mean')).toHaveText(p.mean_hops.toFixed(3));
    await expect(cell('row-percentiles')).toHaveText(`${p.p50} / ${p.p99} / ${p.max_hops}`);
    await expect(cell('row-messages')).toHaveText(p.mean_messages.toFixed(2));
    await expect(cell('row-misrouted')).toHaveText(grouped(p.misrouted));
    await expect(cell('row-lost')).toHaveText(grouped(p.lost));
    await expect(cell('row-latency')).toHaveText(`${p.mean_latency_ms.toFixed(0)} / ${p.p99_latency_ms.toFixed(0)} ms`);
    await expect(cell('row-latency-theory')).toHaveText(`${p.theory_latency_ms.toFixed(0)} ms`);
    if (p.churn.length > 0) {
      const missed = p.churn.reduce((n, t) => n + t.misrouted, 0);
      await expect(cell('row-churn')).toHaveText(`${grouped(missed)} of ${grouped(p.churn.length * 200)}`);
    }
    if (p.eclipse) {
      await expect(cell('row-eclipse-chosen')).toHaveText(`${grouped(p.eclipse.chosen)} of ${grouped(p.eclipse.lookups)}`);
      await expect(cell('row-eclipse-bound')).toHaveText(`${grouped(p.eclipse.bound)} of ${grouped(p.eclipse.lookups)}`);
    }
  }
  return expected;
}

test('the default state shows the core’s numbers, with theory beside the hops', async ({ page }) => {
  await page.goto('./dht/');
  const expected = await expectCoreNumbers(page, 'v=1');
  const chord = expected.report.protocols.find((p) => p.protocol === 'Chord')!;
  await expect(page.locator('#headline-hops')).toContainText(`Chord: ${chord.mean_hops.toFixed(2)}`);
  await expect(page.locator('#headline-hops')).toContainText('½·log2 N = 4.98');
  await expect(page.locator('#headline-state')).toContainText('One-hop: 999');
  await expect(page.locator('#dht-circle circle.dht-node')).toHaveCount(1000);
});

test('one lookup stepped hop by hop: the route grows, the message travels, the link keeps the step', async ({ page }) => {
  const q = 'v=1&proto=chord,kademlia&nodes=500&bits=32&lookups=200&keys=1000&seed=3&trace=5&hop=0';
  await page.goto(`./dht/#/lab/dht?${q}`);
  const expected = dht(q);
  await waitForResults(page, expected.query);
  const steps = Math.max(...expected.report.protocols.map((p) => p.trace.length));
  await expect(page.locator('section.results')).toHaveAttribute('data-steps', String(steps));
  await expect(page.locator('#dht-circle line.route')).toHaveCount(0);
  const dot = page.locator('#dht-circle .msg-dot').first();
  const start = await dot.getAttribute('cx');
  for (let hop = 1; hop <= steps; hop++) {
    await page.keyboard.press('ArrowRight');
    await expect(page).toHaveURL(new RegExp(`hop=${hop}(&|$)`));
    await expect(page.locator('#walk-status')).toContainText(`step ${hop} of ${steps}`);
  }
  await expect(page.locator('#next')).toBeDisabled();
  expect(await dot.getAttribute('cx')).not.toBe(start);
  // Every answered query of every protocol is a line on the circle.
  const lines = expected.report.protocols.reduce((n, p) => n + p.trace.reduce((m, s) => m + s.queried.length, 0), 0);
  await expect(page.locator('#dht-circle line.route')).toHaveCount(lines);
  // The data table lists every step.
  await page.locator('#dht-circle details.chart-data summary').click();
  const rows = 2 + expected.report.protocols.reduce((n, p) => n + p.trace.length, 0);
  await expect(page.locator('#dht-circle details.chart-data tbody tr')).toHaveCount(rows);
  // Back steps (the keyboard's focus is on the table's summary now, whose keys are its own), and
  // a reload of the link shows the same step.
  await page.locator('#back').click();
  await expect(page).toHaveURL(new RegExp(`hop=${steps - 1}(&|$)`));
  await page.reload();
  await expect(page.locator('#walk-status')).toContainText(`step ${steps - 1} of ${steps}`);
});

test('every preset opens with the core’s numbers', async ({ page }) => {
  test.setTimeout(240_000);
  for (const p of presets()) {
    await page.goto(`./dht/#/lab/dht?${p.query}`);
    const results = page.locator('section.results[data-state="done"]');
    await expect(results).toHaveAttribute('data-query', dht(p.query).query, { timeout: 120_000 });
    await expectCoreNumbers(page, p.query);
    await expect(page.locator('#preset')).not.toHaveValue('');
    if (/(^|&)sweep=1/.test(p.query)) await expect(page.locator('#sweep-chart')).toBeVisible();
    const failures = dht(p.query).report.failure_sweep;
    if (p.query.includes('fsweep=1')) {
      // The failure chart's table holds, row by failed share, each r's missed share as the core counts it.
      expect(failures.length).toBe(5);
      const rows = page.locator('#failure-chart details.chart-data tbody tr');
      await expect(rows).toHaveCount(failures[0].points.length);
      const last = failures[0].points.length - 1;
      const cells = failures.map((c) => `${((100 * c.points[last].misrouted) / 1000).toFixed(1)}%`);
      for (const cell of cells) await expect(rows.nth(last)).toContainText(cell);
      await expect(page.locator('#failure-chart .line-label')).toHaveText(failures.map((c) => `r = ${c.successors}`));
    } else {
      expect(failures).toEqual([]);
      await expect(page.locator('#failure-chart')).toHaveCount(0);
    }
    if (/churn=[1-9]/.test(p.query)) await expect(page.locator('#churn-chart')).toBeVisible();
    // Kademlia's bucket picture lists the traced lookup's first node's buckets as the core does.
    const kademlia = dht(p.query).report.protocols.find((x) => x.protocol === 'Kademlia');
    if (kademlia) {
      const rows = page.locator('#bucket-chart details.chart-data tbody tr');
      await expect(rows).toHaveCount(kademlia.buckets.length);
      const last = kademlia.buckets[kademlia.buckets.length - 1];
      await expect(rows.last()).toHaveText(`${last.index}${grouped(last.nodes)}${last.held}`);
    } else {
      await expect(page.locator('#bucket-chart')).toHaveCount(0);
    }
    if (!p.query.includes('keys=0')) await expect(page.locator('#load-chart')).toBeVisible();
  }
});

test('settings change the link, and the link restores the settings', async ({ page }) => {
  await page.goto('./dht/#/lab/dht?v=1&nodes=200&lookups=500&keys=1000');
  await waitForResults(page, dht('v=1&nodes=200&lookups=500&keys=1000').query);
  await page.locator('#proto-onehop').uncheck();
  await page.locator('#k').fill('8');
  await page.locator('#k').press('Enter');
  await page.locator('#fail').fill('30');
  await page.locator('#fail').press('Enter');
  await page.locator('#rounds').fill('1');
  await page.locator('#rounds').press('Enter');
  const q = 'v=1&proto=chord,kademlia&nodes=200&lookups=500&keys=1000&k=8&fail=30&rounds=1';
  const expected = await expectCoreNumbers(page, q);
  const url = page.url();
  await page.goto('about:blank');
  await page.goto(url);
  await waitForResults(page, expected.query);
  await expect(page.locator('#k')).toHaveValue('8');
  await expect(page.locator('#proto-onehop')).not.toBeChecked();
});

test('bad dht links are named and clamped, never a hang', async ({ page }) => {
  const bad = 'v=1&nodes=0&bits=200&lookups=1000000000&proto=chord,pastry&fail=100&hop=x';
  await page.goto(`./dht/#/lab/dht?${bad}`);
  const banner = page.locator('.url-problems');
  for (const field of ['nodes', 'bits', 'lookups', 'pastry', 'fail', 'hop']) await expect(banner).toContainText(field);
  await expectCoreNumbers(page, bad);
  await expect(page.locator('#nodes')).toHaveValue('1');
  // A setting out of range is refused with a notice naming the range.
  await page.locator('#bits').fill('99');
  await page.locator('#bits').press('Enter');
  await expect(page.locator('#notice')).toContainText('1–64');
});

/** The resident memory of the browser's renderer processes (the tab and its worker), in MiB. */
function rendererMiB(): number {
  let kib = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer')) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      kib += rss ? Number(rss[1]) : 0;
    } catch {
      // The process ended while it was read.
    }
  }
  return kib / 1024;
}

test('100,000 nodes and a million keys in the worker: progress, Cancel, and no main-thread task over 50 ms @alone', async ({ page }) => {
  test.setTimeout(300_000);
  const big = presets().find((p) => p.query.includes('nodes=100000'))!.query;
  await page.goto('./dht/#/lab/dht?v=1&nodes=100&lookups=100&keys=100');
  await waitForResults(page, dht('v=1&nodes=100&lookups=100&keys=100').query);
  // Cancel stops a run, and Run again starts it afresh.
  await page.goto(`./dht/#/lab/dht?${big}`);
  await expect(page.locator('progress')).toBeVisible();
  await page.locator('#cancel').click();
  await expect(page.locator('.results[data-state="failed"]')).toContainText('Cancelled');

  await watchLongTasks(page);
  let peak = rendererMiB();
  const sampler = setInterval(() => (peak = Math.max(peak, rendererMiB())), 250);
  const started = Date.now();
  await page.locator('#run-again').click();
  await expect(page.locator('progress')).toBeVisible();
  const results = page.locator('section.results[data-state="done"]');
  await expect(results).toHaveAttribute('data-query', dht(big).query, { timeout: 240_000 });
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  await expectCoreNumbers(page, big);
  const tasks = await longTasks(page);
  console.log(`DHT, 100,000 nodes, 3 × 100,000 lookups, 10^6 keys: ${seconds.toFixed(1)} s in the worker; renderer memory peak ${peak.toFixed(0)} MiB; long tasks: ${JSON.stringify(tasks)}`);
  expect(tasks, 'main-thread tasks over 50 ms while the overlays were built and routed').toEqual([]);
  expect(peak, 'the tab and its worker stay under 1 GiB').toBeLessThan(1024);
});

test('with every chart on, axe finds no violation in light and dark, wide and narrow', async ({ page }) => {
  test.setTimeout(180_000);
  // Failure, maintenance, the sweeps, the attack and churn at once, on a network small enough to be quick.
  const q = 'v=1&nodes=300&lookups=1000&keys=10000&fail=20&rounds=1&sweep=1&fsweep=1&sybils=30&churn=1&period=3';
  const expected = dht(q);
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const width of [1280, 360]) {
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize({ width, height: 800 });
      await page.goto(`./dht/#/lab/dht?${q}`);
      await waitForResults(page, expected.query);
      for (const chart of ['#sweep-chart', '#failure-chart', '#churn-chart', '#load-chart']) {
        await expect(page.locator(chart)).toBeVisible();
      }
      const results = await new AxeBuilder({ page }).analyze();
      const found = results.violations.map((v) => `${colorScheme} ${width}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
      expect(found, found.join('\n')).toEqual([]);
    }
  }
});

test('above a few thousand nodes the circle magnifies around the key, and the link keeps the zoom', async ({ page }) => {
  const q = 'v=1&proto=chord&nodes=20000&bits=64&lookups=500&keys=0';
  const expected = dht(q);
  await page.goto(`./dht/#/lab/dht?${q}`);
  await waitForResults(page, expected.query);
  await expect(page.locator('#zoom-strip')).toHaveCount(0);
  await expect(page.locator('#zoom-out')).toBeDisabled();
  for (let z = 1; z <= expected.report.zoom.length; z++) {
    await page.locator('#zoom-in').click();
    await expect(page).toHaveURL(new RegExp(`zoom=${z}(&|$)`));
    const level = expected.report.zoom[z - 1];
    if (level.density.length === 0) {
      await expect(page.locator('#zoom-strip line.zoom-node')).toHaveCount(level.points.length);
    } else {
      await expect(page.locator('#zoom-strip g.density line')).toHaveCount(level.density.length);
    }
    await expect(page.locator('#zoom-strip')).toContainText(`holds ${grouped(level.slots)} identifiers`);
  }
  await expect(page.locator('#zoom-in')).toBeDisabled();
  // The zoom is a view: the numbers are the same, and a reload of the link shows the same arc.
  await expect(page.locator('#row-mean td').first()).toHaveText(expected.report.protocols[0].mean_hops.toFixed(3));
  await page.reload();
  await expect(page.locator('#zoom-strip')).toContainText(`holds ${grouped(expected.report.zoom[4].slots)} identifiers`);
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => v.id)).toEqual([]);
});
