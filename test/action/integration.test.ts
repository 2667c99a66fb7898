/**
 * Runs the bundled Action (`dist/index.js`, built into a temporary folder) the way the runner
 * does: INPUT_* variables, an event file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, in a
 * shallow clone of a real repository, against a local stand-in for the REST API. Every request
 * the Action makes is checked against GitHub's OpenAPI description.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempRepo, git, shallowClone, type TempRepo } from '../git/temp-repo.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { checkAgainstOpenApi } from './openapi.js';

const OWNER = 'acme';
const REPO = 'orders-api';
const PULL_REQUEST = 7;
const MARKER = '<!-- asyncapi-security-review workflow=CI job=security -->';

function orderDocument(security: string): string {
  return `asyncapi: 3.0.0
info:
  title: Orders
  version: 1.0.0
servers:
  production:
    host: broker.example.com
    protocol: mqtts
${security}channels:
  orders:
    address: orders
operations:
  sendOrder:
    action: send
    channel:
      $ref: '#/channels/orders'
components:
  securitySchemes:
    cert:
      type: X509
`;
}

const SECURED = orderDocument("    security:\n      - $ref: '#/components/securitySchemes/cert'\n");
const UNSECURED = orderDocument('');

interface RunResult {
  exitCode: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Parses the runner's `name<<delimiter` output file. */
function readOutputs(path: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const header = /^([^<]+)<<(.+)$/.exec(lines[index] ?? '');
    if (header === null) continue;
    const [, name = '', delimiter] = header;
    const end = lines.indexOf(delimiter ?? '', index + 1);
    outputs[name] = lines.slice(index + 1, end).join('\n');
    index = end;
  }
  return outputs;
}

let bundleDir: string;
let workDir: string;
let source: TempRepo | undefined;
let baseSha: string;
let weakenedSha: string;
let fixedSha: string;
let weakenedClone: string;
let fixedClone: string;

async function runAction(
  github: FakeGitHub,
  workspace: string,
  headSha: string,
  inputs: Record<string, string> = {},
): Promise<RunResult> {
  const runDir = mkdtempSync(join(workDir, 'run-'));
  const eventPath = join(runDir, 'event.json');
  const outputPath = join(runDir, 'output');
  const summaryPath = join(runDir, 'summary.md');
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  writeFileSync(
    eventPath,
    JSON.stringify({
      action: 'synchronize',
      number: PULL_REQUEST,
      pull_request: {
        number: PULL_REQUEST,
        base: { sha: baseSha, ref: 'main' },
        head: { sha: headSha, ref: 'feature' },
      },
      repository: { default_branch: 'main', name: REPO, owner: { login: OWNER } },
    }),
  );

  // The runner passes every input, defaults included, as INPUT_<NAME> with dashes kept.
  const inputValues: Record<string, string> = {
    'github-token': 'ghs_test_token',
    files: '',
    'base-ref': '',
    'head-ref': '',
    'fail-on-severity': 'high',
    'warn-only': 'false',
    model: 'override',
    'comment-summary-in-pr': 'on-failure',
    annotations: 'true',
    'job-summary': 'true',
    ...inputs,
  };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_WORKSPACE: workspace,
    GITHUB_WORKFLOW: 'CI',
    GITHUB_JOB: 'security',
    GITHUB_SHA: headSha,
  };
  for (const [name, value] of Object.entries(inputValues)) {
    env[`INPUT_${name.toUpperCase()}`] = value;
  }

  // Asynchronous on purpose: the fake API answers from this process's event loop.
  const { exitCode, stdout } = await new Promise<{ exitCode: number; stdout: string }>(
    (resolve) => {
      execFile(
        process.execPath,
        [join(bundleDir, 'index.js')],
        { cwd: workspace, env, timeout: 60_000 },
        (error, out) => resolve({ exitCode: error ? Number(error.code ?? 1) : 0, stdout: out }),
      );
    },
  );
  // ASR_SHOW_RUNS=1 prints what a reviewer would see, to inspect the rendering by eye.
  if (process.env.ASR_SHOW_RUNS) console.log(stdout, readFileSync(summaryPath, 'utf8'));
  return {
    exitCode,
    stdout,
    outputs: readOutputs(outputPath),
    summary: readFileSync(summaryPath, 'utf8'),
  };
}

