// The "Scaling to 10 million users" lab: its numbers against the native core for the default
// state and every preset (the bottleneck outlined where the core finds it), the user slider, each
// fault, the permalink round trip, bad links, and more than a million requests in the worker
// without a long task on the page.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, core, corePresets, grouped, longTasks, watchLongTasks, waitForResults } from './fixtures';
import type { Page } from '@playwright/test';

type Percentiles = { count: number; mean: number; p50: number; p95: number; p99: number };
type TierReport = {
  tier: string;
  servers: number;
  workers: number;
  utilization: number;
  hottest: number;
  queue: number;
  queue_max: number;
  arrivals: number;
  shed: number;
  failed: number;
  wasted: number;
  latency: Percentiles;
  wait_mean: number;
  service_mean: number;
  theory: { wait: number } | null;
  little: { l: number; lambda_w: number };
  timeouts: number;
  seconds: { arrivals: number; failed: number; timeouts: number; queue: number; utilization: number; hottest: number }[];
};
type Second = { started: number; attempts: number; served: number; failed: number; p99: number; cdn_lookups: number; cdn_hits: number };
type Outcomes = { requests: number; served: number; shed: number; down: number; timeouts: number; broken: number; retries: number };
type Numbers = {
  query: string;
  problems: string[];
  report: {
    system: {
      tiers: TierReport[];
      bottleneck: string | null;
      outcomes: Outcomes;
      latency: Percentiles;
      lost_writes: number;
      events: number;
      timeline: Second[];
      fanout: { k: number; requests: number; slow: number; slow_theory: number; calls: number; hedges: number } | null;
    };
    slo: { max_users: number; ceiling: number; met: boolean; trials: unknown[] };
    cost: { total: number; servers: number };
  };
};

const system = (q: string) => core<Numbers>('system', q);
const presets = () => corePresets().filter((p) => p.lab === 'system');
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const ms = (x: number) => `${x.toFixed(1)} ms`;
const failed = (o: Outcomes) => o.shed + o.down + o.timeouts + o.broken;

/** Waits for the page's numbers for `query` and checks every tier, outcome and headline. */
async function expectCoreNumbers(page: Page, query: string, timeout = 60_000) {
  const expected = system(query);
  await expect(page.locator('section.results[data-state="done"]')).toHaveAttribute('data-query', expected.query, { timeout });
  const s = expected.report.system;
  for (const t of s.tiers) {
    const row = page.locator(`#tier-table tr[data-tier="${t.tier.toLowerCase()}"]`);
    await expect(row.locator('td.util')).toHaveText(pct(t.utilization));
    await expect(row.locator('td.hottest')).toHaveText(pct(t.hottest));
    await expect(row.locator('td.p99')).toHaveText(ms(t.latency.p99));
    await expect(row.locator('td.wait')).toHaveText(`${t.wait_mean.toFixed(3)} ms`);
    await expect(row.locator('td.erlang')).toHaveText(t.theory ? `${t.theory.wait.toFixed(3)} ms` : 'unstable (ρ ≥ 1)');
    await expect(row.locator('td.arrivals')).toHaveText(grouped(t.arrivals));
    await expect(row.locator('td.timeouts')).toHaveText(grouped(t.timeouts));
    await expect(row.locator('td.little-l')).toHaveText(t.little.l.toFixed(3));
    await expect(row.locator('td.little-lw')).toHaveText(t.little.lambda_w.toFixed(3));
  }
  const o = s.outcomes;
  await expect(page.locator('#row-requests td')).toHaveText(grouped(o.requests));
  await expect(page.locator('#row-served td')).toHaveText(grouped(o.served));
  await expect(page.locator('#row-timeouts td')).toHaveText(grouped(o.timeouts));
  await expect(page.locator('#row-down td')).toHaveText(grouped(o.down));
  await expect(page.locator('#row-lost td')).toHaveText(grouped(s.lost_writes));
  await expect(page.locator('#headline-p99')).toContainText(ms(s.latency.p99));
  await expect(page.locator('#headline-failed')).toContainText(`${grouped(failed(o))} of ${grouped(o.requests)}`);
  await expect(page.locator('#headline-max-users')).toContainText(grouped(expected.report.slo.max_users));
  await expect(page.locator('#headline-cost')).toContainText(`$${grouped(Math.round(expected.report.cost.total))}`);
  // The bottleneck is outlined in the picture, and named in its headline.
  const slug = s.bottleneck!.toLowerCase();
  await expect(page.locator(`#architecture .bottleneck [data-tier="${slug}"]`)).toHaveCount(1);
  await expect(page.locator('#architecture .bottleneck')).toHaveCount(1);
  const hot = s.tiers.find((t) => t.tier === s.bottleneck)!;
  await expect(page.locator('#headline-bottleneck')).toContainText(pct(hot.hottest));
  return expected;
}

