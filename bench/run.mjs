// `npm run bench`: times whole processes on generated document pairs, this CLI against a parse
// floor and against the AsyncAPI parser + diff, and writes the tables into docs/performance.md.
// Whole processes, because start-up, module loading and GC are part of what a CI job pays.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SIZES, VERSIONS, pairDir, writePair } from './generate.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = fileURLToPath(new URL('.', import.meta.url));
const DOC = join(ROOT, 'docs', 'performance.md');
const TIME_BIN = '/usr/bin/time';
const TIMEOUT_MS = 5 * 60 * 1000;
// Above 4,000 operations one peer run takes over a minute, so six of them per version would push
// the whole run past fifteen minutes on a 2-core machine; at 1,000 it takes five to seven
// seconds, which alone would keep `--quick` from ending within a minute. The peer skips those.
const PEER_MAX_OPS = { full: 4000, quick: 100 };
const START_MARK = '<!-- bench:start -->';
const END_MARK = '<!-- bench:end -->';

const options = readOptions();
const cli = resolve(ROOT, options.cli);
// The Action's bundle sits beside the CLI's folder, as in dist/, so `--cli` moves both.
const action = join(dirname(cli), '..', 'index.js');
const scratch = mkdtempSync(join(tmpdir(), 'asr-bench-'));
// Whatever else runs on the machine slows every row alike; the load average tells readers.
const loadAtStart = loadavg()[0].toFixed(2);

const TOOLS = [
  {
    key: 'cli',
    label: '1. this CLI',
    skip: () => (existsSync(cli) ? undefined : 'not built'),
    args: (base, head) => [cli, ...cliReviewArgs(), base, head],
  },
  {
    key: 'floor',
    label: '2. floor: `yaml` parse + walk',
    args: (base, head) => [join(BENCH, 'floor.mjs'), base, head],
  },
  {
    key: 'jsYaml',
    label: '3. `js-yaml` load + walk',
    args: (base, head) => [join(BENCH, 'floor-js-yaml.mjs'), base, head],
  },
  {
    key: 'peer',
    label: '4. peer: @asyncapi/parser + diff',
    skip: (ops) => {
      if (ops > PEER_MAX_OPS.full) return 'skipped: over a minute a run';
      return options.quick && ops > PEER_MAX_OPS.quick ? 'skipped in `--quick`' : undefined;
    },
    args: (base, head) => [join(BENCH, 'peer.mjs'), base, head],
  },
];

try {
  const results = await measureSizes();
  const startup = await measureStartup();
  const report = renderReport(results, startup);
  console.log(`\n${report}`);
  writeReport(report);
  console.log(`\nWrote ${relative(process.cwd(), DOC)}.`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string' },
      runs: { type: 'string' },
      quick: { type: 'boolean', default: false },
      cli: { type: 'string', default: 'dist/cli/index.js' },
    },
  });
  const sizes = values.sizes
    ? values.sizes.split(',').map((size) => Number(size.replaceAll('_', '')))
    : values.quick
      ? [100, 1000]
      : SIZES;
  const runs = Number(values.runs ?? (values.quick ? 3 : 5));
  if (sizes.some((size) => !Number.isInteger(size) || size < 1) || !(runs >= 1)) {
    throw new Error('--sizes takes positive integers separated by commas, --runs a count ≥ 1');
  }
  return { sizes, runs, quick: values.quick, cli: values.cli };
}

function cliReviewArgs() {
  return ['--format', 'json', '--output', join(scratch, 'review.json'), '--fail-on', 'none'];
}

// Pairs are regenerated on every run (a few seconds) so a changed generator never meets stale
// files; the tools are then timed one at a time, as concurrent runs would share the two cores.
async function measureSizes() {
  const results = [];
  for (const ops of options.sizes) {
    for (const version of VERSIONS) {
      writePair(version, ops);
      const base = join(pairDir(version, ops), 'base.yaml');
      const head = join(pairDir(version, ops), 'head.yaml');
      const row = { ops, version, changes: countChanges(version, ops) };
      for (const tool of TOOLS) {
        const skipped = tool.skip?.(ops);
        row[tool.key] = skipped ? { failure: skipped } : await measure(tool.args(base, head));
        progress(`${version} ${ops} ${tool.key}`, row[tool.key]);
      }
      row.cliFindings = row.cli.failure ? undefined : countFindings();
      results.push(row);
    }
  }
  return results;
}

// The CLI's report of its last run: how many findings it made of the head's changes.
function countFindings() {
  const report = JSON.parse(readFileSync(join(scratch, 'review.json'), 'utf8'));
  return Array.isArray(report.findings) ? report.findings.length : undefined;
}

function countChanges(version, ops) {
  return JSON.parse(readFileSync(join(pairDir(version, ops), 'changes.json'), 'utf8')).length;
}

