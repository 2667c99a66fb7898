import { describe, expect, it } from 'vitest';
import { chooseRevisions } from '../../src/action/revisions.js';
import { RevisionError } from '../../src/git/commits.js';

const BASE = 'a'.repeat(40);
const HEAD = 'b'.repeat(40);
const ZERO = '0'.repeat(40);
const RUN_SHA = 'c'.repeat(40);
const NO_REFS = { baseRef: null, headRef: null };

function event(eventName: string, payload: unknown) {
  return { eventName, payload, sha: RUN_SHA };
}

const pullRequestPayload = {
  pull_request: { number: 7, base: { sha: BASE }, head: { sha: HEAD } },
};

describe('chooseRevisions', () => {
  it.each(['pull_request', 'pull_request_target'])('takes base and head of %s', (name) => {
    expect(chooseRevisions(event(name, pullRequestPayload), NO_REFS)).toEqual({
      kind: 'compare',
      base: BASE,
      head: HEAD,
      pullRequest: 7,
      // The payload's base is the branch tip; the run looks for the merge base from it.
      mergeBase: true,
      reason: `${name} base and head`,
    });
  });

  it('takes base_sha and head_sha of merge_group, without a pull request to comment on', () => {
    const payload = { merge_group: { base_sha: BASE, head_sha: HEAD } };
    expect(chooseRevisions(event('merge_group', payload), NO_REFS)).toMatchObject({
      kind: 'compare',
      base: BASE,
      head: HEAD,
      pullRequest: null,
    });
  });

  it('takes before and after of a push', () => {
    const choice = chooseRevisions(event('push', { before: BASE, after: HEAD }), NO_REFS);
    expect(choice).toMatchObject({ kind: 'compare', base: BASE, head: HEAD, pullRequest: null });
  });

  it('compares a new branch with its merge base on the default branch', () => {
    const payload = {
      before: ZERO,
      after: HEAD,
      ref: 'refs/heads/feature',
      repository: { default_branch: 'main' },
    };
    expect(chooseRevisions(event('push', payload), NO_REFS)).toMatchObject({
      kind: 'merge-base',
      defaultBranch: 'main',
      head: HEAD,
    });
  });

  it('says there is nothing to compare when the default branch itself is created', () => {
    const payload = {
      before: ZERO,
      after: HEAD,
      ref: 'refs/heads/main',
      repository: { default_branch: 'main' },
    };
    const choice = chooseRevisions(event('push', payload), NO_REFS);
    expect(choice.kind).toBe('nothing');
    expect(choice.reason).toContain('Set base-ref');
  });

  it('says there is nothing to compare when a push deletes the branch', () => {
    const choice = chooseRevisions(event('push', { before: BASE, after: ZERO }), NO_REFS);
    expect(choice).toEqual({ kind: 'nothing', reason: 'The push deleted a branch.' });
  });

  it('lets explicit refs win over the event, keeping the pull request to comment on', () => {
    const refs = { baseRef: 'main', headRef: 'feature' };
    expect(chooseRevisions(event('pull_request', pullRequestPayload), refs)).toMatchObject({
      kind: 'compare',
      base: 'main',
      head: 'feature',
      pullRequest: 7,
      // Chosen by hand: compared as given.
      mergeBase: false,
    });
  });

  it('uses the run commit as head when only base-ref is set on another event', () => {
    const refs = { baseRef: 'v1.0.0', headRef: null };
    expect(chooseRevisions(event('workflow_dispatch', {}), refs)).toMatchObject({
      base: 'v1.0.0',
      head: RUN_SHA,
    });
  });

  it.each(['workflow_dispatch', 'schedule', 'issue_comment'])(
    'fails on %s, naming the inputs that fix it',
    (name) => {
      const attempt = () => chooseRevisions(event(name, {}), NO_REFS);
      expect(attempt).toThrow(RevisionError);
      expect(attempt).toThrow(`The ${name} event does not say which revisions to compare`);
      expect(attempt).toThrow('`base-ref`');
      expect(attempt).toThrow('`head-ref`');
    },
  );

  it('fails when head-ref alone is set and the event names no base', () => {
    const attempt = () => chooseRevisions(event('schedule', {}), { baseRef: null, headRef: 'x' });
    expect(attempt).toThrow('set the `base-ref` input too');
  });
});