test('the default state shows the core’s numbers, Erlang C beside each tier, and passes axe', async ({ page }) => {
  await page.goto('./system/');
  const expected = await expectCoreNumbers(page, 'v=1');
  expect(expected.report.system.bottleneck).toBe('Server');
  await expect(page.locator('#headline-bottleneck')).toContainText('Erlang C');
  await expect(page.locator('#headline-bottleneck')).toContainText('Little');
  await expect(page.locator('#price-table')).toContainText('2026-06-17');
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
});

test('every preset opens with the core’s numbers, its bottleneck outlined and its lesson shown', async ({ page }) => {
  test.setTimeout(600_000);
  for (const p of presets()) {
    await page.goto(`./system/#/lab/system?${p.query}`);
    await expectCoreNumbers(page, p.query, 120_000);
    await expect(page.locator('#preset')).not.toHaveValue('');
    await expect(page.locator('.lesson')).toContainText(p.lesson.slice(0, 40));
  }
});

test('the user slider moves from 1 to 10,000,000 users on a logarithmic scale', async ({ page }) => {
  test.setTimeout(180_000);
  const step = presets().find((p) => p.name === 'A separate database')!;
  await page.goto(`./system/#/lab/system?${step.query}`);
  await expectCoreNumbers(page, step.query);
  const slider = page.locator('#users-slider');
  await slider.fill('548');
  await expect(page).toHaveURL(/users=301995&/);
  await expectCoreNumbers(page, step.query.replace('users=600000', 'users=301995'));
  await expect(slider).toHaveAttribute('aria-valuetext', '301,995 users');
  // The keyboard moves it too: End is ten million, where one web server drowns.
  await slider.focus();
  await page.keyboard.press('Home');
  await expect(page).toHaveURL(/users=1&/);
  await expectCoreNumbers(page, step.query.replace('users=600000', 'users=1'));
  await slider.focus();
  await page.keyboard.press('End');
  await expect(page).toHaveURL(/users=10000000&/);
  const drowned = await expectCoreNumbers(page, step.query.replace('users=600000', 'users=10000000'), 120_000);
  expect(failed(drowned.report.system.outcomes)).toBeGreaterThan(drowned.report.system.outcomes.requests / 2);
});

test('each fault shows what it breaks, beside the numbers the core computes', async ({ page }) => {
  test.setTimeout(300_000);
  const base =
    'v=1&db=separate&lb=rr&users=2000000&web=12&cache=2&cachekeys=15000&cdn=6000&replicas=1&dcs=2&regions=2&dcmode=active&seconds=30&faultat=10&failover=5';
  await page.goto(`./system/#/lab/system?${base}`);
  await expectCoreNumbers(page, base);
  for (const fault of ['server', 'flush', 'primary', 'dc', 'slowdown']) {
    await page.locator('#fault').selectOption(fault);
    await expect(page).toHaveURL(new RegExp(`fault=${fault}&`));
    const expected = await expectCoreNumbers(page, `${base}&fault=${fault}`);
    const s = expected.report.system;
    if (fault === 'primary') expect(s.lost_writes).toBeGreaterThan(0);
    if (fault === 'dc' || fault === 'primary') expect(s.outcomes.down).toBeGreaterThan(0);
    // The fault is marked on the timeline of each second.
    await expect(page.locator('#seconds-chart')).toContainText('the fault');
  }
});

test('the Tail at Scale presets: each fan-out’s slow share beside 1 − (1 − p)^k, hedging, and 2,000 servers', async ({ page }) => {
  test.setTimeout(240_000);
  const tail = presets().filter((p) => ['The tail at scale', 'Hedged requests', 'One slow call'].some((n) => p.name.startsWith(n)));
  expect(tail).toHaveLength(3);
  for (const p of tail) {
    await page.goto(`./system/#/lab/system?${p.query}`);
    const expected = await expectCoreNumbers(page, p.query, 120_000);
    const f = expected.report.system.fanout!;
    await expect(page.locator('#headline-failed')).toContainText(
      `fan-out of ${f.k}: ${pct(f.slow_theory)} of requests slow by theory, ${pct(f.slow / f.requests)} measured`,
    );
    await expect(page.locator('#row-fanout td')).toContainText(`${grouped(f.hedges)} hedged calls`);
    if (f.k === 2_000) {
      // So wide a fan-out caps the SLO search where a trial's second makes 2 million calls.
      expect(expected.report.slo.ceiling).toBeLessThan(10_000_000);
      await expect(page.locator('#headline-max-users')).toContainText(`up to ${grouped(expected.report.slo.ceiling)} users`);
    }
  }
});