// Start-up is what every CI job pays before reading a byte: compared with an empty Node.
async function measureStartup() {
  const tiny = writePair('3.0', 1);
  const runs = { runs: Math.max(options.runs, 10) };
  const nodeOnly = await measure(['-e', '0'], runs);
  const rows = [
    { label: '`node -e 0`', result: nodeOnly },
    {
      label: `\`node ${relative(ROOT, action)}\` (Action, no inputs)`,
      built: action,
      args: [action],
    },
    { label: `\`node ${options.cli} --help\``, built: cli, args: [cli, '--help'] },
    {
      label: `\`node ${options.cli}\` on a 1-operation pair`,
      built: cli,
      args: [cli, ...cliReviewArgs(), join(tiny, 'base.yaml'), join(tiny, 'head.yaml')],
    },
  ];
  for (const row of rows.slice(1)) {
    // The Action fails fast on its missing inputs; that exit is the start-up being measured.
    row.result = existsSync(row.built)
      ? await measure(row.args, { ...runs, env: withoutActionInputs(), allowFailure: true })
      : { failure: 'not built' };
    progress(`startup ${row.label}`, row.result);
  }
  return { nodeOnly, rows };
}

function withoutActionInputs() {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('INPUT_') || name.startsWith('GITHUB_')) delete env[name];
  }
  return env;
}

/** Runs `node <args>` once to warm the file cache, then `runs` times; returns the medians. */
async function measure(args, { runs = options.runs, env, allowFailure } = {}) {
  const samples = [];
  for (let i = -1; i < runs; i++) {
    const sample = await runOnce(args, env);
    if (sample.failure && !(allowFailure && sample.exited)) return sample;
    if (i >= 0) samples.push(sample);
  }
  return {
    wallMs: median(samples.map((s) => s.wallMs)),
    rssMb: median(samples.map((s) => s.rssMb)),
    stdout: samples[0].stdout,
    exit: samples[0].failure,
  };
}

// Peak RSS comes from GNU time's %M where installed; otherwise the child reports its own
// maxRSS on exit through a preloaded hook. Both print kilobytes as the last line of stderr.
function runOnce(args, env) {
  const node = [process.execPath, ...args];
  const [command, ...commandArgs] = existsSync(TIME_BIN)
    ? [TIME_BIN, '-f', '%M', ...node]
    : [process.execPath, '--import', join(BENCH, 'max-rss.mjs'), ...args];
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    // Its own process group, so a timeout ends the node child too, not only GNU time.
    const child = spawn(command, commandArgs, { cwd: ROOT, env, detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid, 'SIGKILL');
    }, TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const lines = stderr.trimEnd().split('\n');
      const rssMb = Number(lines.at(-1)) / 1024;
      if (timedOut) {
        resolve({ failure: `timed out after ${TIMEOUT_MS / 1000} s`, atLeastMs: TIMEOUT_MS });
      } else if (code !== 0) {
        // A crash's stack ends in Node's version; its `…Error: message` line says more.
        const said = lines.filter((line) => line.trim() && !/^(\d+|Command exited .*)$/.test(line));
        const reason = said.find((line) => /^\w*Error\b/.test(line)) ?? said[0] ?? '';
        const failure = reason === '' ? `exit ${code}` : `exit ${code}: ${reason}`;
        resolve({ failure, exited: true, wallMs, rssMb });
      } else {
        resolve({ wallMs, rssMb, stdout });
      }
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function progress(label, result) {
  const text = result.failure ?? `${ms(result.wallMs)} ms, ${mb(result.rssMb)} MB`;
  console.error(`${label}: ${text}`);
}

function renderReport(results, startup) {
  return [
    renderMachine(),
    renderTargets(results, startup),
    ...options.sizes.map((ops) =>
      renderSize(
        ops,
        results.filter((r) => r.ops === ops),
      ),
    ),
    renderStartup(startup),
  ].join('\n\n');
}

function renderMachine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown CPU';
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const runs = options.runs === 1 ? '1 run' : `${options.runs} runs`;
  const method = existsSync(TIME_BIN) ? '`/usr/bin/time -f %M`' : '`process.resourceUsage()`';
  return [
    '## Machine and method',
    '',
    `- ${cpu}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory`,
    `- Node ${process.version}, commit ${commit.stdout.trim() || 'unknown'}`,
    `- ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; load average ` +
      `${loadAtStart} at the start, ${loadavg()[0].toFixed(2)} at the end (other work shares` +
      ' the machine when these are well above 0)',
    `- median of ${runs} after one warm-up${options.quick ? ' (`--quick`)' : ''};` +
      ` peak RSS from ${method}`,
  ].join('\n');
}

