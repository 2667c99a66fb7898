/**
 * The command line: `asyncapi-security-review [options] <base> <head>`. Exit 0 when no finding
 * reaches `--fail-on`, 1 when one does, 2 for a usage or internal error.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

import { SEVERITIES, type ReviewResult, type Severity } from '../compare/finding.js';
import { reviewDocument, type EngineOptions } from '../engine.js';
import { FolderSource } from '../load/folder.js';
import { isGitRepository, RevisionError } from '../git/commits.js';
import { ConfigFileError, readConfiguration } from '../action/configuration.js';
import { openGitRevisions, planReview, reviewPlan, type GitRevisions } from '../git/plan.js';
import { ConfigError, parseConfig, type LoadedConfig } from '../policy/config.js';
import {
  applyPolicy,
  reachesFailOn,
  resolvePolicy,
  utcDay,
  type ConfigOrigin,
  type Policy,
  type PolicyNote,
} from '../policy/policy.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown, type ReportPolicy } from '../report/markdown.js';
import { pathToUri, renderSarif } from '../report/sarif.js';
import { renderText } from '../report/text.js';
import { VERSION } from '../version.js';

const FORMATS = ['text', 'markdown', 'json', 'sarif'] as const;
const FAIL_ON = [...SEVERITIES, 'none'] as const;
const MODELS = ['override', 'additive'] as const;

export const USAGE = `Usage: asyncapi-security-review [options] <base> <head>
       asyncapi-security-review [options] --base-ref <ref> [--head-ref <ref>] [globs...]

Compares the effective security of every operation of AsyncAPI documents (2.0 to 3.1, YAML or
JSON) between a base and a head version, and reports what got weaker. The first form compares
two files; the second, run inside a git repository, compares every AsyncAPI document matched by
the globs (default: every tracked .yaml, .yml and .json file with a top-level asyncapi field)
between two commits, read with git without checking anything out.

Options:
  --format <text|markdown|json|sarif>
                            output format (default: text); sarif is SARIF 2.1.0 for code
                            scanning
  --output <file>           write the report to a file instead of standard output
  --config <file>           the configuration file (rules, accept entries, ...); the options
                            below win over it. Git mode without it reads the repository's
                            .github/asyncapi-security-review.yml at the base commit
  --fail-on <severity>      exit 1 when a finding not accepted reaches it: critical, high,
                            medium, low, info or none (default: high)
  --model <override|additive>
                            override: an operation's own security replaces the server's
                            (default); additive: both must be satisfied
  --root <dir>              folder that relative $refs may not leave (default: the folder
                            each document sits in)
  --base-ref <ref>          git mode: the base commit, branch or tag
  --head-ref <ref>          git mode: the head commit (default: HEAD)
  -h, --help                show this help
  -v, --version             show the version

Exit status: 0 no finding reaches --fail-on, 1 one does, 2 usage, configuration or internal
error.`;

/** What the process should do: print to stdout or stderr, and exit with a code. */
export interface CliOutcome {
  exitCode: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

class UsageError extends Error {}

/** An invalid configuration file: its message lists each problem; no usage text is needed. */
class ConfigUsageError extends Error {}

export async function runCli(argv: string[], cwd: string): Promise<CliOutcome> {
  try {
    return await run(argv, cwd);
  } catch (error) {
    if (error instanceof UsageError) {
      // One line that says what is wrong; the whole help would push it off the screen.
      const hint = 'Run asyncapi-security-review --help for the options.';
      return { exitCode: 2, stdout: '', stderr: `error: ${error.message}\n${hint}\n` };
    }
    if (error instanceof ConfigUsageError) {
      return { exitCode: 2, stdout: '', stderr: `error: ${error.message}\n` };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { exitCode: 2, stdout: '', stderr: `error: ${message}\n` };
  }
}

async function run(argv: string[], cwd: string): Promise<CliOutcome> {
  const args = parseArguments(argv);
  if (args.values.help) return { exitCode: 0, stdout: `${USAGE}\n`, stderr: '' };
  if (args.values.version) return { exitCode: 0, stdout: `${VERSION}\n`, stderr: '' };

  // Options given on the command line win over the configuration file, which wins over defaults.
  const format = oneOf(args.values.format ?? 'text', FORMATS, '--format');
  const failOn = optionalOneOf(args.values['fail-on'], FAIL_ON, '--fail-on');
  const model = optionalOneOf(args.values.model, MODELS, '--model');
  const configPath = args.values.config;
  const gitMode = args.values['base-ref'] !== undefined;
  if (!gitMode && args.values['head-ref'] !== undefined) {
    throw new UsageError('--head-ref needs --base-ref: git mode compares two commits');
  }
  if (gitMode && args.values.root !== undefined) {
    throw new UsageError('--root is for two files; in git mode the root is the repository');
  }
  const fromFile = configPath === undefined ? null : await loadConfigFile(cwd, configPath);
  const revisions = gitMode
    ? await openRepository(cwd, args.values['base-ref'] ?? '', args.values['head-ref'])
    : null;

  // The file --config names; in git mode without it, the repository's own file at the base
  // commit, as the Action reads it, so that both review a change under the same policy.
  const configuration =
    configPath !== undefined
      ? { loaded: fromFile, origin: fileOrigin(configPath), notes: [] }
      : revisions !== null
        ? await loadBaseConfig(revisions)
        : { loaded: null, origin: null, notes: [] };
  const policy = resolvePolicy(
    configuration.loaded,
    { failOn, model, files: gitMode ? args.positionals : null },
    configuration.origin,
  );

  // Review, then the policy: rules turned off, fingerprints, accepted findings.
  const reviewed =
    revisions !== null
      ? await reviewRevisions(revisions, policy)
      : await reviewFilePair(cwd, args.positionals, args.values.root, policy);
  const applied = applyPolicy(reviewed.result, policy, utcDay());
  const { result } = applied;
  const notes = [...configuration.notes, ...applied.notes];
  const report = render(result, format, {
    policy: { origin: policy.origin, notes },
    artifactUri: reviewed.artifactUri,
  });

  const exitCode = reachesThreshold(result, policy.failOn) ? 1 : 0;
  const warnings = notes
    .filter((note) => note.level === 'warning')
    .map((note) => `warning: ${note.file ?? ''}:${note.line ?? 1}: ${note.message}\n`)
    .join('');
  if (args.values.output !== undefined) {
    await writeReport(resolve(cwd, args.values.output), args.values.output, report);
    return { exitCode, stdout: '', stderr: warnings };
  }
  return { exitCode, stdout: report, stderr: warnings };
}

async function writeReport(path: string, given: string, report: string): Promise<void> {
  try {
    await writeFile(path, report);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why =
      code === 'ENOENT'
        ? 'its folder does not exist'
        : code === 'EISDIR'
          ? 'it is a folder; name a file'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : error instanceof Error
              ? error.message
              : String(error);
    throw new UsageError(`cannot write --output ${given}: ${why}`);
  }
}

interface RenderOptions {
  policy: ReportPolicy;
  /** Where a location's file is, relative to the working directory, for SARIF. */
  artifactUri: (file: string) => string;
}

function render(
  result: ReviewResult,
  format: (typeof FORMATS)[number],
  options: RenderOptions,
): string {
  if (format === 'json') return renderJson(result, options.policy);
  if (format === 'sarif') {
    return renderSarif(result, { ...options.policy, artifactUri: options.artifactUri });
  }
  if (format === 'markdown') {
    const markdown = renderMarkdown(result, {
      maxBytes: Number.MAX_SAFE_INTEGER,
      policy: options.policy,
    });
    return `${markdown}\n`;
  }
  return renderText(result, options.policy);
}

/** Reads and validates `--config`; a missing or invalid file is a usage error (exit 2). */
async function loadConfigFile(cwd: string, path: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`--config ${path} cannot be read: ${reason}`);
  }
  try {
    return parseConfig(text, path);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigUsageError(error.message);
    throw error;
  }
}

