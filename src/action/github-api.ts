/**
 * The REST calls the Action makes, behind a small interface so the logic can be tested with a
 * fake. Built on `@actions/github`'s Octokit with retries and rate-limit throttling.
 */
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { SourceError } from '../load/source.js';
import type { RepositoryApi } from '../git/revision.js';
import type { TreeEntry } from '../git/tree.js';

export interface IssueComment {
  id: number;
  body: string;
  /** Login of the author; null for a deleted account. */
  author: string | null;
  url: string;
}

export interface GitHubApi extends RepositoryApi {
  /** The login this token acts as, or undefined when GET /user is refused (installation tokens). */
  getAuthenticatedLogin(): Promise<string | undefined>;
  listIssueComments(issueNumber: number): Promise<IssueComment[]>;
  createIssueComment(issueNumber: number, body: string): Promise<IssueComment>;
  updateIssueComment(commentId: number, body: string): Promise<IssueComment>;
}

/** The HTTP status of a failed request, when the error carries one. */
export function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}

export interface ApiLog {
  warning(message: string): void;
}

function toIssueComment(data: {
  id: number;
  body?: string | undefined;
  html_url: string;
  user: { login: string } | null;
}): IssueComment {
  return {
    id: data.id,
    body: data.body ?? '',
    author: data.user?.login ?? null,
    url: data.html_url,
  };
}

function decodeBase64(content: string): Uint8Array {
  return new Uint8Array(Buffer.from(content, 'base64'));
}

/**
 * Defers creating the API until a method is called, so a run that needs no REST call (a push
 * with a full clone) works without a token.
 */
export function lazyGitHubApi(create: () => GitHubApi): GitHubApi {
  let api: GitHubApi | undefined;
  const get = (): GitHubApi => (api ??= create());
  return {
    getAuthenticatedLogin: () => get().getAuthenticatedLogin(),
    listIssueComments: (issueNumber) => get().listIssueComments(issueNumber),
    createIssueComment: (issueNumber, body) => get().createIssueComment(issueNumber, body),
    updateIssueComment: (commentId, body) => get().updateIssueComment(commentId, body),
    getTree: (ref) => get().getTree(ref),
    getFileContent: (path, ref, oid) => get().getFileContent(path, ref, oid),
  };
}

/** Creates the API for one repository; nothing is requested until a method is called. */
export function createGitHubApi(
  token: string,
  repository: { owner: string; repo: string },
  log: ApiLog,
): GitHubApi {
  if (token === '') {
    throw new Error(
      'The github-token input is empty; it defaults to ${{ github.token }}. Pass a token with ' +
        '`contents: read` (and `pull-requests: write` for the comment).',
    );
  }
  const octokit = getOctokit(
    token,
    {
      throttle: {
        onRateLimit: (retryAfter, options, _octokit, retryCount) => {
          log.warning(
            `Rate limit hit for ${options.method} ${options.url}; retry in ${retryAfter}s.`,
          );
          return retryCount < 2;
        },
        onSecondaryRateLimit: (retryAfter, options) => {
          log.warning(
            `Secondary rate limit for ${options.method} ${options.url} (${retryAfter}s).`,
          );
          return false;
        },
      },
    },
    retry,
    throttling,
  );
  const { owner, repo } = repository;

  return {
    async getAuthenticatedLogin() {
      try {
        const response = await octokit.rest.users.getAuthenticated();
        return response.data.login;
      } catch (error) {
        // GITHUB_TOKEN and other installation tokens may not read /user: the caller falls back
        // to the login GitHub gives their comments.
        if (httpStatus(error) === 403 || httpStatus(error) === 401) return undefined;
        throw error;
      }
    },

    async listIssueComments(issueNumber) {
      const comments = await octokit.paginate(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: issueNumber,
        per_page: 100,
      });
      return comments.map(toIssueComment);
    },

    async createIssueComment(issueNumber, body) {
      const response = await octokit.rest.issues.createComment({
        owner,
        repo,
        issue_number: issueNumber,
        body,
      });
      return toIssueComment(response.data);
    },

    async updateIssueComment(commentId, body) {
      const response = await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: commentId,
        body,
      });
      return toIssueComment(response.data);
    },

    async getTree(ref) {
      const response = await octokit.rest.git.getTree({
        owner,
        repo,
        tree_sha: ref,
        recursive: '1',
      });
      if (response.data.truncated) {
        throw new Error(
          `The REST API returned a truncated file list for ${ref}: the repository is too large ` +
            'to read without git. Check out the repository with fetch-depth: 0.',
        );
      }
      const entries: TreeEntry[] = [];
      for (const item of response.data.tree) {
        if (item.type !== 'blob' || !item.path || !item.sha || !item.mode) continue;
        entries.push({ path: item.path, mode: item.mode, oid: item.sha, size: item.size ?? null });
      }
      return entries;
    },

    async getFileContent(path, ref, oid) {
      let data;
      try {
        data = (await octokit.rest.repos.getContent({ owner, repo, path, ref })).data;
      } catch (error) {
        if (httpStatus(error) === 404) return undefined;
        throw error;
      }

      if (Array.isArray(data)) return undefined;
      if (data.type !== 'file') {
        throw new SourceError(path, `${path} at ${ref} is a ${data.type}, not a file.`);
      }
      if ('encoding' in data && data.encoding === 'base64') return decodeBase64(data.content);

      // Files over 1 MB come without content from the contents API; the blob API has them.
      const blob = await octokit.rest.git.getBlob({ owner, repo, file_sha: oid });
      return decodeBase64(blob.data.content);
    },
  };
}
