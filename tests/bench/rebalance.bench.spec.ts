// Times the Rebalance lab in Chromium: a million keys placed twice for each algorithm, and the
// longest main-thread task meanwhile (how long the page could not respond to input).
import { test } from '@playwright/test';

const CASES = ['modn', 'ring', 'hrw', 'jump'].map(
  (alg) => `v=1&alg=${alg}&nodes=64&keys=1000000&vnodes=100&seed=11&event=add`,
);

test('a million keys, 64 nodes, each algorithm', async ({ page }) => {
  await page.goto('./');
  await page.locator('h1').waitFor();
  const rows: string[] = [];
  for (const q of CASES) {
    for (let round = 0; round < 3; round++) {
      const result = await page.evaluate(async (query) => {
        let longest = 0;
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
        });
        observer.observe({ type: 'longtask' });
        const start = performance.now();
        location.hash = `#/lab/rebalance?${query}`;
        await new Promise<void>((resolve) => {
          const check = () => {
            const el = document.querySelector('section.results[data-state="done"]');
            if (el && el.getAttribute('data-query') === query) resolve();
            else requestAnimationFrame(check);
          };
          check();
        });
        const elapsed = performance.now() - start;
        observer.disconnect();
        location.hash = '#/';
        return { elapsed, longest };
      }, q);
      rows.push(`${q.split('&')[1]} round ${round + 1}: ${result.elapsed.toFixed(0)} ms to done, longest task ${result.longest.toFixed(0)} ms`);
      await page.locator('h1', { hasText: 'Labs' }).waitFor();
    }
  }
  console.log(['Chromium ' + page.context().browser()?.version(), ...rows].join('\n'));
});
