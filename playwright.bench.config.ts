// Browser benchmarks of the release wasm build: `npx playwright test --config playwright.bench.config.ts`
// after scripts/test.sh has built dist/ and prepared .e2e-root/. Not part of the test command:
// timings are recorded in docs/numbers.md, not asserted.
import base from './playwright.config';
import { defineConfig } from '@playwright/test';

export default defineConfig({
  ...base,
  testDir: 'tests/bench',
  workers: 1,
  projects: [{ name: 'bench' }],
  timeout: 300_000,
  reporter: [['list']],
});