/** Checks the picture against the core's numbers for second `n` (from 1) of the run. */
async function expectSecond(page: Page, expected: Numbers, n: number) {
  const s = expected.report.system;
  const second = s.timeline[n - 1];
  await expect(page).toHaveURL(new RegExp(`second=${n}(&|$)`));
  await expect(page.locator('#step-status')).toContainText(
    `Second ${n} of ${s.timeline.length}`,
  );
  await expect(page.locator('#step-status')).toContainText(`${grouped(second.started)} requests started, ${grouped(second.served)} answered, ${grouped(second.failed)} failed`);
  for (const t of s.tiers) {
    const at = t.seconds[n - 1];
    const box = page.locator(`#architecture g.tier[data-tier="${t.tier.toLowerCase()}"]`);
    await expect(box).toContainText(`${(100 * at.hottest).toFixed(0)} %, ${grouped(at.arrivals)}/s`);
    // A tier that refused, lost or timed out requests in this second is dashed.
    await expect(box).toHaveClass(at.failed + at.timeouts > 0 ? /failing/ : /^(?!.*failing)/);
    // The arrow into it carries its arrivals as the dots' rate.
    await expect(page.locator(`#architecture line.moving[data-rate="${at.arrivals}"]`).first()).toBeAttached();
  }
  // The busiest tier of the second is outlined, and the timeline marks the second.
  const busiest = [...s.tiers].sort((a, b) => b.seconds[n - 1].hottest - a.seconds[n - 1].hottest)[0];
  if (busiest.seconds[n - 1].hottest > 0) {
    await expect(page.locator(`#architecture .bottleneck [data-tier="${busiest.tier.toLowerCase()}"]`)).toHaveCount(1);
  }
  await expect(page.locator('#seconds-chart')).toContainText('the second shown');
}

test('the run plays second by second: each tier, the flows and the failures of that second, in the link', async ({ page }) => {
  test.setTimeout(240_000);
  const storm = presets().find((p) => p.name === 'A retry storm')!;
  await page.goto(`./system/#/lab/system?${storm.query}`);
  const expected = await expectCoreNumbers(page, storm.query, 120_000);
  const s = expected.report.system;
  // The whole run: no dots flow, and the buttons say where to start.
  await expect(page.locator('#step-status')).toContainText('The whole run');
  await expect(page.locator('#architecture line.moving')).toHaveCount(0);
  await page.locator('#step-next').click();
  await expectSecond(page, expected, 1);
  // The slider goes to the slowdown's fifth second, where the primary drowns in retries.
  await page.locator('#second-slider').fill('25');
  await expectSecond(page, expected, 25);
  const primary = s.tiers.find((t) => t.tier === 'Primary')!;
  expect(primary.seconds[24].timeouts).toBeGreaterThan(0);
  await expect(page.locator('#architecture g.tier[data-tier="primary"]')).toHaveClass(/failing/);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
  // The keyboard steps, and Play moves on by itself until paused.
  await page.locator('#second-slider').focus();
  await page.keyboard.press('ArrowRight');
  await expectSecond(page, expected, 26);
  await page.locator('#play').click();
  await expect(page.locator('#play')).toHaveText('Pause');
  await expect(page).toHaveURL(/second=28(&|$)/);
  await page.locator('#play').click();
  await expect(page.locator('#play')).toHaveText('Play');
  const paused = Number(new URL(page.url()).hash.match(/second=(\d+)/)![1]);
  await page.waitForTimeout(1_000);
  await expectSecond(page, expected, paused);
  // The link restores the second; stepping never reran the simulation.
  const url = page.url();
  await page.goto('about:blank');
  await page.goto(url);
  await waitForResults(page, system(`${storm.query}&second=${paused}`).query);
  await expectSecond(page, expected, paused);
  // With "reduce motion", the requests' dots stand still.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const animation = await page.locator('#architecture line.moving').first().evaluate((e) => getComputedStyle(e).animationName);
  expect(animation).toBe('none');
  // The whole run again.
  await page.locator('#whole-run').click();
  await expect(page).toHaveURL(/second=0(&|$)/);
  await expect(page.locator('#architecture line.moving')).toHaveCount(0);
});

