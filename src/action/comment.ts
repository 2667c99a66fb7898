/**
 * The sticky pull request comment: one per workflow job, found again by a hidden marker on its
 * first line and by its author, updated in place. Deciding what to write is pure; writing it
 * goes through GitHubApi.
 */
import { httpStatus, type GitHubApi, type IssueComment } from './github-api.js';

/** The login GitHub shows for comments written with the workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/** Where a cut report points its reader when the caller names no other place. */
const DEFAULT_TRUNCATION_HINT = 'The job summary of this run lists every finding.';

export type CommentMode = 'always' | 'on-failure' | 'never';

/**
 * The hidden marker. Workflow and job names are percent-encoded, so neither they nor anything
 * else can close the HTML comment early or be confused with another job's marker.
 * Known gap: the legs of a matrix job share GITHUB_JOB, so they share one comment and the last
 * leg to finish wins. TODO(#3): add the matrix values when the runner exposes them to actions.
 */
export function commentMarker(workflow: string, job: string): string {
  const encode = (name: string) => encodeURIComponent(name).replace(/[-!'()*~]/g, escapeChar);
  return `<!-- asyncapi-security-review workflow=${encode(workflow)} job=${encode(job)} -->`;
}

function escapeChar(character: string): string {
  return `%${character.charCodeAt(0).toString(16).toUpperCase()}`;
}

/**
 * This job's earlier comment: starting with the marker, and written by this token's identity.
 * Checking only the first line means a document string quoted later in a body cannot
 * impersonate it, and checking the author means another user's comment is never edited.
 *
 * `login` is undefined when GET /user is refused, as it is for GITHUB_TOKEN and other GitHub
 * App installation tokens, whose comments are written as `<app>[bot]`. A comment is then ours
 * only if its author is a Bot account, which no user can post as, and its first line is the
 * marker exactly.
 */
export function findStickyComment(
  comments: readonly IssueComment[],
  marker: string,
  login: string | undefined,
): IssueComment | undefined {
  return findStickyComments(comments, marker, login)[0];
}

/** Every comment of this job by this identity, oldest first (GitHub's ids only grow). */
export function findStickyComments(
  comments: readonly IssueComment[],
  marker: string,
  login: string | undefined,
): IssueComment[] {
  return comments
    .filter((comment) => {
      const byUs =
        login === undefined
          ? comment.author !== null && comment.authorType === 'Bot'
          : comment.author === login;
      return byUs && comment.body.split('\n', 1)[0]?.trim() === marker;
    })
    .sort((a, b) => a.id - b.id);
}

export interface CommentDecisionInput {
  mode: CommentMode;
  findingCount: number;
  /** A finding reached fail-on-severity. */
  failed: boolean;
  existing: IssueComment | undefined;
}

export type CommentDecision =
  | { action: 'create'; body: 'report' }
  | { action: 'update'; body: 'report' | 'resolved'; commentId: number }
  | { action: 'none'; reason: string };

/**
 * What to do with the comment. A clean pull request never gets a new comment; an existing
 * one is kept truthful: it turns "resolved" when nothing is left, and otherwise shows the
 * current report even when that report no longer fails the check.
 */
export function decideComment(input: CommentDecisionInput): CommentDecision {
  const { mode, findingCount, failed, existing } = input;
  if (mode === 'never') return { action: 'none', reason: 'comment-summary-in-pr is never' };

  if (findingCount === 0) {
    if (existing === undefined) return { action: 'none', reason: 'no findings' };
    return { action: 'update', body: 'resolved', commentId: existing.id };
  }

  if (existing !== undefined) return { action: 'update', body: 'report', commentId: existing.id };
  if (mode === 'always' || failed) return { action: 'create', body: 'report' };
  return { action: 'none', reason: 'no finding reaches fail-on-severity' };
}

export interface StickyCommentRequest {
  api: GitHubApi;
  issueNumber: number;
  marker: string;
  mode: CommentMode;
  findingCount: number;
  failed: boolean;
  /**
   * Bodies are rendered only when needed; both start with the marker. When GitHub refuses a
   * report as too long, it is asked for again with a byte budget; a renderer that ignores the
   * budget is cut at a finding boundary instead (`shortenReport`).
   */
  renderReport: (maxBytes?: number) => string;
  renderResolved: () => string;
  /** Where a reader finds every finding when the report is cut (trusted markdown). */
  truncationHint?: string;
}

export interface StickyCommentOutcome {
  action: CommentDecision['action'];
  url: string | null;
  detail: string;
}

/** Finds this job's comment, decides, and creates or updates it. */
export async function writeStickyComment(
  request: StickyCommentRequest,
): Promise<StickyCommentOutcome> {
  const { api, issueNumber, marker } = request;
  if (request.mode === 'never') {
    return { action: 'none', url: null, detail: 'comment-summary-in-pr is never' };
  }

  // Undefined for installation tokens: see findStickyComments.
  const login = await api.getAuthenticatedLogin();
  const comments = await api.listIssueComments(issueNumber);
  const ours = findStickyComments(comments, marker, login);
  const existing = ours[0];
  const decision = decideComment({ ...request, existing });

  if (decision.action === 'none') {
    return { action: 'none', url: existing?.url ?? null, detail: decision.reason };
  }

  const hint = request.truncationHint ?? DEFAULT_TRUNCATION_HINT;
  const render = (maxBytes?: number) =>
    decision.body === 'resolved' ? request.renderResolved() : request.renderReport(maxBytes);
  if (decision.action === 'create') {
    const created = await withShorterBodies(
      render,
      (body) => api.createIssueComment(issueNumber, body),
      hint,
    );
    // Two runs of this job may each have found no comment and created one: settle on one.
    // The comment is written either way, so a failure here is reported, never thrown. The
    // comment just created names this token's identity, even when GET /user did not.
    let kept: IssueComment;
    try {
      kept = await keepOldest(request, login ?? created.author ?? undefined, created, render);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const detail = `created comment ${created.id}; removing duplicates failed: ${reason}`;
      return { action: 'create', url: created.url, detail };
    }
    return kept.id === created.id
      ? { action: 'create', url: created.url, detail: `created comment ${created.id}` }
      : { action: 'update', url: kept.url, detail: `updated comment ${kept.id} (raced)` };
  }

  const updated = await withShorterBodies(
    render,
    (body) => api.updateIssueComment(decision.commentId, body),
    hint,
  );
  // Duplicates an earlier race left behind are removed now; failing that is only reported.
  // Without a login, only those by the author of the comment kept are duplicates.
  const detail = `updated comment ${updated.id}`;
  const duplicates = ours.slice(1).filter((comment) => comment.author === existing?.author);
  try {
    await deleteComments(api, duplicates);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { action: 'update', url: updated.url, detail: `${detail}; ${reason}` };
  }
  return { action: 'update', url: updated.url, detail };
}

/**
 * After a create: lists again, and when this job's identity has more than one comment with the
 * marker, keeps the oldest, deletes the others and writes this run's body into the oldest.
 * Every racing run ends the same way, so one comment remains. An API that cannot delete
 * (`deleteIssueComment` absent) is left as it is.
 */
async function keepOldest(
  request: StickyCommentRequest,
  login: string | undefined,
  created: IssueComment,
  render: (maxBytes?: number) => string,
): Promise<IssueComment> {
  const { api, issueNumber, marker } = request;
  if (api.deleteIssueComment === undefined) return created;

  // Without a login, only comments by the author of the one just created are duplicates.
  const listed = await api.listIssueComments(issueNumber);
  const ours = findStickyComments(listed, marker, login).filter(
    (comment) => comment.author === created.author,
  );
  const oldest = ours[0];
  if (oldest === undefined || ours.length === 1) return created;

  await deleteComments(api, ours.slice(1));
  if (oldest.id === created.id) return created;
  return withShorterBodies(
    render,
    (body) => api.updateIssueComment(oldest.id, body),
    request.truncationHint ?? DEFAULT_TRUNCATION_HINT,
  );
}

async function deleteComments(api: GitHubApi, comments: IssueComment[]): Promise<void> {
  if (api.deleteIssueComment === undefined) return;
  for (const comment of comments) await api.deleteIssueComment(comment.id);
}

/** Retries after a "body is too long" 422; each asks for a body well under the last one. */
const SHORTER_BODY_ATTEMPTS = 2;
const SHORTER_BODY_SHARE = 0.6;

/**
 * Writes a body; when GitHub answers 422 because it is too long (its count of characters can
 * differ from ours), writes a shorter one: under the maximum GitHub names when it names one,
 * and under 60% of the refused body in any case. Bytes bound characters, so a byte budget is
 * safe whatever GitHub counts.
 */
async function withShorterBodies(
  render: (maxBytes?: number) => string,
  write: (body: string) => Promise<IssueComment>,
  hint: string,
): Promise<IssueComment> {
  let body = render();
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await write(body);
    } catch (error) {
      if (attempt >= SHORTER_BODY_ATTEMPTS || !isBodyTooLong(error)) throw error;
      const named = namedMaximum(error) ?? Infinity;
      const maxBytes = Math.floor(
        Math.min(named * 0.9, Buffer.byteLength(body) * SHORTER_BODY_SHARE),
      );
      body = shortenReport(render(maxBytes), maxBytes, hint);
    }
  }
}

