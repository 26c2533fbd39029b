// The Message bus lab: its numbers against the native core for the default state and every
// preset, stepping a rebalance (buttons, keys, Play, the link), settings and the permalink, bad
// links, and 10,000,000 messages over 10,000 partitions and 1,000 consumers in the worker without
// a long task on the page.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, core, corePresets, grouped, longTasks, watchLongTasks, waitForResults } from './fixtures';
import type { Page } from '@playwright/test';

type Step = { moment: string | Record<string, number>; at: number };
type Rebalance = {
  movement: { moved: number; orphans: number; revoked: number; minimum: number };
  timeline: {
    steps: Step[];
    rounds: number;
    done: number;
    stalled_members: number;
    longest_stall: number;
    total_stall: number;
    paused_partitions: number;
    longest_pause: number;
    total_pause: number;
  };
  expected_backlog: number;
  windows: [number, number][];
};
type Flow = {
  assignor: string;
  produced: number;
  processed: number;
  duration_ms: number;
  peak_lag: [number, number];
  lag: number[];
  lag_map: { per_row: number; rows: number; values: number[] };
  per_consumer: number[];
  idle_consumers: number;
  owner_before: number[];
  owner_after: number[];
  out_of_order: number;
  keys_out_of_order: number;
  rebalance: Rebalance | null;
};
type Listed = [number, number[]];
type Delivery = {
  semantics: string;
  output: number;
  lost: Listed;
  acked_lost: Listed;
  skipped: Listed;
  refused: Listed;
  duplicated: Listed;
  log_duplicates: Listed;
  out_of_order: Listed;
};
type Cluster = {
  brokers: number;
  replicas: number[][];
  failover: { dead: number; led_before: number[]; led_after: number[]; moved_leaders: number; under_replicated: number; offline: number } | null;
};
type Numbers = { query: string; problems: string[]; report: { flows: Flow[]; delivery: Delivery[]; cluster: Cluster } };

const bus = (q: string) => core<Numbers>('bus', q);
const presets = () => corePresets().filter((p) => p.lab === 'bus');
/** The assignors' serde names, as the page's `data-alg` slugs. */
const SLUG: Record<string, string> = {
  Range: 'range',
  RoundRobin: 'roundrobin',
  Sticky: 'sticky',
  CooperativeSticky: 'cooperative-sticky',
  ConsistentHash: 'consistent-hash',
};
/** A float as the page writes it: rounded half to even, digits grouped. */
const whole = (x: number) => {
  let r = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0) r -= 1;
  return grouped(r);
};
/** Ids as the page writes them: runs of consecutive numbers as "a–b". */
function ranges([count, ids]: Listed): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j] + 1) j++;
    parts.push(j === i ? String(ids[i]) : `${ids[i]}–${ids[j]}`);
    i = j + 1;
  }
  if (count > ids.length) parts.push(`… (the first ${ids.length} listed)`);
  return parts.join(', ');
}

/** Partitions nobody consumes at step `k` (1-based) of a rebalance, from its windows. */
function pausedAt(r: Rebalance, k: number): number {
  const at = r.timeline.steps[Math.min(k, r.timeline.steps.length) - 1].at;
  return r.windows.filter(([from, until]) => from <= at && at < until).length;
}

