/**
 * Documents built to exhaust the review: alias bombs, deep nesting, huge files, many files,
 * many references, many documents, slow runs. Each is bounded with a clear `document-invalid`
 * (or a bounded, complete review), fast, and nothing of the payload reaches any output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import type { DocumentReview } from '../../src/compare/finding.js';
import { reviewDocument } from '../../src/engine.js';
import { DEFAULT_BUDGET, RunBudget } from '../../src/load/budget.js';
import { FolderSource } from '../../src/load/folder.js';
import { DEFAULT_LIMITS } from '../../src/load/limits.js';
import { nestingBeyond, parserDepthGuard } from '../../src/load/yaml.js';
import { corpusDocuments, corpusRoot } from '../corpus/corpus.js';
import { asyncapi3, createWorkspace, type Workspace } from './fixtures.js';
import { expectAbsent, expectInert, renderAll } from './outputs.js';

let workspace: Workspace;
afterEach(() => workspace.cleanup());

interface Expected {
  reason: RegExp;
  /** The line the finding points at; the file is always the head document. */
  line: number;
  /** What the author can do about it, said in the message. */
  fix: RegExp;
  /** Text of the document that must reach no output. */
  payload?: string[];
}

/**
 * Exactly one `document-invalid` that names the file, the line, the reason and the fix, in the
 * finding and in its message; every output inert and free of the payload.
 */
async function expectInvalid(review: DocumentReview, expected: Expected) {
  expect(review.findings.map((finding) => finding.rule)).toEqual(['document-invalid']);
  const [finding] = review.findings;
  expect(finding?.location).toMatchObject({ file: 'head.yaml', line: expected.line });
  expect(finding?.message).toContain(`head.yaml line ${expected.line}, column `);
  expect(finding?.message).toMatch(expected.reason);
  expect(finding?.message).toMatch(expected.fix);

  const outputs = await renderAll(review);
  expectAbsent(outputs, expected.payload ?? []);
  expectInert(outputs, 1);
}

