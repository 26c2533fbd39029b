// The Caching lab: its numbers against the native core, every preset, the curve's data table,
// halving and doubling the cache by keyboard, the permalink, bad links, a user's own trace file
// (sized, malformed, binary, too large, 100 MB), and ten million requests in the worker without
// a long task on the page.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, core, corePresets, grouped, longTasks, watchLongTasks, waitForResults } from './fixtures';
import type { Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

type Point = { size: number; miss_ratio: number };
type Policy = {
  policy: string;
  name: string;
  hits: number;
  misses: number;
  miss_ratio: number;
  byte_miss_ratio: number | null;
  theory: number | null;
  curve: Point[];
};
type Numbers = {
  query: string;
  problems: string[];
  report: {
    requests: number;
    counted: number;
    distinct: number;
    size: number;
    policies: Policy[];
    lru_curve: Point[];
    che_curve: Point[];
    lru_size_for_90: number | null;
    che_size_for_90: number | null;
    stepped: { requests: number[]; steps: { hit: boolean; evicted: number[]; hits: number; lists: [string, number[]][] }[][] };
  };
};

const cache = (q: string) => core<Numbers>('cache', q);
const presets = () => corePresets().filter((p) => p.lab === 'cache');
const SLUG: Record<string, string> = {
  Lru: 'lru', Fifo: 'fifo', Clock: 'clock', Lfu: 'lfu', TwoQ: '2q', Arc: 'arc', TinyLfu: 'tinylfu', S3Fifo: 's3fifo',
  Sieve: 'sieve', Random: 'random', Opt: 'opt',
};
const pct = (r: number) => `${(100 * r).toFixed(1)}%`;

/** Checks that the page shows, policy by policy, what the core computes for `query` (over the
 * trace file `file`, if given). */
async function expectCoreNumbers(page: Page, query: string, timeout = 60_000, file?: string) {
  const expected = file ? core<Numbers>('cache', query, '--trace', file) : cache(query);
  await expect(page.locator('section.results[data-state="done"]')).toHaveAttribute('data-query', expected.query, { timeout });
  for (const p of expected.report.policies) {
    const cell = (row: string) => page.locator(`#${row} td[data-policy="${SLUG[p.policy]}"]`);
    await expect(cell('row-miss')).toHaveText(p.miss_ratio.toFixed(4));
    await expect(cell('row-hits')).toHaveText(grouped(p.hits));
    await expect(cell('row-misses')).toHaveText(grouped(p.misses));
    await expect(cell('row-theory')).toHaveText(p.theory === null ? '—' : p.theory.toFixed(4));
    if (p.byte_miss_ratio !== null) await expect(cell('row-byte-miss')).toHaveText(p.byte_miss_ratio.toFixed(4));
    await expect(page.locator('#headline-miss')).toContainText(`${p.name}: ${pct(p.miss_ratio)}`);
    // Every policy's line and marks are in the picture.
    await expect(page.locator(`#curve-chart g.policy-line[data-policy="${SLUG[p.policy]}"] .point`)).toHaveCount(p.curve.length);
  }
  return expected;
}

test('the default state shows the core’s numbers, with Che and the IRM formula beside them', async ({ page }) => {
  await page.goto('./cache/');
  const expected = await expectCoreNumbers(page, 'v=1');
  const lru = expected.report.policies.find((p) => p.policy === 'Lru')!;
  const fifo = expected.report.policies.find((p) => p.policy === 'Fifo')!;
  await expect(page.locator('#headline-miss')).toContainText(`Che (LRU) ${pct(lru.theory!)}`);
  await expect(page.locator('#headline-miss')).toContainText(`IRM ${pct(fifo.theory!)}`);
  // Measured LRU sits on Che's prediction.
  expect(Math.abs(lru.miss_ratio - lru.theory!)).toBeLessThan(0.005);
  await expect(page.locator('#headline-90')).toContainText(`${grouped(expected.report.lru_size_for_90!)} objects`);
  await expect(page.locator('#headline-90')).toContainText(`Che: ${grouped(expected.report.che_size_for_90!)} objects`);
  // The chart's table has a row per size of the curves, and the theory columns.
  const rows = page.locator('#curve-chart details.chart-data tbody tr');
  await expect(rows).toHaveCount(lru.curve.length);
  await expect(page.locator('#curve-chart .theory-line')).toHaveCount(2);
});

test('every preset opens with the core’s numbers', async ({ page }) => {
  test.setTimeout(300_000);
  for (const p of presets().filter((x) => !x.query.includes('requests=10000000'))) {
    await page.goto(`./cache/#/lab/cache?${p.query}`);
    await expectCoreNumbers(page, p.query, 120_000);
    await expect(page.locator('#preset')).not.toHaveValue('');
  }
});

test('halving and doubling the cache by button and keyboard moves the size in the link', async ({ page }) => {
  const q = 'v=1&pol=lru,sieve&objects=10000&requests=100000&size=400';
  await page.goto(`./cache/#/lab/cache?${q}`);
  await waitForResults(page, cache(q).query);
  await page.locator('#larger').click();
  await expect(page).toHaveURL(/size=800(&|$)/);
  await expectCoreNumbers(page, `${q.replace('size=400', 'size=800')}`);
  // Keys pressed on a button are the button's: the shortcuts act from the page.
  await page.locator('#lab-title').click();
  await page.keyboard.press('ArrowLeft');
  await expect(page).toHaveURL(/size=400(&|$)/);
  await page.keyboard.press('ArrowLeft');
  await expect(page).toHaveURL(/size=200(&|$)/);
  await expect(page.locator('#size-now')).toContainText('200 objects');
  await expectCoreNumbers(page, q.replace('size=400', 'size=200'));
});

test('the miniature steps request by request: each policy’s hit, eviction and queues as the core has them', async ({ page }) => {
  const q = 'v=1&pol=lru,arc,s3fifo,sieve,opt&objects=1000&requests=10000&size=10&scan=10&scanlen=50';
  const expected = cache(q);
  await page.goto(`./cache/#/lab/cache?${q}`);
  await waitForResults(page, expected.query);
  await expect(page.locator('#mini')).toHaveCount(0);
  await expect(page.locator('#mini-status')).toContainText('Before the first of 40 requests');
  for (let k = 1; k <= 5; k++) await page.locator('#mini-next').click();
  await expect(page).toHaveURL(/step=5(&|$)/);
  const s = expected.report.stepped;
  await expect(page.locator('#mini-status')).toHaveText(`Request 5 of 40: object ${s.requests[4]}.`);
  const list = (xs: number[]) => (xs.length === 0 ? '—' : xs.join(' '));
  for (const [i, p] of expected.report.policies.entries()) {
    const row = page.locator(`#mini tr[data-policy="${SLUG[p.policy]}"]`);
    const st = s.steps[i][4];
    await expect(row.locator('.mini-hit')).toHaveText(st.hit ? 'hit' : 'miss');
    await expect(row.locator('.mini-evicted')).toHaveText(list(st.evicted));
    await expect(row.locator('.mini-hits')).toHaveText(`${st.hits} of 5`);
    await expect(row.locator('.mini-list').first()).toHaveText(`${st.lists[0][0]}: ${list(st.lists[0][1])}`);
  }
  // Stepping is a view: the numbers stay the ones computed for the state without it.
  await expect(page.locator('section.results')).toHaveAttribute('data-state', 'done');
  const lru = expected.report.policies[0];
  await expect(page.locator('#row-miss td[data-policy="lru"]')).toHaveText(lru.miss_ratio.toFixed(4));
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
  await page.locator('#mini-back').click();
  await expect(page).toHaveURL(/step=4(&|$)/);
  await page.reload();
  await expect(page.locator('#mini-status')).toContainText('Request 4 of 40');
});

test('settings change the link, and the link restores the settings', async ({ page }) => {
  const q = 'v=1&pol=lru,fifo&objects=5000&requests=50000&size=100';
  await page.goto(`./cache/#/lab/cache?${q}`);
  await waitForResults(page, cache(q).query);
  await page.locator('#policy-arc').check();
  await page.locator('#alpha').fill('0.7');
  await page.locator('#alpha').press('Enter');
  await page.locator('#scan').fill('10');
  await page.locator('#scan').press('Enter');
  await page.locator('#scanlen').fill('500');
  await page.locator('#scanlen').press('Enter');
  const expected = await expectCoreNumbers(page, 'v=1&pol=lru,fifo,arc&alpha=0.7&objects=5000&requests=50000&size=100&scan=10&scanlen=500');
  // With scans the requests are not independent: no formula is claimed.
  expect(expected.report.che_curve).toEqual([]);
  await expect(page.locator('#curve-chart .theory-line')).toHaveCount(0);
  const url = page.url();
  await page.goto('about:blank');
  await page.goto(url);
  await waitForResults(page, expected.query);
  await expect(page.locator('#alpha')).toHaveValue('0.7');
  await expect(page.locator('#policy-arc')).toBeChecked();
  // A seventh policy is refused: its box is disabled once six are on.
  for (const slug of ['2q', 'sieve', 's3fifo']) await page.locator(`#policy-${slug}`).check();
  await expect(page.locator('#policy-opt')).toBeDisabled();
});

test('drawn object sizes give every policy a byte miss ratio, as the CLI computes it', async ({ page }) => {
  const q = 'v=1&pol=lru,sieve,opt&objects=5000&requests=50000&size=100&osize=50';
  await page.goto(`./cache/#/lab/cache?${q}`);
  const expected = await expectCoreNumbers(page, q);
  expect(expected.report.policies.every((p) => p.byte_miss_ratio !== null)).toBe(true);
  await expect(page.locator('#row-byte-miss')).toBeVisible();
  await page.locator('#osize').fill('0');
  await page.locator('#osize').press('Enter');
  await expectCoreNumbers(page, q.replace('osize=50', 'osize=0'));
  await expect(page.locator('#row-byte-miss')).toHaveCount(0);
});

test('bad cache links are named and clamped, never a hang', async ({ page }) => {
  const bad = 'v=1&pol=lru,mru&alpha=-1&requests=1000000000000&objects=0&size=0&onehit=200';
  await page.goto(`./cache/#/lab/cache?${bad}`);
  const banner = page.locator('.url-problems');
  for (const field of ['mru', 'alpha', 'requests', 'objects', 'size', 'onehit']) await expect(banner).toContainText(field);
  const expected = cache(bad);
  expect(expected.report.requests).toBe(10_000_000);
  await page.goto(`./cache/#/lab/cache?v=1&pol=lru&alpha=x&objects=1000&requests=10000&size=0`);
  await expect(page.locator('.url-problems')).toContainText('not an exponent');
  await expectCoreNumbers(page, 'v=1&pol=lru&alpha=x&objects=1000&requests=10000&size=0');
  // A bad α is refused by the field, and a setting out of range with a notice naming the range.
  await page.locator('#alpha').fill('-0.5');
  await page.locator('#alpha').press('Enter');
  await expect(page.locator('#notice')).toContainText('not an exponent');
  await page.locator('#size').fill('0');
  await page.locator('#size').press('Enter');
  await expect(page.locator('#notice')).toContainText('cache size must be');
});

test('ten million requests through six policies in the worker: progress, Cancel, and no main-thread task over 50 ms @alone', async ({ page }) => {
  test.setTimeout(300_000);
  const big = presets().find((p) => p.query.includes('requests=10000000'))!.query;
  await page.goto('./cache/#/lab/cache?v=1&objects=100&requests=1000&size=10');
  await waitForResults(page, cache('v=1&objects=100&requests=1000&size=10').query);
  await page.goto(`./cache/#/lab/cache?${big}`);
  await expect(page.locator('progress')).toBeVisible();
  await page.locator('#cancel').click();
  await expect(page.locator('.results[data-state="failed"]')).toContainText('Cancelled');
  await watchLongTasks(page);
  const started = Date.now();
  await page.locator('#run-again').click();
  await expect(page.locator('progress')).toBeVisible();
  await expectCoreNumbers(page, big, 240_000);
  const seconds = (Date.now() - started) / 1000;
  const tasks = await longTasks(page);
  console.log(`Caching, 10,000,000 requests, six policies and LRU's one-pass curve: ${seconds.toFixed(1)} s in the worker; long tasks: ${JSON.stringify(tasks)}`);
  expect(tasks, 'main-thread tasks over 50 ms while the policies ran').toEqual([]);
});

/** Writes `text` to a new file in a fresh temporary folder and returns its path. */
function tempFile(name: string, text: string | Buffer) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shardscope-trace-')), name);
  fs.writeFileSync(file, text);
  return file;
}

