// The lab frame (issue #10): every lab, in its default state and in every preset, shows its main
// picture in the first screen, never scrolls sideways, keeps its settings beside the picture on
// wide screens and in a drawer on narrow ones; every chart has its data one click away and
// answers the keyboard; changes animate smoothly, and not at all for people who ask for less motion.
import { test, expect, coreLabs, corePresets, longTasks, watchLongTasks, waitForResults, core } from './fixtures';
import type { Page } from '@playwright/test';

/** Every lab's default state and every preset, as page URLs. */
function states(): { name: string; url: string }[] {
  const out: { name: string; url: string }[] = [];
  for (const lab of coreLabs()) {
    out.push({ name: `${lab.slug} (default)`, url: `./${lab.slug}/` });
    for (const p of corePresets().filter((p) => p.lab === lab.slug)) {
      out.push({ name: `${lab.slug}: ${p.name}`, url: `./${lab.slug}/#/lab/${lab.slug}?${p.query}` });
    }
  }
  return out;
}

/** Opens a state and waits for its picture: finished numbers, or for a run of millions of keys
 *  the first progress report (the frame is the same either way). */
async function open(page: Page, url: string) {
  await page.goto(url);
  const results = page.locator('section.results').first();
  await expect(results).toBeVisible({ timeout: 60_000 });
  await expect(results).toHaveAttribute('data-state', /done|running/);
  if ((await results.getAttribute('data-state')) === 'running') {
    await expect(results).toHaveAttribute('data-state', 'done', { timeout: 15_000 }).catch(() => undefined);
  }
}

const SCREENS: [number, number][] = [[320, 740], [360, 740], [768, 900], [1280, 800]];
// Each state is computed once and then measured at every screen size: the frame's layout is CSS
// (media queries in www/style.css), so a resized page lays out as one opened at that size, and
// computing every preset four times made this the slowest test file of the suite.
test(`every lab and preset at ${SCREENS.map(([w, h]) => `${w}×${h}`).join(', ')}: no sideways scrolling, the picture starts in the first screen`, async ({ page }) => {
  test.setTimeout(600_000);
  const problems: string[] = [];
  for (const { name, url } of states()) {
    await page.setViewportSize({ width: SCREENS[0][0], height: SCREENS[0][1] });
    await open(page, url);
    for (const [width, height] of SCREENS) {
      await page.setViewportSize({ width, height });
      // Two frames: the resize's layout and paint are done.
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      const at = `${name} at ${width}×${height}`;
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) problems.push(`${at}: scrolls sideways by ${overflow} px`);
      const figure = (await page.locator('#lab-figure').boundingBox())!;
      if (figure.y < 0 || figure.y >= height * 0.5) problems.push(`${at}: the picture starts at ${Math.round(figure.y)} px of ${height}`);
      // The headline numbers are there, three to five of them.
      const numbers = await page.locator('#headline .headline-number').count();
      if (numbers < 3 || numbers > 5) problems.push(`${at}: ${numbers} headline numbers`);
    }
  }
  expect(problems, problems.join('\n')).toEqual([]);
});

test('settings sit beside the picture on a wide screen and in a drawer below it on a phone', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page, './proofs/');
  await expect(page.locator('#drawer-toggle')).toBeHidden();
  await expect(page.locator('#size')).toBeVisible();
  const figure = (await page.locator('#lab-figure').boundingBox())!;
  const panel = (await page.locator('.lab-side').boundingBox())!;
  expect(panel.x, 'the panel is to the right of the picture').toBeGreaterThanOrEqual(figure.x + figure.width);

  await page.setViewportSize({ width: 360, height: 740 });
  const toggle = page.locator('#drawer-toggle');
  await expect(toggle).toBeVisible();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(page.locator('#size')).toBeHidden();
  const below = (await page.locator('#lab-figure').boundingBox())!;
  expect((await toggle.boundingBox())!.y, 'the drawer is below the picture').toBeGreaterThan(below.y + below.height - 1);
  await toggle.press('Enter');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(page.locator('#size')).toBeVisible();
  await page.locator('#size').fill('9');
  await page.locator('#size').press('Enter');
  await expect(page).toHaveURL(/size=9/);
});

test('every chart has its data as a table one click away, in every lab', async ({ page }) => {
  for (const lab of coreLabs()) {
    await open(page, `./${lab.slug}/`);
    const charts = page.locator('figure.chart-kit');
    const count = await charts.count();
    expect(count, `${lab.slug} draws its pictures with the chart kit`).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      const chart = charts.nth(i);
      await expect(chart.locator('svg').first()).toHaveAttribute('aria-label', /\w/);
      const table = chart.locator('details.chart-data table');
      await expect(table).toBeHidden();
      await chart.locator('details.chart-data summary').click();
      await expect(table).toBeVisible();
      expect(await table.locator('tbody tr').count(), `${lab.slug} chart ${i} has rows`).toBeGreaterThan(0);
    }
  }
});