function ourComments(github: FakeGitHub) {
  return github.comments.filter((comment) => comment.body.startsWith(MARKER));
}

function writes(github: FakeGitHub): string[] {
  return github.requests
    .filter((request) => request.method !== 'GET')
    .map((request) => `${request.method} ${request.path}`);
}

function expectDocumentedRequests(github: FakeGitHub): void {
  for (const request of github.requests) {
    const verdict = checkAgainstOpenApi(request);
    expect(verdict, `${request.method} ${request.path}`).toMatchObject({ operationId: /.+/ });
  }
}

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'asr-action-'));
  bundleDir = join(workDir, 'dist');
  try {
    execFileSync(process.execPath, ['scripts/bundle.mjs', bundleDir], { stdio: 'pipe' });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`Bundling the Action failed:\n${stderr.slice(0, 4000)}`, { cause: error });
  }

  // main holds the secured document; the pull request branch removes the server's security,
  // then a later push restores it.
  source = createTempRepo();
  source.write('asyncapi.yaml', SECURED);
  source.write('README.md', '# Orders\n');
  baseSha = source.commit('secured');
  git(source.dir, 'checkout', '-q', '-b', 'feature');
  source.write('asyncapi.yaml', UNSECURED);
  weakenedSha = source.commit('drop server security');
  weakenedClone = shallowClone(source, 'feature');
  source.write('asyncapi.yaml', SECURED);
  fixedSha = source.commit('restore server security');
  fixedClone = shallowClone(source, 'feature');
}, 300_000);

afterAll(() => {
  source?.cleanup();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the bundled Action on a pull request', () => {
  let github: FakeGitHub;
  let commentId: number | undefined;

  beforeAll(async () => {
    // 150 comments by others: the Action must page through them to find its own.
    github = await startFakeGitHub(OWNER, REPO, 150);
  });
  afterAll(() => github.close());

  it('creates one comment, annotates the line and fails the check', async () => {
    const run = await runAction(github, weakenedClone, weakenedSha);

    expect(run.exitCode).toBe(1);
    expect(run.outputs.failed).toBe('true');
    expect(run.outputs['highest-severity']).toBe('critical');
    expect(Number(run.outputs['finding-count'])).toBeGreaterThan(0);
    const findings = JSON.parse(run.outputs.findings ?? '[]') as { rule: string }[];
    expect(findings[0]?.rule).toBe('security-removed');

    expect(run.stdout).toMatch(
      /^::error title=security-removed \(critical\),file=asyncapi\.yaml,line=\d+::/m,
    );
    expect(run.stdout).toContain('::error::');

    expect(writes(github)).toEqual([
      `POST /repos/${OWNER}/${REPO}/issues/${PULL_REQUEST}/comments`,
    ]);
    const comments = ourComments(github);
    expect(comments).toHaveLength(1);
    commentId = comments[0]?.id;
    expect(run.outputs['comment-url']).toBe(comments[0]?.html_url);
    const body = comments[0]?.body ?? '';
    expect(body).toContain('`security-removed` on `sendOrder`');
    expect(body).toContain(
      `https://github.com/${OWNER}/${REPO}/blob/${weakenedSha}/asyncapi.yaml#L`,
    );
    expect(body.length).toBeLessThan(65_536);

    // The base commit was fetched into the shallow clone, and nothing was checked out.
    expect(git(weakenedClone, 'cat-file', '-t', baseSha)).toBe('commit');
    expect(git(weakenedClone, 'rev-parse', 'HEAD')).toBe(weakenedSha);
    expect(git(weakenedClone, 'status', '--porcelain')).toBe('');

    expect(run.summary).toContain('## AsyncAPI Security Review');
    expect(run.summary).toContain(`Compared base \`${baseSha.slice(0, 12)}\``);

    // The listing went past the first page of 100 comments, and was read again after the create
    // so that a run racing this one would see both comments and keep the oldest.
    const listings = github.requests.filter(
      (request) => request.method === 'GET' && request.path.endsWith('/comments'),
    );
    expect(listings.map((request) => request.query.get('page') ?? '1')).toEqual([
      '1',
      '2',
      '1',
      '2',
    ]);
    expectDocumentedRequests(github);
  });

  it('updates the same comment on the next run', async () => {
    github.requests.length = 0;
    const run = await runAction(github, weakenedClone, weakenedSha);

    expect(run.exitCode).toBe(1);
    expect(writes(github)).toEqual([`PATCH /repos/${OWNER}/${REPO}/issues/comments/${commentId}`]);
    expect(ourComments(github)).toHaveLength(1);
    expectDocumentedRequests(github);
  });

  it('turns the comment "resolved" when a later push fixes everything', async () => {
    github.requests.length = 0;
    const run = await runAction(github, fixedClone, fixedSha);

    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      failed: 'false',
      'finding-count': '0',
      'highest-severity': 'none',
      findings: '[]',
    });
    expect(writes(github)).toEqual([`PATCH /repos/${OWNER}/${REPO}/issues/comments/${commentId}`]);
    const [comment] = ourComments(github);
    expect(comment?.body).toContain('✅ Resolved');
    expect(run.stdout).not.toMatch(/^::error/m);
    expectDocumentedRequests(github);
  });
});