/** A trace with named keys and sizes: a skewed mix over `objects` objects, `requests` lines. */
function sizedTrace(objects: number, requests: number) {
  const lines = ['time,key,size'];
  let x = 12345;
  for (let t = 0; t < requests; t++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const k = Math.floor(objects * Math.pow(x / 2147483648, 3));
    lines.push(`${t},photo-${k}.jpg,${1000 + ((k * 7919) % 200000)}`);
  }
  return lines.join('\n') + '\n';
}

test('a user’s own trace with sizes replays as the CLI replays it, byte miss ratios beside object ones', async ({ page }) => {
  const file = tempFile('photos.csv', sizedTrace(20_000, 200_000));
  const q = 'v=1&pol=lru,fifo,sieve,s3fifo,opt&size=500';
  await page.goto(`./cache/#/lab/cache?${q}`);
  await waitForResults(page, cache(q).query);
  await page.locator('#trace').setInputFiles(file);
  await expect(page).toHaveURL(/dist=file/);
  const expected = await expectCoreNumbers(page, `${q}&dist=file`, 60_000, file);
  await expect(page.locator('#file-summary')).toContainText(`${grouped(fs.statSync(file).size)} bytes, ${grouped(200_001)} lines, the first naming the columns`);
  await expect(page.locator('#file-summary')).toContainText('times checked but not used');
  await expect(page.locator('#trace-now')).toContainText('Replaying photos.csv');
  expect(expected.report.policies.every((p) => p.byte_miss_ratio !== null)).toBe(true);
  // The miniature steps the file's own first requests.
  await page.locator('#mini-next').click();
  await expect(page.locator('#mini-status')).toHaveText('Request 1 of 40: object 0.');
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
  // The link records that a file was used, not the file: opened again, it asks for it.
  await page.reload();
  await expect(page.locator('.results[data-state="failed"]')).toContainText('choose the file again');
  await expect(page.locator('#trace-now')).toContainText('choose it above');
  // The same requests as a drawn workload are a file like any other: the lab's own trace replays exactly.
  const drawn = 'v=1&pol=lru,tinylfu,random,opt&objects=5000&requests=50000&size=100';
  const own = tempFile('own.csv', execFileSync('target/release/shardscope', ['cache-trace', drawn]));
  await page.goto(`./cache/#/lab/cache?${drawn}`);
  await waitForResults(page, cache(drawn).query);
  await page.locator('#trace').setInputFiles(own);
  const replayed = await expectCoreNumbers(page, `${drawn}&dist=file`, 60_000, own);
  // Every count and curve is the drawn run's; only the theory is absent, a file being no known law.
  const counts = (r: Numbers) => r.report.policies.map((p) => [p.policy, p.hits, p.misses, p.curve]);
  expect(counts(replayed)).toEqual(counts(cache(drawn)));
});

