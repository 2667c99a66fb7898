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
): GitHubApi & {
  calls: string[];
} {
  const calls: string[] = [];
  return {
    calls,
    getAuthenticatedLogin: () => Promise.resolve(login),
    listIssueComments: (issue) => {
      calls.push(`list ${issue}`);
      return Promise.resolve(comments);
    },
    createIssueComment: (issue, body) => {
      calls.push(`create ${issue}`);
      return Promise.resolve(comment({ id: 100, body, url: 'created-url' }));
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
    expect(api.calls).toEqual(['list 5', 'create 5']);
  });

  it('updates the comment written by the identity GET /user names', async () => {
    const api = fakeApi([comment({ id: 1 }), comment({ id: 2, author: 'my-bot' })], 'my-bot');
    await writeStickyComment({ ...request, api });
    expect(api.calls).toEqual(['list 5', 'update 2 report']);
  });

  it('falls back to github-actions[bot] when GET /user is refused', async () => {
    const api = fakeApi([comment({ id: 4 })], undefined);
    await writeStickyComment({ ...request, api, findingCount: 0, failed: false });
    expect(api.calls).toEqual(['list 5', 'update 4 resolved']);
  });
});
