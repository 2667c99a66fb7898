/**
 * A local stand-in for the GitHub REST API: just the issue-comment endpoints the Action uses,
 * with pagination, a GET /user that refuses installation tokens as GitHub does, and a switch
 * that makes comment creation answer 403 like a fork's read-only token.
 */
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

export interface FakeGitHub {
  url: string;
  requests: RecordedRequest[];
  comments: StoredComment[];
  /** When true, creating or updating a comment answers 403 "Resource not accessible…". */
  refuseWrites: boolean;
  close(): Promise<void>;
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
    refuseWrites: false,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const commentsPath = new RegExp(`^/repos/${owner}/${repo}/issues/(\\d+)/comments$`);
  const commentPath = new RegExp(`^/repos/${owner}/${repo}/issues/comments/(\\d+)$`);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', fake.url);
    const body = await readBody(request);
    const method = request.method ?? 'GET';
    fake.requests.push({ method, path: url.pathname, query: url.searchParams, body });

    if (method === 'GET' && url.pathname === '/user') {
      send(response, 403, FORBIDDEN);
      return;
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
        user: { login: 'github-actions[bot]', type: 'Bot' },
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
