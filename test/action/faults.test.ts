/**
 * Fault injection: the bundled Action (built into a temporary folder, as integration.test.ts
 * does) against a local REST stand-in that fails the way GitHub does: a 500 then success, a
 * 403, a 422 "body is too long", a secondary rate limit, and two runs racing on one pull
 * request. The check result never depends on the comment; retries wait
 * `ASR_GITHUB_RETRY_BASE_MS` (1 ms here) instead of seconds.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTempRepo, git, shallowClone, type TempRepo } from '../git/temp-repo.js';

const OWNER = 'acme';
const REPO = 'orders-api';
const PULL_REQUEST = 7;
const MARKER = '<!-- asyncapi-security-review workflow=CI job=security -->';
const BOT = 'github-actions[bot]';

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

interface Comment {
  id: number;
  body: string;
  user: { login: string; type: string };
  html_url: string;
}

/** A fault answers requests that match, `times` times, before the stand-in answers normally. */
interface Fault {
  method: string;
  path: RegExp;
  times: number;
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Fake {
  url: string;
  comments: Comment[];
  faults: Fault[];
  requests: string[];
  /** Longest comment body accepted; longer ones get GitHub's 422. */
  maxBodyChars: number;
  /** Holds every comment creation until this many have arrived: forces two runs to race. */
  holdCreatesUntil: number;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function startFake(): Promise<Fake> {
  let nextId = 5000;
  const pending: (() => void)[] = [];
  const fake: Fake = {
    url: '',
    comments: [],
    faults: [],
    requests: [],
    maxBodyChars: 65_536,
    holdCreatesUntil: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const listPath = `/repos/${OWNER}/${REPO}/issues/${PULL_REQUEST}/comments`;
  const onePath = new RegExp(`^/repos/${OWNER}/${REPO}/issues/comments/(\\d+)$`);

  const send = (response: ServerResponse, status: number, body: unknown, headers = {}) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(status === 204 ? undefined : JSON.stringify(body));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', fake.url);
    const method = request.method ?? 'GET';
    const text = await readBody(request);
    fake.requests.push(`${method} ${url.pathname}`);

    const fault = fake.faults.find((f) => f.method === method && f.path.test(url.pathname));
    if (fault !== undefined && fault.times > 0) {
      fault.times -= 1;
      return send(response, fault.status, fault.body, fault.headers);
    }

    if (method === 'GET' && url.pathname === '/user') {
      return send(response, 403, { message: 'Resource not accessible by integration' });
    }
    if (method === 'GET' && url.pathname === listPath) {
      return send(response, 200, fake.comments);
    }
    if (method === 'POST' && url.pathname === listPath) {
      const body = (JSON.parse(text) as { body: string }).body;
      if (body.length > fake.maxBodyChars) return send(response, 422, tooLong(fake.maxBodyChars));
      if (fake.holdCreatesUntil > 0) {
        await new Promise<void>((resolve) => {
          pending.push(resolve);
          if (pending.length >= fake.holdCreatesUntil) pending.splice(0).forEach((go) => go());
        });
      }
      const id = nextId++;
      const created = {
        id,
        body,
        user: { login: BOT, type: 'Bot' },
        html_url: `https://github.com/${OWNER}/${REPO}/pull/7#issuecomment-${id}`,
      };
      fake.comments.push(created);
      return send(response, 201, created);
    }
    const match = onePath.exec(url.pathname);
    const existing = fake.comments.find((comment) => comment.id === Number(match?.[1]));
    if (match && method === 'PATCH') {
      const body = (JSON.parse(text) as { body: string }).body;
      if (existing === undefined) return send(response, 404, { message: 'Not Found' });
      if (body.length > fake.maxBodyChars) return send(response, 422, tooLong(fake.maxBodyChars));
      existing.body = body;
      return send(response, 200, existing);
    }
    if (match && method === 'DELETE') {
      if (existing === undefined) return send(response, 404, { message: 'Not Found' });
      fake.comments = fake.comments.filter((comment) => comment !== existing);
      return send(response, 204, null);
    }
    send(response, 404, { message: 'Not Found' });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** GitHub's answer to a comment over its limit. */
function tooLong(max: number) {
  return {
    message: 'Validation Failed',
    errors: [
      {
        resource: 'IssueComment',
        code: 'custom',
        field: 'body',
        message: `body is too long (maximum is ${max} characters)`,
      },
    ],
    documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
    status: '422',
  };
}

let workDir: string;
let bundleDir: string;
let source: TempRepo | undefined;
let baseSha: string;
let headSha: string;
let clone: string;

interface Run {
  exitCode: number;
  stdout: string;
  outputs: string;
}

function runAction(fake: Fake, inputs: Record<string, string> = {}): Promise<Run> {
  const runDir = mkdtempSync(join(workDir, 'run-'));
  const eventPath = join(runDir, 'event.json');
  const outputPath = join(runDir, 'output');
  writeFileSync(outputPath, '');
  writeFileSync(join(runDir, 'summary.md'), '');
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
  const values: Record<string, string> = {
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
    GITHUB_STEP_SUMMARY: join(runDir, 'summary.md'),
    GITHUB_API_URL: fake.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_WORKSPACE: clone,
    GITHUB_WORKFLOW: 'CI',
    GITHUB_JOB: 'security',
    GITHUB_SHA: headSha,
    ASR_GITHUB_RETRY_BASE_MS: '1',
  };
  for (const [name, value] of Object.entries(values)) env[`INPUT_${name.toUpperCase()}`] = value;

  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(bundleDir, 'index.js')],
      { cwd: clone, env, timeout: 60_000 },
      (error, stdout) =>
        resolve({
          exitCode: error ? Number(error.code ?? 1) : 0,
          stdout,
          outputs: readFileSync(outputPath, 'utf8'),
        }),
    );
  });
}

