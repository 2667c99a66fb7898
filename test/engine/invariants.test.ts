/**
 * Properties of the comparison over generated documents (fast-check): a document against itself
 * gives nothing; reordering, renaming schemes or renaming servers gives nothing; swapping base and
 * head turns a weakening into a strengthening.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import type { DocumentReview, RuleId } from '../../src/compare/finding.js';
import {
  renderApi,
  securedApiArb,
  shapeArb,
  SCHEMES,
  type RenderOptions,
} from '../helpers/generate.js';
import { reviewFiles } from '../helpers/review.js';

const RUNS = 150;
const WEAKENINGS: readonly RuleId[] = [
  'security-removed',
  'security-weakened',
  'scopes-reduced',
  'transport-downgraded',
];

// One folder for the whole file: every comparison overwrites the same two documents.
const folder = mkdtempSync(join(tmpdir(), 'asr-property-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function compareTexts(baseText: string, headText: string): Promise<DocumentReview> {
  await writeFile(join(folder, 'base.yaml'), baseText);
  await writeFile(join(folder, 'head.yaml'), headText);
  return reviewFiles(join(folder, 'base.yaml'), join(folder, 'head.yaml'));
}

const apiArb = shapeArb.chain(securedApiArb);
const pairArb = shapeArb.chain((shape) => fc.tuple(securedApiArb(shape), securedApiArb(shape)));

describe('invariants over generated documents', () => {
  it('a document against itself gives nothing', async () => {
    await fc.assert(
      fc.asyncProperty(apiArb, async (api) => {
        const text = renderApi(api);
        const review = await compareTexts(text, text);
        expect(review.findings).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it.each<[string, RenderOptions]>([
    ['reordering alternatives, scopes and keys', { reorder: true }],
    [
      'renaming every scheme',
      {
        schemeNames: Object.fromEntries(
          Object.keys(SCHEMES).map((name) => [name, `${name}Renamed`]),
        ),
      },
    ],
    [
      'renaming every server',
      { serverNames: { server0: 'east', server1: 'west', server2: 'north' } },
    ],
  ])('%s gives nothing', async (_, options) => {
    await fc.assert(
      fc.asyncProperty(apiArb, async (api) => {
        const review = await compareTexts(renderApi(api), renderApi(api, options));
        expect(review.findings).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('swapping base and head turns a weakening into a strengthening', async () => {
    await fc.assert(
      fc.asyncProperty(pairArb, async ([base, head]) => {
        const forward = await compareTexts(renderApi(base), renderApi(head));
        const weakenings = forward.findings.filter((finding) => WEAKENINGS.includes(finding.rule));
        fc.pre(
          weakenings.length > 0 && forward.findings.every((f) => f.rule !== 'security-changed'),
        );

        const backward = await compareTexts(renderApi(head), renderApi(base));
        for (const weakening of weakenings) {
          const reverse = backward.findings.filter((f) => f.operation === weakening.operation);
          expect(reverse.some((f) => WEAKENINGS.includes(f.rule))).toBe(false);
          expect(reverse.map((f) => f.rule)).toContainEqual(
            expect.stringMatching(/^(security-strengthened|override-removed)$/),
          );
        }
      }),
      { numRuns: RUNS },
    );
  });
});
