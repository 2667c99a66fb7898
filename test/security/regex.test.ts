/**
 * Regular expressions and catastrophic backtracking. Every regular expression written in src/
 * is listed below with what it is applied to and why its running time is linear (or bounded);
 * a new or changed one fails the first test until it is audited here and in SECURITY.md. Then
 * each one that sees text from a pull request runs, through the code that uses it, on
 * adversarial strings of 100,000 characters, under a generous bound: a quadratic pattern takes
 * tens of seconds there, a linear one milliseconds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { shortenReport } from '../../src/action/comment.js';
import { reviewDocument } from '../../src/engine.js';
import type { Revision } from '../../src/git/revision.js';
import { compileGlobs, isAsyncApiDocument, selectDocuments } from '../../src/git/select.js';
import { DocumentError } from '../../src/load/errors.js';
import { FolderSource } from '../../src/load/folder.js';
import { DEFAULT_LIMITS } from '../../src/load/limits.js';
import { refTarget } from '../../src/load/loader.js';
import { parseYamlFile, PositionIndex } from '../../src/load/yaml.js';
import {
  codeBlock,
  codeSpan,
  escapeJsonForLogs,
  escapeLogLine,
  escapeMarkdown,
} from '../../src/report/escape.js';
import { blobLineUrl, renderSecurityDiff } from '../../src/report/markdown.js';
import { renderAll } from './outputs.js';
import { patternsInSource } from '../helpers/source-patterns.js';

/** Where the text a pattern is applied to comes from. */
type Input = 'pull request' | 'trusted' | 'bounded';

