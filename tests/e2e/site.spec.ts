// What a person sees of the site as a whole: the home page, one page per lab, links written before
// the labs became pages of their own (every preset, and the Rebalance lab's links, which now open
// the Placement lab with the same numbers), bad links, embed mode, errors, keyboard use, small and
// large screens, both colour schemes, and the Content-Security-Policy.
import { test, expect, coreLabs, corePresets, core, corePlacement, expectCoreNumbers, waitForResults, escapeRegExp } from './fixtures';

test('the home page lists every lab in the catalog, and each one opens', async ({ page }) => {
  const labs = coreLabs();
  await page.goto('./');
  await expect(page.locator('h1')).toHaveText('Labs');
  const cards = page.locator('.lab-card');
  await expect(cards).toHaveCount(labs.length);
  for (const [i, lab] of labs.entries()) {
    await expect(cards.nth(i).locator('h2')).toHaveText(lab.title);
    await expect(cards.nth(i).locator('p')).toHaveText(lab.summary);
  }
  for (const lab of labs) {
    await page.goto('./');
    await page.getByRole('link', { name: lab.title }).click();
    await expect(page).toHaveURL(new RegExp(`/${lab.slug}/#/lab/${lab.slug}\\?v=1&`));
    await expect(page.locator('h1')).toHaveText(lab.title);
  }
});

test('the home page loads no wasm and only its own four files', async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname.replace('/docs/sub/shardscope/', '')));
  await page.goto('./');
  await expect(page.locator('h1')).toHaveText('Labs');
  expect(requested.sort()).toEqual(['', 'favicon.svg', 'old-links.js', 'style.css', 'theme.js']);
});

test('a lab page fetches only its own lab', async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname.replace('/docs/sub/shardscope/', '')));
  await page.goto('./proofs/');
  await expect(page.locator('h1')).toHaveText('Tamper-evident log');
  await expect(page.locator('section.results[data-state="done"]')).toBeVisible();
  // Its own folder, and the theme switch every page shares (applied before the page paints).
  for (const path of requested) expect(path.startsWith('proofs/') || path === 'theme.js', path).toBe(true);
  expect(requested.filter((p) => p.endsWith('.wasm'))).toHaveLength(1);
});

test('every preset of every lab, as an old one-page link, opens its lab page in the same state', async ({ page }) => {
  test.setTimeout(240_000);
  for (const preset of corePresets()) {
    if (preset.query.includes('keys=10000000')) continue;
    const canonical = core<{ query: string }>(preset.lab, preset.query).query;
    await page.goto(`./#/lab/${preset.lab}?${preset.query}`);
    await expect(page).toHaveURL(new RegExp(`/${preset.lab}/#/lab/${preset.lab}\\?${escapeRegExp(canonical)}$`));
    await expect(page.locator('#url-problems')).toHaveCount(0);
    if (preset.lab === 'placement') await expectCoreNumbers(page, preset.query);
  }
});

// What the Rebalance lab showed for these links before it was folded into Placement
// (`shardscope rebalance QUERY` at that commit; crates/shardscope-core/tests/rebalance_links.rs
// checks every node's load as well).
const REBALANCE_LINKS = [
  { old: 'v=1&alg=ring&nodes=8&keys=200000&vnodes=100&seed=7&event=add', moved: 21528, minimum: 21528 },
  { old: 'v=1&alg=modn&nodes=10&keys=200000&vnodes=100&seed=7&event=remove-3', moved: 180011, minimum: 20118 },
  { old: 'v=1&alg=jump&nodes=6&keys=50000&vnodes=100&seed=1&event=remove-5', moved: 8448, minimum: 8448 },
  { old: 'v=1&alg=hrw&nodes=8&keys=123457&vnodes=100&seed=18446744073709551615&event=remove-4', moved: 15386, minimum: 15386 },
];

