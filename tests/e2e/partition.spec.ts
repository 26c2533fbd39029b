// The Partition lab in Chromium: the Gilbert–Lynch scenario both ways, cutting a link by
// clicking it, and a permalink that replays the same history; every outcome is compared with what
// the native core computes for the same link.
import { test, expect, core } from './fixtures';
import type { Page } from '@playwright/test';

type PartitionNumbers = {
  query: string;
  problems: string[];
  operations: { at: number; node: number; write: number | null; value: number | null; outcome: string }[];
  linearizable: boolean;
  blocked: number | null;
};

const corePartition = (query: string) => core<PartitionNumbers>('partition', query);
const OUTCOME: Record<string, string> = {
  ok: 'ok', stale: 'stale', timeout: 'unavailable (timed out)', refused: 'unavailable (refused)', conflict: 'conflict (siblings)',
};

/** The page shows, operation by operation, the history the core computes for `query`. */
async function expectCoreHistory(page: Page, query: string) {
  const expected = corePartition(query);
  await expect(page).toHaveURL(new RegExp(`#/lab/partition\\?${expected.query.replace(/[.?*+^$()|[\]\\]/g, '\\$&')}$`));
  const rows = page.locator('#operations tbody tr');
  await expect(rows).toHaveCount(expected.operations.length);
  for (const [i, op] of expected.operations.entries()) {
    await expect(rows.nth(i)).toHaveAttribute('data-outcome', OUTCOME[op.outcome]);
  }
  await expect(page.locator('#verdict')).toHaveAttribute('data-linearizable', String(expected.linearizable));
  return expected;
}

test('Gilbert–Lynch: availability returns the old value, consistency cannot answer', async ({ page }) => {
  await page.goto('./#/lab/partition');
  await page.locator('#preset').selectOption({ label: 'Gilbert–Lynch, choosing availability' });
  const available = await expectCoreHistory(page, 'v=1&mode=leaderless&nodes=2&dcs=1&n=2&rl=one&wl=one&rr=0&ops=0&req=10:0:w,100:1:r&nem=0:cut-0-1');
  expect(available.operations.map((o) => o.outcome)).toEqual(['ok', 'stale']);
  await expect(page.locator('#operations tbody tr').nth(1)).toContainText('read → 0');
  await expect(page.locator('#verdict')).toContainText('Not linearizable: operation #1 (read → 0)');
  await expect(page.locator('#lesson')).toContainText('with the old v0');

  await page.locator('#preset').selectOption({ label: 'Gilbert–Lynch, choosing consistency' });
  const consistent = await expectCoreHistory(page, 'v=1&mode=abd&nodes=2&dcs=1&n=2&ops=0&req=10:0:w,100:1:r&nem=0:cut-0-1');
  expect(consistent.operations.map((o) => o.outcome)).toEqual(['timeout', 'timeout']);
  await expect(page.locator('#availability')).toHaveText('0.0%');
  await expect(page.locator('#verdict')).toContainText('Linearizable');
});

test('clicking a link cuts it at the time shown; requests then show the partition', async ({ page }) => {
  const start = 'v=1&mode=leaderless&nodes=3&dcs=1&n=3&rl=one&wl=one&rr=0&ops=0&at=0';
  await page.goto(`./#/lab/partition?${start}`);
  await expect(page.locator('#link-0-1')).toHaveAttribute('aria-label', /link 0–1, up/);
  await page.locator('#link-0-1').click();
  await expect(page.locator('#link-0-1')).toHaveAttribute('aria-label', /link 0–1, cut/);
  // The keyboard works too: Enter on a focused link cuts it.
  await page.locator('#link-0-2').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#link-0-2')).toHaveAttribute('aria-label', /link 0–2, cut/);
  // Node 0 is now alone: its write succeeds locally (W = 1) but a read at node 1 cannot see it.
  await page.locator('#write-0').click();
  await page.locator('#time').fill('0');
  await page.locator('#read-1').click();
  const query = 'v=1&mode=leaderless&nodes=3&dcs=1&n=3&rl=one&wl=one&rr=0&sloppy=0&vv=0&sync=0&fr=0&lat=2&rlat=10&loss=0&timeout=60&seed=1&ops=0&spacing=10&keys=1&req=0%3A0%3Aw%2C0%3A1%3Ar&nem=0%3Acut-0-1%2C0%3Acut-0-2';
  const expected = await expectCoreHistory(page, query);
  expect(expected.operations[1].value).toBe(0);
});

