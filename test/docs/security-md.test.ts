/**
 * SECURITY.md tells the truth: its tables of bounds are the values in the code, its list of
 * regular expressions is every one written in src/, filed under the input that
 * test/security/regex.test.ts gives it, it says where to report a vulnerability, and its links
 * point at files and headings that exist.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import { ANNOTATIONS_PER_REQUEST } from '../../src/action/check-run.js';
import { DEFAULT_BUDGET, type BudgetLimits } from '../../src/load/budget.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/load/limits.js';
import { REPOSITORY_URL } from '../../src/policy/schema.js';
import { GITHUB_ANNOTATION_LIMITS } from '../../src/report/annotations.js';
import { COMMENT_MAX_BYTES } from '../../src/report/markdown.js';
import { SUMMARY_MAX_BYTES } from '../../src/report/summary.js';
import { patternsInSource } from '../helpers/source-patterns.js';

const root = resolve(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const security = read('SECURITY.md');

const count = (value: number) => value.toLocaleString('en-US');

/** The second cell of the table row whose first cell is `label`. */
function valueOf(label: string): string | undefined {
  const row = security.split('\n').find((line) => line.startsWith(`| ${label} `));
  return row?.split('|')[2]?.trim();
}

/** The text from `heading` to the next heading of the same or a higher level. */
function section(heading: string): string {
  const level = /^#+/.exec(heading)?.[0] ?? '#';
  const start = security.indexOf(`\n${heading}\n`);
  expect(start, `SECURITY.md has the heading ${heading}`).toBeGreaterThanOrEqual(0);
  const rest = security.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`^#{1,${level.length}} `, 'm'));
  return end === -1 ? rest : rest.slice(0, end);
}

describe('SECURITY.md input bounds', () => {
  const MIB = 1024 * 1024;
  const limits: Record<keyof Limits, [label: string, value: string]> = {
    maxFileBytes: ['Size of one file', `${DEFAULT_LIMITS.maxFileBytes / MIB} MiB`],
    maxAliases: ['YAML aliases in one file', count(DEFAULT_LIMITS.maxAliases)],
    maxDepth: ['Nesting depth of one file', `${count(DEFAULT_LIMITS.maxDepth)} levels`],
    maxFiles: ['Files one document reads, itself included', count(DEFAULT_LIMITS.maxFiles)],
    maxRefs: ['`$ref` resolutions while modelling one document', count(DEFAULT_LIMITS.maxRefs)],
    maxWaysInPerOperation: [
      'Ways in of one operation',
      count(DEFAULT_LIMITS.maxWaysInPerOperation),
    ],
    maxWaysIn: ['Ways in of all operations of one document', count(DEFAULT_LIMITS.maxWaysIn)],
    maxTermsPerWayIn: [
      'Schemes one way in requires together',
      count(DEFAULT_LIMITS.maxTermsPerWayIn),
    ],
  };
  const budget: Record<keyof BudgetLimits, [label: string, value: string]> = {
    maxRunMillis: ['Wall-clock time of one run', `${DEFAULT_BUDGET.maxRunMillis / 60_000} min`],
    maxDocuments: ['Documents reviewed in one run', count(DEFAULT_BUDGET.maxDocuments)],
  };

  it('cover every limit and budget of the code', () => {
    expect(Object.keys(limits).sort()).toEqual(Object.keys(DEFAULT_LIMITS).sort());
    expect(Object.keys(budget).sort()).toEqual(Object.keys(DEFAULT_BUDGET).sort());
  });

  it.each([...Object.values(limits), ...Object.values(budget)])('%s: %s', (label, value) => {
    expect(valueOf(label)).toBe(value);
  });
});

describe('SECURITY.md output bounds', () => {
  it.each([
    ['Pull request comment', `${count(COMMENT_MAX_BYTES)} bytes`],
    ['Check run summary', `${count(COMMENT_MAX_BYTES)} bytes`],
    ['Job summary', `${count(SUMMARY_MAX_BYTES)} bytes (1 MiB less 1 KiB)`],
    ['Check run annotations per request', String(ANNOTATIONS_PER_REQUEST)],
    [
      'Step annotations',
      `${GITHUB_ANNOTATION_LIMITS.perLevel} per level, ${GITHUB_ANNOTATION_LIMITS.perJob} per job`,
    ],
  ])('%s: %s', (label, value) => {
    expect(valueOf(label)).toBe(value);
  });

  it('states the job summary as what it is', () => {
    expect(SUMMARY_MAX_BYTES).toBe(1024 * 1024 - 1024);
  });
});

