/**
 * A local stand-in for the GitHub REST API: just the issue-comment and check-run endpoints the
 * Action uses, with pagination, the compare endpoint answered from a real repository, a GET /user that refuses installation tokens as GitHub does,
 * GitHub's limit of 50 annotations per check-run request, and switches that make comment or
 * check-run writes answer 403 like a read-only token.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface StoredComment {
  id: number;
  body: string;
  user: { login: string; type: string };
  html_url: string;
}

/** A check run as the fake keeps it: the last request's fields, and every annotation sent. */
export interface StoredCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  html_url: string;
  output: { title: string; summary: string };
  annotations: Record<string, unknown>[];
  /** How many annotations each request carried, in order: the create first. */
  batches: number[];
}

export interface FakeGitHub {
  url: string;
  requests: RecordedRequest[];
  comments: StoredComment[];
  checkRuns: StoredCheckRun[];
  /** When true, creating or updating a comment answers 403 "Resource not accessible…". */
  refuseWrites: boolean;
  /** When true, creating or updating a check run answers 403, as without `checks: write`. */
  refuseChecks: boolean;
  /**
   * The repository whose history answers GET /compare (its merge base, by `git merge-base`);
   * without one, that endpoint answers 404.
   */
  repository: string | undefined;
  /** When true, GET /compare answers 404, as for commits GitHub cannot compare. */
  refuseCompare: boolean;
  /**
   * The Bot the token writes comments as: `github-actions[bot]` for GITHUB_TOKEN, or
   * `<app>[bot]` for a GitHub App's installation token. GET /user refuses both.
   */
  commentAuthor: string;
  close(): Promise<void>;
}

/** GitHub refuses more than 50 annotations in one create or update request. */
const MAX_ANNOTATIONS_PER_REQUEST = 50;

interface CheckRunBody {
  name?: string;
  head_sha?: string;
  status?: string;
  conclusion?: string;
  output?: { title?: string; summary?: string; annotations?: Record<string, unknown>[] };
}

const FORBIDDEN = {
  message: 'Resource not accessible by integration',
  documentation_url: 'https://docs.github.com/rest',
  status: '403',
};

function send(response: ServerResponse, status: number, body: unknown, headers = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? null : (JSON.parse(text) as unknown);
}