function ours(fake: Fake): Comment[] {
  return fake.comments.filter((comment) => comment.body.startsWith(MARKER));
}

/** The check failed on the finding, whatever happened to the comment. */
function expectFailedCheck(run: Run): void {
  expect(run.exitCode).toBe(1);
  expect(run.stdout).toMatch(/^::error title=security-removed \(critical\)/m);
  expect(run.stdout).toMatch(/^::error::1 finding\(s\); the worst is critical/m);
}

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'asr-faults-'));
  bundleDir = join(workDir, 'dist');
  execFileSync(process.execPath, ['scripts/bundle.mjs', bundleDir], { stdio: 'pipe' });

  source = createTempRepo();
  source.write(
    'asyncapi.yaml',
    orderDocument("    security:\n      - $ref: '#/components/securitySchemes/cert'\n"),
  );
  baseSha = source.commit('secured');
  git(source.dir, 'checkout', '-q', '-b', 'feature');
  source.write('asyncapi.yaml', orderDocument(''));
  headSha = source.commit('drop server security');
  clone = shallowClone(source, 'feature');
}, 300_000);

afterAll(() => {
  source?.cleanup();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the bundled Action when the GitHub API fails', () => {
  let fake: Fake;
  beforeAll(async () => {
    fake = await startFake();
  });
  afterAll(() => fake.close());

  it('retries a 500 and then comments', async () => {
    fake.comments = [];
    fake.requests.length = 0;
    fake.faults = [
      { method: 'POST', path: /\/comments$/, times: 1, status: 500, body: { message: 'boom' } },
    ];
    const run = await runAction(fake);

    expectFailedCheck(run);
    expect(fake.requests.filter((request) => request.startsWith('POST'))).toHaveLength(2);
    expect(ours(fake)).toHaveLength(1);
    expect(run.stdout).not.toContain('Pull request comment not written');
  });

  it('says which permission a 403 needs, and still fails the check', async () => {
    fake.comments = [];
    fake.faults = [
      {
        method: 'POST',
        path: /\/comments$/,
        times: 1,
        status: 403,
        body: { message: 'Resource not accessible by integration' },
      },
    ];
    const run = await runAction(fake);

    expectFailedCheck(run);
    expect(run.stdout).toMatch(
      /^::warning title=Pull request comment not written::.*\(403\) while creating a comment on pull request #7/m,
    );
    expect(run.stdout).toContain('pull-requests: write');
    expect(ours(fake)).toHaveLength(0);
  });

  it('names a 401 as a token problem', async () => {
    fake.comments = [];
    fake.faults = [
      {
        method: 'GET',
        path: /\/comments$/,
        times: 1,
        status: 401,
        body: { message: 'Bad credentials' },
      },
    ];
    const run = await runAction(fake);

    expectFailedCheck(run);
    expect(run.stdout).toMatch(/GitHub refused the token \(401\) while listing the comments/);
  });

  it('writes a shorter comment when GitHub answers 422 "body is too long"', async () => {
    fake.comments = [];
    // Shorter than the report: the first body is refused, the shorter one accepted.
    fake.maxBodyChars = 900;
    try {
      const run = await runAction(fake);

      expectFailedCheck(run);
      const [comment] = ours(fake);
      expect(comment?.body.length).toBeLessThanOrEqual(900);
      expect(comment?.body).toMatch(/not shown\*\*: GitHub refused the full comment as too long/);
      expect(run.stdout).not.toContain('Pull request comment not written');
    } finally {
      fake.maxBodyChars = 65_536;
    }
  });

  it('waits out a secondary rate limit and retries', async () => {
    fake.comments = [];
    fake.faults = [
      {
        method: 'POST',
        path: /\/comments$/,
        times: 1,
        status: 403,
        body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes.' },
        headers: { 'retry-after': '2' },
      },
    ];
    const started = Date.now();
    const run = await runAction(fake);

    expectFailedCheck(run);
    expect(ours(fake)).toHaveLength(1);
    expect(run.stdout).toMatch(/Secondary rate limit for POST .*wait 2s; retry 1 of 2/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('still fails the check when every comment call fails', async () => {
    fake.comments = [];
    fake.faults = [
      {
        method: 'GET',
        path: /\/comments$/,
        times: 100,
        status: 502,
        body: { message: 'Bad gateway' },
      },
    ];
    const run = await runAction(fake);

    expectFailedCheck(run);
    expect(run.stdout).toMatch(
      /The GitHub API failed \(502\) while listing the comments .* after retries/,
    );
    fake.faults = [];
  });
});

describe('two runs racing on one pull request', () => {
  it('leave one comment, the oldest', async () => {
    const fake = await startFake();
    try {
      fake.holdCreatesUntil = 2;
      const runs = await Promise.all([runAction(fake), runAction(fake)]);

      for (const run of runs) expectFailedCheck(run);
      const comments = ours(fake);
      expect(comments).toHaveLength(1);
      expect(comments[0]?.id).toBe(5000);
      expect(fake.requests.filter((request) => request.startsWith('POST'))).toHaveLength(2);
    } finally {
      await fake.close();
    }
  });
});