/** Checks that the page shows, assignor by assignor and guarantee by guarantee, what the core computes for `query`. */
async function expectCoreNumbers(page: Page, query: string, timeout = 60_000) {
  const expected = bus(query);
  await expect(page.locator('section.results[data-state="done"]')).toHaveAttribute('data-query', expected.query, { timeout });
  for (const f of expected.report.flows) {
    const slug = SLUG[f.assignor];
    const cell = (row: string) => page.locator(`#${row} td[data-alg="${slug}"]`);
    const rb = f.rebalance;
    const or = (v: (r: Rebalance) => string) => (rb === null ? '—' : v(rb));
    await expect(cell('row-moved')).toHaveText(or((r) => grouped(r.movement.moved)));
    await expect(cell('row-minimum')).toHaveText(or((r) => grouped(r.movement.minimum)));
    await expect(cell('row-revoked')).toHaveText(or((r) => grouped(r.movement.revoked)));
    await expect(cell('row-rounds')).toHaveText(or((r) => String(r.timeline.rounds)));
    await expect(cell('row-done')).toHaveText(or((r) => grouped(r.timeline.done)));
    await expect(cell('row-stalled')).toHaveText(or((r) => grouped(r.timeline.stalled_members)));
    await expect(cell('row-longest-stall')).toHaveText(or((r) => grouped(r.timeline.longest_stall)));
    await expect(cell('row-paused')).toHaveText(or((r) => grouped(r.timeline.paused_partitions)));
    await expect(cell('row-total-pause')).toHaveText(or((r) => grouped(r.timeline.total_pause)));
    await expect(cell('row-expected-backlog')).toHaveText(or((r) => whole(r.expected_backlog)));
    await expect(cell('row-peak-before')).toHaveText(grouped(f.peak_lag[0]));
    await expect(cell('row-peak-after')).toHaveText(grouped(f.peak_lag[1]));
    await expect(cell('row-idle')).toHaveText(grouped(f.idle_consumers));
    await expect(cell('row-busiest-consumer')).toHaveText(grouped(Math.max(...f.per_consumer)));
    await expect(cell('row-processed')).toHaveText(grouped(f.processed));
    await expect(cell('row-duration')).toHaveText(grouped(f.duration_ms));
    await expect(cell('row-out-of-order')).toHaveText(grouped(f.out_of_order));
    await expect(cell('row-keys-out-of-order')).toHaveText(grouped(f.keys_out_of_order));
    await expect(page.locator(`#lag-chart g.policy-line[data-series="${slug}"] polyline`)).toHaveCount(1);
    // The outcome: the partitions that moved to another consumer are the ones marked moved.
    const group = page.locator(`.bus-group[data-alg="${slug}"]`);
    const moved = f.owner_after.filter((o, p) => p < f.owner_before.length && o !== f.owner_before[p]).length;
    await expect(group).toHaveAttribute('data-moved', String(moved));
    await expect(group).toHaveAttribute('data-paused', '0');
  }
  for (const d of expected.report.delivery) {
    const row = page.locator(`#delivery tr[data-semantics="${d.semantics}"]`);
    await expect(row.locator('td.output')).toHaveText(grouped(d.output));
    for (const [cls, listed] of [
      ['lost', d.lost],
      ['acked-lost', d.acked_lost],
      ['skipped', d.skipped],
      ['refused', d.refused],
      ['duplicated', d.duplicated],
      ['log-duplicates', d.log_duplicates],
      ['out-of-order', d.out_of_order],
    ] as [string, Listed][]) {
      await expect(row.locator(`td.${cls} .count`)).toHaveText(grouped(listed[0]));
      if (listed[0] > 0) await expect(row.locator(`td.${cls} .ids`)).toHaveText(ranges(listed));
    }
  }
  const c = expected.report.cluster;
  for (let b = 0; b < c.brokers; b++) {
    const row = page.locator(`#brokers-table tr[data-broker="${b}"]`);
    await expect(row.locator('td.held')).toHaveText(grouped(c.replicas.filter((set) => set.includes(b)).length));
    await expect(row.locator('td.led-before')).toHaveText(grouped(c.replicas.filter((set) => set[0] === b).length));
    await expect(row.locator('td.led-after')).toHaveText(c.failover === null ? '—' : grouped(c.failover.led_after[b]));
  }
  return expected;
}

test('the default state shows the core’s numbers, theory beside them, and passes axe', async ({ page }) => {
  await page.goto('./bus/');
  const expected = await expectCoreNumbers(page, 'v=1');
  // A fifth consumer joins four: range and cooperative sticky, and the minimum beside them.
  const [range, cooperative] = expected.report.flows;
  expect(cooperative.rebalance!.movement.moved).toBe(cooperative.rebalance!.movement.minimum);
  expect(range.rebalance!.timeline.rounds).toBe(1);
  expect(cooperative.rebalance!.timeline.rounds).toBe(2);
  await expect(page.locator('#headline-moved')).toContainText(`at least ${cooperative.rebalance!.movement.minimum}`);
  await expect(page.locator('#headline-lag')).toContainText('the pauses hold back');
  await expect(page.locator('#headline-hot')).toContainText('its keys predict');
  await expect(page.locator('#group-range rect.cell')).toHaveCount(12);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
});