test('a second past the run shows its last second, and a bad second is named', async ({ page }) => {
  const q = 'v=1&users=2000&seconds=10&second=abc';
  await page.goto(`./system/#/lab/system?${q}`);
  await expect(page.locator('.url-problems')).toContainText('second');
  const expected = await expectCoreNumbers(page, q);
  await expect(page.locator('#step-status')).toContainText('The whole run');
  const late = 'v=1&users=2000&seconds=10&second=5000';
  await page.goto(`./system/#/lab/system?${late}`);
  await waitForResults(page, system(late).query);
  const last = expected.report.system.timeline.length;
  await expect(page.locator('#step-status')).toContainText(`Second ${last} of ${last}`);
});

test('settings change the link, and the link restores them', async ({ page }) => {
  await page.goto('./system/');
  await expectCoreNumbers(page, 'v=1');
  await page.locator('#db').selectOption('separate');
  await page.locator('#lb').selectOption('p2c');
  await page.locator('#web').fill('4');
  await page.locator('#web').press('Enter');
  await page.locator('#users').fill('400000');
  await page.locator('#users').press('Enter');
  await expect(page).toHaveURL(/db=separate&lb=p2c&.*users=400000&.*web=4&/);
  const expected = await expectCoreNumbers(page, 'v=1&db=separate&lb=p2c&users=400000&web=4');
  expect(expected.report.system.tiers.find((t) => t.tier === 'Web')!.servers).toBe(4);
  const url = page.url();
  await page.goto('about:blank');
  await page.goto(url);
  await waitForResults(page, expected.query);
  await expect(page.locator('#lb')).toHaveValue('p2c');
  await expect(page.locator('#web')).toHaveValue('4');
  await expect(page.locator('#users-slider')).toHaveAttribute('aria-valuetext', '400,000 users');
});

test('bad system links are named and repaired, never a hang', async ({ page }) => {
  const bad = 'v=1&users=0&db=server&web=5&lb=magic&static=90&read=90&fanout=7&services=3';
  await page.goto(`./system/#/lab/system?${bad}`);
  const banner = page.locator('.url-problems');
  for (const word of ['users', 'magic', 'one server', 'request mix']) await expect(banner).toContainText(word);
  await expectCoreNumbers(page, bad);
  await page.locator('#users').fill('1000000000000');
  await page.locator('#users').press('Enter');
  await expect(page.locator('#notice')).toContainText('users must be 1–10000000, not 1000000000000');
  await page.locator('#users').fill('99999999999999999999999');
  await page.locator('#users').press('Enter');
  await expect(page.locator('#notice')).toContainText('users must be 1–10000000, not 99999999999999999999999');
  await page.locator('#web').fill('0');
  await page.locator('#web').press('Enter');
  await expect(page.locator('#notice')).toContainText('web servers must be 1–1000, not 0');
});

test('over a million requests through every tier in the worker: progress, Cancel, and no main-thread task over 50 ms @alone', async ({ page }) => {
  test.setTimeout(400_000);
  const sharding = presets().find((p) => p.name === 'Sharding')!;
  const big = sharding.query.replace('users=7000000', 'users=10000000').replace('web=30', 'web=40');
  const small = 'v=1&users=100';
  await page.goto(`./system/#/lab/system?${small}`);
  await waitForResults(page, system(small).query);
  await page.goto(`./system/#/lab/system?${big}`);
  await expect(page.locator('progress')).toBeVisible();
  await page.locator('#cancel').click();
  await expect(page.locator('.results[data-state="failed"]')).toContainText('Cancelled');
  await watchLongTasks(page);
  const started = Date.now();
  await page.locator('#run-again').click();
  await expect(page.locator('progress')).toBeVisible();
  const expected = await expectCoreNumbers(page, big, 360_000);
  const seconds = (Date.now() - started) / 1000;
  const s = expected.report.system;
  expect(s.outcomes.requests).toBeGreaterThan(1_000_000);
  const tasks = await longTasks(page);
  console.log(
    `Scaling to 10 million users, sharding at 10,000,000 users: ${grouped(s.outcomes.requests)} requests, ${grouped(s.events)} events and ${expected.report.slo.trials.length} SLO trials in ${seconds.toFixed(1)} s in the worker; long tasks: ${JSON.stringify(tasks)}`,
  );
  expect(tasks, 'main-thread tasks over 50 ms while the run went and its numbers were drawn').toEqual([]);
});