describe('the bundled Action without permission to comment', () => {
  it('warns with the permission to grant and still fails the check', async () => {
    const github = await startFakeGitHub(OWNER, REPO);
    github.refuseWrites = true;
    try {
      const run = await runAction(github, weakenedClone, weakenedSha);

      expect(run.exitCode).toBe(1);
      expect(run.outputs.failed).toBe('true');
      expect(run.outputs['comment-url']).toBe('');
      expect(run.stdout).toMatch(
        /^::warning title=Pull request comment not written::.*Resource not accessible by/m,
      );
      expect(run.stdout).toContain('pull-requests: write');
      expect(run.stdout).toContain('pull_request_target');
      expect(run.stdout).toMatch(/^::error title=security-removed/m);
      expect(github.comments).toHaveLength(0);
      expectDocumentedRequests(github);
    } finally {
      await github.close();
    }
  });
});

describe('the bundled Action on a clean pull request', () => {
  it('passes without creating a comment', async () => {
    const github = await startFakeGitHub(OWNER, REPO);
    try {
      const run = await runAction(github, fixedClone, fixedSha, {
        'comment-summary-in-pr': 'always',
      });

      expect(run.exitCode).toBe(0);
      expect(run.outputs['finding-count']).toBe('0');
      expect(writes(github)).toEqual([]);
      expectDocumentedRequests(github);
    } finally {
      await github.close();
    }
  });
});

// A real change from the shared corpus (pair B2 of SOURCES.md, openxapi/openxapi history): the
// "Refactor cmfutures specs" commit renames and merges operations, and some new ones are open.
const CORPUS = join(process.cwd(), '..', 'shared', 'corpus', 'openxapi-binance');
const B2_BASE = join(CORPUS, 'cmfutures@cdca9d4b', 'cmfutures.yaml');
const B2_HEAD = join(CORPUS, 'cmfutures@3a1415ea', 'cmfutures.yaml');

describe.skipIf(!existsSync(B2_BASE) || !existsSync(B2_HEAD))('a real corpus change', () => {
  it('comments on the cmfutures refactor with a link per finding', async () => {
    const history = createTempRepo();
    const github = await startFakeGitHub(OWNER, REPO);
    try {
      history.write('specs/binance/asyncapi/cmfutures.yaml', readFileSync(B2_BASE, 'utf8'));
      const base = history.commit('Add security schemas to umfutures/cmfutures');
      history.write('specs/binance/asyncapi/cmfutures.yaml', readFileSync(B2_HEAD, 'utf8'));
      const head = history.commit('Refactor cmfutures specs');
      const clone = shallowClone(history);

      const saved = baseSha;
      baseSha = base;
      const run = await runAction(github, clone, head).finally(() => (baseSha = saved));

      expect(run.exitCode).toBe(1);
      const [comment] = ourComments(github);
      const body = comment?.body ?? '';
      if (process.env.ASR_SHOW_RUNS) writeFileSync(join(tmpdir(), 'asr-corpus-comment.md'), body);
      const findingCount = Number(run.outputs['finding-count']);
      expect(findingCount).toBeGreaterThan(0);
      expect(body.match(/^#### /gm)).toHaveLength(findingCount);
      const links = body.match(
        /\/blob\/[0-9a-f]{40}\/specs\/binance\/asyncapi\/cmfutures\.yaml#L\d+/g,
      );
      expect(links).toHaveLength(findingCount);
      expect(body.length).toBeLessThan(65_536);
    } finally {
      await github.close();
      history.cleanup();
    }
  });
});
