// Browser benchmarks: the Placement lab (one join, one algorithm, in its worker) and the
// Anti-entropy lab (chunked on the main thread) at a million keys (time to results and the longest
// main-thread stall meanwhile), the core's Merkle functions, and ten million
// placements per algorithm in wasm against the same loop natively.
//
// Stalls are measured with a zero-delay timer chain: the longest gap between two of its callbacks
// bounds the longest task from above (plus the browser's 4 ms timer clamp), and also shows stalls
// under the 50 ms that a 'longtask' PerformanceObserver reports. (That observer does work here for
// tasks of the page's own event loop, as the Placement lab's end-to-end test shows; it does not
// report a busy loop run inside a DevTools evaluate call.) The calibration row shows the chain sees
// a deliberate 120 ms task.
import { test, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';

/** The canonical form of a lab's query, as the page writes it into `data-query`. */
const canonical = (command: string, query: string): string =>
  JSON.parse(execFileSync('target/release/shardscope', [command, query], { encoding: 'utf8' })).query;

const CASES = ['modn', 'ring', 'hrw', 'jump'].map((alg) =>
  canonical('placement', `v=1&alg=${alg}&nodes=64&keys=1000000&vnodes=100&seed=11&events=add&step=1`),
);

/** Opens a lab's page in a small state, so each round starts from a loaded page. */
async function openLab(page: Page, slug: string, small: string) {
  await page.goto(`./${slug}/#/lab/${slug}?${small}`);
  await page.locator('section.results[data-state="done"]').waitFor();
}

/** Sets the fragment to `#/lab/{slug}?{query}` on that lab's page (or runs a calibration busy
 * loop when `query` is null) and measures the time to finished results and the longest stall
 * meanwhile. */
async function measure(page: Page, query: string | null, slug: string) {
  return page.evaluate(async ([q, lab]) => {
    let longest = 0;
    let last = performance.now();
    let running = true;
    const beat = () => {
      const t = performance.now();
      longest = Math.max(longest, t - last);
      last = t;
      if (running) setTimeout(beat, 0);
    };
    setTimeout(beat, 0);
    const start = performance.now();
    if (q === null) {
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          const end = performance.now() + 120;
          while (performance.now() < end) {
            // Busy on purpose: the calibration stall.
          }
          resolve();
        }, 20),
      );
      await new Promise((r) => setTimeout(r, 50));
    } else {
      location.hash = `#/lab/${lab}?${q}`;
      await new Promise<void>((resolve) => {
        const check = () => {
          const el = document.querySelector('section.results[data-state="done"]');
          if (el && el.getAttribute('data-query') === q) resolve();
          else requestAnimationFrame(check);
        };
        check();
      });
    }
    const elapsed = performance.now() - start;
    running = false;
    return { elapsed, longest };
  }, [query, slug] as const);
}

test('a million keys, 64 nodes, each algorithm', async ({ page }) => {
  const small = 'v=1&keys=1000&events=&step=0';
  await openLab(page, 'placement', small);
  const calibration = await measure(page, null, 'placement');
  const rows = [`calibration: a 120 ms busy task shows as a ${calibration.longest.toFixed(0)} ms stall`];
  for (const q of CASES) {
    for (let round = 0; round < 3; round++) {
      await openLab(page, 'placement', small);
      const r = await measure(page, q, 'placement');
      rows.push(`${q.split('&')[1]} round ${round + 1}: ${r.elapsed.toFixed(0)} ms to done, longest stall ${r.longest.toFixed(0)} ms`);
    }
  }
  console.log(['Chromium ' + page.context().browser()?.version(), ...rows].join('\n'));
});

test('anti-entropy: a million keys, two replicas, depth 15', async ({ page }) => {
  const q = canonical('anti-entropy', 'v=1&keys=1000000&seed=1&depth=15&replicas=2&damage=corrupt&n=100&step=0&focus=1');
  const rows: string[] = [];
  for (let round = 0; round < 3; round++) {
    await openLab(page, 'anti-entropy', 'v=1&keys=1000');
    const r = await measure(page, q, 'anti-entropy');
    rows.push(`anti-entropy round ${round + 1}: ${r.elapsed.toFixed(0)} ms to done, longest stall ${r.longest.toFixed(0)} ms`);
  }
  console.log(rows.join('\n'));
});

test('core functions in the browser, for the browser/native ratio', async ({ page }) => {
  await page.goto('./#/debug/bench');
  const rows = page.locator('#bench tbody tr');
  await rows.first().waitFor({ timeout: 120_000 });
  const results = await rows.evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-case')}: ${tr.getAttribute('data-ms')} ms (fastest of 5)`));
  console.log(results.join('\n'));
});

test('ten million placements on 1,000 nodes: browser (wasm) vs native, per algorithm', async ({ page }) => {
  test.setTimeout(600_000);
  const native: { case: string; ms: number; checksum: string }[] = JSON.parse(
    execFileSync('target/release/shardscope', ['bench-placement', '10000000'], { encoding: 'utf8' }),
  );
  await page.goto('./#/debug/bench/placement');
  const rows = page.locator('#bench tbody tr');
  await rows.first().waitFor({ timeout: 600_000 });
  const lines = ['Chromium ' + page.context().browser()?.version() + ': 10M keys, 1,000 nodes, fastest of 3'];
  for (const n of native) {
    const ms = Number(await page.locator(`#bench tr[data-case="${n.case}"]`).getAttribute('data-ms'));
    lines.push(`${n.case}: browser ${ms.toFixed(0)} ms, native ${n.ms.toFixed(0)} ms, browser/native speed ratio ${(n.ms / ms).toFixed(2)}`);
  }
  console.log(lines.join('\n'));
});
