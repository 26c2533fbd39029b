// The Tamper-evident log lab: an honest proof verifies; a flipped byte in the record, a proof hash
// or the root fails where the core says; the log grows and stays consistent.
import { test, expect, core, waitForResults as state } from './fixtures';

type Numbers = {
  query: string;
  record: string;
  root: string;
  proof: string[];
  inclusion_ok: boolean;
  diverged_at: number | null;
  old_root: string;
  consistency: string[];
  consistency_ok: boolean;
};
const proofs = (q: string) => core<Numbers>('proofs', q);

test('an honest proof verifies and every kind of tampering fails where it happened', async ({ page }) => {
  const honest = 'v=1&size=13&seed=5&leaf=6&tamper=none&at=0&old=7&ctamper=none';
  await page.goto(`./#/lab/proofs?${honest}`);
  await state(page, honest);
  const c = proofs(honest);
  await expect(page.locator('#root')).toHaveText(c.root);
  await expect(page.locator('#record')).toHaveText(c.record);
  await expect(page.locator('#inclusion-verdict')).toContainText(`Verified (✓): ${c.proof.length} hashes`);
  await expect(page.locator('#trace tbody tr')).toHaveCount(c.proof.length + 1);

  await page.locator('#tamper').selectOption('record');
  await state(page, honest.replace('tamper=none', 'tamper=record'));
  await expect(page.locator('#inclusion-verdict')).toContainText('failed (✗) at the leaf');
  await expect(page.locator('#trace tr[data-step="0"]')).toHaveClass(/differs/);

  await page.locator('#tamper').selectOption('proof');
  await page.locator('#at').selectOption('2');
  const forged = honest.replace('tamper=none', 'tamper=proof').replace('at=0', 'at=2');
  await state(page, forged);
  expect(proofs(forged).diverged_at).toBe(3);
  await expect(page.locator('#inclusion-verdict')).toContainText('failed (✗) at step 3');
  await expect(page.locator('#trace tr[data-step="2"]')).toHaveClass(/same/);
  await expect(page.locator('#trace tr[data-step="3"]')).toHaveClass(/differs/);

  await page.locator('#tamper').selectOption('root');
  await expect(page.locator('#inclusion-verdict')).toContainText('does not match the published root');

  // A genuine proof, but from another log: it fails too.
  await page.locator('#tamper').selectOption('other-log');
  const other = forged.replace('tamper=proof', 'tamper=other-log');
  await state(page, other);
  const c2 = proofs(other);
  expect(c2.inclusion_ok).toBe(false);
  await expect(page.locator('#inclusion-verdict')).toContainText(`failed (✗) at step ${c2.diverged_at}`);
});

test('the log grows and a consistency proof ties the old root to the new one', async ({ page }) => {
  const q = 'v=1&size=13&seed=5&leaf=6&tamper=none&at=0&old=7&ctamper=none';
  await page.goto(`./#/lab/proofs?${q}`);
  await page.locator('#append').click();
  const grown = q.replace('size=13', 'size=14');
  await state(page, grown);
  const c = proofs(grown);
  expect(c.consistency_ok).toBe(true);
  await expect(page.locator('#old-root')).toHaveText(c.old_root);
  await expect(page.locator('#consistency-proof li')).toHaveCount(c.consistency.length);
  await expect(page.locator('#consistency-verdict')).toContainText('the first 7 records are unchanged in the log of 14');
  await page.locator('#ctamper').selectOption('old-root');
  await state(page, grown.replace('ctamper=none', 'ctamper=old-root'));
  await expect(page.locator('#consistency-verdict')).toContainText('failed (✗)');
});

test('bad proof links are named and clamped', async ({ page }) => {
  await page.goto('./#/lab/proofs?v=1&size=5&leaf=9&old=70&tamper=forge');
  const alert = page.locator('#url-problems');
  await expect(alert).toContainText('“forge” is not one of none, record, proof, root');
  await expect(alert).toContainText('record 9 is not in a log of 5 records; using the last');
  await expect(alert).toContainText('an earlier size of 70 is larger than the log (5); using 5');
  await state(page, 'v=1&size=5&seed=42&leaf=4&tamper=none&at=0&old=5&ctamper=none');
});
