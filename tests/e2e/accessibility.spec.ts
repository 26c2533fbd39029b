// Accessibility, checked by a real tool: axe-core on the home page and on every lab page (its
// default state and its first preset), in light and dark, wide and narrow. Zero violations.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, core, coreLabs, corePresets } from './fixtures';
import type { Page } from '@playwright/test';

/** axe's violations on the page as it is, one line each: rule, impact, and the elements. */
async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ')}`,
  );
}

/** The pages to check: the home page, and each lab's default state and first preset, a preset
 *  with the canonical query its finished numbers carry (so the check never runs on the state
 *  before, which the page keeps showing, dimmed, while the preset's numbers are computed). */
function pages(): { name: string; url: string; query?: string }[] {
  const out: { name: string; url: string; query?: string }[] = [{ name: 'home', url: './' }];
  for (const lab of coreLabs()) {
    // A new page: its first numbers are the default state's, so "done" is enough to wait for.
    out.push({ name: lab.slug, url: `./${lab.slug}/` });
    const preset = corePresets().find((p) => p.lab === lab.slug);
    if (preset) {
      out.push({
        name: `${lab.slug}: ${preset.name}`,
        url: `./${lab.slug}/#/lab/${lab.slug}?${preset.query}`,
        query: core<{ query: string }>(lab.slug, preset.query).query,
      });
    }
  }
  return out;
}

// Each page is opened and computed once, then checked in every colour scheme and width: both are
// CSS (media queries), so the page is the same one a reader opening it that way would see.
const VARIANTS = [
  ['light', 1280],
  ['light', 360],
  ['dark', 1280],
  ['dark', 360],
] as const;
test(`axe finds no violation, ${VARIANTS.map(([c, w]) => `${c} ${w} px`).join(', ')}`, async ({ page }) => {
  test.setTimeout(600_000);
  const found: string[] = [];
  for (const { name, url, query } of pages()) {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(url);
    await expect(page.locator('h1')).toBeVisible();
    if (name !== 'home') {
      const results = page.locator('section.results[data-state="done"]').first();
      await expect(results).toBeVisible({ timeout: 60_000 });
      // A preset's link on the page of the default state changes only the fragment: until the
      // new numbers are in, the old ones are still "done". Labs that compute on the page at
      // once (no data-query) never show an old state.
      if (query !== undefined && (await results.getAttribute('data-query')) !== null) {
        await expect(results).toHaveAttribute('data-query', query, { timeout: 60_000 });
      }
    }
    for (const [colorScheme, width] of VARIANTS) {
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize({ width, height: 800 });
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      for (const v of await violations(page)) found.push(`${name}, ${colorScheme}, ${width} px: ${v}`);
    }
  }
  expect(found, found.join('\n')).toEqual([]);
});
