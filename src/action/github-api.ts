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
  /**
   * The author's account type, `User`, `Bot` or `Organization`; null when GitHub gives none.
   * Only GitHub Apps (and GITHUB_TOKEN, the Actions app) write as `Bot`: no user can.
   */
  authorType: string | null;
  url: string;
}

/** One line annotation of a check run; GitHub's `failure` level is an error annotation. */
export interface CheckAnnotation {
  path: string;
  startLine: number;
  level: 'notice' | 'warning' | 'failure';
  title: string;
  message: string;
}

export interface CheckRunOutput {
  title: string;
  /** Markdown, at most 65,535 characters. */
  summary: string;
  /** At most 50 per request: GitHub's limit. */
  annotations: CheckAnnotation[];
}

export interface CheckRunRequest {
  name: string;
  headSha: string;
  conclusion: 'success' | 'failure' | 'neutral';
  output: CheckRunOutput;
}

export interface CheckRun {
  id: number;
  url: string | null;
}

export interface GitHubApi extends RepositoryApi {
  /** The login this token acts as, or undefined when GET /user is refused (installation tokens). */
  getAuthenticatedLogin(): Promise<string | undefined>;
  listIssueComments(issueNumber: number): Promise<IssueComment[]>;
  createIssueComment(issueNumber: number, body: string): Promise<IssueComment>;
  updateIssueComment(commentId: number, body: string): Promise<IssueComment>;
  /**
   * Deletes a comment; resolves quietly when it is already gone. Optional: without it, two
   * runs racing on one pull request may leave two comments (see comment.ts).
   */
  deleteIssueComment?(commentId: number): Promise<void>;
  /**
   * The merge base of two commits (GET /repos/{owner}/{repo}/compare/{base}...{head}), as
   * the pull request's Files tab compares them. Optional: without it, only a clone with the
   * history can find the merge base.
   */
  getMergeBase?(base: string, head: string): Promise<string>;
  /** Creates a completed check run on a commit, with the first batch of annotations. */
  createCheckRun(request: CheckRunRequest): Promise<CheckRun>;
  /** Adds annotations to a check run: GitHub appends them to the ones it already has. */
  updateCheckRun(checkRunId: number, output: CheckRunOutput): Promise<CheckRun>;
}

/** The HTTP status of a failed request, when the error carries one. */
export function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}

/**
 * The status GitHub answered with; undefined when no answer came. Octokit reports a request
 * that never got a response (a refused connection, a DNS failure, a timeout) as a 500 without
 * a `response`, which is not GitHub failing.
 */
function answeredStatus(error: unknown): number | undefined {
  const status = httpStatus(error);
  if (status === undefined || status === 0) return undefined;
  const { response } = error as { response?: unknown };
  return response === undefined || response === null ? undefined : status;
}

export interface ApiLog {
  warning(message: string): void;
}

/** A refused or failed REST call, with a message that says what to do; keeps the status. */
export class GitHubApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    /** GitHub's own explanation, for callers that react to it (a 422 "body is too long"). */
    readonly details: string,
  ) {
    super(message);
    this.name = 'GitHubApiError';
  }
}

/** GitHub's message and validation errors from a failed response, on one line. */
function errorDetails(error: unknown): string {
  const data = (error as { response?: { data?: unknown } } | null)?.response?.data;
  const parts: string[] = [];
  if (typeof data === 'object' && data !== null) {
    const { message, errors } = data as { message?: unknown; errors?: unknown };
    if (typeof message === 'string') parts.push(message);
    if (Array.isArray(errors)) {
      for (const item of errors as unknown[]) {
        const text =
          typeof item === 'string' ? item : (item as { message?: unknown } | null)?.message;
        if (typeof text === 'string') parts.push(text);
      }
    }
  }
  if (parts.length === 0) parts.push(error instanceof Error ? error.message : String(error));
  return parts.join(': ').replace(/\s+/g, ' ').slice(0, 500);
}

/** The permission each kind of call needs, as a workflow's `permissions:` spells it. */
export type ApiPermission = 'pull-requests: write' | 'checks: write' | 'contents: read';

/**
 * Turns an Octokit error into one that names the call, the status and the fix. `doing` reads
 * as "while <doing>", such as `creating a comment on pull request #7`; `permission` is what a
 * 403 asks to grant.
 */