/** The 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index === -1) throw new Error(`${needle} is not in the document`);
  return index + 1;
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
    const head = asyncapi3({ extra: aliasBomb(12, 100) });
    const { value, millis } = await timed(() => workspace.review(head));
    // 100 aliases a level: the 1,001st is on level 11.
    await expectInvalid(value, {
      reason: /more than 1000 aliases/,
      line: lineOf(head, '  l11: &l11'),
      fix: /define the repeated part once under components and \$ref it/,
      payload: ['LOLPAYLOAD'],
    });
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
    const head = asyncapi3({ extra: 'x-self: &self [*self]\n' });
    const review = await workspace.review(head);
    expect(review.findings.map((finding) => finding.rule)).toEqual(['document-invalid']);
    expect(review.findings[0]?.location).toMatchObject({ file: 'head.yaml' });
    expect(review.findings[0]?.location.line).toBe(lineOf(head, 'x-self'));
    expect(review.findings[0]?.message).toMatch(/alias|anchor/);
    expectInert(await renderAll(review), 1);
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
    const deepLimit = DEFAULT_LIMITS.maxDepth;

    // Just past the limit: our walk counts the levels and names the first one too deep, on
    // the x-deep line in flow style; in block style each level is a line, x-deep's value the
    // first.
    const head = asyncapi3({ extra: nest(deepLimit + 10) });
    const deepLine = lineOf(head, 'x-deep:');
    await expectInvalid(await workspace.review(head), {
      reason: /nesting is deeper than 200 levels/,
      line: kind === 'flow' ? deepLine : deepLine + deepLimit + 1,
      fix: /flatten it, or move the deep part to a file of its own and \$ref it/,
    });

    // Far past it: yaml composes recursively and runs out of stack first, at the level where
    // it did. Block nesting costs depth² bytes of indentation: 2,000 levels are already 2 MB.
    const deeper = asyncapi3({ extra: nest(kind === 'flow' ? 20_000 : 2_000) });
    const { value, millis } = await timed(() => workspace.review(deeper));
    const [finding] = value.findings;
    expect(finding?.location.line).toBeGreaterThanOrEqual(lineOf(deeper, 'x-deep:'));
    await expectInvalid(value, {
      reason: /nesting is too deep for the parser, far deeper than the limit of 200 levels/,
      line: finding?.location.line ?? 0,
      fix: /flatten it, or move the deep part to a file of its own and \$ref it/,
    });
    expect(millis).toBeLessThan(5_000);
  });
});

describe('the nesting guard in front of the parser', () => {
  const guard = parserDepthGuard(DEFAULT_LIMITS);

  it('stops at the line where flow, block or entry nesting passes the guard', () => {
    const flow = `a: 1\nx: ${'['.repeat(guard + 1)}\n`;
    expect(nestingBeyond(flow, guard)).toEqual({ line: 2, column: 3 + guard });

    const block = Array.from({ length: guard + 5 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    expect(nestingBeyond(block, guard)?.line).toBe(guard + 1);

    const entries = `x:\n  ${'- '.repeat(guard + 1)}1\n`;
    expect(nestingBeyond(entries, guard)?.line).toBe(2);
  });

  it('does not count brackets in quotes or comments, nor closed ones', () => {
    const text = [
      `quoted: "${'['.repeat(guard * 2)}"`,
      `single: '${'{'.repeat(guard * 2)}'`,
      `# ${'['.repeat(guard * 2)}`,
      `pattern: ${'[a]'.repeat(guard * 2)}`,
      "prose: it's fine",
    ].join('\n');
    expect(nestingBeyond(text, guard)).toBeUndefined();
  });

  it('lets every corpus document through', () => {
    for (const path of corpusDocuments()) {
      const text = readFileSync(join(corpusRoot, path), 'utf8');
      expect(nestingBeyond(text, guard), path).toBeUndefined();
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
    await expectInvalid(value, {
      reason: /bytes, over the limit of 10485760/,
      line: 1,
      fix: /split it into files that reference each other/,
      payload: ['HUGEPAYLOAD'],
    });
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
    // The reference that reaches past the limit is named where it is written, with the fix.
    expect(review.findings[0]?.message).toMatch(
      /more than 200 files are referenced; merge small files into fewer ones/,
    );
    expect(review.findings[0]?.location).toEqual({ file: 'f198.yaml', line: 1 });
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
    // Past the limit every reference fails. A scheme that cannot be read is one finding among
    // others, but an operation's channel the model cannot do without: the document is
    // unreadable at the channel's $ref.
    await expectInvalid(review, {
      reason: /more than 20 references were followed/,
      line: lineOf(head, '$ref: "#/channels/orders"'),
      fix: /split the document, or shorten chains of \$refs that point at other \$refs/,
    });
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
    const [refused] = reviews[2]?.findings ?? [];
    expect(refused?.message).toContain('head.yaml line 1, column 1: the run already reviewed 2');
    expect(refused?.message).toMatch(/documents, its limit; narrow the files input/);
    expect(refused?.location).toMatchObject({ file: 'head.yaml', line: 1 });
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
    await expectInvalid(late, {
      reason: /ran out of its time budget of 1 s/,
      line: 1,
      fix: /review fewer documents per run \(narrow the files input\)/,
    });
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
    await expectInvalid(review, {
      reason: /ran out of its time budget/,
      line: 1,
      fix: /review fewer documents per run/,
    });
  });

  it('counts a deleted document against the same run as the others', async () => {
    workspace = createWorkspace();
    workspace.write('tiny.yaml', 'asyncapi: 3.0.0\ninfo: {title: T, version: 1.0.0}\n');
    workspace.write('gone.yaml', asyncapi3());
    // Two revisions, as the Action opens them; no budget given, so the engine's shared one.
    const base = new FolderSource(workspace.root);
    const head = new FolderSource(workspace.root);
    for (let index = 0; index < DEFAULT_BUDGET.maxDocuments; index += 1) {
      const tiny = await reviewDocument(
        { source: base, path: 'tiny.yaml' },
        { source: head, path: 'tiny.yaml' },
        { model: 'override' },
      );
      expect(tiny.findings).toEqual([]);
    }

    // The run has spent its documents: a deleted one is not read either.
    const deleted = await reviewDocument({ source: base, path: 'gone.yaml' }, null, {
      model: 'override',
    });
    expect(deleted.status).toBe('deleted');
    expect(deleted.filesRead.base).toEqual([]);
  });
});

/** A 2.6 document: `serverAlternatives` on the server, `operationAlternatives` on each operation. */
function manyWaysIn(serverAlternatives: number, operationAlternatives: number, operations = 1) {
  const list = (count: number, indent: string) =>
    Array.from({ length: count }, (_, i) => `${indent}- key${i}: []\n`).join('');
  const schemes = Array.from(
    { length: Math.max(serverAlternatives, operationAlternatives) },
    (_, i) => `    key${i}: {type: httpApiKey, in: header, name: X-Key-${i}}\n`,
  ).join('');
  const channels = Array.from(
    { length: operations },
    (_, i) =>
      `  orders/${i}:\n    publish:\n      operationId: send${i}\n` +
      (operationAlternatives > 0
        ? `      security:\n${list(operationAlternatives, '        ')}`
        : ''),
  ).join('');
  return (
    'asyncapi: 2.6.0\ninfo: {title: Orders, version: 1.0.0}\nservers:\n  production:\n' +
    '    url: broker.example.com\n    protocol: mqtts\n' +
    `    security:\n${list(serverAlternatives, '      ')}` +
    `channels:\n${channels}components:\n  securitySchemes:\n${schemes}`
  );
}

