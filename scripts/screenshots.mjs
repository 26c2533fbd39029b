// Takes the README's picture of each lab from the release build: its first preset (or its default
// state) as a visitor first sees it, the whole first screen at 1280×800 in the light theme (the
// lab frame puts the picture and its headline numbers there), once the numbers are on screen and
// the animations have settled. Run by scripts/screenshots.sh, which builds the site and serves
// it; writes docs/img/<slug>.png.
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const base = process.argv[2];
const core = (...args) => JSON.parse(execFileSync('target/release/shardscope', args, { encoding: 'utf8' }));
const labs = core('labs');
const presets = core('presets');

mkdirSync('docs/img', { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
for (const lab of labs) {
  const preset = presets.find((p) => p.lab === lab.slug && !p.query.includes('keys=10000000'));
  const state = preset ? `#/lab/${lab.slug}?${preset.query}` : '';
  await page.goto(`${base}${lab.slug}/${state}`);
  const results = page.locator('section.results[data-state="done"]').first();
  await results.waitFor({ timeout: 120_000 });
  // Let the animations finish and the last paint settle (fonts, the SVG drawings).
  await page.waitForTimeout(1_500);
  await page.screenshot({ path: `docs/img/${lab.slug}.png` });
  console.log(`docs/img/${lab.slug}.png${preset ? ` (preset “${preset.name}”)` : ''}`);
}
await browser.close();