/** The N of GitHub's "maximum is N characters", when it says so. */
function namedMaximum(error: unknown): number | undefined {
  const details = (error as { details?: unknown }).details;
  const match = typeof details === 'string' ? /maximum is (\d{1,9})/.exec(details) : null;
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export function isBodyTooLong(error: unknown): boolean {
  if (httpStatus(error) !== 422) return false;
  const details = (error as { details?: unknown }).details;
  const text = typeof details === 'string' ? details : String(error);
  return /too long|maximum is/i.test(text);
}

/**
 * Cuts a markdown report to `maxBytes` between two findings (each starts with `#### `), so no
 * code span, fence or details block is left open, and says how many were cut.
 */
export function shortenReport(
  body: string,
  maxBytes: number,
  hint: string = DEFAULT_TRUNCATION_HINT,
): string {
  if (Buffer.byteLength(body) <= maxBytes) return body;

  const starts = [...body.matchAll(/^#### /gm)].map((match) => match.index);
  const note = (cut: number) =>
    `\n**${cut} more finding${cut === 1 ? '' : 's'} not shown**: GitHub refused the full ` +
    `comment as too long. ${hint}\n`;
  for (let kept = starts.length - 1; kept >= 0; kept -= 1) {
    const head = body.slice(0, starts[kept]);
    const text = `${head}${note(starts.length - kept)}`;
    if (Buffer.byteLength(text) <= maxBytes) return text;
  }

  // Not even the part before the first finding fits: keep whole lines of it.
  const marker = note(starts.length);
  let cut = body.slice(0, Math.max(0, maxBytes - Buffer.byteLength(marker)));
  while (Buffer.byteLength(cut) + Buffer.byteLength(marker) > maxBytes) cut = cut.slice(0, -1);
  return `${cut.slice(0, Math.max(0, cut.lastIndexOf('\n')))}${marker}`;
}