/** File, pattern as written, its input, and why it cannot backtrack catastrophically. */
const AUDIT: [file: string, pattern: string, input: Input, why: string][] = [
  ['src/action/comment.ts', String.raw`/[-!'()*~]/g`, 'trusted', 'workflow and job names'],
  ['src/action/comment.ts', String.raw`/maximum is (\d{1,9})/`, 'trusted', "GitHub's error"],
  ['src/action/comment.ts', String.raw`/too long|maximum is/i`, 'trusted', "GitHub's error"],
  ['src/action/comment.ts', String.raw`/^#### /gm`, 'pull request', 'a literal at line starts'],
  ['src/action/configuration.ts', String.raw`/^(\.\/)+/`, 'trusted', 'the config-file input'],
  ['src/action/github-api.ts', String.raw`/\s+/g`, 'trusted', "GitHub's error"],
  ['src/action/github-api.ts', String.raw`/rate limit/i`, 'trusted', "GitHub's error"],
  // Quadratic in a run of dots, but the message holds at most 500 characters of GitHub's.
  ['src/action/github-api.ts', String.raw`/\.+$/`, 'bounded', 'message of 500 characters'],
  ['src/action/revisions.ts', String.raw`/^0+$/`, 'trusted', 'a SHA of the event'],
  ['src/cli/main.ts', String.raw`/^Unknown option '([^']*)'/`, 'trusted', "Node's message"],
  ['src/cli/main.ts', '/^-+/', 'trusted', 'a command-line option'],
  ['src/compare/format.ts', String.raw`/^http:/i`, 'pull request', 'anchored literal'],
  [
    'src/compare/strength.ts',
    String.raw`/^(https?):\/\/(.*)$/i`,
    'pull request',
    'anchored; one greedy .* that fails at most once, at a line break',
  ],
  ['src/git/commits.ts', String.raw`/^[0-9a-f]{40}([0-9a-f]{24})?$/i`, 'trusted', 'a ref input'],
  ['src/git/commits.ts', String.raw`/[\u0000-\u0020\u007f]/`, 'trusted', 'a ref input'],
  ['src/git/revision.ts', String.raw`/^[0-9a-f]{40,64}$/`, 'trusted', 'a SHA'],
  ['src/git/select.ts', String.raw`/\.(ya?ml|json)$/i`, 'pull request', 'a few steps per dot'],
  [
    'src/git/select.ts',
    String.raw`/^(asyncapi|"asyncapi"|'asyncapi')[ \t]*:/m`,
    'pull request',
    'a literal at each line start, then one run of blanks that ends at the line',
  ],
  [
    'src/git/select.ts',
    String.raw`/^\s*\{\s*"asyncapi"\s*:/`,
    'pull request',
    'anchored at the start of the text; each blank run is scanned once',
  ],
  ['src/git/tree.ts', String.raw`/\s+/`, 'trusted', "git's header before the path"],
  ['src/load/loader.ts', String.raw`/^[a-z][a-z0-9+.-]*:/i`, 'pull request', 'anchored class'],
  ['src/load/loader.ts', String.raw`/\\/g`, 'pull request', 'one character'],
  ['src/load/loader.ts', String.raw`/~1/g`, 'pull request', 'a literal'],
  ['src/load/loader.ts', String.raw`/~0/g`, 'pull request', 'a literal'],
  ['src/load/loader.ts', String.raw`/^(0|[1-9]\d*)$/`, 'pull request', 'anchored class'],
  ['src/model/context.ts', String.raw`/^([a-z][a-z0-9+.-]*):\/\//i`, 'pull request', 'anchored'],
  ['src/model/context.ts', String.raw`/~1/g`, 'pull request', 'a literal'],
  ['src/model/context.ts', String.raw`/~0/g`, 'pull request', 'a literal'],
  ['src/model/read.ts', String.raw`/^2\.[0-6]\.\d+$/`, 'pull request', 'anchored'],
  ['src/model/read.ts', String.raw`/^3\.[01]\.\d+$/`, 'pull request', 'anchored'],
  ['src/policy/config.ts', String.raw`/^Invalid input: /`, 'trusted', "zod's message"],
  ['src/policy/config.ts', '/received undefined$/', 'trusted', "zod's message"],
  ['src/policy/schema.ts', String.raw`/^[0-9a-f]{16}$/`, 'bounded', 'a fingerprint'],
  ['src/policy/schema.ts', String.raw`/^[a-z][a-z0-9+.-]*$/`, 'bounded', 'a protocol name'],
  [
    'src/report/escape.ts',
    String.raw`/[\\` + '`' + String.raw`*_{}[\]()#+\-.!|~=:"'$^]/g`,
    'pull request',
    'one character',
  ],
  ['src/report/escape.ts', '/&/g', 'pull request', 'one character'],
  ['src/report/escape.ts', '/</g', 'pull request', 'one character'],
  ['src/report/escape.ts', '/>/g', 'pull request', 'one character'],
  ['src/report/escape.ts', '/@/g', 'pull request', 'one character'],
  ['src/report/escape.ts', String.raw`/\/\//g`, 'pull request', 'a literal'],
  ['src/report/escape.ts', String.raw`/\bwww\\\./gi`, 'pull request', 'a literal'],
  ['src/report/escape.ts', String.raw`/\|/g`, 'pull request', 'one character'],
  ['src/report/escape.ts', '/`+/g', 'pull request', 'each run of backticks matched once'],
  ['src/report/escape.ts', '/^[` ]|[` ]$/', 'pull request', 'one character at either end'],
  ['src/report/escape.ts', String.raw`/\r\n?/g`, 'pull request', 'a literal'],
  [
    'src/report/escape.ts',
    String.raw`/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g`,
    'pull request',
    'one class',
  ],
  ['src/report/escape.ts', String.raw`/^(\s*):/`, 'pull request', 'anchored at the start'],
  ['src/report/escape.ts', String.raw`/[\u007f-\u009f\u2028\u2029]/g`, 'pull request', 'a class'],
  ['src/report/escape.ts', '/[.*+?^${}()|[\\]\\\\]/g', 'trusted', 'our code spans'],
  // Built from our own code spans, each escaped to a literal: an alternation of literals.
  [
    'src/report/escape.ts',
    "new RegExp(alternatives.join('|'), 'g')",
    'pull request',
    'literals only',
  ],
  ['src/report/escape.ts', String.raw`/[\\[\]]/g`, 'pull request', 'one character'],
  [
    'src/report/markdown.ts',
    String.raw`/(?<= over (?:TLS|plaintext));\s+/`,
    'pull request',
    'a literal behind, then one blank run after each semicolon',
  ],
  ['src/report/markdown.ts', String.raw`/[()'!*]/g`, 'pull request', 'one character'],
  // Quadratic in a run of slashes, but GITHUB_SERVER_URL comes from the runner.
  ['src/report/markdown.ts', String.raw`/\/+$/`, 'trusted', 'the server URL'],
  // Quadratic in a run of dots, but the configuration schema caps a reason at 500 characters.
  ['src/report/markdown.ts', String.raw`/\.+$/`, 'bounded', 'an accept reason'],
  ['src/report/markdown.ts', String.raw`/\n{3,}/g`, 'pull request', 'each run matched once'],
  ['src/report/sarif.ts', String.raw`/(^|-)([a-z])/g`, 'trusted', 'rule ids'],
  ['src/settings.ts', String.raw`/[\n,]/`, 'trusted', 'inputs of the workflow'],
];

