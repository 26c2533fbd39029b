import { chromium } from '@playwright/test';
const flags = ['--headless','--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'];
for (const headless of [true]) {
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: flags, headless });
const page = await browser.newPage();
await page.goto('http://127.0.0.1:8093/docs/sub/shardscope/');
const r = await page.evaluate(async () => {
  const seen = [];
  const supported = PerformanceObserver.supportedEntryTypes;
  const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) seen.push(e.duration); });
  obs.observe({ type: 'longtask', buffered: true });
  await new Promise(r => setTimeout(r, 50));
  const t = performance.now(); while (performance.now() - t < 120) {}
  await new Promise(r => setTimeout(r, 500));
  return { supported, seen };
});
console.log(JSON.stringify(r));
await browser.close();
}
