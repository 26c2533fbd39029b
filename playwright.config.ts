// End-to-end tests: the release build in Debian's Chromium, served from a sub-path of a plain
// static file server, exactly as a static host would serve it. Never downloads a browser.
import { defineConfig } from '@playwright/test';

const PORT = 8091;
export const SUBPATH = '/docs/sub/shardscope/';

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: [['line'], ['json', { outputFile: 'target/e2e/results.json' }]],
  outputDir: 'target/e2e/artifacts',
  use: {
    baseURL: `http://127.0.0.1:${PORT}${SUBPATH}`,
    // Playwright gives every browser launch a fresh, temporary --user-data-dir of its own.
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  // Tests tagged @alone measure the page's main thread (long tasks), so they run after all the
  // others, one at a time, with the machine to themselves: a second browser busy on the other
  // core would make them measure that browser instead.
  projects: [
    { name: 'e2e', grepInvert: /@alone/ },
    { name: 'alone', grep: /@alone/, dependencies: ['e2e'], workers: 1 },
  ],
  webServer: {
    // scripts/test.sh copies dist/ to .e2e-root/docs/sub/shardscope/ first.
    command: `python3 -m http.server ${PORT} --bind 127.0.0.1 --directory .e2e-root`,
    url: `http://127.0.0.1:${PORT}${SUBPATH}`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