test('Rebalance links open the Placement lab with the numbers the Rebalance lab showed', async ({ page }) => {
  for (const link of REBALANCE_LINKS) {
    await page.goto(`./#/lab/rebalance?${link.old}`);
    const placement = link.old.replace(/&event=(.*)$/, '&events=$1&step=1');
    const expected = await expectCoreNumbers(page, placement);
    await expect(page).toHaveURL(new RegExp(`/placement/#/lab/placement\\?${escapeRegExp(expected.query)}$`));
    const [alg] = expected.report.algorithms;
    expect([alg.moved, alg.minimum]).toEqual([link.moved, link.minimum]);
    await expect(page.locator('h1')).toHaveText('Placement');
    await expect(page.locator('#url-problems')).toHaveCount(0);
  }
  // A bare Rebalance link meant its defaults: 100,000 keys on 8 nodes, one joins.
  await page.goto('./#/lab/rebalance');
  await expectCoreNumbers(page, 'v=1&alg=ring&nodes=8&keys=100000&vnodes=100&seed=42&events=add&step=1');
  // Embedded, from either side of the #.
  for (const url of [`./?embed=1#/lab/rebalance?${REBALANCE_LINKS[0].old}`, `./#/lab/rebalance?${REBALANCE_LINKS[0].old}&embed=1`]) {
    await page.goto(url);
    await expectCoreNumbers(page, REBALANCE_LINKS[0].old.replace('&event=add', '&events=add&step=1'));
    await expect(page.locator('.site-header')).toHaveCount(0);
    await expect(page).toHaveURL(/embed=1/);
  }
});

test('a permalink round-trips: opening it elsewhere shows the same state and numbers', async ({ page, browser }) => {
  await page.goto('./placement/');
  await page.locator('#keys').fill('123457');
  await page.locator('#keys').press('Tab');
  await page.locator('#seed').fill('18446744073709551615');
  await page.locator('#seed').press('Tab');
  const q = corePlacement('v=1&alg=ring&nodes=8&keys=123457&seed=18446744073709551615&events=add&step=1').query;
  await expectCoreNumbers(page, q);
  const href = await page.locator('#permalink').getAttribute('href');
  expect(href).toBe(`#/lab/placement?${q}`);
  const other = await browser.newPage();
  await other.goto(new URL(href!, page.url()).toString());
  await expectCoreNumbers(other, q);
  await expect(other.locator('#seed')).toHaveValue('18446744073709551615');
  await expect(other.locator('#url-problems')).toHaveCount(0);
  await other.reload();
  await expectCoreNumbers(other, q);
  await other.close();
});

test('typing into a field while keys are being placed keeps the typed text', async ({ page }) => {
  await page.goto('./#/lab/placement?v=1&alg=ring,jump&nodes=20&keys=3000000&seed=5&events=add&step=1');
  await expect(page.locator('section.results[data-state="running"]')).toBeVisible();
  await page.locator('#seed').click();
  await page.locator('#seed').press('End');
  await page.locator('#seed').pressSequentially('123', { delay: 50 });
  await expect(page.locator('#seed')).toHaveValue('5123');
  await page.locator('#seed').press('Enter');
  await expect(page).toHaveURL(/seed=5123&/);
});

test('hostile, truncated and future-version links never break a page', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs += 1;
    void d.dismiss();
  });
  await page.goto('./#/lab/placement?v=1&alg=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&seed=' + 'x'.repeat(5000));
  await expect(page.locator('#url-problems')).toContainText('<img src=x onerror=alert(1)>');
  await expect(page.locator('#url-problems')).toContainText('…');
  await expect(page.locator('#url-problems img')).toHaveCount(0);

  await page.goto('./#/lab/placement?v=1&alg=ri');
  await expect(page.locator('#url-problems')).toContainText('“ri”');

  await page.goto('./#/lab/placement?v=9&alg=jump');
  await expect(page.locator('#url-problems')).toContainText('link version “9” is not one this site reads');
  await waitForResults(page, corePlacement('').query);

  // An unknown lab, on the home page and on a lab page; neither echoes markup.
  await page.goto('./#/lab/no-such-lab');
  await expect(page.getByRole('alert')).toContainText('There is no lab called “no-such-lab”');
  await page.goto('./#/lab/%3Cb%3Ex%3C%2Fb%3E');
  await expect(page.getByRole('alert')).toContainText('There is no lab called “<b>x</b>”');
  await expect(page.locator('[role=alert] b')).toHaveCount(0);
  await page.goto('./placement/#/lab/no-such-lab');
  await expect(page.getByRole('alert')).toContainText('There is no lab called “no-such-lab” on this page');
  await page.getByRole('link', { name: 'See all labs' }).click();
  await expect(page.locator('h1')).toHaveText('Labs');
  expect(dialogs).toBe(0);
});

