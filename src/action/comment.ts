/**
 * The sticky pull request comment: one per workflow job, found again by a hidden marker on its
 * first line and by its author, updated in place. Deciding what to write is pure; writing it
 * goes through GitHubApi.
 */
import type { GitHubApi, IssueComment } from './github-api.js';

/** The login GitHub shows for comments written with the workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

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
 * This job's earlier comment: written by this token's identity and starting with the marker.
 * Checking only the first line means a document string quoted later in a body cannot
 * impersonate it, and checking the author means another user's comment is never edited.
 */
export function findStickyComment(
  comments: readonly IssueComment[],
  marker: string,
  login: string,
): IssueComment | undefined {
  return comments.find((comment) => {
    const firstLine = comment.body.split('\n', 1)[0]?.trim();
    return comment.author === login && firstLine === marker;
  });
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
  /** Bodies are rendered only when needed; both start with the marker. */
  renderReport: () => string;
  renderResolved: () => string;
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

  const login = (await api.getAuthenticatedLogin()) ?? ACTIONS_BOT_LOGIN;
  const comments = await api.listIssueComments(issueNumber);
  const existing = findStickyComment(comments, marker, login);
  const decision = decideComment({ ...request, existing });

  if (decision.action === 'none') {
    return { action: 'none', url: existing?.url ?? null, detail: decision.reason };
  }

  const body = decision.body === 'resolved' ? request.renderResolved() : request.renderReport();
  if (decision.action === 'create') {
    const created = await api.createIssueComment(issueNumber, body);
    return { action: 'create', url: created.url, detail: `created comment ${created.id}` };
  }

  const updated = await api.updateIssueComment(decision.commentId, body);
  return { action: 'update', url: updated.url, detail: `updated comment ${updated.id}` };
}