test('a permalink replays the same history, and a hostile link is clamped and named', async ({ page, context }) => {
  await page.goto('./#/lab/partition');
  await page.locator('#preset').selectOption({ label: 'R + W > N is not enough without write-back' });
  await expect(page.locator('#verdict')).toHaveAttribute('data-linearizable', 'false');
  const href = await page.locator('#permalink').getAttribute('href');
  const other = await context.newPage();
  await other.goto(`./${href}`);
  const expected = await expectCoreHistory(other, href!.split('?')[1]);
  expect(expected.linearizable).toBe(false);
  await expect(other.locator('#verdict')).toContainText(`operation #${expected.blocked}`);
  // Switching to ABD removes the anomaly.
  await other.locator('#mode').selectOption('abd');
  await expect(other.locator('#verdict')).toHaveAttribute('data-linearizable', 'true');

  await page.goto('./#/lab/partition?v=1&mode=paxos&nodes=0&n=0&ops=1000000000');
  const banner = page.locator('#url-problems');
  await expect(banner).toContainText('paxos');
  await expect(banner).toContainText('1000000000 is outside 0–300; using 300');
  await expect(page.locator('#ops')).toHaveValue('300');
});

test('asynchronous failover loses an acknowledged write; synchronous replication does not', async ({ page }) => {
  await page.goto('./#/lab/partition');
  await page.locator('#preset').selectOption({ label: 'Asynchronous leader failover loses an acknowledged write' });
  const asyncRun = await expectCoreHistory(page, 'v=1&mode=leader&nodes=3&dcs=1&sync=0&fr=0&ops=0&req=10:0:w,80:1:r&nem=5:split-0.1.1,50:failover-1');
  expect(asyncRun.operations.map((o) => o.outcome)).toEqual(['ok', 'stale']);
  await expect(page.locator('#lost')).toHaveText('1');
  await expect(page.locator('#node-1')).toHaveAttribute('aria-label', /leader/);
  await page.locator('#sync').check();
  await expect(page.locator('#lost')).toHaveText('0');
  await expect(page.locator('#operations tbody tr').first()).toHaveAttribute('data-outcome', 'unavailable (timed out)');
  await expect(page.locator('#verdict')).toHaveAttribute('data-linearizable', 'true');
});

test('a sloppy quorum answers with hints, a read misses them, healing hands them off', async ({ page }) => {
  await page.goto('./#/lab/partition');
  await page.locator('#preset').selectOption({ label: 'Sloppy quorum with hinted handoff, then heal' });
  const run = await expectCoreHistory(page, 'v=1&mode=leaderless&nodes=5&dcs=1&n=3&rl=quorum&wl=quorum&rr=0&sloppy=1&ops=0&req=10:0:w,120:1:r,400:1:r&nem=0:split-0.1.1.0.0,300:healall');
  expect(run.operations.map((o) => [o.outcome, o.value])).toEqual([['ok', null], ['stale', 0], ['ok', 1000]]);
  await expect(page.locator('#hints')).toHaveText('2 taken by fallback nodes, 2 handed off');
  // Without sloppiness the write cannot reach W = 2 and times out.
  await page.locator('#sloppy').uncheck();
  await expect(page.locator('#operations tbody tr').first()).toHaveAttribute('data-outcome', 'unavailable (timed out)');
});

test('version vectors return concurrent writes as siblings; last-write-wins keeps one', async ({ page }) => {
  await page.goto('./#/lab/partition');
  await page.locator('#preset').selectOption({ label: 'Concurrent writes: last-write-wins vs version vectors' });
  const run = await expectCoreHistory(page, 'v=1&mode=leaderless&nodes=4&dcs=1&n=4&rl=all&wl=one&rr=0&vv=1&ops=0&req=10:0:w,12:2:w,300:1:r&nem=0:split-0.0.1.1,200:healall');
  expect(run.operations[2].outcome).toBe('conflict');
  await expect(page.locator('#operations tbody tr').nth(2)).toContainText('read → {1000, 1001}');
  await expect(page.locator('#conflicts')).toHaveText('1');
  await page.locator('#vv').uncheck();
  await expect(page.locator('#operations tbody tr').nth(2)).toContainText('read → 1001');
  await expect(page.locator('#conflicts')).toHaveText('0');
});

test('nodes put into groups and split: the minority side of ABD times out', async ({ page }) => {
  const start = 'v=1&mode=abd&nodes=5&dcs=1&n=5&ops=0&at=0';
  await page.goto(`./#/lab/partition?${start}`);
  for (const n of [3, 4]) await page.locator(`#group-${n}`).selectOption('1');
  await page.locator('#apply-split').click();
  await page.locator('#write-0').click(); // Majority side {0, 1, 2}.
  await page.locator('#time').fill('0');
  await page.locator('#write-3').click(); // Minority side {3, 4}.
  const query = 'v=1&mode=abd&nodes=5&dcs=1&n=5&rl=quorum&wl=quorum&rr=0&sloppy=0&vv=0&sync=0&fr=0&lat=2&rlat=10&loss=0&timeout=60&seed=1&ops=0&spacing=10&keys=1&req=0%3A0%3Aw%2C0%3A3%3Aw&nem=0%3Asplit-0.0.0.1.1';
  const run = await expectCoreHistory(page, query);
  expect(run.operations.map((o) => o.outcome)).toEqual(['ok', 'timeout']);
  await expect(page.locator('#link-0-3')).toHaveAttribute('aria-label', /cut/);
  await page.locator('#speed').selectOption('100');
  await page.locator('#play').click();
  await expect(page.locator('#play')).toHaveText('Replay', { timeout: 20_000 });
});
