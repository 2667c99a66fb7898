/**
 * Documents built to exhaust the review: alias bombs, deep nesting, huge files, many files,
 * many references, many documents, slow runs. Each is bounded with a clear `document-invalid`
 * (or a bounded, complete review), fast, and nothing of the payload reaches any output.
 */
import { afterEach, describe, expect, it } from 'vitest';

import type { DocumentReview } from '../../src/compare/finding.js';
import { RunBudget } from '../../src/load/budget.js';
import { DEFAULT_LIMITS } from '../../src/load/limits.js';
import { asyncapi3, createWorkspace, type Workspace } from './fixtures.js';
import { expectAbsent, expectInert, renderAll } from './outputs.js';

let workspace: Workspace;
afterEach(() => workspace.cleanup());

/** Exactly one `document-invalid` whose message matches `reason`; outputs inert and clean. */
async function expectInvalid(review: DocumentReview, reason: RegExp, payload: string[] = []) {
  expect(review.findings.map((finding) => finding.rule)).toEqual(['document-invalid']);
  expect(review.findings[0]?.message).toMatch(reason);
  const outputs = await renderAll(review);
  expectAbsent(outputs, payload);
  expectInert(outputs, 1);
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; millis: number }> {
  const start = performance.now();
  const value = await run();
  return { value, millis: performance.now() - start };
}

/** `levels` anchors, each a list of `width` aliases of the one before: width^levels leaves. */
function aliasBomb(levels: number, width: number): string {
  const lines = ['x-bomb:', '  l0: &l0 "LOLPAYLOAD"'];
  for (let level = 1; level <= levels; level += 1) {
    const aliases = Array.from({ length: width }, () => `*l${level - 1}`).join(', ');
    lines.push(`  l${level}: &l${level} [${aliases}]`);
  }
  return `${lines.join('\n')}\n`;
}

describe('YAML aliases', () => {
  it('refuse a billion-laughs bomb past the alias limit', async () => {
    workspace = createWorkspace();
    const { value, millis } = await timed(() =>
      workspace.review(asyncapi3({ extra: aliasBomb(12, 100) })),
    );
    await expectInvalid(value, /more than 1000 aliases/, ['LOLPAYLOAD']);
    expect(millis).toBeLessThan(2_000);
  });

  it('share, never copy, a bomb under the limit, even inside a security scheme', async () => {
    workspace = createWorkspace();
    // 9 levels of 10 aliases: 90 aliases, a billion leaves if anything expanded them.
    // Anchors must come before their aliases: the bomb goes under info, the use in the scheme.
    const bomb = aliasBomb(9, 10)
      .replace('x-bomb:', '  x-defs:')
      .replace(/\n {2}l/g, '\n    l');
    const head = asyncapi3()
      .replace('info:\n', `info:\n${bomb}`)
      .replace('      type: X509\n', '      type: X509\n      x-laughs: *l9\n');
    const { value, millis } = await timed(() => workspace.review(head));
    expect(millis).toBeLessThan(2_000);
    expect(value.findings.every((finding) => finding.rule !== 'document-invalid')).toBe(true);
    expectAbsent(await renderAll(value), ['LOLPAYLOAD']);
  });

  it('refuse an alias that contains itself', async () => {
    workspace = createWorkspace();
    const review = await workspace.review(asyncapi3({ extra: 'x-self: &self [*self]\n' }));
    await expectInvalid(review, /alias|anchor/);
  });
});

describe('nesting', () => {
  it.each([
    ['flow', (depth: number) => `x-deep: ${'['.repeat(depth)}${']'.repeat(depth)}\n`],
    [
      'block',
      (depth: number) =>
        `x-deep:\n${Array.from({ length: depth }, (_, i) => `${' '.repeat(i + 2)}k:`).join('\n')} 1\n`,
    ],
  ])('is bounded in %s collections', async (kind, nest) => {
    workspace = createWorkspace();
    // Block nesting costs depth² bytes of indentation: 2,000 levels are already 2 MB.
    for (const depth of [DEFAULT_LIMITS.maxDepth + 10, kind === 'flow' ? 20_000 : 2_000]) {
      const { value, millis } = await timed(() =>
        workspace.review(asyncapi3({ extra: nest(depth) })),
      );
      await expectInvalid(value, /nesting is deeper than|deep|nest|stack/i);
      expect(millis).toBeLessThan(5_000);
    }
  });
});