describe('ways in', () => {
  it('refuses an operation with more alternatives than the limit, at its line', async () => {
    workspace = createWorkspace();
    const head = manyWaysIn(1, 300);
    await expectInvalid(await workspace.review(head), {
      reason:
        /this operation has 300 ways in over its servers under the override model, more than the limit of 256/,
      line: lineOf(head, 'publish:'),
      fix: /list fewer security alternatives on the operation or its servers/,
    });
  });

  it('counts the product the additive model would build, without building it', async () => {
    workspace = createWorkspace();
    // 40 × 40 alternatives: 40 ways in under override, 1,600 under additive.
    const head = manyWaysIn(40, 40);
    const override = await workspace.review(head);
    expect(override.findings.map((finding) => finding.rule)).not.toContain('document-invalid');

    const { value: additive, millis } = await timed(() =>
      workspace.review(head, { model: 'additive' }),
    );
    await expectInvalid(additive, {
      reason: /1600 ways in over its servers under the additive model/,
      line: lineOf(head, 'publish:'),
      fix: /list fewer security alternatives/,
    });
    // Well under what joining 3,000 × 3,000 alternatives took before the bound: minutes.
    expect(millis).toBeLessThan(10_000);
  });

  it('bounds the ways in of a whole document', async () => {
    workspace = createWorkspace();
    const head = manyWaysIn(2, 0, 30);
    const review = await workspace.review(head, { limits: { maxWaysIn: 40 } });
    await expectInvalid(review, {
      reason: /the operations up to this one have 42 ways in together, more than the limit of 40/,
      line: lineOf(head, 'operationId: send20') - 1,
      fix: /split the document or list fewer security alternatives/,
    });
  });

  it('refuses a requirement that ANDs more schemes than the limit, at its line', async () => {
    workspace = createWorkspace();
    // One 2.x requirement naming 2,000 schemes took 9 s to compare with itself before the bound.
    const count = 2_000;
    const names = Array.from({ length: count }, (_, i) => `key${i}: []`).join(', ');
    const schemes = Array.from(
      { length: count },
      (_, i) => `    key${i}: {type: httpApiKey, in: header, name: X-Key-${i}}\n`,
    ).join('');
    const head =
      'asyncapi: 2.6.0\ninfo: {title: Orders, version: 1.0.0}\nchannels:\n  orders:\n' +
      `    publish:\n      operationId: send\n      security:\n        - {${names}}\n` +
      `components:\n  securitySchemes:\n${schemes}`;
    const { value, millis } = await timed(() => workspace.review(head));
    await expectInvalid(value, {
      reason: /a way in here requires 2000 schemes together, more than the limit of 32/,
      line: lineOf(head, '      security:'),
      fix: /require fewer schemes in one security requirement/,
    });
    expect(millis).toBeLessThan(5_000);
  });

  it('stops between two operations when the clock runs out during the comparison', async () => {
    workspace = createWorkspace(manyWaysIn(1, 1, 300));
    let ticks = 0;
    // Each clock reading costs a millisecond. Reading both sides takes a handful of readings
    // and comparing one per operation, so 100 ms run out in the middle of the comparison.
    const budget = new RunBudget({ maxRunMillis: 100 }, () => ticks++);
    const head = manyWaysIn(1, 0, 300);
    const review = await workspace.review(head, { budget });
    await expectInvalid(review, {
      reason: /ran out of its time budget/,
      line: 1,
      fix: /review fewer documents per run/,
    });
    expect(ticks).toBeGreaterThan(50);
    expect(ticks).toBeLessThan(200);
  });
});
