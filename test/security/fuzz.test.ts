/**
 * Fuzzing with fast-check: random structural mutations (mutate.ts) of the real documents of
 * ../shared/corpus (skipped when it is absent) and of generated ones, on either side of a
 * review. Whatever comes out, `reviewDocument` resolves within the run budget, never throws,
 * and gives only findings of the catalog (a broken document is `document-invalid`) whose
 * locations name a file and a line; every output renders inert; and a file outside the root,
 * which many mutations point `$ref`s at, is never read.
 *
 * Unseeded, as the other property tests: a failure prints the seed and the shrunk case.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';

import { SEVERITIES, type DocumentReview, type SecurityModel } from '../../src/compare/finding.js';
import { RULES } from '../../src/compare/rules.js';
import { reviewDocument } from '../../src/engine.js';
import { RunBudget } from '../../src/load/budget.js';
import { FolderSource } from '../../src/load/folder.js';
import { selectAnnotations } from '../../src/report/annotations.js';
import { corpusDocuments, corpusRoot, hasCorpus } from '../corpus/corpus.js';
import { renderApi, securedApiArb, shapeArb } from '../helpers/generate.js';
import { CANARY, SECRET_DOCUMENT } from './fixtures.js';
import { mutate, mutationArb, serialise, textMutationArb, type Mutation } from './mutate.js';
import { expectAbsent, expectInert, renderAll } from './outputs.js';

// Each run reviews two pairs and renders every output of both: a few seconds per property.
const RUNS = 40;
// Budget of one review, and what the test allows it: the clock is read between steps, so a
// review may overrun its budget by one step (one parse, one comparison), never by much.
const BUDGET_MILLIS = 3_000;
const ALLOWED_MILLIS = 10_000;

const folder = mkdtempSync(join(tmpdir(), 'asr-fuzz-'));
const root = join(folder, 'root');
mkdirSync(root);
// `../outside.yaml` from the root: mutations name it, and its canary must reach no output.
writeFileSync(join(folder, 'outside.yaml'), SECRET_DOCUMENT);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const source = new FolderSource(root);

/** Reviews `base` against `head` (texts), with `other.yaml` beside them for `$ref`s. */
async function review(
  base: string,
  head: string,
  other: string,
  model: SecurityModel,
): Promise<DocumentReview> {
  await writeFile(join(root, 'base.yaml'), base);
  await writeFile(join(root, 'head.yaml'), head);
  await writeFile(join(root, 'other.yaml'), other);

  const start = performance.now();
  const result = await reviewDocument(
    { source, path: 'base.yaml' },
    { source, path: 'head.yaml' },
    { model, budget: new RunBudget({ maxRunMillis: BUDGET_MILLIS }) },
  );
  expect(performance.now() - start).toBeLessThan(ALLOWED_MILLIS);
  return result;
}

/** Findings of the catalog, located; outputs inert; nothing from outside the root. */
async function expectWellFormed(result: DocumentReview): Promise<void> {
  for (const finding of result.findings) {
    expect(RULES.has(finding.rule), finding.rule).toBe(true);
    expect(SEVERITIES).toContain(finding.severity);
    expect(finding.message).not.toBe('');
    expect(finding.location.file).not.toBe('');
    expect(Number.isInteger(finding.location.line) && finding.location.line >= 1).toBe(true);
  }
  for (const path of [...result.filesRead.base, ...result.filesRead.head]) {
    expect(path.startsWith('../') || path.startsWith('/')).toBe(false);
  }

  const outputs = await renderAll(result);
  expectAbsent(outputs, [CANARY]);
  expectInert(outputs, selectAnnotations(result.findings).length);
}

const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 5 });

/** Checks a seed document against mutated copies of itself, both ways round. */
async function checkMutations(
  seed: unknown,
  mutations: Mutation[],
  otherMutations: Mutation[],
  json: boolean,
  text: Parameters<typeof serialise>[2],
): Promise<void> {
  const original = serialise(seed, json, { kind: 'none' });
  const mutated = serialise(mutations.reduce(mutate, seed), json, text);
  const other = serialise(otherMutations.reduce(mutate, seed), false, { kind: 'none' });

  // Both models: additive joins every pair of alternatives, the costlier path.
  await expectWellFormed(await review(original, mutated, other, 'override'));
  await expectWellFormed(await review(mutated, original, other, 'additive'));
}

const propertyOptions = { numRuns: RUNS, timeout: 2 * ALLOWED_MILLIS };

describe('fuzzing the review', () => {
  it('never crashes nor hangs on mutated generated documents', async () => {
    const documentArb = shapeArb.chain(securedApiArb).map((api): unknown => parse(renderApi(api)));
    await fc.assert(
      fc.asyncProperty(
        documentArb,
        mutationsArb,
        mutationsArb,
        fc.boolean(),
        textMutationArb,
        checkMutations,
      ),
      propertyOptions,
    );
  });

  // Small documents only, so that a run stays short; they still span 2.0 to 3.0 and JSON.
  const documents = corpusDocuments().filter(
    (path) => statSync(join(corpusRoot, path)).size <= 48 * 1024,
  );

  it.skipIf(!hasCorpus)('never crashes nor hangs on mutated corpus documents', async () => {
    const seeds = documents.map((path): unknown =>
      parse(readFileSync(join(corpusRoot, path), 'utf8')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...seeds),
        mutationsArb,
        mutationsArb,
        fc.boolean(),
        textMutationArb,
        checkMutations,
      ),
      propertyOptions,
    );
  });
});