test('a malformed, binary, empty or too large trace file is refused with a clear message, never a hang', async ({ page }) => {
  const q = 'v=1&pol=lru,opt&objects=1000&requests=10000&size=50';
  await page.goto(`./cache/#/lab/cache?${q}`);
  await waitForResults(page, cache(q).query);
  // A bad line far into the file: the worker reads up to it and names it.
  const lines = ['key,size'];
  for (let i = 0; i < 100_000; i++) lines.push(`k${i % 777},${1 + (i % 50)}`);
  lines.push('k5,fifty');
  await page.locator('#trace').setInputFiles(tempFile('bad.csv', lines.join('\n')));
  await expect(page.locator('.results[data-state="failed"]')).toContainText('bad.csv: line 100002: the size “fifty” is not a whole number of bytes');
  // A binary file is refused from its first bytes, before it is sent.
  const binary = Buffer.alloc(3 << 20);
  binary.write('\x7fELF', 0, 'latin1');
  await page.locator('#trace').setInputFiles(tempFile('a.out', binary));
  await expect(page.locator('.results[data-state="failed"]')).toContainText('a.out: line 1: byte 5 is 0x00: this is a binary file');
  await page.locator('#trace').setInputFiles(tempFile('empty.csv', ''));
  await expect(page.locator('#notice')).toContainText('empty.csv is empty');
  // A 2 GB file is refused by its length, before a byte is read (the file is sparse on disk).
  const huge = tempFile('huge.csv', '');
  fs.truncateSync(huge, 2 * 1024 ** 3);
  await page.locator('#trace').setInputFiles(huge);
  await expect(page.locator('#notice')).toContainText('huge.csv is 2.0 GB; the lab reads trace files up to 256 MB');
  fs.rmSync(path.dirname(huge), { recursive: true });
  // The lab still works: a good file after the bad ones.
  const good = tempFile('good.csv', 'a\nb\na\nc\na\n');
  await page.locator('#trace').setInputFiles(good);
  await expectCoreNumbers(page, `${q}&dist=file`, 60_000, good);
  await expect(page.locator('.numbers .notice')).toContainText("larger than the trace's 3 objects");
});

