/**
 * Which two revisions a run compares, from the event that triggered it. Pure: the payload and
 * the inputs come in, a decision comes out.
 */
import { RevisionError } from '../git/commits.js';

export type RevisionChoice =
  | {
      kind: 'compare';
      base: string;
      head: string;
      /** The pull request to comment on; null outside pull request events. */
      pullRequest: number | null;
      /**
       * True for a pull request's own base: its branch tip when the event fired. The run
       * compares with the merge base of that tip and the head instead, as the pull request's
       * Files tab does, so that what the base branch gained since the branch point does not
       * read as a change the pull request undoes.
       */
      mergeBase: boolean;
      /** How the revisions were chosen, for the log. */
      reason: string;
    }
  | {
      /** A push that created a branch: compare with its merge base on the default branch. */
      kind: 'merge-base';
      defaultBranch: string;
      head: string;
      reason: string;
    }
  | { kind: 'nothing'; reason: string };

export interface ExplicitRefs {
  baseRef: string | null;
  headRef: string | null;
}

export interface EventInput {
  eventName: string;
  payload: unknown;
  /** GITHUB_SHA: the commit that triggered the run. */
  sha: string;
}

const ZERO_SHA = /^0+$/;

export const SUPPORTED_EVENTS = ['pull_request', 'pull_request_target', 'merge_group', 'push'];

/** Reads a string at a path of a JSON payload, or undefined when any step is missing. */
function stringAt(payload: unknown, ...path: string[]): string | undefined {
  let value: unknown = payload;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function numberAt(payload: unknown, ...path: string[]): number | undefined {
  let value: unknown = payload;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'number' ? value : undefined;
}

/** The revisions the event itself names, before explicit inputs are applied. */
function fromEvent(event: EventInput): RevisionChoice | undefined {
  const { eventName, payload } = event;

  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const base = stringAt(payload, 'pull_request', 'base', 'sha');
    const head = stringAt(payload, 'pull_request', 'head', 'sha');
    const pullRequest = numberAt(payload, 'pull_request', 'number') ?? null;
    if (base === undefined || head === undefined) return undefined;
    return {
      kind: 'compare',
      base,
      head,
      pullRequest,
      mergeBase: true,
      reason: `${eventName} base and head`,
    };
  }

  if (eventName === 'merge_group') {
    const base = stringAt(payload, 'merge_group', 'base_sha');
    const head = stringAt(payload, 'merge_group', 'head_sha');
    if (base === undefined || head === undefined) return undefined;
    // The merge group's head is built on its base: the base is the merge base already.
    return {
      kind: 'compare',
      base,
      head,
      pullRequest: null,
      mergeBase: false,
      reason: 'merge_group base and head',
    };
  }

  if (eventName === 'push') {
    const before = stringAt(payload, 'before');
    const after = stringAt(payload, 'after') ?? event.sha;
    if (ZERO_SHA.test(after)) return { kind: 'nothing', reason: 'The push deleted a branch.' };
    if (before !== undefined && !ZERO_SHA.test(before)) {
      return {
        kind: 'compare',
        base: before,
        head: after,
        pullRequest: null,
        mergeBase: false,
        reason: 'push',
      };
    }

    // A zero `before` means the push created the branch: there is no previous tip.
    const defaultBranch = stringAt(payload, 'repository', 'default_branch');
    const ref = stringAt(payload, 'ref');
    if (defaultBranch === undefined || ref === `refs/heads/${defaultBranch}`) {
      return {
        kind: 'nothing',
        reason:
          'The push created the branch and there is no other branch to compare with. ' +
          'Set base-ref to compare with a revision of your choice.',
      };
    }
    return {
      kind: 'merge-base',
      defaultBranch,
      head: after,
      reason: `push created the branch; comparing with its merge base on ${defaultBranch}`,
    };
  }
  return undefined;
}

/**
 * Chooses the revisions to compare. Explicit `base-ref` / `head-ref` win over the event; an
 * event that names no revisions needs `base-ref`, and fails with a message that says so.
 */
export function chooseRevisions(event: EventInput, explicit: ExplicitRefs): RevisionChoice {
  const chosen = fromEvent(event);
  if (explicit.baseRef === null && explicit.headRef === null) {
    if (chosen !== undefined) return chosen;
    throw new RevisionError(
      `The ${event.eventName} event does not say which revisions to compare. Set the ` +
        `\`base-ref\` input (and \`head-ref\`, which defaults to the commit of the run), or ` +
        `run the workflow on ${SUPPORTED_EVENTS.join(', ')}.`,
    );
  }

  const eventHead = chosen === undefined || chosen.kind === 'nothing' ? undefined : chosen.head;
  const head = explicit.headRef ?? eventHead ?? event.sha;
  const base = explicit.baseRef ?? (chosen?.kind === 'compare' ? chosen.base : undefined);
  if (base === undefined) {
    throw new RevisionError(
      `head-ref is set but the ${event.eventName} event names no base revision: set the ` +
        '`base-ref` input too.',
    );
  }

  const pullRequest = chosen?.kind === 'compare' ? chosen.pullRequest : null;
  // Revisions given by hand are compared as given.
  return {
    kind: 'compare',
    base,
    head,
    pullRequest,
    mergeBase: false,
    reason: 'the base-ref and head-ref inputs',
  };
}
