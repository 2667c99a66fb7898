import { describe, expect, it } from 'vitest';
import {
  ACTIONS_BOT_LOGIN,
  commentMarker,
  decideComment,
  findStickyComment,
  writeStickyComment,
  type CommentDecisionInput,
} from '../../src/action/comment.js';
import type { GitHubApi, IssueComment } from '../../src/action/github-api.js';

const MARKER = commentMarker('CI', 'security');

function comment(overrides: Partial<IssueComment> = {}): IssueComment {
  return {
    id: 1,
    body: `${MARKER}\nold report`,
    author: ACTIONS_BOT_LOGIN,
    authorType: 'Bot',
    url: 'u1',
    ...overrides,
  };
}

describe('commentMarker', () => {
  it('is an HTML comment naming the workflow and the job', () => {
    expect(MARKER).toBe('<!-- asyncapi-security-review workflow=CI job=security -->');
  });

  it('cannot be closed early by a workflow name', () => {
    const marker = commentMarker('evil --> <img src=x>', 'job');
    expect(marker.match(/-->/g)).toHaveLength(1);
    expect(marker).not.toContain('<img');
  });

  it('differs per job', () => {
    expect(commentMarker('CI', 'a')).not.toBe(commentMarker('CI', 'b'));
  });
});

describe('findStickyComment', () => {
  it('finds the comment of this identity that starts with the marker', () => {
    const mine = comment({ id: 3 });
    const comments = [comment({ id: 2, author: 'someone' }), mine];
    expect(findStickyComment(comments, MARKER, ACTIONS_BOT_LOGIN)).toBe(mine);
  });

  it('ignores the marker quoted further down a body', () => {
    const quoted = comment({ body: `A reviewer wrote:\n${MARKER}` });
    expect(findStickyComment([quoted], MARKER, ACTIONS_BOT_LOGIN)).toBeUndefined();
  });

  it("ignores another job's marker", () => {
    const other = comment({ body: `${commentMarker('CI', 'other')}\nreport` });
    expect(findStickyComment([other], MARKER, ACTIONS_BOT_LOGIN)).toBeUndefined();
  });

  it('takes a Bot comment with the marker when the login is unknown (an App token)', () => {
    const app = comment({ id: 5, author: 'review-app[bot]' });
    expect(findStickyComment([app], MARKER, undefined)).toBe(app);
  });

  it('never takes a user comment that spells the marker, even when the login is unknown', () => {
    const forged = comment({ author: 'mallory', authorType: 'User' });
    const ghost = comment({ author: null, authorType: null });
    const quoted = comment({ body: `quoting\n${MARKER}` });
    expect(findStickyComment([forged, ghost, quoted], MARKER, undefined)).toBeUndefined();
  });
});

describe('decideComment', () => {
  const base: CommentDecisionInput = {
    mode: 'on-failure',
    findingCount: 0,
    failed: false,
    existing: undefined,
  };

  it.each([
    ['a clean pull request', {}, { action: 'none', reason: 'no findings' }],
    ['mode never', { mode: 'never', findingCount: 3, failed: true }, { action: 'none' }],
    ['a failing review', { findingCount: 2, failed: true }, { action: 'create', body: 'report' }],
    [
      'findings under the threshold with on-failure',
      { findingCount: 2 },
      { action: 'none', reason: 'no finding reaches fail-on-severity' },
    ],
    ['findings with always', { mode: 'always', findingCount: 1 }, { action: 'create' }],
    [
      'a fixed pull request with an earlier comment',
      { existing: comment({ id: 9 }) },
      { action: 'update', body: 'resolved', commentId: 9 },
    ],
    [
      'findings no longer failing with an earlier comment',
      { findingCount: 1, existing: comment({ id: 9 }) },
      { action: 'update', body: 'report', commentId: 9 },
    ],
  ] as const)('handles %s', (_name, overrides, expected) => {
    expect(decideComment({ ...base, ...overrides })).toMatchObject(expected);
  });
});

