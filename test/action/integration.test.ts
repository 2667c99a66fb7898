/**
 * Runs the bundled Action (`dist/index.js`, built into a temporary folder) the way the runner
 * does: INPUT_* variables, an event file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, in a
 * shallow clone of a real repository, against a local stand-in for the REST API. Every request
 * the Action makes is checked against GitHub's OpenAPI description. Later blocks cover the
 * configuration file read at the base revision, accept entries and their expiry, the accept
 * label, the SARIF file and the check run.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_INPUTS } from '../../src/settings.js';
import { createTempRepo, git, shallowClone, type TempRepo } from '../git/temp-repo.js';
import { sarifValidator } from '../helpers/sarif-schema.js';
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

/** What the event payload says beyond the head: the base commit and the pull request's labels. */
interface EventOptions {
  base?: string;
  labels?: string[];
}

async function runAction(
  github: FakeGitHub,
  workspace: string,
  headSha: string,
  inputs: Record<string, string> = {},
  event: EventOptions = {},
): Promise<RunResult> {
  // GitHub answers the compare API from the repository the clone was made from.
  github.repository ??= git(workspace, 'remote', 'get-url', 'origin').replace(/^file:\/\//, '');
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
        base: { sha: event.base ?? baseSha, ref: 'main' },
        head: { sha: headSha, ref: 'feature' },
        labels: (event.labels ?? []).map((name, index) => ({ id: index + 1, name })),
      },
      repository: { default_branch: 'main', name: REPO, owner: { login: OWNER } },
    }),
  );

  // The runner passes every input, defaults included, as INPUT_<NAME> with dashes kept; the
  // defaults are action.yml's, which ACTION_INPUTS mirrors (settings.test.ts checks it).
  const defaults = Object.entries(ACTION_INPUTS).map(([name, input]) => [name, input.default]);
  const inputValues: Record<string, string> = {
    ...(Object.fromEntries(defaults) as Record<string, string>),
    'github-token': 'ghs_test_token',
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
      // The permission is named once, by the refused call; then what forks need.
      const warning = /^::warning title=Pull request comment not written::.*$/m.exec(run.stdout);
      expect(warning?.[0].match(/pull-requests: write/g)).toHaveLength(1);
      expect(warning?.[0]).toContain('grant the job `permissions: pull-requests: write`');
      expect(warning?.[0]).toContain('pull_request_target');
      expect(run.stdout).toMatch(/^::error title=security-removed/m);
      expect(github.comments).toHaveLength(0);
      expectDocumentedRequests(github);
    } finally {
      await github.close();
    }
  });
});

