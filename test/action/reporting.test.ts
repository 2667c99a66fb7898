/**
 * What `run()` reports when there is more than GitHub shows: annotations within the limits
 * left by the run's own messages and its failure, pointers to where every finding is that
 * follow the settings, and a "resolved" comment that still names the documents changed.
 * The engine is replaced by one that reports as many findings as a test needs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentMarker } from '../../src/action/comment.js';
import type { IssueComment } from '../../src/action/github-api.js';
import { run } from '../../src/action/main.js';
import type { Finding, Severity } from '../../src/compare/finding.js';
import { reviewDocument } from '../../src/engine.js';
import type { ReviewFunction } from '../../src/git/plan.js';
import type { InputName } from '../../src/settings.js';
import { createTempRepo, type TempRepo } from '../git/temp-repo.js';
import { makeFinding } from './factories.js';
import { fakeContext, memoryApi, type Recorded } from './fake-context.js';

const DOCUMENT = `asyncapi: 3.0.0
info: { title: Orders, version: 1.0.0 }
channels:
  orders: { address: orders }
operations:
  sendOrder: { action: send, channel: { $ref: '#/channels/orders' } }
  receiveOrder: { action: receive, channel: { $ref: '#/channels/orders' } }
`;
const MARKER = commentMarker('CI', 'security');

/** The real engine, with the findings of orders.yaml replaced by `count` of these. */
function reviewWith(count: number, severity: Severity, message = 'Weakened.'): ReviewFunction {
  return async (base, head, options) => {
    const reviewed = await reviewDocument(base, head, options);
    if (head?.path !== 'orders.yaml') return reviewed;
    const findings: Finding[] = Array.from({ length: count }, (_, index) =>
      makeFinding({
        severity,
        operation: `operation${index}`,
        message: `${message} ${index}`,
        location: { file: head.path, line: index + 1 },
      }),
    );
    return { ...reviewed, findings };
  };
}

interface Comments {
  list: IssueComment[];
  bodies: string[];
}

/** A memory API whose comments are kept, by the Bot an installation token writes as. */
function commentingApi(files: Record<string, Record<string, string>>, comments: Comments) {
  const api = memoryApi(files, []);
  api.listIssueComments = () => Promise.resolve(comments.list);
  api.createIssueComment = (_issue, body) => {
    comments.bodies.push(body);
    const created = { id: 100 + comments.list.length, body, author: 'app[bot]', url: 'u' };
    comments.list.push({ ...created, authorType: 'Bot' });
    return Promise.resolve({ ...created, authorType: 'Bot' });
  };
  api.updateIssueComment = (id, body) => {
    comments.bodies.push(body);
    const existing = comments.list.find((comment) => comment.id === id);
    if (existing === undefined) return Promise.reject(new Error('not found'));
    existing.body = body;
    return Promise.resolve(existing);
  };
  return api;
}

let repo: TempRepo;
let baseSha: string;
let headSha: string;
let deletionSha: string;
let notARepo: string;

beforeAll(() => {
  notARepo = mkdtempSync(join(tmpdir(), 'asr-no-git-'));
  repo = createTempRepo();
  repo.write('orders.yaml', DOCUMENT);
  repo.write('retired.yaml', DOCUMENT);
  baseSha = repo.commit('base');
  repo.write('orders.yaml', DOCUMENT.replace('1.0.0', '1.0.1'));
  headSha = repo.commit('head');
  repo.remove('retired.yaml');
  deletionSha = repo.commit('retire a document');
});

afterAll(() => {
  repo.cleanup();
  rmSync(notARepo, { recursive: true, force: true });
});

function pullRequest(base: string, head: string) {
  return { pull_request: { number: 3, base: { sha: base }, head: { sha: head } } };
}

async function runOn(
  inputs: Partial<Record<InputName, string>>,
  review: ReviewFunction,
  options: { head?: string; api?: ReturnType<typeof memoryApi>; workspace?: string } = {},
): Promise<Recorded> {
  const { context, recorded } = fakeContext({
    workspace: options.workspace ?? repo.dir,
    eventName: 'pull_request',
    payload:
      options.workspace === undefined
        ? pullRequest(baseSha, options.head ?? headSha)
        : pullRequest('base', 'head'),
    inputs,
    ...(options.api === undefined ? {} : { api: options.api }),
  });
  context.review = review;
  await run(context);
  return recorded;
}

function annotations(recorded: Recorded, level: string) {
  return recorded.logs.filter((log) => log.level === level);
}

function moreFindings(recorded: Recorded) {
  return recorded.logs.find((log) => log.properties?.title === 'More findings');
}