export function describeApiError(
  error: unknown,
  doing: string,
  permission?: ApiPermission,
): GitHubApiError {
  if (error instanceof GitHubApiError) return error;
  const status = answeredStatus(error);
  const details = errorDetails(error);
  const said = `GitHub said: ${details}`;
  const grant =
    permission === undefined
      ? 'grant the job the permission this call needs'
      : `grant the job \`permissions: ${permission}\``;
  let message: string;
  switch (status) {
    case 401:
      message =
        `GitHub refused the token (401) while ${doing}: the github-token input is missing, ` +
        `expired or revoked. ${said}`;
      break;
    case 403:
      message = /rate limit/i.test(details)
        ? `GitHub's rate limit stopped ${doing} (403), and retrying did not help. ${said}`
        : `The token may not do this (403) while ${doing}: ${grant}. ${said}`;
      break;
    case 404:
      message =
        `Not found (404) while ${doing}: the repository, pull request or comment does not ` +
        `exist or is not visible to this token. ${said}`;
      break;
    case 422:
      message = `GitHub refused the request as invalid (422) while ${doing}. ${said}`;
      break;
    default:
      message =
        status === undefined
          ? `The GitHub API could not be reached while ${doing}, after retries: ${details}. ` +
            'Check that the runner can reach the API (GITHUB_API_URL), through a proxy if it ' +
            'needs one'
          : `The GitHub API failed (${status}) while ${doing}, after retries. ${said}`;
  }
  return new GitHubApiError(message.replace(/\.+$/, ''), status, details);
}

/** Runs one REST call; its failure becomes a `GitHubApiError` naming `doing`. */
async function calling<T>(
  doing: string,
  call: () => Promise<T>,
  permission?: ApiPermission,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw describeApiError(error, doing, permission);
  }
}

/**
 * Waits between retries are multiples of this many milliseconds (1,000 on GitHub: Octokit
 * counts them in seconds). `ASR_GITHUB_RETRY_BASE_MS` lowers it so tests of the retry paths
 * run in milliseconds; it is read once, when the client is created.
 */
export function retryBaseMillis(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.ASR_GITHUB_RETRY_BASE_MS);
  return Number.isFinite(value) && value >= 0 && env.ASR_GITHUB_RETRY_BASE_MS !== '' ? value : 1000;
}

// A rate limit that resets later than this is not waited for: the job would sit idle, and
// the check result matters more than the comment.
const MAX_RATE_LIMIT_WAIT_SECONDS = 120;
const MAX_RATE_LIMIT_RETRIES = 2;

function toIssueComment(data: {
  id: number;
  body?: string | undefined;
  html_url: string;
  user: { login: string; type?: string } | null;
}): IssueComment {
  return {
    id: data.id,
    body: data.body ?? '',
    author: data.user?.login ?? null,
    authorType: data.user?.type ?? null,
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
    getMergeBase: async (base, head) => {
      const api = get();
      if (api.getMergeBase === undefined) throw new Error('this client cannot compare commits');
      return api.getMergeBase(base, head);
    },
    listIssueComments: (issueNumber) => get().listIssueComments(issueNumber),
    createIssueComment: (issueNumber, body) => get().createIssueComment(issueNumber, body),
    updateIssueComment: (commentId, body) => get().updateIssueComment(commentId, body),
    deleteIssueComment: async (commentId) => {
      const api = get();
      if (api.deleteIssueComment) await api.deleteIssueComment(commentId);
    },
    createCheckRun: (request) => get().createCheckRun(request),
    updateCheckRun: (checkRunId, output) => get().updateCheckRun(checkRunId, output),
    getTree: (ref) => get().getTree(ref),
    getFileContent: (path, ref, oid) => get().getFileContent(path, ref, oid),
  };
}

/** The output in the REST API's shape: snake_case, and an annotation spans one line. */
function toApiOutput(output: CheckRunOutput) {
  return {
    title: output.title,
    summary: output.summary,
    annotations: output.annotations.map((annotation) => ({
      path: annotation.path,
      start_line: annotation.startLine,
      end_line: annotation.startLine,
      annotation_level: annotation.level,
      title: annotation.title,
      message: annotation.message,
    })),
  };
}

/**
 * Creates the API for one repository; nothing is requested until a method is called. The
 * address is GITHUB_API_URL as `@actions/github` read it when loaded, unless `baseUrl` names
 * another (tests).
 */