test('every preset opens with the core’s numbers and shows its lesson', async ({ page }) => {
  test.setTimeout(400_000);
  for (const p of presets()) {
    await page.goto(`./bus/#/lab/bus?${p.query}`);
    const expected = await expectCoreNumbers(page, p.query, 120_000);
    await expect(page.locator('#preset')).not.toHaveValue('');
    await expect(page.locator('.lesson')).toContainText(p.lesson.slice(0, 40));
    if (p.name === 'More consumers than partitions') {
      for (const f of expected.report.flows) await expect(page.locator(`#row-idle td[data-alg="${SLUG[f.assignor]}"]`)).toHaveText('2');
      await expect(page.locator('#headline-hot')).toContainText('at least 2 idle');
    }
    if (p.name === 'acks=1 and a broker dies') {
      await expect(page.locator('#delivery tr[data-semantics="at-least-once"] td.acked-lost .ids')).toHaveText('491–498');
      await expect(page.locator('#delivery tr[data-semantics="exactly-once"] td.lost .count')).toHaveText('0');
      // The cluster: the followed partition's leader dies and its 4 leaderships move.
      const f = expected.report.cluster.failover!;
      expect(f.dead).toBe(expected.report.cluster.replicas[0][0]);
      await expect(page.locator('#brokers-summary')).toContainText(`Broker ${f.dead} dies`);
      await expect(page.locator('#brokers-summary')).toContainText('4 leaderships move');
      await expect(page.locator('#brokers-summary')).toContainText('12 partitions lose an in-sync replica (P·RF/B = 12 predicts it)');
      await expect(page.locator('#brokers-chart rect.replica-new-leader')).toHaveCount(4);
    }
    if (p.name === 'Adding partitions breaks key order') {
      await expect(page.locator('#row-out-of-order td[data-alg="range"]')).toHaveText('1,122');
      await expect(page.locator('.bus-group[data-alg="range"]')).toHaveAttribute('data-new', '4');
    }
  }
});

test('stepping a rebalance: buttons, keys, Play and the link show who consumes what at each step', async ({ page }) => {
  test.setTimeout(120_000);
  const preset = presets().find((p) => p.name === 'Eager vs cooperative rebalancing')!;
  await page.goto(`./bus/#/lab/bus?${preset.query}`);
  const expected = await expectCoreNumbers(page, preset.query);
  const [eager, cooperative] = expected.report.flows.map((f) => f.rebalance!);
  const steps = Math.max(eager.timeline.steps.length, cooperative.timeline.steps.length);
  await expect(page.locator('section.results')).toHaveAttribute('data-steps', String(steps));
  const paused = (slug: string) => page.locator(`.bus-group[data-alg="${slug}"]`);
  for (let k = 1; k <= steps; k++) {
    await page.locator('#step-next').click();
    await expect(page).toHaveURL(new RegExp(`step=${k}$`));
    await expect(page.locator('#step-status')).toContainText(`Step ${k} of ${steps}`);
    await expect(paused('sticky')).toHaveAttribute('data-paused', String(pausedAt(eager, k)));
    await expect(paused('cooperative-sticky')).toHaveAttribute('data-paused', String(pausedAt(cooperative, k)));
  }
  // Round 1 joined: eager sticky has revoked every partition; cooperative consumes them all.
  expect(pausedAt(eager, 3)).toBe(24);
  expect(pausedAt(cooperative, 3)).toBe(0);
  // Round 1 synced: cooperative waits only on the 3 that move.
  expect(pausedAt(cooperative, 4)).toBe(3);
  await expect(page.locator('#step-next')).toBeDisabled();
  // ← steps back from anywhere but a field; the link keeps the step, and a reload restores it.
  await page.locator('#lab-title').click();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(page).toHaveURL(/step=4$/);
  const url = page.url();
  await page.goto('about:blank');
  await page.goto(url);
  await waitForResults(page, bus(preset.query.replace('step=0', 'step=4')).query);
  await expect(paused('cooperative-sticky')).toHaveAttribute('data-paused', '3');
  await expect(page.locator('#group-cooperative-sticky rect.status-paused')).toHaveCount(3);
  // Play runs to the last step and stops; Outcome goes back to the end state.
  await page.locator('#play').click();
  await expect(page).toHaveURL(new RegExp(`step=${steps}$`), { timeout: 20_000 });
  await expect(page.locator('#play')).toHaveText('Replay');
  await page.locator('#step-outcome').click();
  await expect(page).toHaveURL(/step=0$/);
  await expect(page.locator('#group-sticky rect.status-was')).toHaveCount(eager.movement.moved);
});