/** The AUDIT list of test/security/regex.test.ts, as `file pattern` to its input. */
function auditInputs(): Map<string, string> {
  const path = join(root, 'test', 'security', 'regex.test.ts');
  const source = ts.createSourceFile(
    path,
    readFileSync(path, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );

  const evaluate = (node: ts.Node): string => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (
      ts.isTaggedTemplateExpression(node) &&
      node.tag.getText(source) === 'String.raw' &&
      ts.isNoSubstitutionTemplateLiteral(node.template)
    ) {
      return node.template.getText(source).slice(1, -1);
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      return evaluate(node.left) + evaluate(node.right);
    }
    throw new Error(`cannot read ${node.getText(source)} in the AUDIT list`);
  };

  let list: ts.ArrayLiteralExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      node.name.getText(source) === 'AUDIT' &&
      node.initializer !== undefined &&
      ts.isArrayLiteralExpression(node.initializer)
    ) {
      list = node.initializer;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (list === undefined) throw new Error('test/security/regex.test.ts has no AUDIT list');

  const inputs = new Map<string, string>();
  for (const element of list.elements) {
    if (!ts.isArrayLiteralExpression(element)) throw new Error('an AUDIT entry is not a list');
    const [file = '', pattern = '', input = ''] = element.elements.map(evaluate);
    inputs.set(`${file} ${pattern}`, input);
  }
  return inputs;
}

/** `file pattern` of every item `- \`file\` \`pattern\`: why` of a list. */
function listedPatterns(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('- `src/'))
    .map((line) => {
      const match = /^- `([^`]+)` (`+) ?(.+?) ?\2(?!`):/.exec(line);
      return match === null ? line : `${match[1] ?? ''} ${match[3] ?? ''}`;
    });
}

describe('SECURITY.md regular expressions', () => {
  const headings: Record<string, string> = {
    'pull request': '#### Applied to text from a pull request',
    bounded: '#### Applied to bounded text',
    trusted: '#### Applied to trusted text',
  };
  const listed = new Map(
    Object.entries(headings).flatMap(([input, heading]) =>
      listedPatterns(section(heading)).map((key) => [key, input] as const),
    ),
  );

  it('lists every pattern of src/ once, and nothing else', () => {
    const all = Object.values(headings).flatMap((heading) => listedPatterns(section(heading)));
    expect(all.length, 'a pattern listed twice').toBe(listed.size);
    expect([...listed.keys()].sort()).toEqual([...patternsInSource()].sort());
  });

  // regex.test.ts is the other half of the audit; where both list a pattern, they agree.
  it('files each pattern under the input regex.test.ts gives it', () => {
    const audit = auditInputs();
    expect(audit.size).toBeGreaterThan(30);
    const disagreements = [...listed]
      .filter(([key, input]) => audit.has(key) && audit.get(key) !== input)
      .map(([key, input]) => `${key}: ${input} here, ${audit.get(key) ?? ''} there`);
    expect(disagreements).toEqual([]);
  });
});

describe('SECURITY.md reporting and links', () => {
  it('sends reports to private vulnerability reporting of this repository', () => {
    expect(security).toContain(`<${REPOSITORY_URL}/security/advisories/new>`);
    expect(security).toContain('**Report a vulnerability**');
  });

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
  const anchors = (markdown: string) =>
    [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((match) =>
      (match[1] ?? '')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );

  const prose = security.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const links = [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '');
  const local = links.filter((target) => !/^[a-z]+:/i.test(target));

  it('has links to check', () => {
    expect(local.length).toBeGreaterThan(3);
  });

  it.each(local)('%s exists', (target) => {
    const [file = '', anchor] = target.split('#');
    const page = file === '' ? security : read(file);
    if (file !== '') expect(existsSync(join(root, file))).toBe(true);
    if (anchor !== undefined) expect(anchors(page)).toContain(anchor);
  });
});