test('a panic shows an error panel with a reload link', async ({ page, guard }) => {
  guard.allowErrors();
  await page.goto('./#/debug/panic');
  await expect(page).toHaveURL(/\/debug\/#\/debug\/panic$/);
  const panel = page.locator('#panic-panel');
  await expect(panel).toBeVisible();
  await expect(panel).toHaveAttribute('role', 'alert');
  await expect(panel).toContainText('panics on purpose');
  const reload = panel.getByRole('link', { name: 'Reload this page' });
  await expect(reload).toHaveAttribute('href', /\?reload#\/debug\/panic$/);
});

test('embed mode hides the site chrome, from either side of the #, on old and new links', async ({ page }) => {
  for (const url of ['./?embed=1#/lab/proofs', './#/lab/proofs?embed=1', './proofs/?embed=1', './proofs/#/lab/proofs?embed=1']) {
    await page.goto(url);
    await expect(page.locator('h1')).toHaveText('Tamper-evident log');
    await expect(page.locator('.site-header')).toHaveCount(0);
    await expect(page.locator('.site-footer')).toHaveCount(0);
    await expect(page).toHaveURL(/\/proofs\/.*embed=1/);
    await expect(page).toHaveURL(/#\/lab\/proofs\?v=1&/);
  }
  await page.goto('./#/lab/proofs');
  await expect(page.locator('.site-header')).toBeVisible();
});

test('deep links, reloads and the back button work from a sub-path', async ({ page }) => {
  await page.goto('./');
  await page.getByRole('link', { name: 'Placement' }).click();
  await expectCoreNumbers(page, '');
  await page.goBack();
  await expect(page.locator('h1')).toHaveText('Labs');
  await page.goForward();
  await expect(page.locator('h1')).toHaveText('Placement');
  await page.locator('#nodes').fill('5');
  await page.locator('#nodes').press('Enter');
  const q = corePlacement('v=1&nodes=5&events=add&step=1').query;
  await expectCoreNumbers(page, q);
  await page.reload();
  await expectCoreNumbers(page, q);
  await expect(page.locator('#nodes')).toHaveValue('5');
  // The header leads home, and Back returns to the lab in the same state.
  await page.getByRole('link', { name: 'Shardscope' }).click();
  await expect(page.locator('h1')).toHaveText('Labs');
  await page.goBack();
  await expectCoreNumbers(page, q);
  // Every asset URL is relative, so the build did not escape its sub-path.
  const assets = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname),
  );
  for (const path of assets) expect(path.startsWith('/docs/sub/shardscope/')).toBe(true);
});

test('every control is reachable by keyboard, named, and shows focus', async ({ page }) => {
  await page.goto('./#/lab/placement?v=1&nodes=6&keys=20000&events=add&step=1');
  await expectCoreNumbers(page, 'v=1&nodes=6&keys=20000&events=add&step=1');
  const wanted = ['preset', 'nodes', 'keys', 'vnodes', 'seed', 'add-node', 'event-node', 'remove-node', 'fail-node', 'step-back', 'play', 'permalink'];
  const reached = new Set<string>();
  for (let i = 0; i < 80 && reached.size < wanted.length; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return null;
      const style = getComputedStyle(el);
      const labelled = (el as HTMLInputElement).labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? el.textContent;
      return { id: el.id, name: (labelled ?? '').trim(), outline: style.outlineStyle };
    });
    if (info && wanted.includes(info.id)) {
      reached.add(info.id);
      expect(info.name, `accessible name of #${info.id}`).not.toBe('');
      expect(info.outline, `focus outline of #${info.id}`).not.toBe('none');
    }
  }
  expect([...reached].sort()).toEqual([...wanted].sort());
  // Operable: record a join by keyboard.
  await page.locator('#add-node').focus();
  await page.keyboard.press('Enter');
  await expectCoreNumbers(page, 'v=1&nodes=6&keys=20000&events=add,add&step=2');
});

