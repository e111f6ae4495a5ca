// Size budgets of the production bundles (scripts/bundle-budgets.ts): sizes are deterministic, so a
// bundle that grows past its budget fails here, naming the bundle, its size and its budget.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { applies, BUNDLE_BUDGETS, measureBundle } from '../scripts/bundle-budgets.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const formatted = (bytes: number): string => bytes.toLocaleString('en-US');

describe('bundle budgets (minified, gzip -9)', () => {
  for (const bundle of BUNDLE_BUDGETS) {
    it(`${bundle.name} stays within ${formatted(bundle.budgetBytes)} B`, { skip: !applies(bundle) && `${bundle.requires} does not exist` }, async () => {
      const size = await measureBundle(bundle);
      const biggest = Object.entries(size.inputs).sort((a, b) => b[1] - a[1]).slice(0, 5)
        .map(([input, bytes]) => `${input.replace(/^.*node_modules\//, '')} ${formatted(bytes)} B`).join(', ');
      assert.ok(size.gzip <= bundle.budgetBytes,
        `the ${bundle.name} bundle is ${formatted(size.gzip)} B gzip, over its budget of ${formatted(bundle.budgetBytes)} B `
        + `(minified ${formatted(size.min)} B; biggest minified inputs: ${biggest})`);
    });
  }

  it('README lists every budget', () => {
    for (const bundle of BUNDLE_BUDGETS) {
      assert.match(readme, new RegExp(`\\| ${bundle.name} \\| ${formatted(bundle.budgetBytes)} B \\|`),
        `README's "Bundle budgets" table has no row "| ${bundle.name} | ${formatted(bundle.budgetBytes)} B |"`);
    }
  });
});