describe('the bundled Action with a GitHub App installation token', () => {
  it('finds the comment it wrote as <app>[bot] again, though GET /user is refused', async () => {
    const github = await startFakeGitHub(OWNER, REPO, 3);
    github.commentAuthor = 'security-review-app[bot]';
    try {
      const first = await runAction(github, weakenedClone, weakenedSha);
      expect(first.exitCode).toBe(1);
      const [created] = ourComments(github);
      expect(created?.user).toEqual({ login: 'security-review-app[bot]', type: 'Bot' });

      github.requests.length = 0;
      const second = await runAction(github, weakenedClone, weakenedSha);
      expect(second.exitCode).toBe(1);
      expect(writes(github)).toEqual([
        `PATCH /repos/${OWNER}/${REPO}/issues/comments/${created?.id}`,
      ]);
      expect(ourComments(github)).toHaveLength(1);
      expectDocumentedRequests(github);
    } finally {
      await github.close();
    }
  });

  it('never takes over a comment a user wrote with the marker', async () => {
    const github = await startFakeGitHub(OWNER, REPO);
    github.commentAuthor = 'security-review-app[bot]';
    github.comments.push({
      id: 1,
      body: `${MARKER}\nforged report`,
      user: { login: 'mallory', type: 'User' },
      html_url: `https://github.com/${OWNER}/${REPO}/pull/7#issuecomment-1`,
    });
    try {
      const run = await runAction(github, weakenedClone, weakenedSha);
      expect(run.exitCode).toBe(1);
      expect(writes(github)).toEqual([
        `POST /repos/${OWNER}/${REPO}/issues/${PULL_REQUEST}/comments`,
      ]);
      expect(github.comments[0]?.body).toBe(`${MARKER}\nforged report`);
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

// A real change from the shared corpus (pair D4 of SOURCES.md, asyncapi/cli's fixtures): the
// dummySpec document loses the security of its only server, which opens both operations.
const CORPUS = join(process.cwd(), '..', 'shared', 'corpus', 'asyncapi-cli', 'test', 'fixtures');
const D4_BASE = join(CORPUS, 'dummyspec', 'dummySpec.yml');
const D4_HEAD = join(CORPUS, 'dummyspec', 'dummySpecWithoutSecurity.yml');

describe.skipIf(!existsSync(D4_BASE) || !existsSync(D4_HEAD))('a real corpus change', () => {
  it('comments on dummySpec losing its security with a link per finding', async () => {
    const history = createTempRepo();
    const github = await startFakeGitHub(OWNER, REPO);
    try {
      history.write('specs/dummy/asyncapi.yml', readFileSync(D4_BASE, 'utf8'));
      const base = history.commit('Add the dummy spec');
      history.write('specs/dummy/asyncapi.yml', readFileSync(D4_HEAD, 'utf8'));
      const head = history.commit('Drop the server security');
      const clone = shallowClone(history);

      const run = await runAction(github, clone, head, {}, { base });

      expect(run.exitCode).toBe(1);
      expect(run.outputs['highest-severity']).toBe('critical');
      const [comment] = ourComments(github);
      const body = comment?.body ?? '';
      if (process.env.ASR_SHOW_RUNS) writeFileSync(join(tmpdir(), 'asr-corpus-comment.md'), body);
      expect(run.outputs['finding-count']).toBe('2');
      expect(body.match(/^#### /gm)).toHaveLength(2);
      const links = body.match(/\/blob\/[0-9a-f]{40}\/specs\/dummy\/asyncapi\.yml#L\d+/g);
      expect(links).toHaveLength(2);
      expect(body).toContain('onTest now admits anonymous access through server mykafka');
      expect(body.length).toBeLessThan(65_536);
    } finally {
      await github.close();
      history.cleanup();
    }
  });
});

// The policy: a configuration file on the base branch that raises nothing, lowers the transport
// rule to medium, accepts one finding until 2099 and had accepted another until 2020. The pull
// request opens two orders operations, moves the partner server to plaintext and, in the same
// change, relaxes the configuration file, which must not count while config-from is base.
const CONFIG_PATH = '.github/asyncapi-security-review.yml';
const BASE_CONFIG = `rules:
  transport-downgraded: medium
accept:
  - rule: security-removed
    operation: sendOrder
    reason: The order gateway authenticates every client (SEC-1).
    expires: 2099-12-31
  - rule: security-removed
    operation: cancelOrder
    reason: Exception for the migration (SEC-2).
    expires: 2020-01-31
`;
const HEAD_CONFIG = 'fail-on-severity: none\n';

function ordersDocument(operationSecurity: string): string {
  return `asyncapi: 3.0.0
info: { title: Orders, version: 1.0.0 }
servers:
  production:
    host: broker.example.com
    protocol: mqtts
    security:
      - $ref: '#/components/securitySchemes/cert'
channels:
  orders: { address: orders }
  cancellations: { address: cancellations }
operations:
  sendOrder:
    action: send
    channel: { $ref: '#/channels/orders' }
${operationSecurity}  cancelOrder:
    action: send
    channel: { $ref: '#/channels/cancellations' }
${operationSecurity}components:
  securitySchemes:
    cert: { type: X509 }
`;
}

function partnersDocument(protocol: string): string {
  return `asyncapi: 3.0.0
info: { title: Partners, version: 1.0.0 }
servers:
  partners:
    host: partners.example.com
    protocol: ${protocol}
    security:
      - $ref: '#/components/securitySchemes/cert'
channels:
  shipments: { address: shipments }
operations:
  receiveShipment:
    action: receive
    channel: { $ref: '#/channels/shipments' }
components:
  securitySchemes:
    cert: { type: X509 }
`;
}

interface OutputFinding {
  rule: string;
  severity: string;
  operation: string;
  fingerprint: string;
  accepted: { by: string; reason: string; expires: string | null; line: number | null } | null;
}

function outputFindings(run: RunResult): Map<string, OutputFinding> {
  const findings = JSON.parse(run.outputs.findings ?? '[]') as OutputFinding[];
  return new Map(findings.map((finding) => [finding.operation, finding]));
}

describe('the bundled Action with a configuration file', () => {
  let repo: TempRepo | undefined;
  let base: string;
  let head: string;
  let clone: string;
  let github: FakeGitHub;

  beforeAll(async () => {
    repo = createTempRepo();
    repo.write(CONFIG_PATH, BASE_CONFIG);
    repo.write('orders.yaml', ordersDocument(''));
    repo.write('partners.yaml', partnersDocument('mqtts'));
    base = repo.commit('policy and documents');
    git(repo.dir, 'checkout', '-q', '-b', 'feature');
    repo.write(CONFIG_PATH, HEAD_CONFIG);
    repo.write('orders.yaml', ordersDocument('    security: []\n'));
    repo.write('partners.yaml', partnersDocument('mqtt'));
    head = repo.commit('open the orders operations, plaintext partners, relax the policy');
    clone = shallowClone(repo, 'feature');
    github = await startFakeGitHub(OWNER, REPO);
  }, 120_000);

  afterAll(async () => {
    await github.close();
    repo?.cleanup();
  });

  it('applies the base revision file: severity, accepted and expired entries', async () => {
    github.requests.length = 0;
    const run = await runAction(github, clone, head, {}, { base });

    // cancelOrder's entry expired, so its critical finding fails the step; sendOrder's holds.
    expect(run.exitCode).toBe(1);
    expect(run.outputs.failed).toBe('true');
    expect(run.stdout).toContain(
      '::error::2 finding(s) not accepted (1 accepted); the worst is critical, which reaches ' +
        'fail-on-severity high.',
    );
    const findings = outputFindings(run);
    expect(findings.get('sendOrder')).toMatchObject({
      rule: 'security-removed',
      accepted: {
        by: 'config',
        reason: 'The order gateway authenticates every client (SEC-1).',
        expires: '2099-12-31',
        line: 4,
      },
    });
    expect(findings.get('cancelOrder')).toMatchObject({ rule: 'security-removed', accepted: null });
    // The base file lowers the transport rule; the head file, which does not, is not read.
    expect(findings.get('receiveShipment')).toMatchObject({
      rule: 'transport-downgraded',
      severity: 'medium',
    });
    for (const finding of findings.values()) expect(finding.fingerprint).toMatch(/^[0-9a-f]{16}$/);

    // The expired entry warns at its line, with a title; the accepted finding is a notice.
    expect(run.stdout).toMatch(
      new RegExp(
        `^::warning title=Configuration::${CONFIG_PATH.replace(/\./g, '\\.')}:8: accept entry ` +
          'for security-removed on cancelOrder expired on 2020-01-31 and no longer applies',
        'm',
      ),
    );
    // Annotation properties are escaped by @actions/core: the comma of the title is %2C.
    expect(run.stdout).toMatch(
      new RegExp(
        String.raw`^::notice title=security-removed \(critical%2C accepted\),` +
          String.raw`file=orders\.yaml,line=\d+::Accepted: The order gateway`,
        'm',
      ),
    );

    const configuration = JSON.parse(run.outputs.configuration ?? '{}') as Record<string, unknown>;
    expect(configuration).toEqual({
      file: CONFIG_PATH,
      from: 'base',
      revision: base,
      description: `Configuration: ${CONFIG_PATH} from the base revision (${base.slice(0, 12)}).`,
    });

    const [comment] = ourComments(github);
    const body = comment?.body ?? '';
    const short = base.slice(0, 12);
    const origin = `Configuration: \`${CONFIG_PATH}\` from the base revision (\`${short}\`).`;
    for (const text of [run.summary, body]) {
      expect(text).toContain(origin);
      expect(text).toContain('`security-removed` on `sendOrder` (accepted)');
      expect(text).toContain('**Accepted** in the configuration (line 4), until 2099-12-31');
      expect(text).toContain('🟠 medium: `transport-downgraded` on `receiveShipment`');
      expect(text).toMatch(/⚠️ `\.github\/asyncapi-security-review\.yml` line 8: accept entry/);
      // The head's edit of the file is named, so its author knows why it has no effect.
      expect(text).toContain('the head revision changes');
    }
    expectDocumentedRequests(github);
  });

  it('reads the head revision file with config-from: head', async () => {
    const run = await runAction(github, clone, head, { 'config-from': 'head' }, { base });

    expect(run.exitCode).toBe(0);
    expect(run.outputs.failed).toBe('false');
    expect(JSON.parse(run.outputs.configuration ?? '{}')).toMatchObject({
      file: CONFIG_PATH,
      from: 'head',
      revision: head,
    });
    // Without the base file's rule, the transport finding keeps its default severity.
    expect(outputFindings(run).get('receiveShipment')?.severity).toBe('high');
    expect(run.summary).toContain(`from the head revision (\`${head.slice(0, 12)}\`)`);
  });

  it('accepts every finding when the pull request carries the accept label', async () => {
    const run = await runAction(
      github,
      clone,
      head,
      { 'accept-label': 'security-reviewed', 'comment-summary-in-pr': 'always' },
      { base, labels: ['documentation', 'security-reviewed'] },
    );

    expect(run.exitCode).toBe(0);
    expect(run.outputs.failed).toBe('false');
    const findings = outputFindings(run);
    // An accept entry that applies is named first; the label covers the rest.
    expect(findings.get('sendOrder')?.accepted?.by).toBe('config');
    expect(findings.get('cancelOrder')?.accepted?.by).toBe('label');
    expect(findings.get('receiveShipment')?.accepted?.by).toBe('label');

    const [comment] = ourComments(github);
    expect(comment?.body).toContain('`security-removed` on `cancelOrder` (accepted)');
    expect(comment?.body).toContain('**Accepted** by label');
    expect(run.stdout).not.toMatch(/^::error/m);
    expectDocumentedRequests(github);
  });

  it('still fails when accept-label is set and the pull request lacks the label', async () => {
    const run = await runAction(
      github,
      clone,
      head,
      { 'accept-label': 'security-reviewed' },
      { base, labels: ['documentation'] },
    );
    expect(run.exitCode).toBe(1);
    expect(outputFindings(run).get('cancelOrder')?.accepted).toBeNull();
  });

  it('writes a valid SARIF file with paths from the repository root', async () => {
    const run = await runAction(
      github,
      clone,
      head,
      { 'sarif-file': 'reports/asyncapi.sarif', 'comment-summary-in-pr': 'never' },
      { base },
    );
    expect(run.exitCode).toBe(1);

    const path = join(clone, 'reports', 'asyncapi.sarif');
    const log = JSON.parse(readFileSync(path, 'utf8')) as {
      runs: {
        results: {
          ruleId: string;
          level: string;
          locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
          suppressions: { status: string; justification: string }[];
          partialFingerprints: Record<string, string>;
        }[];
        invocations: { toolConfigurationNotifications?: { message: { text: string } }[] }[];
        properties: { configuration: string };
      }[];
    };
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);

    const [sarifRun] = log.runs;
    const results = sarifRun?.results ?? [];
    expect(results).toHaveLength(3);
    const uris = results.map(
      (result) => result.locations[0]?.physicalLocation.artifactLocation.uri,
    );
    expect(new Set(uris)).toEqual(new Set(['orders.yaml', 'partners.yaml']));
    const accepted = results.filter((result) => result.suppressions.length > 0);
    expect(accepted).toEqual([
      expect.objectContaining({
        suppressions: [
          expect.objectContaining({
            status: 'accepted',
            justification: 'The order gateway authenticates every client (SEC-1).',
          }),
        ],
      }),
    ]);
    const fingerprints = outputFindings(run);
    for (const result of results) {
      expect(Object.values(result.partialFingerprints)).toHaveLength(1);
      const fingerprint = Object.values(result.partialFingerprints)[0];
      expect([...fingerprints.values()].map((finding) => finding.fingerprint)).toContain(
        fingerprint,
      );
    }
    expect(sarifRun?.invocations[0]?.toolConfigurationNotifications).toContainEqual(
      expect.objectContaining({
        message: { text: expect.stringContaining('expired on 2020-01-31') as string },
      }),
    );
    expect(sarifRun?.properties.configuration).toBe(
      `Configuration: ${CONFIG_PATH} from the base revision (${base.slice(0, 12)}).`,
    );
  });
});

// 120 operations that all lose their server's security: more annotations than a step shows
// (10 per level) and than one check-run request takes (50).
const MANY_OPERATIONS = 120;

function manyOperationsDocument(secured: boolean): string {
  const ids = Array.from({ length: MANY_OPERATIONS }, (_, index) =>
    String(index + 1).padStart(3, '0'),
  );
  const security = ['    security:', "      - $ref: '#/components/securitySchemes/cert'"];
  return [
    'asyncapi: 3.0.0',
    'info: { title: Fleet, version: 1.0.0 }',
    'servers:',
    '  production:',
    '    host: broker.example.com',
    '    protocol: mqtts',
    ...(secured ? security : []),
    'channels:',
    ...ids.map((id) => `  channel${id}: { address: fleet/${id} }`),
    'operations:',
    ...ids.map(
      (id) => `  publish${id}: { action: send, channel: { $ref: '#/channels/channel${id}' } }`,
    ),
    'components:',
    '  securitySchemes:',
    '    cert: { type: X509 }',
    '',
  ].join('\n');
}

describe('the bundled Action with check-run: true', () => {
  let repo: TempRepo | undefined;
  let base: string;
  let head: string;
  let clone: string;

  beforeAll(() => {
    repo = createTempRepo();
    repo.write('fleet.yaml', manyOperationsDocument(true));
    base = repo.commit('secured fleet');
    git(repo.dir, 'checkout', '-q', '-b', 'feature');
    repo.write('fleet.yaml', manyOperationsDocument(false));
    head = repo.commit('drop the server security');
    clone = shallowClone(repo, 'feature');
  }, 120_000);

  afterAll(() => repo?.cleanup());

  it('sends every annotation in batches of 50 on one check run for the head commit', async () => {
    const github = await startFakeGitHub(OWNER, REPO);
    try {
      const run = await runAction(github, clone, head, { 'check-run': 'true' }, { base });

      expect(run.exitCode).toBe(1);
      expect(run.outputs['finding-count']).toBe(String(MANY_OPERATIONS));
      expect(github.checkRuns).toHaveLength(1);
      const [checkRun] = github.checkRuns;
      expect(checkRun).toMatchObject({
        name: 'AsyncAPI Security Review',
        head_sha: head,
        status: 'completed',
        conclusion: 'failure',
        output: { title: `${MANY_OPERATIONS} findings: ${MANY_OPERATIONS} critical` },
        batches: [50, 50, 20],
      });
      expect(checkRun?.annotations).toHaveLength(MANY_OPERATIONS);
      const operations = new Set(
        checkRun?.annotations.map((annotation) => {
          return /publish\d{3}/.exec(String(annotation.message))?.[0];
        }),
      );
      expect(operations.size).toBe(MANY_OPERATIONS);
      expect(checkRun?.annotations[0]).toMatchObject({
        path: 'fleet.yaml',
        annotation_level: 'failure',
        title: 'security-removed (critical)',
      });
      expect(checkRun?.output.summary).toContain('## AsyncAPI Security Review');

      expect(writes(github)).toEqual([
        `POST /repos/${OWNER}/${REPO}/issues/${PULL_REQUEST}/comments`,
        `POST /repos/${OWNER}/${REPO}/check-runs`,
        `PATCH /repos/${OWNER}/${REPO}/check-runs/${checkRun?.id}`,
        `PATCH /repos/${OWNER}/${REPO}/check-runs/${checkRun?.id}`,
      ]);
      // The step itself stops at GitHub's 10 error annotations: 9 findings and its failure.
      expect(run.stdout.match(/^::error title=security-removed/gm)).toHaveLength(9);
      expect(run.stdout.match(/^::error/gm)).toHaveLength(10);
      expect(run.stdout).toMatch(/^::error::120 finding\(s\); the worst is critical/m);
      expect(run.stdout).toMatch(
        /^::notice title=More findings::111 more findings are not annotated, because GitHub shows at most 10 annotations of each level per step\. The job summary of this run lists every finding\.$/m,
      );
      expectDocumentedRequests(github);
    } finally {
      await github.close();
    }
  });

  it('warns with the permission to grant on a 403, and still fails the step', async () => {
    const github = await startFakeGitHub(OWNER, REPO);
    github.refuseChecks = true;
    try {
      const run = await runAction(github, clone, head, { 'check-run': 'true' }, { base });

      expect(run.exitCode).toBe(1);
      expect(run.outputs.failed).toBe('true');
      expect(run.stdout).toMatch(
        /^::warning title=Check run not written::Cannot create the check run: .*\(403\)/m,
      );
      expect(run.stdout).toContain('`permissions: checks: write`');
      expect(run.stdout).toMatch(/^::error::120 finding\(s\); the worst is critical/m);
      expect(github.checkRuns).toHaveLength(0);
      // The comment does not depend on the check run.
      expect(ourComments(github)).toHaveLength(1);
      expectDocumentedRequests(github);
    } finally {
      await github.close();
    }
  });
});

describe('the bundled Action on a pull request whose base branch moved on', () => {
  it('compares with the merge base, not with what main gained since', async () => {
    // main: the secured document. The pull request branches off and only edits the README;
    // main then adds a document and secures a new operation. Against main's tip the pull
    // request would seem to delete the one and open the other.
    const repo = createTempRepo();
    const github = await startFakeGitHub(OWNER, REPO);
    try {
      repo.write('asyncapi.yaml', UNSECURED);
      const branchPoint = repo.commit('orders');
      git(repo.dir, 'checkout', '-q', '-b', 'feature');
      repo.write('README.md', '# Orders, documented\n');
      const head = repo.commit('document the API');
      git(repo.dir, 'checkout', '-q', 'main');
      repo.write('asyncapi.yaml', SECURED);
      repo.write('partners.yaml', SECURED);
      // main's policy is what reviews the pull request, not the one at its branch point.
      repo.write('.github/asyncapi-security-review.yml', 'fail-on-severity: medium\n');
      const mainTip = repo.commit('secure orders, add partners, add a policy');
      const clone = shallowClone(repo, 'feature');

      const run = await runAction(github, clone, head, {}, { base: mainTip });

      expect(run.stdout).toContain(
        `Comparing with ${branchPoint}, the merge base of the base branch (${mainTip})`,
      );
      expect(run.stdout).not.toMatch(/deleted|security-removed|No merge base/);
      expect(run.stdout).toContain(
        'Configuration: .github/asyncapi-security-review.yml from the base revision ' +
          `(${mainTip.slice(0, 12)}).`,
      );
      // The pull request did not touch the file: main added it after the branch point.
      expect(run.stdout).not.toMatch(/the head revision (adds|deletes|changes)/);
      expect(run.exitCode).toBe(0);
      expect(run.outputs['finding-count']).toBe('0');
      expect(github.requests.map((request) => request.path)).toContain(
        `/repos/${OWNER}/${REPO}/compare/${mainTip}...${head}`,
      );
      expectDocumentedRequests(github);
    } finally {
      await github.close();
      repo.cleanup();
    }
  }, 120_000);

  it('says so, and compares with the branch tip, when no merge base can be found', async () => {
    const repo = createTempRepo();
    const github = await startFakeGitHub(OWNER, REPO);
    try {
      repo.write('asyncapi.yaml', UNSECURED);
      repo.commit('orders');
      git(repo.dir, 'checkout', '-q', '-b', 'feature');
      repo.write('README.md', '# Orders, documented\n');
      const head = repo.commit('document the API');
      git(repo.dir, 'checkout', '-q', 'main');
      repo.write('asyncapi.yaml', SECURED);
      const mainTip = repo.commit('secure orders');
      const clone = shallowClone(repo, 'feature');
      github.refuseCompare = true;

      const run = await runAction(github, clone, head, {}, { base: mainTip });

      expect(run.stdout).toMatch(/^::warning title=No merge base::Cannot find the merge base/m);
      expect(run.stdout).toContain('Give the token `contents: read`');
      // What main gained then reads as the pull request's doing: said, not hidden.
      expect(run.outputs['finding-count']).not.toBe('0');
      expectDocumentedRequests(github);
    } finally {
      await github.close();
      repo.cleanup();
    }
  }, 120_000);
});