const WIDE_STATES = [
  ['placement', 'v=1&alg=ring,hrw,jump,maglev&nodes=64&keys=1000&vnodes=1&seed=3&events=add&step=1'],
  ['anti-entropy', 'v=1&keys=2000&seed=3&depth=12&replicas=3&damage=random&n=9&step=14&focus=1'],
];
for (const width of [360, 1440]) {
  for (const [slug, q] of WIDE_STATES) {
    test(`${slug} fits a ${width} px wide screen without sideways scrolling`, async ({ page }) => {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`./${slug}/#/lab/${slug}?${q}`);
      await waitForResults(page, core<{ query: string }>(slug, q).query);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    });
  }
}

test('the theme switch overrides the OS preference, is remembered, and reaches every page', async ({ page }) => {
  const background = async () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const toggle = page.locator('#theme-toggle');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('./');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  expect(await background()).toBe('rgb(18, 21, 27)');
  await page.reload();
  expect(await background()).toBe('rgb(18, 21, 27)');
  // A lab page starts dark (before its wasm runs) and its own switch knows it.
  await page.goto('./proofs/');
  expect(await background()).toBe('rgb(18, 21, 27)');
  await expect(page.locator('#theme-toggle')).toHaveAttribute('aria-pressed', 'true');
  await page.locator('#theme-toggle').click();
  expect(await background()).toBe('rgb(255, 255, 255)');
  await page.goto('./');
  expect(await background()).toBe('rgb(255, 255, 255)');
  // Chosen light while the OS prefers dark: the choice wins.
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await background()).toBe('rgb(255, 255, 255)');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
});

test('light and dark themes follow the OS preference, on the home page and a lab page', async ({ page }) => {
  const background = async () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  for (const url of ['./', './proofs/']) {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(url);
    expect(await background()).toBe('rgb(255, 255, 255)');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe('rgb(18, 21, 27)');
  }
});