function fileOrigin(path: string): ConfigOrigin {
  return { file: path, from: 'file' };
}

/** Git mode's two commits, read from the repository around `cwd`; checked once, used twice. */
async function openRepository(
  cwd: string,
  baseRef: string,
  headRef: string | undefined,
): Promise<GitRevisions> {
  if (!(await isGitRepository(cwd))) {
    throw new UsageError(
      `--base-ref needs a git repository, and ${cwd} is not inside one: run it in a clone, ` +
        'or give two files',
    );
  }
  try {
    return await openGitRevisions(cwd, baseRef, headRef ?? 'HEAD');
  } catch (error) {
    if (error instanceof RevisionError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Git mode's configuration: `.github/asyncapi-security-review.yml` at the base commit, when
 * there is one. A missing file means the defaults, said in the report; an invalid one is a
 * usage error (exit 2) naming the key, the line and the revision.
 */
async function loadBaseConfig(
  revisions: GitRevisions,
): Promise<{ loaded: LoadedConfig | null; origin: ConfigOrigin; notes: PolicyNote[] }> {
  try {
    return await readConfiguration(revisions, null, 'base');
  } catch (error) {
    if (error instanceof ConfigFileError) throw new ConfigUsageError(error.message);
    throw error;
  }
}

interface Reviewed {
  result: ReviewResult;
  artifactUri: (file: string) => string;
}

function engineOptions(policy: Policy): EngineOptions {
  return { model: policy.model, ...policy.engine };
}

/** Git mode: every matched document between the two commits. */
async function reviewRevisions(revisions: GitRevisions, policy: Policy): Promise<Reviewed> {
  const plan = await planReview(revisions.base, revisions.head, policy.files);

  // Globs that match nothing are most likely a typo; a green run would hide it.
  if (policy.files.length > 0 && plan.pairs.length === 0) {
    throw new UsageError(
      `no file in either commit matches ${policy.files.join(', ')}; check the globs ` +
        '(they are relative to the repository root)',
    );
  }
  // reviewPlan passes the model only; the policy's engine options ride along with it.
  const options = engineOptions(policy);
  const result = await reviewPlan(plan, policy.model, (base, head) =>
    reviewDocument(base, head, options),
  );
  // Git paths are relative to the repository root, as code scanning expects.
  return { result, artifactUri: pathToUri };
}

async function reviewFilePair(
  cwd: string,
  positionals: string[],
  rootOption: string | undefined,
  policy: Policy,
): Promise<Reviewed> {
  const [basePath, headPath, ...extra] = positionals;
  if (basePath === undefined || headPath === undefined || extra.length > 0) {
    throw new UsageError('give exactly two documents: <base> <head>, or --base-ref <ref>');
  }

  const root = rootOption === undefined ? undefined : resolve(cwd, rootOption);
  const result = await reviewPair(resolve(cwd, basePath), resolve(cwd, headPath), root, policy);

  // Head locations are relative to the head's root folder; SARIF wants them from the working
  // directory, where code scanning's checkout is when the CLI runs in a workflow.
  const headRoot = root ?? dirname(resolve(cwd, headPath));
  const artifactUri = (file: string) =>
    pathToUri(relative(cwd, join(headRoot, file)).split(sep).join('/'));
  return { result, artifactUri };
}

async function reviewPair(
  basePath: string,
  headPath: string,
  root: string | undefined,
  policy: Policy,
): Promise<ReviewResult> {
  const side = (path: string) => {
    if (!existsSync(path)) throw new UsageError(`${path} does not exist`);
    const folder = root ?? dirname(path);
    const inside = relative(folder, path);
    if (inside.startsWith('..') || inside.startsWith(sep)) {
      throw new UsageError(`${path} is not inside --root ${folder}`);
    }
    return { source: new FolderSource(folder), path: inside.split(sep).join('/') };
  };

  const review = await reviewDocument(side(basePath), side(headPath), engineOptions(policy));

  // Two files named on the command line are two versions of one document, whatever their names.
  if (review.status === 'renamed') review.status = 'modified';
  return { model: policy.model, documents: [review] };
}

/** Whether a finding that is not accepted reaches `failOn`. */
export function reachesThreshold(result: ReviewResult, failOn: Severity | 'none'): boolean {
  return reachesFailOn(
    result.documents.flatMap((document) => document.findings),
    failOn,
  );
}

function parseArguments(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        output: { type: 'string' },
        config: { type: 'string' },
        'fail-on': { type: 'string' },
        model: { type: 'string' },
        root: { type: 'string' },
        'base-ref': { type: 'string' },
        'head-ref': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
}

const OPTION_NAMES = [
  'format',
  'output',
  'config',
  'fail-on',
  'model',
  'root',
  'base-ref',
  'head-ref',
  'help',
  'version',
];

/** Node's parseArgs messages, shorter, with the option that was probably meant. */
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const unknown = /^Unknown option '([^']*)'/.exec(message);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const given = (unknown[1] ?? '').replace(/^-+/, '');
    const meant = OPTION_NAMES.find((name) => editDistance(name, given) <= 2);
    return (
      `unknown option ${unknown[1] ?? ''}` +
      (meant === undefined ? '' : `; did you mean --${meant}?`)
    );
  }
  return message;
}

/** Levenshtein distance of two short option names. */
function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= right.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (left[i - 1] === right[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length] ?? 0;
}

function optionalOneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
): T | null {
  return value === undefined ? null : oneOf(value, allowed, flag);
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}; got ${value}`);
}
