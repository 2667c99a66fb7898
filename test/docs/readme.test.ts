/**
 * The README tells the truth: its inputs and outputs tables are action.yml's, its usage block is
 * the CLI's `--help`, its rule table is the registry, every relative link points at a file, and
 * every example workflow it links uses only inputs the Action has.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { runCli, USAGE } from '../../src/cli/main.js';
import { RULES } from '../../src/compare/rules.js';
import { parseConfig } from '../../src/policy/config.js';
import { CONFIG_SCHEMA_URL } from '../../src/policy/schema.js';

const root = resolve(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

interface ActionDefinition {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
}
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as ActionDefinition;

/**
 * Files linked from the README that other changes in flight are writing (issue 4: configuration
 * and SARIF pages; issue 5: SECURITY.md). A missing one is reported as a todo, not a pass;
 * once it exists it is checked like any other link. Remove entries as they land.
 */
const PENDING_FILES = new Set<string>();

/** Inputs the example workflows use that the Action is gaining in issue 4. Same treatment. */
const PENDING_INPUTS = new Set<string>(['check-run', 'sarif-file', 'accept-label']);

/** The text between `<!-- name:start -->` and `<!-- name:end -->`. */
function between(name: string): string {
  const start = readme.indexOf(`<!-- ${name}:start -->`);
  const end = readme.indexOf(`<!-- ${name}:end -->`);
  expect(start, `README.md has the ${name} markers`).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  return readme.slice(start, end);
}

/** The first cell of every body row of the markdown table in `text`. */
function firstCells(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .slice(2)
    .map(
      (line) =>
        line
          .split(' | ')[0]
          ?.replace(/^\|\s*/, '')
          .trim() ?? '',
    );
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every link target: inline links, images, reference definitions (not footnotes), src/href. */
function linkTargets(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const targets = [
    ...withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g),
    ...withoutCode.matchAll(/^\[(?!\^)[^\]]+\]:\s*(\S+)/gm),
    ...withoutCode.matchAll(/\b(?:src|href)="([^"]+)"/g),
  ];
  return targets.map((match) => match[1] ?? '');
}

describe('README inputs and outputs tables', () => {
  it('are what scripts/readme-tables.mjs generates from action.yml', () => {
    const run = () =>
      execFileSync(process.execPath, [join(root, 'scripts', 'readme-tables.mjs'), '--check'], {
        cwd: root,
        encoding: 'utf8',
        stdio: 'pipe',
      });
    expect(run).not.toThrow();
  });

  it('list every input of action.yml with its default, and nothing else', () => {
    const table = between('inputs');
    expect(firstCells(table)).toEqual(Object.keys(action.inputs).map((name) => `\`${name}\``));
    for (const [name, input] of Object.entries(action.inputs)) {
      const row = table.split('\n').find((line) => line.startsWith(`| \`${name}\` `)) ?? '';
      const expected = input.default ? `\`${input.default.replaceAll('|', '\\|')}\`` : '(empty)';
      expect(row, name).toContain(`| ${expected} `);
    }
  });

  it('list every output of action.yml, and nothing else', () => {
    const table = between('outputs');
    expect(firstCells(table)).toEqual(Object.keys(action.outputs).map((name) => `\`${name}\``));
  });
});

describe('README command line', () => {
  it('shows what `npm start` prints', async () => {
    const block = between('start-output');
    const text = /```text\n([\s\S]*?)```/.exec(block)?.[1];
    const pair = ['base', 'head'].map((side) => `examples/pairs/orders/${side}/asyncapi.yaml`);
    const outcome = await runCli([...pair, '--fail-on', 'none'], root);
    expect(text).toBe(outcome.stdout);
  });

  it('shows the real --help', () => {
    const block = between('usage');
    const text = /```text\n([\s\S]*?)\n```/.exec(block)?.[1];
    expect(text).toBe(USAGE);
  });
});

describe('README configuration example', () => {
  const block = /<!-- config-example -->\s*```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

  it('is a valid configuration file', () => {
    const loaded = parseConfig(block, '.github/asyncapi-security-review.yml');
    expect(loaded.config.accept?.length).toBeGreaterThan(0);
  });

  it('names the published JSON Schema', () => {
    expect(block).toContain(`$schema=${CONFIG_SCHEMA_URL}`);
    expect(
      existsSync(join(root, new URL(CONFIG_SCHEMA_URL).pathname.split('/main/')[1] ?? '')),
    ).toBe(true);
  });
});

describe('README rule table', () => {
  it.each([...RULES.values()])('lists $id with its severity and its page', (rule) => {
    const row = readme
      .split('\n')
      .find((line) => line.startsWith(`| [\`${rule.id}\`](docs/rules/${rule.id}.md) `));
    expect(row, `a row for ${rule.id}`).toBeDefined();
    expect(row?.split('|')[2]?.trim()).toBe(rule.severity);
  });
});

describe('README links', () => {
  const targets = [...new Set(linkTargets(readme))];
  const local = targets.filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'));
  const files = [...new Set(local.map((target) => decodeURI(target.split('#')[0] ?? '')))];
  const settled = files.filter((file) => !PENDING_FILES.has(file));
  const pending = files.filter((file) => PENDING_FILES.has(file));

  it('has links to check', () => {
    expect(settled.length).toBeGreaterThan(10);
  });

  it.each(settled)('%s exists', (file) => {
    expect(existsSync(join(root, file))).toBe(true);
  });

  for (const file of pending) {
    if (existsSync(join(root, file))) {
      it(`${file} exists (was pending)`, () => expect(existsSync(join(root, file))).toBe(true));
    } else {
      it.todo(`${file}: linked, not written yet (pending, issue 4 or 5)`);
    }
  }

  it('points every #anchor at a heading', () => {
    const headings = [...readme.matchAll(/^#{1,6} (.+)$/gm)].map((match) =>
      slug((match[1] ?? '').replace(/`/g, '')),
    );
    const anchors = targets.filter((target) => target.startsWith('#'));
    expect(anchors.length).toBeGreaterThan(5);
    for (const anchor of anchors) expect(headings, anchor).toContain(anchor.slice(1));
  });
});

describe('example workflows', () => {
  const folder = join(root, 'examples', 'workflows');
  const names = readdirSync(folder).filter((name) => /\.ya?ml$/.test(name));

  it.each(names)('%s is linked from the README', (name) => {
    expect(readme).toContain(`](examples/workflows/${name})`);
  });

  it.each(names.filter((name) => name !== 'gitlab-ci.yml'))(
    '%s uses only inputs the Action has',
    (name) => {
      const workflow = parse(readFileSync(join(folder, name), 'utf8')) as {
        jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
      };
      const used = Object.values(workflow.jobs)
        .flatMap((job) => job.steps)
        .filter((step) => step.uses?.startsWith('asyncapi-security-review/'))
        .flatMap((step) => Object.keys(step.with ?? {}));
      const unknown = used.filter((input) => !(input in action.inputs));
      const missing = unknown.filter((input) => !PENDING_INPUTS.has(input));
      expect(missing, 'inputs not in action.yml').toEqual([]);
    },
  );

  for (const input of PENDING_INPUTS) {
    if (!(input in action.inputs)) it.todo(`input ${input}: used by an example, not in action.yml`);
  }
});
