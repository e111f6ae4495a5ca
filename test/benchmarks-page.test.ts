// docs/benchmarks.md is generated from the committed results (bench/docs-page.ts): the committed
// page must be exactly what the generator makes from the committed JSON, so it cannot drift.
// Nothing is written here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { benchmarksPage, PAGE_PATH, readInputs } from '../bench/docs-page.js';

describe('the benchmarks page', () => {
  it('is what bench/docs-page.ts makes from bench/*.json (run `npm run bench:docs` after a bench run)', () => {
    const committed = readFileSync(PAGE_PATH, 'utf8');
    const generated = benchmarksPage(readInputs());
    if (committed !== generated) {
      const a = committed.split('\n');
      const b = generated.split('\n');
      const line = a.findIndex((text, index) => text !== b[index]);
      assert.fail(`docs/benchmarks.md differs from the generator's page from line ${line + 1}:\n`
        + `  committed: ${a[line]}\n  generated: ${b[line]}\nrun \`npm run bench:docs\``);
    }
  });

  it('carries every row of bench/results.json', () => {
    const page = readFileSync(PAGE_PATH, 'utf8');
    for (const row of readInputs().results.rows) assert.ok(page.includes(row.metric), `no row "${row.metric}"`);
  });

  it('says nothing the generator did not measure as missing', () => {
    assert.doesNotMatch(benchmarksPage(readInputs()), /\bn\/a\b[^|]*round trips|undefined|NaN/);
  });
});