describe('size', () => {
  it('refuses a file over the size limit without parsing it', async () => {
    workspace = createWorkspace();
    const padding = `# ${'HUGEPAYLOAD '.repeat(1000)}\n`;
    const huge =
      asyncapi3() + padding.repeat(Math.ceil(DEFAULT_LIMITS.maxFileBytes / padding.length));
    const { value, millis } = await timed(() => workspace.review(huge));
    await expectInvalid(value, /bytes, over the limit of 10485760/, ['HUGEPAYLOAD']);
    expect(millis).toBeLessThan(5_000);
  });
});

describe('many files and references', () => {
  it('stops loading at the file limit and says so', async () => {
    workspace = createWorkspace();
    // A chain of files, each naming the next: the scheme sits past the limit.
    const count = DEFAULT_LIMITS.maxFiles + 5;
    for (let index = 0; index < count; index += 1) {
      const next = index === count - 1 ? 'type: X509\n' : `$ref: 'f${index + 1}.yaml'\n`;
      workspace.write(`f${index}.yaml`, next);
    }
    const review = await workspace.review(asyncapi3({ serverSecurity: ["{$ref: 'f0.yaml'}"] }));
    expect(review.findings.map((finding) => finding.rule)).toEqual([
      'security-reference-unresolved',
    ]);
    expect(review.findings[0]?.message).toMatch(/more than 200 files are referenced/);
    expect(review.filesRead.head.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxFiles + 6);
    expectInert(await renderAll(review), 1);
  });

  it('stops following references at the reference limit', async () => {
    workspace = createWorkspace();
    const schemes = Array.from(
      { length: 30 },
      (_, i) =>
        `    s${i}: {$ref: '#/components/securitySchemes/${i === 29 ? 'cert' : `s${i + 1}`}'}\n`,
    ).join('');
    const head = asyncapi3({
      serverSecurity: ["{$ref: '#/components/securitySchemes/s0'}"],
      schemes,
    });
    const review = await workspace.review(head, { limits: { maxRefs: 20 } });
    await expectInvalid(review, /more than 20 references were followed/);
  });
});

describe('the run budget', () => {
  it('reviews at most maxDocuments documents and reports the rest as invalid', async () => {
    workspace = createWorkspace();
    const budget = new RunBudget({ maxDocuments: 2 });
    const reviews: DocumentReview[] = [];
    for (let index = 0; index < 4; index += 1) {
      reviews.push(await workspace.review(asyncapi3(), { budget }));
    }
    expect(reviews.map((review) => review.findings.map((finding) => finding.rule))).toEqual([
      [],
      [],
      ['document-invalid'],
      ['document-invalid'],
    ]);
    expect(reviews[2]?.findings[0]?.message).toMatch(/already reviewed 2 documents, its limit/);
    // Nothing is lost: every document is in the report, the refused ones as findings.
    expectInert(await renderAll(reviews), 2);
  });

  it('turns a spent wall-clock budget into document-invalid, on the side being read', async () => {
    workspace = createWorkspace();
    let now = 0;
    const budget = new RunBudget({ maxRunMillis: 1000 }, () => now);
    const first = await workspace.review(asyncapi3(), { budget });
    expect(first.findings).toEqual([]);

    now = 1001;
    const late = await workspace.review(asyncapi3({ serverSecurity: [] }), { budget });
    await expectInvalid(late, /ran out of its time budget of 1 s/);
  });

  it('stops a long reference walk in the middle when the clock runs out', async () => {
    workspace = createWorkspace();
    let ticks = 0;
    // Each clock reading costs a millisecond: the walk must notice the deadline mid-way.
    const budget = new RunBudget({ maxRunMillis: 5 }, () => ticks++);
    const schemes = Array.from(
      { length: 50 },
      (_, i) =>
        `    s${i}: {$ref: '#/components/securitySchemes/${i === 49 ? 'cert' : `s${i + 1}`}'}\n`,
    ).join('');
    const head = asyncapi3({
      serverSecurity: ["{$ref: '#/components/securitySchemes/s0'}"],
      schemes,
    });
    const review = await workspace.review(head, { budget });
    await expectInvalid(review, /ran out of its time budget/);
  });
});