describe('annotations within what GitHub shows', () => {
  it('keeps an error slot for the failure message of the step', async () => {
    const recorded = await runOn({ 'comment-summary-in-pr': 'never' }, reviewWith(12, 'critical'));

    expect(recorded.failed).toEqual([
      '12 finding(s); the worst is critical, which reaches fail-on-severity high.',
    ]);
    // The failure is the tenth error; GitHub would drop an eleventh.
    expect(annotations(recorded, 'error')).toHaveLength(9);
    expect(moreFindings(recorded)?.message).toBe(
      '3 more findings are not annotated, because GitHub shows at most 10 annotations of each ' +
        'level per step. The job summary of this run lists every finding.',
    );
  });

  it("counts the run's own warnings, and the warn-only warning still to come", async () => {
    const files = { base: { 'orders.yaml': DOCUMENT }, head: { 'orders.yaml': DOCUMENT } };
    const recorded = await runOn(
      { 'comment-summary-in-pr': 'never', 'warn-only': 'true', 'fail-on-severity': 'medium' },
      reviewWith(12, 'medium'),
      { workspace: notARepo, api: memoryApi(files, []) },
    );

    expect(recorded.failed).toEqual([]);
    const warnings = annotations(recorded, 'warning');
    expect(warnings).toHaveLength(10);
    // No clone, and this API cannot find the merge base: two warnings before the findings.
    expect(warnings.slice(0, 2).map((warning) => warning.properties?.title)).toEqual([
      'No checkout',
      'No merge base',
    ]);
    expect(warnings.at(-1)?.properties?.title).toBe('Security findings');
    expect(moreFindings(recorded)?.message).toMatch(/^5 more findings are not annotated/);
  });
});

describe('pointers to every finding', () => {
  it('point to the findings output, not a job summary, with job-summary: false', async () => {
    const comments: Comments = { list: [], bodies: [] };
    const recorded = await runOn(
      { 'job-summary': 'false' },
      reviewWith(120, 'critical', 'x'.repeat(900)),
      { api: commentingApi({}, comments) },
    );

    expect(recorded.summaries).toEqual([]);
    const notice = moreFindings(recorded)?.message ?? '';
    expect(notice).toMatch(/The `findings` output of this step holds every finding as JSON\.$/);
    expect(notice).not.toContain('job summary');
    expect(comments.bodies).toHaveLength(1);
    expect(comments.bodies[0]).toMatch(/not shown\*\* \(\d+ critical\): this report is cut/);
    expect(comments.bodies[0]).toContain(
      'The `findings` output of this step holds every finding as JSON.',
    );
    expect(comments.bodies[0]).not.toContain('job summary');
  });

  it('point to the check run with job-summary: false and check-run: true', async () => {
    const recorded = await runOn(
      { 'job-summary': 'false', 'check-run': 'true', 'comment-summary-in-pr': 'never' },
      reviewWith(12, 'critical'),
    );
    expect(moreFindings(recorded)?.message).toMatch(
      /The check run "AsyncAPI Security Review" of this run annotates every finding\.$/,
    );
  });
});

describe('a pull request that deletes a document', () => {
  const none = reviewWith(0, 'info');

  it('lists the deletion in the resolved comment', async () => {
    const comments: Comments = {
      list: [
        { id: 7, body: `${MARKER}\nold report`, author: 'app[bot]', authorType: 'Bot', url: 'u' },
      ],
      bodies: [],
    };
    const recorded = await runOn({}, none, {
      head: deletionSha,
      api: commentingApi({}, comments),
    });

    expect(recorded.failed).toEqual([]);
    expect(comments.bodies).toHaveLength(1);
    const body = comments.bodies[0] ?? '';
    expect(body.split('\n')[0]).toBe(MARKER);
    expect(body).toContain('✅ Resolved');
    expect(body).toContain(
      '- `retired.yaml`: deleted; its 2 operations are no longer described or reviewed',
    );
  });

  it('is not passed silently without a comment: a notice and the check run title', async () => {
    const comments: Comments = { list: [], bodies: [] };
    const api = commentingApi({}, comments);
    const recorded = await runOn({ 'check-run': 'true', 'comment-summary-in-pr': 'always' }, none, {
      head: deletionSha,
      api,
    });

    expect(recorded.failed).toEqual([]);
    // No finding: no new comment, whatever the mode.
    expect(comments.bodies).toEqual([]);
    expect(recorded.logs).toContainEqual({
      level: 'notice',
      message:
        'retired.yaml was deleted: its 2 operation(s) are no longer described here, and no ' +
        'longer reviewed.',
      properties: { title: 'AsyncAPI document deleted' },
    });
    expect(api.checkRuns[0]?.request.output.title).toBe('No findings; 1 document deleted');
    expect(api.checkRuns[0]?.request.conclusion).toBe('success');
  });
});