/** Starts the fake on 127.0.0.1 with `noise` comments by other users already on the PR. */
export async function startFakeGitHub(owner: string, repo: string, noise = 0): Promise<FakeGitHub> {
  let nextId = 1000;
  const fake: FakeGitHub = {
    url: '',
    requests: [],
    comments: Array.from({ length: noise }, (_, index) => ({
      id: nextId++,
      body: `comment ${index}`,
      user: { login: `reviewer-${index % 3}`, type: 'User' },
      html_url: `https://github.com/${owner}/${repo}/pull/7#issuecomment-${index}`,
    })),
    checkRuns: [],
    refuseWrites: false,
    refuseChecks: false,
    repository: undefined,
    refuseCompare: false,
    commentAuthor: 'github-actions[bot]',
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const commentsPath = new RegExp(`^/repos/${owner}/${repo}/issues/(\\d+)/comments$`);
  const commentPath = new RegExp(`^/repos/${owner}/${repo}/issues/comments/(\\d+)$`);
  const checkRunsPath = `/repos/${owner}/${repo}/check-runs`;
  const comparePath = new RegExp(
    `^/repos/${owner}/${repo}/compare/([0-9a-f]+)\\.\\.\\.([0-9a-f]+)$`,
  );
  const checkRunPath = new RegExp(`^/repos/${owner}/${repo}/check-runs/(\\d+)$`);

  const tooManyAnnotations = (body: CheckRunBody) =>
    (body.output?.annotations?.length ?? 0) > MAX_ANNOTATIONS_PER_REQUEST;
  const checkRunView = (run: StoredCheckRun) => ({
    id: run.id,
    node_id: `CR_${run.id}`,
    head_sha: run.head_sha,
    name: run.name,
    url: `${fake.url}${checkRunsPath}/${run.id}`,
    html_url: run.html_url,
    details_url: null,
    status: run.status,
    conclusion: run.conclusion,
    started_at: null,
    completed_at: null,
    external_id: null,
    check_suite: null,
    output: {
      ...run.output,
      text: null,
      annotations_count: run.annotations.length,
      annotations_url: `${fake.url}${checkRunsPath}/${run.id}/annotations`,
    },
    app: null,
    pull_requests: [],
  });
  const annotationLimit = {
    message: 'Validation Failed',
    errors: [`Only ${MAX_ANNOTATIONS_PER_REQUEST} annotations are accepted per request`],
    status: '422',
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', fake.url);
    const body = await readBody(request);
    const method = request.method ?? 'GET';
    fake.requests.push({ method, path: url.pathname, query: url.searchParams, body });

    if (method === 'GET' && url.pathname === '/user') {
      send(response, 403, FORBIDDEN);
      return;
    }

    const compare = comparePath.exec(url.pathname);
    if (method === 'GET' && compare) {
      if (fake.repository === undefined || fake.refuseCompare) {
        return send(response, 404, { message: 'Not Found' });
      }
      const [, base = '', head = ''] = compare;
      const mergeBase = execFileSync('git', ['-C', fake.repository, 'merge-base', base, head])
        .toString()
        .trim();
      // Only the fields the Action reads, and those the response schema requires of them.
      return send(response, 200, {
        status: mergeBase === base ? 'ahead' : 'diverged',
        merge_base_commit: { sha: mergeBase },
        commits: [],
        files: [],
      });
    }

    if (method === 'GET' && commentsPath.test(url.pathname)) {
      const perPage = Number(url.searchParams.get('per_page') ?? '30');
      const page = Number(url.searchParams.get('page') ?? '1');
      const slice = fake.comments.slice((page - 1) * perPage, page * perPage);
      const hasNext = page * perPage < fake.comments.length;
      const next = `${fake.url}${url.pathname}?per_page=${perPage}&page=${page + 1}`;
      send(response, 200, slice, hasNext ? { link: `<${next}>; rel="next"` } : {});
      return;
    }

    if (method === 'POST' && commentsPath.test(url.pathname)) {
      if (fake.refuseWrites) return send(response, 403, FORBIDDEN);
      const created: StoredComment = {
        id: nextId++,
        body: (body as { body: string }).body,
        user: { login: fake.commentAuthor, type: 'Bot' },
        html_url: `https://github.com/${owner}/${repo}/pull/7#issuecomment-${nextId}`,
      };
      fake.comments.push(created);
      return send(response, 201, created);
    }

    const match = commentPath.exec(url.pathname);
    if (method === 'PATCH' && match) {
      if (fake.refuseWrites) return send(response, 403, FORBIDDEN);
      const existing = fake.comments.find((comment) => comment.id === Number(match[1]));
      if (existing === undefined) return send(response, 404, { message: 'Not Found' });
      existing.body = (body as { body: string }).body;
      return send(response, 200, existing);
    }

    if (method === 'POST' && url.pathname === checkRunsPath) {
      if (fake.refuseChecks) return send(response, 403, FORBIDDEN);
      const request = (body ?? {}) as CheckRunBody;
      if (tooManyAnnotations(request)) return send(response, 422, annotationLimit);
      const id = nextId++;
      const stored: StoredCheckRun = {
        id,
        name: request.name ?? '',
        head_sha: request.head_sha ?? '',
        status: request.conclusion === undefined ? (request.status ?? 'queued') : 'completed',
        conclusion: request.conclusion ?? null,
        html_url: `https://github.com/${owner}/${repo}/runs/${id}`,
        output: { title: request.output?.title ?? '', summary: request.output?.summary ?? '' },
        annotations: [...(request.output?.annotations ?? [])],
        batches: [request.output?.annotations?.length ?? 0],
      };
      fake.checkRuns.push(stored);
      return send(response, 201, checkRunView(stored));
    }

    const checkRun = checkRunPath.exec(url.pathname);
    if (method === 'PATCH' && checkRun) {
      if (fake.refuseChecks) return send(response, 403, FORBIDDEN);
      const request = (body ?? {}) as CheckRunBody;
      if (tooManyAnnotations(request)) return send(response, 422, annotationLimit);
      const stored = fake.checkRuns.find((run) => run.id === Number(checkRun[1]));
      if (stored === undefined) return send(response, 404, { message: 'Not Found' });
      // As on GitHub, the annotations of an update are added to those already there.
      stored.annotations.push(...(request.output?.annotations ?? []));
      stored.batches.push(request.output?.annotations?.length ?? 0);
      if (request.output?.title !== undefined) stored.output.title = request.output.title;
      if (request.output?.summary !== undefined) stored.output.summary = request.output.summary;
      if (request.conclusion !== undefined) stored.conclusion = request.conclusion;
      return send(response, 200, checkRunView(stored));
    }

    send(response, 404, { message: 'Not Found' });
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) =>
      send(response, 500, { message: String(error) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