function fakeApi(
  comments: IssueComment[],
  login: string | undefined,
  /** Who the comments this token creates are by; the comments listed after a create. */
  creates: { author: string; listedAfter?: IssueComment[] } = { author: ACTIONS_BOT_LOGIN },
): GitHubApi & {
  calls: string[];
} {
  const calls: string[] = [];
  let listed = comments;
  return {
    calls,
    getAuthenticatedLogin: () => Promise.resolve(login),
    listIssueComments: (issue) => {
      calls.push(`list ${issue}`);
      return Promise.resolve(listed);
    },
    createIssueComment: (issue, body) => {
      calls.push(`create ${issue}`);
      const created = comment({ id: 100, body, author: creates.author, url: 'created-url' });
      listed = creates.listedAfter ?? [...listed, created];
      return Promise.resolve(created);
    },
    deleteIssueComment: (id) => {
      calls.push(`delete ${id}`);
      return Promise.resolve();
    },
    updateIssueComment: (id, body) => {
      calls.push(`update ${id} ${body.split('\n')[1] ?? ''}`);
      return Promise.resolve(comment({ id, body, url: 'updated-url' }));
    },
    createCheckRun: () => Promise.reject(new Error('unused')),
    updateCheckRun: () => Promise.reject(new Error('unused')),
    getTree: () => Promise.reject(new Error('unused')),
    getFileContent: () => Promise.reject(new Error('unused')),
  };
}

describe('writeStickyComment', () => {
  const request = {
    issueNumber: 5,
    marker: MARKER,
    mode: 'on-failure' as const,
    findingCount: 1,
    failed: true,
    renderReport: () => `${MARKER}\nreport`,
    renderResolved: () => `${MARKER}\nresolved`,
  };

  it('creates the comment when there is none', async () => {
    const api = fakeApi([], undefined);
    const outcome = await writeStickyComment({ ...request, api });
    expect(outcome).toMatchObject({ action: 'create', url: 'created-url' });
    expect(api.calls).toEqual(['list 5', 'create 5', 'list 5']);
  });

  it('updates the comment written by the identity GET /user names', async () => {
    const api = fakeApi([comment({ id: 1 }), comment({ id: 2, author: 'my-bot' })], 'my-bot');
    await writeStickyComment({ ...request, api });
    expect(api.calls).toEqual(['list 5', 'update 2 report']);
  });

  it('finds the github-actions[bot] comment when GET /user is refused', async () => {
    const api = fakeApi([comment({ id: 4 })], undefined);
    await writeStickyComment({ ...request, api, findingCount: 0, failed: false });
    expect(api.calls).toEqual(['list 5', 'update 4 resolved']);
  });

  it('updates the comment of a GitHub App token, whose login GET /user does not give', async () => {
    const app = comment({ id: 6, author: 'review-app[bot]' });
    const api = fakeApi([app], undefined, { author: 'review-app[bot]' });
    const outcome = await writeStickyComment({ ...request, api });
    expect(outcome.action).toBe('update');
    expect(api.calls).toEqual(['list 5', 'update 6 report']);
  });

  it('creates its own comment rather than take over one a user wrote with the marker', async () => {
    const forged = comment({ id: 3, author: 'mallory', authorType: 'User' });
    const api = fakeApi([forged], undefined);
    await writeStickyComment({ ...request, api });
    expect(api.calls).toEqual(['list 5', 'create 5', 'list 5']);
  });

  it('settles a race among the comments of the identity its new comment names', async () => {
    // Another Bot's comment with the marker appeared meanwhile, and a racing run of this token
    // created comment 50: 50 is kept and the other Bot's comment is left alone.
    const other = comment({ id: 40, author: 'other-app[bot]' });
    const racing = comment({ id: 50, author: 'review-app[bot]' });
    const api = fakeApi([], undefined, {
      author: 'review-app[bot]',
      listedAfter: [other, racing, comment({ id: 100, author: 'review-app[bot]' })],
    });
    const outcome = await writeStickyComment({ ...request, api });
    expect(outcome).toMatchObject({ action: 'update', detail: 'updated comment 50 (raced)' });
    expect(api.calls).toEqual(['list 5', 'create 5', 'list 5', 'delete 100', 'update 50 report']);
  });

  it('points a comment GitHub refused as too long to the place the caller names', async () => {
    const api = fakeApi([], undefined);
    const bodies: string[] = [];
    api.createIssueComment = (_issue, body) => {
      bodies.push(body);
      if (bodies.length === 1) {
        const tooLong = { status: 422, details: 'body is too long (maximum is 400 characters)' };
        return Promise.reject(Object.assign(new Error('too long'), tooLong));
      }
      return Promise.resolve(comment({ id: 100, body }));
    };
    const findings = Array.from({ length: 20 }, (_, n) => `#### finding ${n}\n${'x'.repeat(40)}\n`);
    const outcome = await writeStickyComment({
      ...request,
      api,
      renderReport: () => `${MARKER}\n## Report\n\n${findings.join('\n')}`,
      truncationHint: 'The `findings` output of this step holds every finding as JSON.',
    });
    expect(outcome.action).toBe('create');
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toContain(
      'GitHub refused the full comment as too long. The `findings` output of this step holds',
    );
    expect(bodies[1]).not.toContain('job summary');
  });
});
