// What a person sees: the home page, every lab, permalinks, bad links, embed mode, errors,
// keyboard use, small and large screens, and both colour schemes.
import { test, expect, coreLabs, coreRebalance, waitForResults, shownNumbers, grouped } from './fixtures';

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
    await expect(page).toHaveURL(new RegExp(`#/lab/${lab.slug}`));
    await expect(page.locator('h1')).toHaveText(lab.title);
  }
});

test('Rebalance shows the numbers the core computes for a scripted add and remove', async ({ page }) => {
  const start = 'v=1&alg=ring&nodes=8&keys=200000&vnodes=100&seed=7&event=add';
  await page.goto(`./#/lab/rebalance?${start}`);
  await waitForResults(page, start);
  let core = coreRebalance(start);
  let shown = await shownNumbers(page);
  expect([shown.keys, shown.moved, shown.minimum]).toEqual([core.keys, core.moved, core.minimum]);
  expect(shown.headline).toContain(`Keys moved: ${grouped(core.moved)} of ${grouped(core.keys)}`);
  expect(shown.headline).toContain(`minimum possible: ${grouped(core.minimum)}`);
  // A ring moves only what the new node takes, which is the minimum.
  expect(core.moved).toBe(core.minimum);
  expect(shown.rows.map((r) => r.node)).toEqual(core.loads.map((l) => l.node));
  for (const [i, load] of core.loads.entries()) {
    const [before, after] = shown.rows[i].cells;
    if (load.before === null) expect(before).toContain('not yet in the cluster');
    else expect(before).toContain(grouped(load.before));
    if (load.after === null) expect(after).toContain('left the cluster');
    else expect(after).toContain(grouped(load.after));
  }

  // Through the controls: switch to hash mod N on 10 nodes and remove node 3.
  await page.locator('#alg').selectOption('modn');
  await page.locator('#nodes').fill('10');
  await page.locator('#nodes').press('Tab');
  await page.locator('#remove-choice').selectOption('3');
  await page.locator('#remove-node').click();
  const after = 'v=1&alg=modn&nodes=10&keys=200000&vnodes=100&seed=7&event=remove-3';
  await waitForResults(page, after);
  await expect(page).toHaveURL(new RegExp(`#/lab/rebalance\\?${after.replace(/[.?*+^$()|[\]\\]/g, '\\$&')}$`));
  core = coreRebalance(after);
  shown = await shownNumbers(page);
  expect([shown.keys, shown.moved, shown.minimum]).toEqual([core.keys, core.moved, core.minimum]);
  // mod N moves most keys although only a tenth had to.
  expect(core.moved).toBeGreaterThan(core.keys * 0.8);
  expect(core.minimum).toBeLessThan(core.keys * 0.15);
  await expect(page.locator('.theory')).toContainText('mod N moves');
});

test('jump hash refuses to remove a node other than the last, and says why', async ({ page }) => {
  const q = 'v=1&alg=jump&nodes=6&keys=50000&vnodes=100&seed=1&event=add';
  await page.goto(`./#/lab/rebalance?${q}`);
  await waitForResults(page, q);
  await page.locator('#remove-choice').selectOption('2');
  await page.locator('#remove-node').click();
  await expect(page.locator('#notice')).toContainText('jump hash can only remove the last bucket (node 5), not node 2');
  await expect(page.locator('#event-now')).toContainText('Node 6 joins');
  await page.locator('#remove-choice').selectOption('5');
  await page.locator('#remove-node').click();
  const removed = 'v=1&alg=jump&nodes=6&keys=50000&vnodes=100&seed=1&event=remove-5';
  await waitForResults(page, removed);
  const core = coreRebalance(removed);
  const shown = await shownNumbers(page);
  expect([shown.moved, shown.minimum]).toEqual([core.moved, core.minimum]);
});

