// Writes the inputs and outputs tables of README.md from action.yml, between the marker comments
// <!-- inputs:start --> ... <!-- inputs:end --> and <!-- outputs:start --> ... <!-- outputs:end -->.
// The README is then formatted with the repository's Prettier settings, so `npm run lint` agrees.
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

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });

const action = parse(readFileSync(actionPath, 'utf8'));
const current = readFileSync(readmePath, 'utf8');

let next = current;
next = replaceBetween(next, 'inputs', inputsTable(action.inputs ?? {}));
next = replaceBetween(next, 'outputs', outputsTable(action.outputs ?? {}));
const options = (await prettier.resolveConfig(readmePath)) ?? {};
next = await prettier.format(next, { ...options, filepath: readmePath });

if (values.check) {
  if (next !== current) {
    console.error('README.md: the inputs or outputs table differs from action.yml.');
    console.error('Run `node scripts/readme-tables.mjs` and commit README.md.');
    process.exit(1);
  }
  console.log('README.md tables match action.yml.');
} else if (next !== current) {
  writeFileSync(readmePath, next);
  console.log('README.md tables rewritten from action.yml.');
} else {
  console.log('README.md tables already match action.yml.');
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