export function createGitHubApi(
  token: string,
  repository: { owner: string; repo: string },
  log: ApiLog,
  baseUrl?: string,
): GitHubApi {
  if (token === '') {
    throw new Error(
      'The github-token input is empty; it defaults to ${{ github.token }}. Pass a token with ' +
        '`contents: read` (and `pull-requests: write` for the comment).',
    );
  }
  // 5xx answers are retried by plugin-retry (3 times, waits of 1, 4 and 9 base units); rate
  // limits by plugin-throttling, when GitHub asks for a wait short enough to sit out.
  const baseMillis = retryBaseMillis();
  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method: string; url: string }, _o: unknown, count: number) => {
      const retrying = count < MAX_RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
      log.warning(
        `${kind} for ${options.method} ${options.url}: GitHub asks to wait ${retryAfter}s; ` +
          (retrying ? `retry ${count + 1} of ${MAX_RATE_LIMIT_RETRIES}.` : 'not retrying.'),
      );
      return retrying;
    };
  const octokit = getOctokit(
    token,
    {
      ...(baseUrl === undefined ? {} : { baseUrl }),
      retry: { retryAfterBaseValue: baseMillis },
      throttle: {
        retryAfterBaseValue: baseMillis,
        onRateLimit: onLimit('Rate limit'),
        onSecondaryRateLimit: onLimit('Secondary rate limit'),
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
        // GITHUB_TOKEN and other installation tokens may not read /user: the caller then
        // recognises its comments without a login (see comment.ts).
        if (httpStatus(error) === 403 || httpStatus(error) === 401) return undefined;
        throw describeApiError(error, 'reading which account the token acts as (GET /user)');
      }
    },

    async getMergeBase(base, head) {
      const response = await calling(
        `comparing ${base} with ${head}`,
        () =>
          octokit.rest.repos.compareCommitsWithBasehead({
            owner,
            repo,
            basehead: `${base}...${head}`,
            // The merge base is all that is read: one commit of the list is enough.
            per_page: 1,
          }),
        'contents: read',
      );
      return response.data.merge_base_commit.sha;
    },

    async listIssueComments(issueNumber) {
      const comments = await calling(
        `listing the comments of pull request #${issueNumber}`,
        () =>
          octokit.paginate(octokit.rest.issues.listComments, {
            owner,
            repo,
            issue_number: issueNumber,
            per_page: 100,
          }),
        'pull-requests: write',
      );
      return comments.map(toIssueComment);
    },

    async createIssueComment(issueNumber, body) {
      const response = await calling(
        `creating a comment on pull request #${issueNumber}`,
        () => octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body }),
        'pull-requests: write',
      );
      return toIssueComment(response.data);
    },

    async updateIssueComment(commentId, body) {
      const response = await calling(
        `updating comment ${commentId}`,
        () => octokit.rest.issues.updateComment({ owner, repo, comment_id: commentId, body }),
        'pull-requests: write',
      );
      return toIssueComment(response.data);
    },

    async deleteIssueComment(commentId) {
      try {
        await octokit.rest.issues.deleteComment({ owner, repo, comment_id: commentId });
      } catch (error) {
        // Another run deleting the same duplicate first is the race this call settles.
        if (httpStatus(error) === 404) return;
        throw describeApiError(
          error,
          `deleting duplicate comment ${commentId}`,
          'pull-requests: write',
        );
      }
    },

    async createCheckRun(request) {
      const response = await calling(
        `creating check run "${request.name}"`,
        () =>
          octokit.rest.checks.create({
            owner,
            repo,
            name: request.name,
            head_sha: request.headSha,
            status: 'completed',
            conclusion: request.conclusion,
            completed_at: new Date().toISOString(),
            output: toApiOutput(request.output),
          }),
        'checks: write',
      );
      return { id: response.data.id, url: response.data.html_url };
    },

    async updateCheckRun(checkRunId, output) {
      const response = await calling(
        `adding annotations to check run ${checkRunId}`,
        () =>
          octokit.rest.checks.update({
            owner,
            repo,
            check_run_id: checkRunId,
            output: toApiOutput(output),
          }),
        'checks: write',
      );
      return { id: response.data.id, url: response.data.html_url };
    },

    async getTree(ref) {
      const response = await calling(
        `listing the files of ${ref}`,
        () => octokit.rest.git.getTree({ owner, repo, tree_sha: ref, recursive: '1' }),
        'contents: read',
      );
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
        throw describeApiError(error, `reading ${path} at ${ref}`, 'contents: read');
      }

      if (Array.isArray(data)) return undefined;
      if (data.type !== 'file') {
        throw new SourceError(path, `${path} at ${ref} is a ${data.type}, not a file.`);
      }
      if ('encoding' in data && data.encoding === 'base64') return decodeBase64(data.content);

      // Files over 1 MB come without content from the contents API; the blob API has them.
      const blob = await calling(
        `reading ${path} at ${ref}`,
        () => octokit.rest.git.getBlob({ owner, repo, file_sha: oid }),
        'contents: read',
      );
      return decodeBase64(blob.data.content);
    },
  };
}