test('a permalink round-trips: opening it elsewhere shows the same state and numbers', async ({ page, browser }) => {
  await page.goto('./#/lab/rebalance');
  await page.locator('#alg').selectOption('hrw');
  await page.locator('#keys').fill('123457');
  await page.locator('#keys').press('Tab');
  await page.locator('#seed').fill('18446744073709551615');
  await page.locator('#seed').press('Tab');
  await page.locator('#remove-choice').selectOption('4');
  await page.locator('#remove-node').click();
  const q = 'v=1&alg=hrw&nodes=8&keys=123457&vnodes=100&seed=18446744073709551615&event=remove-4';
  await waitForResults(page, q);
  const first = await shownNumbers(page);
  const href = await page.locator('#permalink').getAttribute('href');
  expect(href).toBe(`#/lab/rebalance?${q}`);

  const other = await browser.newPage();
  await other.goto(new URL(href!, page.url()).toString());
  await waitForResults(other, q);
  expect(await shownNumbers(other)).toEqual(first);
  await expect(other.locator('#alg')).toHaveValue('hrw');
  await expect(other.locator('#seed')).toHaveValue('18446744073709551615');
  await expect(other.locator('#url-problems')).toHaveCount(0);
  await other.reload();
  await waitForResults(other, q);
  expect(await shownNumbers(other)).toEqual(first);
  await other.close();
});

test('typing into a field while keys are being placed keeps the typed text', async ({ page }) => {
  await page.goto('./#/lab/rebalance?v=1&alg=hrw&nodes=64&keys=1000000&vnodes=100&seed=5&event=add');
  await expect(page.locator('section.results[data-state="running"]')).toBeVisible();
  await page.locator('#seed').click();
  await page.locator('#seed').press('End');
  await page.locator('#seed').pressSequentially('123', { delay: 50 });
  await expect(page.locator('#seed')).toHaveValue('5123');
  await page.locator('#seed').press('Enter');
  await waitForResults(page, 'v=1&alg=hrw&nodes=64&keys=1000000&vnodes=100&seed=5123&event=add');
});

test('a malformed link names each problem and falls back to defaults', async ({ page }) => {
  await page.goto('./#/lab/rebalance?v=1&alg=quantum&nodes=abc&keys=999999999&event=remove-99&color=red');
  const alert = page.locator('#url-problems');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('“quantum” is not one of modn, ring, hrw, jump; using ring');
  await expect(alert).toContainText('“abc” is not a whole number; using 8');
  await expect(alert).toContainText('999999999 is outside 1–1000000; using 100000');
  await expect(alert).toContainText('node 99 is not in a cluster of nodes 0–7; adding a node instead');
  await expect(alert).toContainText('color');
  const defaults = 'v=1&alg=ring&nodes=8&keys=100000&vnodes=100&seed=42&event=add';
  await waitForResults(page, defaults);
  await expect(page).toHaveURL(/event=add$/);
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(alert).toHaveCount(0);
});

test('hostile, truncated and future-version links never break the page', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs += 1;
    void d.dismiss();
  });
  await page.goto('./#/lab/rebalance?v=1&alg=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&seed=' + 'x'.repeat(5000));
  await expect(page.locator('#url-problems')).toContainText('<img src=x onerror=alert(1)>');
  await expect(page.locator('#url-problems')).toContainText('…');
  await expect(page.locator('#url-problems img')).toHaveCount(0);

  await page.goto('./#/lab/rebalance?v=1&alg=ri');
  await expect(page.locator('#url-problems')).toContainText('“ri” is not one of');

  await page.goto('./#/lab/rebalance?v=9&alg=jump');
  await expect(page.locator('#url-problems')).toContainText('link version “9” is not one this site reads');
  await waitForResults(page, 'v=1&alg=ring&nodes=8&keys=100000&vnodes=100&seed=42&event=add');

  await page.goto('./#/lab/no-such-lab');
  await expect(page.getByRole('alert')).toContainText('There is no lab called “no-such-lab”');
  expect(dialogs).toBe(0);
});

