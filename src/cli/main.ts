/**
 * The command line: `asyncapi-security-review [options] <base> <head>`. Exit 0 when no finding
 * reaches `--fail-on`, 1 when one does, 2 for a usage or internal error.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

import {
  SEVERITIES,
  severityRank,
  type ReviewResult,
  type SecurityModel,
  type Severity,
} from '../compare/finding.js';
import { reviewDocument } from '../engine.js';
import { FolderSource } from '../load/folder.js';
import { RevisionError } from '../git/commits.js';
import { listDocumentPairs, reviewPlan } from '../git/plan.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderText } from '../report/text.js';
import { VERSION } from '../version.js';

const FORMATS = ['text', 'markdown', 'json'] as const;
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
  --format <text|markdown|json>
                            output format (default: text)
  --output <file>           write the report to a file instead of standard output
  --fail-on <severity>      exit 1 when a finding reaches it: critical, high, medium, low,
                            info or none (default: high)
  --model <override|additive>
                            override: an operation's own security replaces the server's
                            (default); additive: both must be satisfied
  --root <dir>              folder that relative $refs may not leave (default: the folder
                            each document sits in)
  --base-ref <ref>          git mode: the base commit, branch or tag
  --head-ref <ref>          git mode: the head commit (default: HEAD)
  -h, --help                show this help
  -v, --version             show the version

Exit status: 0 no finding reaches --fail-on, 1 one does, 2 usage or internal error.`;

/** What the process should do: print to stdout or stderr, and exit with a code. */
export interface CliOutcome {
  exitCode: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

class UsageError extends Error {}

export async function runCli(argv: string[], cwd: string): Promise<CliOutcome> {
  try {
    return await run(argv, cwd);
  } catch (error) {
    if (error instanceof UsageError) {
      return { exitCode: 2, stdout: '', stderr: `error: ${error.message}\n\n${USAGE}\n` };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { exitCode: 2, stdout: '', stderr: `error: ${message}\n` };
  }
}

async function run(argv: string[], cwd: string): Promise<CliOutcome> {
  const args = parseArguments(argv);
  if (args.values.help) return { exitCode: 0, stdout: `${USAGE}\n`, stderr: '' };
  if (args.values.version) return { exitCode: 0, stdout: `${VERSION}\n`, stderr: '' };

  const format = oneOf(args.values.format ?? 'text', FORMATS, '--format');
  const failOn = oneOf(args.values['fail-on'] ?? 'high', FAIL_ON, '--fail-on');
  const model = oneOf(args.values.model ?? 'override', MODELS, '--model');

  const result =
    args.values['base-ref'] !== undefined
      ? await reviewRevisions(
          cwd,
          args.values['base-ref'],
          args.values['head-ref'],
          args.positionals,
          model,
        )
      : await reviewFilePair(cwd, args.positionals, args.values.root, model);
  const report = render(result, format);

  const exitCode = reachesThreshold(result, failOn) ? 1 : 0;
  if (args.values.output !== undefined) {
    await writeFile(resolve(cwd, args.values.output), report);
    return { exitCode, stdout: '', stderr: '' };
  }
  return { exitCode, stdout: report, stderr: '' };
}

function render(result: ReviewResult, format: (typeof FORMATS)[number]): string {
  if (format === 'json') return renderJson(result);
  if (format === 'markdown')
    return `${renderMarkdown(result, { maxBytes: Number.MAX_SAFE_INTEGER })}\n`;
  return renderText(result);
}

/** Git mode: every matched document between two commits of the repository around `cwd`. */
async function reviewRevisions(
  cwd: string,
  baseRef: string,
  headRef: string | undefined,
  globs: string[],
  model: SecurityModel,
): Promise<ReviewResult> {
  let plan;
  try {
    plan = await listDocumentPairs(cwd, baseRef, headRef ?? 'HEAD', globs);
  } catch (error) {
    if (error instanceof RevisionError) throw new UsageError(error.message);
    throw error;
  }
  return reviewPlan(plan, model);
}

async function reviewFilePair(
  cwd: string,
  positionals: string[],
  rootOption: string | undefined,
  model: SecurityModel,
): Promise<ReviewResult> {
  const [basePath, headPath, ...extra] = positionals;
  if (basePath === undefined || headPath === undefined || extra.length > 0) {
    throw new UsageError('give exactly two documents: <base> <head>, or --base-ref <ref>');
  }

  const root = rootOption === undefined ? undefined : resolve(cwd, rootOption);
  return reviewPair(resolve(cwd, basePath), resolve(cwd, headPath), root, model);
}

async function reviewPair(
  basePath: string,
  headPath: string,
  root: string | undefined,
  model: SecurityModel,
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

  const review = await reviewDocument(side(basePath), side(headPath), { model });

  // Two files named on the command line are two versions of one document, whatever their names.
  if (review.status === 'renamed') review.status = 'modified';
  return { model, documents: [review] };
}

export function reachesThreshold(result: ReviewResult, failOn: Severity | 'none'): boolean {
  if (failOn === 'none') return false;
  return result.documents.some((document) =>
    document.findings.some((finding) => severityRank(finding.severity) >= severityRank(failOn)),
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
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}; got ${value}`);
}