describe('the regular expressions of src/', () => {
  it('are all audited', () => {
    const found = patternsInSource();
    const audited = new Set(AUDIT.map(([file, pattern]) => `${file} ${pattern}`));
    // A pattern missing here: say what it is applied to and why it is linear, in AUDIT and in
    // SECURITY.md. A pattern listed but gone: remove it from both.
    expect([...found].filter((key) => !audited.has(key))).toEqual([]);
    expect([...audited].filter((key) => !found.has(key))).toEqual([]);
  });
});

// Runs of what each pattern above repeats, ended by what makes it fail and backtrack.
const N = 100_000;
const ADVERSARIAL: [string, string][] = [
  ['blanks', `${' '.repeat(N)}x`],
  ['blanks before a colon', `${' \t'.repeat(N / 2)}:`],
  ['backticks', '`'.repeat(N)],
  ['dots', `${'.'.repeat(N)}x`],
  ['slashes', `${'/'.repeat(N)}x`],
  ['scheme characters', `${'a+.-'.repeat(N / 4)}!`],
  ['digits', `${'1'.repeat(N)}x`],
  ['line breaks', '\n'.repeat(N)],
  ['positions', `${' at line 1'.repeat(N / 10)}\r`],
  ['the asyncapi key', `${'asyncapi'.repeat(N / 8)}${' '.repeat(N)}`],
  ['JSON openers', `${' {'.repeat(N / 2)} "asyncapi" x`],
  ['www', 'www\\.'.repeat(N / 5)],
  ['comment openers', '<!--'.repeat(N / 4)],
  ['an http URL', `http://${'a'.repeat(N)}\n`],
  ['pointer escapes', '~1~0~'.repeat(N / 5)],
  ['workflow commands', '::##['.repeat(N / 5)],
  ['semicolons', `${'; '.repeat(N / 2)}x`],
  ['versions', `3.0.${'1'.repeat(N)}x`],
  ['headings', '#### x\n'.repeat(N / 7)],
  ['path segments', `${'a/'.repeat(N / 2)}x.yaml`],
];

/** Runs `work` and says how long it took; 2 s is hundreds of times what linear work needs. */
function expectFast(name: string, work: () => unknown): void {
  const start = performance.now();
  work();
  const millis = performance.now() - start;
  expect(millis, `${name} took ${Math.round(millis)} ms`).toBeLessThan(2_000);
}

