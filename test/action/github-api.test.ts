/**
 * The REST client itself (createGitHubApi), against the local stand-in of fake-github.ts and
 * against a port nothing listens on: what its errors say, and what it reads of a comment.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGitHubApi, type GitHubApi } from '../../src/action/github-api.js';
import { startFakeGitHub } from './fake-github.js';

const REPOSITORY = { owner: 'acme', repo: 'orders-api' };

function apiAt(url: string): GitHubApi {
  // Retries wait 1 ms instead of seconds; the variable is read when the client is created.
  vi.stubEnv('ASR_GITHUB_RETRY_BASE_MS', '1');
  return createGitHubApi('ghs_test_token', REPOSITORY, { warning: () => undefined }, url);
}

/** A local port that refuses connections: one that was free a moment ago. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function failure(call: Promise<unknown>): Promise<Error & { status?: number }> {
  try {
    await call;
  } catch (error) {
    return error as Error & { status?: number };
  }
  throw new Error('expected the call to fail');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createGitHubApi when the API cannot be reached', () => {
  it('names GET /user and the fix, not a bare connection error', async () => {
    const api = apiAt(`http://127.0.0.1:${await closedPort()}`);
    const error = await failure(api.getAuthenticatedLogin());

    expect(error.name).toBe('GitHubApiError');
    expect(error.message).toMatch(
      /^The GitHub API could not be reached while reading which account the token acts as \(GET \/user\), after retries: .*ECONNREFUSED/,
    );
    expect(error.message).toContain('GITHUB_API_URL');
    expect(error.message).not.toMatch(/\(500\)/);
    expect(error.status).toBeUndefined();
  });

  it('never calls a refused connection a failure (500) of GitHub', async () => {
    const api = apiAt(`http://127.0.0.1:${await closedPort()}`);
    const error = await failure(api.listIssueComments(7));

    expect(error.message).toMatch(
      /^The GitHub API could not be reached while listing the comments of pull request #7/,
    );
    expect(error.message).not.toMatch(/failed \(500\)/);
  });
});

describe('createGitHubApi against the REST stand-in', () => {
  it('reads the author type of each comment', async () => {
    const github = await startFakeGitHub(REPOSITORY.owner, REPOSITORY.repo, 1);
    try {
      const api = apiAt(github.url);
      const created = await api.createIssueComment(7, 'body');
      const comments = await api.listIssueComments(7);

      expect(created).toMatchObject({ author: 'github-actions[bot]', authorType: 'Bot' });
      expect(comments.map(({ author, authorType }) => ({ author, authorType }))).toEqual([
        { author: 'reviewer-0', authorType: 'User' },
        { author: 'github-actions[bot]', authorType: 'Bot' },
      ]);
    } finally {
      await github.close();
    }
  });

  it('names the permission a 403 needs once, for the call that was refused', async () => {
    const github = await startFakeGitHub(REPOSITORY.owner, REPOSITORY.repo);
    github.refuseWrites = true;
    try {
      const api = apiAt(github.url);
      const error = await failure(api.createIssueComment(7, 'body'));

      expect(error.status).toBe(403);
      expect(error.message).toMatch(
        /^The token may not do this \(403\) while creating a comment on pull request #7: grant the job `permissions: pull-requests: write`\. GitHub said: Resource not accessible by integration$/,
      );
      expect(error.message).not.toContain('checks: write');
    } finally {
      await github.close();
    }
  });
});