test('a 100 MB trace file is read in the worker with progress, no main-thread task over 50 ms @alone', async ({ page }) => {
  test.setTimeout(300_000);
  // About 100 MB: ten million requests would be more than 100 MB with sizes, so keys and sizes
  // over a million objects, as many lines as fit.
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shardscope-trace-')), 'big.csv');
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, 'key,size\n');
  let x = 7;
  let written = 0;
  let lines = 0;
  while (written < 100 * 1024 * 1024) {
    const chunk: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const k = Math.floor(1_000_000 * Math.pow(x / 2147483648, 4));
      chunk.push(`object-${k},${100 + (k % 9000)}`);
    }
    const text = chunk.join('\n') + '\n';
    written += fs.writeSync(out, text);
    lines += chunk.length;
  }
  fs.closeSync(out);
  const q = 'v=1&pol=lru,fifo,tinylfu,s3fifo,sieve,opt&size=10000&curve=0';
  await page.goto(`./cache/#/lab/cache?v=1&objects=100&requests=1000&size=10`);
  await waitForResults(page, cache('v=1&objects=100&requests=1000&size=10').query);
  await page.goto(`./cache/#/lab/cache?${q}`);
  await watchLongTasks(page);
  const started = Date.now();
  await page.locator('#trace').setInputFiles(file);
  await expect(page.locator('progress')).toBeVisible();
  await expect(page.locator('.results .progress')).toContainText('Sending big.csv to the background worker');
  const expected = await expectCoreNumbers(page, `${q}&dist=file`, 240_000, file);
  const seconds = (Date.now() - started) / 1000;
  const tasks = await longTasks(page);
  expect(expected.report.requests).toBe(Math.min(lines, 10_000_000));
  console.log(`Caching, a ${(fs.statSync(file).size / 1e6).toFixed(0)} MB trace of ${lines} lines, six policies: ${seconds.toFixed(1)} s from choosing the file; long tasks: ${JSON.stringify(tasks)}`);
  expect(tasks, 'main-thread tasks over 50 ms while the file was sent and read').toEqual([]);
  fs.rmSync(path.dirname(file), { recursive: true });
});