describe('patterns that see pull request text', () => {
  it.each(ADVERSARIAL)('finish quickly on %s', (_name, text) => {
    expectFast('escapeMarkdown', () => escapeMarkdown(text));
    expectFast('codeSpan', () => codeSpan(text, { inTable: true }));
    expectFast('codeBlock', () => codeBlock(text, 'diff'));
    expectFast('escapeLogLine', () => escapeLogLine(text));
    expectFast('escapeJsonForLogs', () => escapeJsonForLogs(JSON.stringify(text)));
    expectFast('blobLineUrl', () =>
      blobLineUrl(
        { serverUrl: 'https://github.com', owner: 'o', repo: 'r', headSha: 'f' },
        text,
        1,
      ),
    );
    expectFast('renderSecurityDiff', () => renderSecurityDiff(text, `${text}x`));
    // One byte short: the headings are all found, and the first cut fits.
    expectFast('shortenReport', () => shortenReport(text, Buffer.byteLength(text) - 1));
    expectFast('refTarget', () => refTarget('specs/a.yaml', `${text}#/${text}`));
    expectFast('compileGlobs', () => compileGlobs(['**/*.yaml', '!**/vendor/**'])(text));
    expectFast('isAsyncApiDocument', () => isAsyncApiDocument(new TextEncoder().encode(text)));
    expectFast('parseYamlFile', () => parseQuietly(text));
    expectFast('parseYamlFile, quoted', () => parseQuietly(`x: "${text}`));
    expectFast('parseYamlFile, block header', () => parseQuietly(`x: |${text}\n  y\n`));
  });

  it.each(ADVERSARIAL)('finish quickly in the default selection on %s', async (_name, text) => {
    const revision: Revision = {
      sha: 'f'.repeat(40),
      label: 'head (fffffff)',
      via: 'rest-api',
      listFiles: () =>
        Promise.resolve([{ path: `${text}.yaml`, mode: '100644', oid: 'a'.repeat(40), size: 1 }]),
      source: { label: 'head', readFile: () => Promise.resolve(new TextEncoder().encode(text)) },
    };
    const start = performance.now();
    await selectDocuments(revision, []);
    expect(performance.now() - start).toBeLessThan(2_000);
  });
});

/** Parses, keeping only a DocumentError: the point is the time, not the result. */
function parseQuietly(text: string): void {
  try {
    parseYamlFile('a.yaml', new TextEncoder().encode(text), DEFAULT_LIMITS, new PositionIndex());
  } catch (error) {
    if (!(error instanceof DocumentError)) throw error;
  }
}

describe('a whole review of a document full of adversarial strings', () => {
  const folder = mkdtempSync(join(tmpdir(), 'asr-regex-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it.each(ADVERSARIAL)('finishes quickly and stays inert: %s', async (_name, text) => {
    const name = JSON.stringify(text);
    const document = (tokenScheme: string) => `asyncapi: 3.0.0
info: {title: T, version: 1.0.0}
servers:
  ${name}:
    host: broker.example.com
    url: ${name}
    protocol: mqtts
    security: [{$ref: '#/components/securitySchemes/oauth'}]
channels:
  ${name}: {address: ${name}}
operations:
  ${name}:
    action: send
    channel: {$ref: ${JSON.stringify(`#/channels/${text.replace(/~/g, '~0').replace(/\//g, '~1')}`)}}
components:
  securitySchemes:
    oauth:
      type: oauth2
      description: ${name}
      flows:
        clientCredentials:
          tokenUrl: ${JSON.stringify(`${tokenScheme}://${text}`)}
          availableScopes: {read: ${name}}
    x-version: {$ref: ${JSON.stringify(`${text}#/${text}`)}}
`;
    writeFileSync(join(folder, 'base.yaml'), document('https'));
    writeFileSync(join(folder, 'head.yaml'), document('http'));
    const source = new FolderSource(folder);

    const start = performance.now();
    const review = await reviewDocument(
      { source, path: 'base.yaml' },
      { source, path: 'head.yaml' },
      { model: 'override' },
    );
    await renderAll(review);
    expect(performance.now() - start).toBeLessThan(5_000);
  });
});
