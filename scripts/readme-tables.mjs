// Writes into README.md, between marker comments <!-- NAME:start --> ... <!-- NAME:end -->:
// `inputs` and `outputs`, the tables of action.yml, and `usage`, the CLI's `--help` (USAGE in
// src/cli/main.ts). The README is then formatted with the repository's Prettier settings, so
// `npm run lint` agrees.
//
//   node scripts/readme-tables.mjs           rewrite README.md
//   node scripts/readme-tables.mjs --check   exit 1, naming the table, when README.md is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import * as prettier from 'prettier';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const readmePath = join(root, 'README.md');
const actionPath = join(root, 'action.yml');
const cliPath = join(root, 'src', 'cli', 'main.ts');

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });

const action = parse(readFileSync(actionPath, 'utf8'));
const current = readFileSync(readmePath, 'utf8');

let next = current;
next = replaceBetween(next, 'inputs', inputsTable(action.inputs ?? {}));
next = replaceBetween(next, 'outputs', outputsTable(action.outputs ?? {}));
next = replaceBetween(next, 'usage', `\`\`\`text\n${usage(readFileSync(cliPath, 'utf8'))}\n\`\`\``);
const options = (await prettier.resolveConfig(readmePath)) ?? {};
next = await prettier.format(next, { ...options, filepath: readmePath });

if (values.check) {
  if (next !== current) {
    console.error('README.md: a table differs from action.yml, or the usage from the CLI.');
    console.error('Run `node scripts/readme-tables.mjs` and commit README.md.');
    process.exit(1);
  }
  console.log('README.md tables and usage are up to date.');
} else if (next !== current) {
  writeFileSync(readmePath, next);
  console.log('README.md tables and usage rewritten.');
} else {
  console.log('README.md tables and usage already up to date.');
}

function inputsTable(inputs) {
  const rows = Object.entries(inputs).map(([name, input]) => {
    const required = input.required === true ? ' (required)' : '';
    return [`\`${name}\`${required}`, defaultCell(input.default), cell(input.description)];
  });
  return table(['input', 'default', 'description'], rows);
}

function outputsTable(outputs) {
  const rows = Object.entries(outputs).map(([name, output]) => [
    `\`${name}\``,
    cell(output.description),
  ]);
  return table(['output', 'description'], rows);
}

/** The USAGE template literal of the CLI, which must be plain text (test/docs checks it). */
function usage(source) {
  const match = /export const USAGE = `([^`]*)`;/.exec(source);
  if (!match || match[1].includes('${')) {
    throw new Error('src/cli/main.ts: USAGE is not a plain template literal any more');
  }
  return match[1].replace(/\\(.)/g, '$1');
}

function defaultCell(value) {
  if (value === undefined || value === null) return 'none';
  const text = String(value);
  return text === '' ? '(empty)' : `\`${text.replaceAll('|', '\\|')}\``;
}

/** One table cell: one line, pipes escaped. */
function cell(text) {
  return String(text ?? '')
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    .replaceAll('|', '\\|');
}

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function replaceBetween(text, name, content) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1 || to < from) {
    throw new Error(`README.md has no ${start} ... ${end} markers`);
  }
  return `${text.slice(0, from + start.length)}\n\n${content}\n\n${text.slice(to)}`;
}