function renderSize(ops, rows) {
  const head = `| | ${rows.map((r) => `${r.version} ms | ${r.version} MB`).join(' | ')} |`;
  const rule = `|---|${rows.map(() => '--:|--:').join('|')}|`;
  const lines = [`## ${ops.toLocaleString('en-US')} operations`, '', head, rule];
  for (const tool of TOOLS) {
    const cells = rows.map((r) => {
      const result = r[tool.key];
      if (result.failure) return `${cell(result.failure)} | `;
      return `${ms(result.wallMs)} | ${mb(result.rssMb)}`;
    });
    lines.push(`| ${tool.label} | ${cells.join(' | ')} |`);
  }
  for (const [label, over, under] of [
    ['ratio 1/2', 'cli', 'floor'],
    ['ratio 1/3', 'cli', 'jsYaml'],
    ['ratio 4/1', 'peer', 'cli'],
  ]) {
    const cells = rows.map((r) => `${ratioText(r[over], r[under])} | `);
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  lines.push('', ...rows.map(describeWork));
  return lines.join('\n');
}

// What each tool made of the pair: counts show a tool did the work rather than failing quietly.
function describeWork({ version, changes, cliFindings, peer }) {
  const parts = [`- ${version}: ${changes} security changes in the head`];
  if (cliFindings !== undefined) parts.push(`this CLI reported ${cliFindings} findings`);
  if (peer.stdout) {
    const counts = JSON.parse(peer.stdout);
    parts.push(
      `@asyncapi/diff reported ${counts.breaking} breaking, ${counts.nonBreaking} non-breaking` +
        ` and ${counts.unclassified} unclassified changes`,
    );
  }
  return `${parts.join('; ')}.`;
}

function renderStartup({ nodeOnly, rows }) {
  const lines = ['## Start-up', '', '| | ms | MB | over `node -e 0` |', '|---|--:|--:|--:|'];
  for (const { label, result } of rows) {
    if (result.failure) {
      lines.push(`| ${label} | ${cell(result.failure)} | | |`);
      continue;
    }
    const over = result === nodeOnly ? '' : `${ms(result.wallMs - nodeOnly.wallMs)} ms`;
    const exit = result.exit ? ` (${cell(result.exit)})` : '';
    lines.push(`| ${label}${exit} | ${ms(result.wallMs)} | ${mb(result.rssMb)} | ${over} |`);
  }
  return lines.join('\n');
}

// Each target from issue 6, judged per version; a size or tool not measured says so.
function renderTargets(results, { nodeOnly, rows }) {
  const at = (ops, version) => results.find((r) => r.ops === ops && r.version === version);
  const lines = ['## Targets', '', '| target | measured | verdict |', '|---|--:|---|'];
  for (const version of VERSIONS) {
    const mid = at(4000, version);
    const large = at(10000, version);
    lines.push(
      judge(`${version}: 4/1 ≥ 30 at 4,000`, mid && ratio(mid.peer, mid.cli), '≥', 30),
      judge(`${version}: 1/2 ≤ 1.25 at 4,000`, mid && ratio(mid.cli, mid.floor), '≤', 1.25),
      judge(
        `${version}: 10,000 costs ≤ 2.7× 4,000`,
        mid && large && ratio(large.cli, mid.cli),
        '≤',
        2.7,
      ),
      judge(`${version}: peak RSS < 250 MB at 10,000`, large && mbOf(large.cli), '<', 250),
    );
  }
  for (const row of rows.slice(1)) {
    const over = row.result.failure ? undefined : row.result.wallMs - nodeOnly.wallMs;
    lines.push(judge(`start-up < 150 ms over \`node -e 0\`: ${row.label}`, over, '<', 150));
  }
  return lines.join('\n');
}

function judge(target, value, comparison, limit) {
  if (value === undefined || value === null || Number.isNaN(value)) {
    return `| ${target} | | not measured |`;
  }
  const met =
    comparison === '≥' ? value >= limit : comparison === '≤' ? value <= limit : value < limit;
  const missBy = Math.abs(value - limit) / limit;
  const verdict = met ? 'met' : `missed by ${(missBy * 100).toFixed(0)} %`;
  return `| ${target} | ${value.toFixed(2)} | ${verdict} |`;
}

// A peer that timed out still bounds the ratio from below; a tool that failed gives none.
function ratio(over, under) {
  const overMs = over?.failure ? over.atLeastMs : over?.wallMs;
  if (overMs === undefined || under?.wallMs === undefined || under.failure) return undefined;
  return overMs / under.wallMs;
}

function ratioText(over, under) {
  const value = ratio(over, under);
  if (value === undefined) return '–';
  return `${over.failure ? '> ' : ''}${value.toFixed(2)}`;
}

// A failing tool's own message goes into a table cell, where a `|` would end the cell.
function cell(text) {
  return text.replaceAll('|', '\\|');
}

function mbOf(result) {
  return result.failure ? undefined : result.rssMb;
}

function ms(value) {
  return Math.round(value).toLocaleString('en-US');
}

function mb(value) {
  return value.toFixed(0);
}

// Only the part between the markers is generated; the prose around it is written by hand.
function writeReport(report) {
  const text = readFileSync(DOC, 'utf8');
  const start = text.indexOf(START_MARK);
  const end = text.indexOf(END_MARK);
  if (start < 0 || end < start) {
    throw new Error(`${DOC} lacks the ${START_MARK} … ${END_MARK} markers to write between`);
  }
  const generated = `${START_MARK}\n\n${report}\n\n`;
  writeFileSync(DOC, text.slice(0, start) + generated + text.slice(end));
}