test('settings change the link, and the link restores them', async ({ page }) => {
  const q = 'v=1&assign=range&change=leave&partitions=8&consumers=3&messages=20000&fault=broker&acks=1&idem=0&faultat=400';
  await page.goto(`./bus/#/lab/bus?${q}`);
  await expectCoreNumbers(page, q);
  await page.locator('#assign-sticky').check();
  await expect(page).toHaveURL(/assign=range%2Csticky|assign=range,sticky/);
  await page.locator('#change').selectOption('crash');
  await page.locator('#partitions').fill('10');
  await page.locator('#partitions').press('Enter');
  await page.locator('#acks').selectOption('all');
  await page.locator('#idem').check();
  const next = 'v=1&assign=range,sticky&change=crash&partitions=10&consumers=3&messages=20000&fault=broker&acks=all&idem=1&faultat=400';
  const expected = await expectCoreNumbers(page, next);
  // The crashed consumer is noticed only when its session times out.
  for (const f of expected.report.flows) expect(f.rebalance!.timeline.steps[1].at).toBe(45_000);
  await expect(page.locator('.bus-group[data-alg="range"] .group-title')).toContainText('the outcome');
  const url = page.url();
  await page.goto('about:blank');
  await page.goto(url);
  await waitForResults(page, expected.query);
  await expect(page.locator('#change')).toHaveValue('crash');
  await expect(page.locator('#partitions')).toHaveValue('10');
  await expect(page.locator('#idem')).toBeChecked();
  await expect(page.locator('#assign-sticky')).toBeChecked();
});

test('bad bus links are named and repaired, never a hang', async ({ page }) => {
  const bad = 'v=1&assign=range,nosuch&topics=100&partitions=10000&acks=1&idem=1&minisr=5&replicas=2&change=grow&step=9&messages=100000';
  await page.goto(`./bus/#/lab/bus?${bad}`);
  const banner = page.locator('.url-problems');
  for (const word of ['nosuch', 'more than 10000 partitions', 'single topic', 'needs acks=all', 'min.insync.replicas', 'step']) {
    await expect(banner).toContainText(word);
  }
  await expectCoreNumbers(page, bad, 120_000);
  await page.locator('#seed').fill('many');
  await page.locator('#seed').press('Enter');
  await expect(page.locator('#notice')).toContainText('“many” is not a whole number');
  await page.locator('#partitions').fill('0');
  await page.locator('#partitions').press('Enter');
  await expect(page.locator('#notice')).toContainText('partitions per topic must be 1–10000, not 0');
});

test('10,000,000 messages, 10,000 partitions and 1,000 consumers in the worker: progress, Cancel, and no main-thread task over 50 ms @alone', async ({ page }) => {
  test.setTimeout(400_000);
  const big =
    'v=1&assign=range,cooperative-sticky&change=join&partitions=10000&consumers=1000&messages=10000000&rate=1000000&capacity=1100&keys=1000000&at=3000';
  const small = 'v=1&messages=1000';
  await page.goto(`./bus/#/lab/bus?${small}`);
  await waitForResults(page, bus(small).query);
  await page.goto(`./bus/#/lab/bus?${big}`);
  await expect(page.locator('progress')).toBeVisible();
  await page.locator('#cancel').click();
  await expect(page.locator('.results[data-state="failed"]')).toContainText('Cancelled');
  await watchLongTasks(page);
  const started = Date.now();
  await page.locator('#run-again').click();
  await expect(page.locator('progress')).toBeVisible();
  const expected = await expectCoreNumbers(page, big, 360_000);
  const seconds = (Date.now() - started) / 1000;
  // Step through the rebalance at this scale too: every step redraws 2 × 1,000 squares.
  for (let k = 1; k <= 6; k++) await page.locator('#step-next').click();
  await expect(page).toHaveURL(/step=6$/);
  const tasks = await longTasks(page);
  const [range, cooperative] = expected.report.flows.map((f) => f.rebalance!.movement.moved);
  console.log(
    `Message bus, 2 × 10,000,000 messages, 10,000 partitions, 1,000 consumers joined by one (range moved ${range}, cooperative sticky ${cooperative}): ${seconds.toFixed(1)} s in the worker; long tasks: ${JSON.stringify(tasks)}`,
  );
  expect(tasks, 'main-thread tasks over 50 ms while the runs went and the steps were drawn').toEqual([]);
});