test('every page carries a strict Content-Security-Policy and starts under it', async ({ page }) => {
  const policy = () => page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  // The home page is plain HTML: its one script is a file of its own, and it compiles no wasm.
  await page.goto('./');
  let csp = await policy();
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self';");
  expect(csp).not.toContain('unsafe');
  await expect(page.locator('h1')).toHaveText('Labs');
  // Each lab page allows wasm and exactly the hash of Trunk's inline start-up script.
  for (const lab of coreLabs()) {
    await page.goto(`./${lab.slug}/`);
    csp = await policy();
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("'wasm-unsafe-eval'");
    expect(csp).toMatch(/'sha256-[A-Za-z0-9+/]+=*'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('CSP-INLINE-SCRIPT-HASHES');
    // The lab started under that policy, and wrote its whole state into the fragment.
    await expect(page.locator('h1')).toHaveText(lab.title);
    await expect(page).toHaveURL(new RegExp(`/${lab.slug}/#/lab/${lab.slug}\\?v=1&`));
  }
});

// Defects a review found (issue #10), each with the check that would have caught it.

// Sideways scrolling of every lab and preset at 320, 360, 768 and 1280 px: frame.spec.ts.

test('a checkbox sits on its label line at text size', async ({ page }) => {
  await page.goto('./placement/#/lab/placement?v=1&keys=1000&events=&step=0');
  await expect(page.locator('section.results[data-state="done"]')).toBeVisible();
  for (const id of ['alg-ring', 'alg-jump', 'topo']) {
    const box = (await page.locator(`#${id}`).boundingBox())!;
    const label = (await page.locator(`label:has(> #${id}) > span`).boundingBox())!;
    expect(box.height, `#${id} height`).toBeLessThanOrEqual(24);
    expect(box.width, `#${id} width`).toBeLessThanOrEqual(24);
    // Beside its text, not above it: the two overlap vertically.
    expect(box.y + box.height).toBeGreaterThan(label.y);
    expect(box.y).toBeLessThan(label.y + label.height);
    expect(box.x).toBeLessThan(label.x);
  }
});

test('the preset menu shows which preset is on screen, and its lesson', async ({ page }) => {
  const placement = corePresets().filter((p) => p.lab === 'placement');
  const i = placement.findIndex((p) => p.name.startsWith('mod N vs ring'));
  // Opened from a preset's link.
  await page.goto(`./#/lab/placement?${placement[i].query}`);
  await expect(page.locator('#preset')).toHaveValue(String(i));
  await expect(page.locator('#lesson')).toHaveText(placement[i].lesson);
  // Any change makes it a state of its own.
  await page.locator('#seed').fill('43');
  await page.locator('#seed').press('Enter');
  await expect(page).toHaveURL(/seed=43/);
  await expect(page.locator('#preset')).toHaveValue('');
  await expect(page.locator('#lesson')).toHaveCount(0);
  // Chosen from the menu.
  const j = placement.findIndex((p) => p.name.startsWith('Lose a rack'));
  await page.locator('#preset').focus();
  await page.locator('#preset').selectOption(String(j));
  await expect(page.locator('#preset')).toHaveValue(String(j));
  await expect(page.locator('#lesson')).toHaveText(placement[j].lesson);
  await expect(page.locator('#preset')).toBeFocused();
});

test('Partition: the two-node pictures name G1 and G2 as the lessons do; no operations is not 0% available', async ({ page }) => {
  const gl = corePresets().find((p) => p.lab === 'partition' && p.name.startsWith('Gilbert–Lynch'))!;
  expect(gl.lesson).toContain('G1');
  await page.goto(`./#/lab/partition?${gl.query}`);
  await expect(page.locator('#lesson')).toHaveText(gl.lesson);
  await expect(page.locator('.lane-label')).toHaveText(['G1', 'G2']);
  await expect(page.locator('#node-0')).toHaveAttribute('aria-label', /^G1 \(datacenter 0/);
  await page.goto(`./#/lab/partition?v=1&mode=leaderless&nodes=3&dcs=1&n=3&rl=quorum&wl=quorum&rr=0&ops=0`);
  await expect(page.locator('#operations tbody tr')).toHaveCount(0);
  await expect(page.locator('#availability')).toContainText('–');
  await expect(page.locator('#availability')).not.toContainText('0.0%');
});

test('keyboard shortcuts: Space plays or pauses, arrows step, and keys in a field stay the field’s', async ({ page }) => {
  const blur = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.goto('./#/lab/placement?v=1&nodes=6&keys=20000&events=add,add,add&step=3');
  await expect(page.locator('#keys-hint')).toContainText('Space plays or pauses');
  await expect(page.locator('#step-now')).toHaveText('Step 3 of 3');
  // Under a loaded machine the first key once went unanswered while the lab was still
  // computing (seen once in 66 tests); the keys are pressed once its numbers are in.
  await expect(page.locator('section.results[data-state="done"]')).toBeVisible({ timeout: 60_000 });
  await blur();
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('#step-now')).toHaveText('Step 2 of 3');
  await expect(page).toHaveURL(/step=2/);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#step-now')).toHaveText('Step 2 of 3');
  await page.keyboard.press('Space');
  await expect(page.locator('#play')).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Space');
  await expect(page.locator('#play')).toHaveAttribute('aria-pressed', 'false');
  // An arrow in a text field moves its caret, not the lab.
  const step = await page.locator('#step-now').innerText();
  await page.locator('#seed').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('#step-now')).toHaveText(step);
  // The Partition lab's time steps the same way.
  await page.goto('./#/lab/partition?v=1&mode=leaderless&nodes=3&dcs=1&n=3&rl=quorum&wl=quorum&ops=4&at=0');
  await expect(page.locator('#time')).toHaveValue('0');
  await blur();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#time')).not.toHaveValue('0');
});