test('a panic shows an error panel with a reload link', async ({ page, guard }) => {
  guard.allowErrors();
  await page.goto('./#/debug/panic');
  const panel = page.locator('#panic-panel');
  await expect(panel).toBeVisible();
  await expect(panel).toHaveAttribute('role', 'alert');
  await expect(panel).toContainText('panics on purpose');
  const reload = panel.getByRole('link', { name: 'Reload this page' });
  await expect(reload).toHaveAttribute('href', /\?reload#\/debug\/panic$/);
});

test('embed mode hides the site chrome, from either side of the #', async ({ page }) => {
  for (const url of ['./?embed=1#/lab/rebalance', './#/lab/rebalance?embed=1']) {
    await page.goto(url);
    await expect(page.locator('h1')).toHaveText('Rebalance');
    await expect(page.locator('.site-header')).toHaveCount(0);
    await expect(page.locator('.site-footer')).toHaveCount(0);
    await waitForResults(page, 'v=1&alg=ring&nodes=8&keys=100000&vnodes=100&seed=42&event=add');
    await expect(page).toHaveURL(/embed=1/);
  }
  await page.goto('./#/lab/rebalance');
  await expect(page.locator('.site-header')).toBeVisible();
});

test('deep links, reloads and the back button work from a sub-path', async ({ page }) => {
  await page.goto('./');
  await page.getByRole('link', { name: 'Rebalance' }).click();
  await waitForResults(page, 'v=1&alg=ring&nodes=8&keys=100000&vnodes=100&seed=42&event=add');
  await page.goBack();
  await expect(page.locator('h1')).toHaveText('Labs');
  await page.goForward();
  await expect(page.locator('h1')).toHaveText('Rebalance');
  await page.locator('#nodes').fill('5');
  await page.locator('#nodes').press('Enter');
  const q = 'v=1&alg=ring&nodes=5&keys=100000&vnodes=100&seed=42&event=add';
  await waitForResults(page, q);
  await page.reload();
  await waitForResults(page, q);
  await expect(page.locator('#nodes')).toHaveValue('5');
  // Every asset URL is relative, so the build did not escape its sub-path.
  const assets = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname),
  );
  for (const path of assets) expect(path.startsWith('/docs/sub/shardscope/')).toBe(true);
});

test('every control is reachable by keyboard, named, and shows focus', async ({ page }) => {
  await page.goto('./#/lab/rebalance');
  await waitForResults(page, 'v=1&alg=ring&nodes=8&keys=100000&vnodes=100&seed=42&event=add');
  const wanted = ['alg', 'nodes', 'keys', 'vnodes', 'seed', 'add-node', 'remove-choice', 'remove-node', 'permalink'];
  const reached = new Set<string>();
  for (let i = 0; i < 30 && reached.size < wanted.length; i++) {
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
  // Operable: Add node by keyboard.
  await page.locator('#remove-node').focus();
  await page.keyboard.press('Enter');
  await waitForResults(page, 'v=1&alg=ring&nodes=8&keys=100000&vnodes=100&seed=42&event=remove-7');
});

const WIDE_STATES = [
  ['rebalance', 'v=1&alg=ring&nodes=64&keys=1000&vnodes=1&seed=3&event=add'],
  ['anti-entropy', 'v=1&keys=2000&seed=3&depth=12&replicas=3&damage=random&n=9&step=14&focus=1'],
];
for (const width of [360, 1440]) {
  for (const [slug, q] of WIDE_STATES) {
    test(`${slug} fits a ${width} px wide screen without sideways scrolling`, async ({ page }) => {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`./#/lab/${slug}?${q}`);
      await waitForResults(page, q);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    });
  }
}

test('light and dark themes follow the OS preference', async ({ page }) => {
  const background = async () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('./');
  expect(await background()).toBe('rgb(255, 255, 255)');
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await background()).toBe('rgb(18, 21, 27)');
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

test('a million keys on 64 rendezvous nodes: progress shows, the page stays responsive', async ({ page }) => {
  const q = 'v=1&alg=hrw&nodes=64&keys=1000000&vnodes=100&seed=11&event=add';
  await page.goto(`./#/lab/rebalance?${q}`);
  // The progress bar is painted mid-run, which a blocked main thread could not do.
  const bar = page.locator('section.results[data-state="running"] progress');
  await expect(bar).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute('value'))).toBeGreaterThan(0);
  const results = await waitForResults(page, q);
  const core = coreRebalance(q);
  expect(Number(await results.getAttribute('data-moved'))).toBe(core.moved);
  expect(core.moved).toBe(core.minimum);
});