test('a chart reads its marks aloud by keyboard, and hover shows the same tooltip', async ({ page }) => {
  const q = 'v=1&alg=ring&nodes=5&keys=2000&events=add&step=1';
  await page.goto(`./placement/#/lab/placement?${q}`);
  await waitForResults(page, core<{ query: string }>('placement', q).query);
  const chart = page.locator('figure.loads-chart');
  const area = chart.locator('.chart-area');
  const tip = chart.locator('.chart-tip');
  await area.focus();
  await page.keyboard.press('ArrowRight');
  await expect(tip).toHaveText(/^node 0: [\d,]+ keys after, [\d,]+ before$/);
  await page.keyboard.press('ArrowRight');
  await expect(tip).toHaveText(/^node 1: /);
  await page.keyboard.press('End');
  await expect(tip).toHaveText(/^node 5: [\d,]+ keys after, none before$/);
  // The arrows belonged to the chart: the lab did not step back.
  await expect(page.locator('#step-now')).toContainText('Step 1 of 1');
  await chart.locator('[data-node="2"]').hover();
  await expect(tip).toHaveText(/^node 2: /);
});

test('marks use the Okabe–Ito palette, and each says what it is in words', async ({ page }) => {
  const q = 'v=1&alg=ring&nodes=8&keys=2000&events=&step=0';
  await page.goto(`./placement/#/lab/placement?${q}`);
  await waitForResults(page, core<{ query: string }>('placement', q).query);
  const fills = await page.locator('.loads-chart .bar-after').evaluateAll((bars) => bars.map((b) => getComputedStyle(b).fill));
  const okabeIto = ['rgb(0, 114, 178)', 'rgb(230, 159, 0)', 'rgb(0, 158, 115)', 'rgb(213, 94, 0)', 'rgb(204, 121, 167)', 'rgb(86, 180, 233)', 'rgb(143, 134, 0)', 'rgb(0, 0, 0)'];
  expect(fills).toEqual(okabeIto);
  const tips = await page.locator('.loads-chart [data-tip]').evaluateAll((marks) => marks.map((m) => m.getAttribute('data-tip')));
  expect(tips.every((t, i) => t!.startsWith(`node ${i}:`))).toBe(true);
});

test('a step animates what changed, without a long task; reduced motion makes it instant @alone', async ({ page }) => {
  const q = 'v=1&alg=ring,modn&nodes=6&keys=20000&events=add,add&step=0';
  await page.goto(`./placement/#/lab/placement?${q}`);
  await waitForResults(page, core<{ query: string }>('placement', q).query);
  await watchLongTasks(page);
  const bar = page.locator('[data-alg="modn"] .loads-chart [data-node="0"] .bar-after');
  const final = async () => Number(await bar.getAttribute('width'));
  const shown = async () => bar.evaluate((b) => parseFloat(getComputedStyle(b).width));
  const before = await final();
  await page.locator('#step-forward').click();
  await expect.poll(final).not.toBe(before);
  // Mid-transition the bar is between its old and new length.
  const after = await final();
  const mid = await shown();
  expect(Math.min(before, after) < mid && mid < Math.max(before, after), `${before} → ${mid} → ${after}`).toBe(true);
  await expect.poll(shown).toBeCloseTo(after, 0);
  // Play through the steps, then the Partition lab's messages in flight.
  await page.locator('#step-forward').click();
  await waitForResults(page, core<{ query: string }>('placement', q.replace('step=0', 'step=2')).query);
  await page.waitForTimeout(800);
  const partition = corePresets().find((p) => p.lab === 'partition' && /ops=[1-9]/.test(p.query))!;
  await page.goto(`./partition/#/lab/partition?${partition.query}`);
  await watchLongTasks(page);
  await page.locator('#play').click();
  await expect(page.locator('.msg-dot').first()).toBeVisible();
  await page.waitForTimeout(2_500);
  await page.locator('#play').click();
  const tasks = await longTasks(page);
  console.log(`long tasks while animating: ${JSON.stringify(tasks)}`);
  expect(tasks, 'main-thread tasks over 50 ms during the animations').toEqual([]);

  // With reduced motion, no animation runs and the new length shows at once.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(`./placement/#/lab/placement?${q}`);
  await waitForResults(page, core<{ query: string }>('placement', q).query);
  await page.locator('#step-forward').click();
  await expect.poll(final).not.toBe(before);
  expect(await shown()).toBeCloseTo(await final(), 0);
  expect(await page.evaluate(() => document.getAnimations().length)).toBe(0);
});
