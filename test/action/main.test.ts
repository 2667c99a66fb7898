import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/action/main.js';
import { createTempRepo, type TempRepo } from '../git/temp-repo.js';
import { fakeContext, memoryApi } from './fake-context.js';
import { SECURED, UNSECURED } from './factories.js';

function pullRequest(base: string, head: string) {
  return { pull_request: { number: 3, base: { sha: base }, head: { sha: head } } };
}

let notARepo: string;
let repo: TempRepo;
let baseSha: string;
let headSha: string;

beforeAll(() => {
  notARepo = mkdtempSync(join(tmpdir(), 'asr-no-git-'));
  repo = createTempRepo();
  repo.write('asyncapi.yaml', SECURED);
  repo.write('retired.yaml', SECURED);
  baseSha = repo.commit('base');
  repo.write('asyncapi.yaml', UNSECURED);
  repo.remove('retired.yaml');
  headSha = repo.commit('head');
});

afterAll(() => {
  rmSync(notARepo, { recursive: true, force: true });
  repo.cleanup();
});

describe('run', () => {
  it('fails an event without revisions, naming the inputs that fix it', async () => {
    const { context, recorded } = fakeContext({
      workspace: repo.dir,
      eventName: 'workflow_dispatch',
      payload: {},
    });
    await run(context);
    expect(recorded.failed).toHaveLength(1);
    expect(recorded.failed[0]).toContain('`base-ref`');
  });

  it('fails an invalid input, naming it', async () => {
    const { context, recorded } = fakeContext({
      workspace: repo.dir,
      eventName: 'push',
      payload: {},
      inputs: { 'fail-on-severity': 'urgent' },
    });
    await run(context);
    expect(recorded.failed[0]).toContain('input `fail-on-severity` is "urgent"');
  });

  it('passes with a notice when a push creates the default branch', async () => {
    const payload = {
      before: '0'.repeat(40),
      after: headSha,
      ref: 'refs/heads/main',
      repository: { default_branch: 'main' },
    };
    const { context, recorded } = fakeContext({ workspace: repo.dir, eventName: 'push', payload });
    await run(context);
    expect(recorded.failed).toEqual([]);
    expect(recorded.outputs).toMatchObject({ 'finding-count': '0', failed: 'false' });
    expect(
      recorded.logs.some((log) => log.level === 'notice' && /Nothing to compare/.test(log.message)),
    ).toBe(true);
  });

  it('reports a deleted document and the weakening, and fails the check', async () => {
    const writes: string[] = [];
    const { context, recorded } = fakeContext({
      workspace: repo.dir,
      eventName: 'pull_request',
      payload: pullRequest(baseSha, headSha),
      api: memoryApi({}, writes),
    });
    await run(context);

    expect(recorded.failed).toEqual([
      '1 finding(s); the worst is critical, which reaches fail-on-severity high.',
    ]);
    expect(recorded.summaries[0]).toContain('| `retired.yaml` | deleted |');
    expect(recorded.logs).toContainEqual({ level: 'info', message: 'deleted: retired.yaml' });
    expect(recorded.logs).toContainEqual({
      level: 'notice',
      message: expect.stringMatching(/^retired\.yaml was deleted: its 1 operation\(s\)/) as string,
      properties: { title: 'AsyncAPI document deleted' },
    });
    expect(writes).toEqual(['create 3']);
  });

  it('only warns with warn-only, and still says the check failed in the outputs', async () => {
    const { context, recorded } = fakeContext({
      workspace: repo.dir,
      eventName: 'push',
      payload: { before: baseSha, after: headSha },
      inputs: { 'warn-only': 'true' },
    });
    await run(context);
    expect(recorded.failed).toEqual([]);
    expect(recorded.outputs.failed).toBe('true');
    const warning = recorded.logs.find((log) => log.properties?.title === 'Security findings');
    expect(warning?.message).toContain('warn-only is set');
  });

  it('reads both revisions over the REST API when the workspace has no clone', async () => {
    const api = memoryApi(
      {
        base: { 'asyncapi.yaml': SECURED, 'docs.link': 'x' },
        head: { 'asyncapi.yaml': UNSECURED, 'docs.link': 'x' },
      },
      [],
    );
    const { context, recorded } = fakeContext({
      workspace: notARepo,
      eventName: 'pull_request',
      payload: pullRequest('base', 'head'),
      inputs: { 'comment-summary-in-pr': 'never' },
      api,
    });
    await run(context);

    expect(recorded.logs.find((log) => log.properties?.title === 'No checkout')).toBeDefined();
    expect(recorded.outputs['highest-severity']).toBe('critical');
    expect(recorded.logs).toContainEqual({
      level: 'error',
      message: expect.stringContaining('anonymous') as string,
      properties: { title: 'security-removed (critical)', file: 'asyncapi.yaml', startLine: 4 },
    });
  });

  it('fails, never treating the base as empty, when no way can read it', async () => {
    const { context, recorded } = fakeContext({
      workspace: repo.dir,
      eventName: 'pull_request',
      payload: pullRequest('d'.repeat(40), headSha),
    });
    await run(context);
    expect(recorded.failed).toHaveLength(1);
    expect(recorded.failed[0]).toMatch(/^Cannot read the base revision d{40}/);
    expect(recorded.failed[0]).toContain('git fetch');
    expect(recorded.failed[0]).toContain('fetch-depth: 0');
    expect(recorded.outputs).toEqual({});
  });
});
