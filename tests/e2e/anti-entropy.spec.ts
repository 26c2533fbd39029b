// The Anti-entropy lab: a divergence-and-repair scenario, step by step, checked against the core.
import { test, expect, core, grouped, waitForResults as done } from './fixtures';

type Numbers = {
  query: string;
  differing_keys: number;
  differing_leaves: number[];
  levels: { level: number; compared: number; differing: number }[];
  hashes_compared: number;
  bytes_exchanged: number;
  full_compare_bytes: number;
  rounds: { pair: [number, number]; sent: number; over_streamed: number; fixed: number }[];
  roots_after: string[];
  chart: { depth: number; tree_nodes: number; compared: number; sent: number; over_streamed: number }[];
};

const antiEntropy = (q: string) => core<Numbers>('anti-entropy', q);

test('diverge, compare level by level, repair until the roots agree', async ({ page }) => {
  const base = 'v=1&keys=20000&seed=9&depth=8&replicas=3&damage=random&n=12';
  await page.goto(`./#/lab/anti-entropy?${base}&step=0&focus=1`);
  await done(page, `${base}&step=0&focus=1`);
  const expected = antiEntropy(`${base}&step=0&focus=1`);
  expect(expected.differing_keys).toBe(12);
  await expect(page.locator('.lab-details')).toContainText('Keys that differ between A and B: 12.');
  await expect(page.locator('#walk-status')).toContainText('Nothing compared yet');

  // Compare every level with the keyboard-operable button and check each row against the core.
  for (let level = 0; level <= 8; level++) {
    await page.locator('#next').click();
    await done(page, `${base}&step=${level + 1}&focus=1`);
    const row = page.locator(`#levels tr[data-level="${level}"] td`);
    await expect(row.nth(0)).toHaveText(grouped(expected.levels[level].compared));
    await expect(row.nth(1)).toHaveText(grouped(expected.levels[level].differing));
  }
  await expect(page.locator('#next')).toBeDisabled();
  await expect(page.locator('#compare-summary')).toContainText(
    `found ${expected.differing_leaves.length} differing leaves with ${grouped(expected.hashes_compared)} hash comparisons (${grouped(expected.bytes_exchanged)} bytes)`,
  );
  await expect(page.locator('#compare-summary')).toContainText(`would send ${grouped(expected.full_compare_bytes)} bytes`);

  // Step back once, then forward again: the table follows.
  await page.locator('#back').click();
  await done(page, `${base}&step=8&focus=1`);
  await expect(page.locator('#levels tr[data-level="8"]')).toHaveCount(0);

  await page.locator('#repair').click();
  await done(page, `${base}&step=10&focus=1`);
  for (const round of expected.rounds) {
    const cells = page.locator(`#repair-report tr[data-pair="${round.pair[0]}-${round.pair[1]}"] td`);
    await expect(cells.nth(0)).toHaveText(grouped(round.sent));
    await expect(cells.nth(1)).toHaveText(grouped(round.over_streamed));
    await expect(cells.nth(2)).toHaveText(grouped(round.fixed));
  }
  expect(new Set(expected.roots_after).size).toBe(1);
  await expect(page.locator('#roots-after')).toContainText('every replica has the same root');

  // The trade-off table is the core's chart.
  for (const c of expected.chart) {
    const cells = page.locator(`#tradeoff tr[data-depth="${c.depth}"] td`);
    await expect(cells.nth(1)).toHaveText(grouped(c.compared));
    await expect(cells.nth(4)).toHaveText(grouped(c.over_streamed));
  }
});

test('the tree view zooms into a differing node and back, by keyboard', async ({ page }) => {
  const q = 'v=1&keys=5000&seed=2&depth=10&replicas=2&damage=drop&n=1&step=11&focus=1';
  await page.goto(`./#/lab/anti-entropy?${q}`);
  await done(page, q);
  const differing = page.locator('.tree-node.differs[role="button"]').first();
  const node = await differing.getAttribute('data-node');
  await differing.focus();
  await page.keyboard.press('Enter');
  await done(page, q.replace('focus=1', `focus=${node}`));
  await expect(page.locator('.tree-view figcaption')).toContainText(`from node ${node}`);
  await page.locator('#zoom-root').click();
  await done(page, q);
});

test('bad anti-entropy links are named and clamped', async ({ page }) => {
  await page.goto('./#/lab/anti-entropy?v=1&depth=40&keys=1000000000000&damage=meteor&n=7');
  const alert = page.locator('#url-problems');
  await expect(alert).toContainText('depth — 40 is outside 0–20; using 10');
  await expect(alert).toContainText('keys — 1000000000000 is outside 1–1000000; using 100000');
  await expect(alert).toContainText('“meteor” is not one of drop, corrupt, range, random');
  await done(page, 'v=1&keys=100000&seed=42&depth=10&replicas=2&damage=drop&n=7&step=0&focus=1');
});

test('the depth slider works from the keyboard and restarts the walkthrough', async ({ page }) => {
  const q = 'v=1&keys=3000&seed=4&depth=6&replicas=2&damage=corrupt&n=3&step=3&focus=1';
  await page.goto(`./#/lab/anti-entropy?${q}`);
  await done(page, q);
  await page.locator('#depth').focus();
  await page.keyboard.press('ArrowRight');
  await done(page, 'v=1&keys=3000&seed=4&depth=7&replicas=2&damage=corrupt&n=3&step=0&focus=1');
  await expect(page.locator('label', { has: page.locator('#depth') })).toContainText('Tree depth: 7 (2^7 = 128 leaves');
  await expect(page.locator('#tradeoff tr.current-row th')).toHaveText('7');
});
