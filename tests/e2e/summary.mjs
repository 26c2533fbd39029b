// Prints Playwright's JSON report as one plain line CI can read: "e2e: N passed, M failed".
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats ?? {};
const errors = (report.errors ?? []).length;
console.log(`e2e: ${expected} passed, ${unexpected + flaky + errors} failed, ${skipped} skipped`);
process.exit(unexpected + flaky + errors > 0 || expected === 0 ? 1 : 0);
