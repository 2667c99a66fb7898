/**
 * The Action with a configuration file, a label, a check run and a SARIF file, run in-process
 * on real git repositories with a recording context (the bundled run is integration.test.ts).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAnnotations,
  checkConclusion,
  checkTitle,
  inBatches,
  writeCheckRun,
} from '../../src/action/check-run.js';
import {
  findAcceptLabel,
  normaliseConfigPath,
  readConfiguration,
} from '../../src/action/configuration.js';
import { GitHubApiError } from '../../src/action/github-api.js';
import { run } from '../../src/action/main.js';
import { GitRevision } from '../../src/git/revision.js';
import { ConfigError } from '../../src/policy/config.js';
import { createTempRepo, type TempRepo } from '../git/temp-repo.js';
import { makeFinding, SECURED, UNSECURED } from './factories.js';
import { fakeContext, memoryApi } from './fake-context.js';

const CONFIG_PATH = '.github/asyncapi-security-review.yml';

const ACCEPT_SEND_ORDER = `accept:
  - rule: security-removed
    operation: sendOrder
    reason: The gateway authenticates every client (SEC-1).
    expires: 2099-12-31
`;

interface Pair {
  repo: TempRepo;
  base: string;
  head: string;
}

const repos: TempRepo[] = [];

/** A repository whose head drops the server's security, with config files on either side. */
function makePair(baseConfig: string | null, headConfig: string | null): Pair {
  const repo = createTempRepo();
  repos.push(repo);
  repo.write('asyncapi.yaml', SECURED);
  if (baseConfig !== null) repo.write(CONFIG_PATH, baseConfig);
  const base = repo.commit('base');
  repo.write('asyncapi.yaml', UNSECURED);
  if (headConfig !== null) repo.write(CONFIG_PATH, headConfig);
  else if (baseConfig !== null) repo.remove(CONFIG_PATH);
  const head = repo.commit('head');
  return { repo, base, head };
}

function pullRequest(pair: Pair, labels: string[] = []) {
  return {
    pull_request: {
      number: 3,
      base: { sha: pair.base },
      head: { sha: pair.head },
      labels: labels.map((name) => ({ name })),
    },
  };
}

async function runOn(
  pair: Pair,
  inputs: Parameters<typeof fakeContext>[0]['inputs'] = {},
  labels: string[] = [],
) {
  const writes: string[] = [];
  const api = memoryApi({}, writes);
  const { context, recorded } = fakeContext({
    workspace: pair.repo.dir,
    eventName: 'pull_request',
    payload: pullRequest(pair, labels),
    inputs: { 'comment-summary-in-pr': 'never', ...inputs },
    api,
  });
  await run(context);
  return { recorded, writes, api };
}

afterAll(() => {
  for (const repo of repos) repo.cleanup();
});

describe('the configuration file in the Action', () => {
  let accepted: Pair;
  beforeAll(() => {
    accepted = makePair(ACCEPT_SEND_ORDER, ACCEPT_SEND_ORDER);
  });

  it('accepts a finding by an entry of the base file, and says which file it used', async () => {
    const { recorded } = await runOn(accepted);
    const short = accepted.base.slice(0, 12);

    expect(recorded.failed).toEqual([]);
    expect(recorded.outputs.failed).toBe('false');
    expect(recorded.outputs['highest-severity']).toBe('critical');
    const [finding] = JSON.parse(recorded.outputs.findings ?? '[]') as {
      fingerprint: string;
      accepted: { by: string; reason: string; expires: string; line: number } | null;
    }[];
    expect(finding?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(finding?.accepted).toEqual({
      by: 'config',
      reason: 'The gateway authenticates every client (SEC-1).',
      expires: '2099-12-31',
      line: 2,
    });
    expect(JSON.parse(recorded.outputs.configuration ?? '{}')).toEqual({
      file: CONFIG_PATH,
      from: 'base',
      revision: accepted.base,
      description: `Configuration: ${CONFIG_PATH} from the base revision (${short}).`,
    });
    expect(recorded.summaries[0]).toContain(
      `Configuration: \`${CONFIG_PATH}\` from the base revision (\`${short}\`).`,
    );
    expect(recorded.summaries[0]).toContain('(accepted)');
  });

  it('lets an input given to the step win over the file', async () => {
    const pair = makePair('fail-on-severity: none\n', null);
    expect((await runOn(pair)).recorded.failed).toEqual([]);

    const { recorded } = await runOn(pair, { 'fail-on-severity': 'critical' });
    expect(recorded.failed).toEqual([
      '1 finding(s); the worst is critical, which reaches fail-on-severity critical.',
    ]);
    expect(recorded.logs).toContainEqual({
      level: 'info',
      message: expect.stringContaining('fail-on-severity critical (input)') as string,
    });
  });

  it('ignores a change of the file in the pull request, and says so', async () => {
    const pair = makePair(null, 'fail-on-severity: none\n');
    const { recorded } = await runOn(pair);

    expect(recorded.failed).toHaveLength(1);
    const base = pair.base.slice(0, 12);
    expect(JSON.parse(recorded.outputs.configuration ?? '{}')).toEqual({
      file: null,
      from: 'base',
      revision: pair.base,
      description:
        `No configuration file: ${CONFIG_PATH} is not in the base revision (${base}); ` +
        'the defaults apply.',
    });
    expect(recorded.logs).toContainEqual({
      level: 'info',
      message:
        `${CONFIG_PATH}: the head revision adds ${CONFIG_PATH}, but this review reads the ` +
        'configuration from the base revision (config-from: base), so the change applies ' +
        'once it is merged.',
    });
    // The summary says both too (escaped as markdown, so only the words are compared).
    expect(recorded.summaries[0]).toContain('No configuration file');
    expect(recorded.summaries[0]).toContain('the head revision adds');
  });

  it('reads the head revision with config-from: head', async () => {
    const pair = makePair(null, 'fail-on-severity: none\n');
    const { recorded } = await runOn(pair, { 'config-from': 'head' });

    expect(recorded.failed).toEqual([]);
    const short = pair.head.slice(0, 12);
    expect(recorded.summaries[0]).toContain(`from the head revision (\`${short}\`)`);
  });

  it('fails on an invalid file, naming the key, the line, the fix and the revision', async () => {
    const pair = makePair('rules:\n  security-removd: low\n', null);
    const { recorded } = await runOn(pair);

    expect(recorded.failed).toHaveLength(1);
    expect(recorded.failed[0]).toContain(`Invalid configuration file ${CONFIG_PATH}:`);
    expect(recorded.failed[0]).toContain(
      `${CONFIG_PATH}:2: rules.security-removd: unknown key security-removd`,
    );
    expect(recorded.failed[0]).toContain('read at the base revision');
    expect(recorded.failed[0]).toContain('fix it on the base branch');
    expect(recorded.outputs).toEqual({});
  });

  it('fails when a config-file given to the step is not there', async () => {
    const pair = makePair(null, null);
    const { recorded } = await runOn(pair, { 'config-file': 'ci/review.yml' });
    expect(recorded.failed).toHaveLength(1);
    expect(recorded.failed[0]).toMatch(/^config-file ci\/review\.yml is not in the base revision/);
  });

  it('accepts every finding when the pull request carries the accept label', async () => {
    const pair = makePair(null, null);
    const labelled = await runOn(pair, { 'accept-label': 'Security-Reviewed' }, [
      'security-reviewed',
    ]);
    expect(labelled.recorded.failed).toEqual([]);
    const [finding] = JSON.parse(labelled.recorded.outputs.findings ?? '[]') as {
      accepted: { by: string } | null;
    }[];
    expect(finding?.accepted).toMatchObject({ by: 'label' });
    expect(labelled.recorded.summaries[0]).toContain('accepted');

    const unlabelled = await runOn(pair, { 'accept-label': 'security-reviewed' }, ['docs']);
    expect(unlabelled.recorded.failed).toHaveLength(1);
  });
});

describe('the check run and the SARIF file in the Action', () => {
  it('creates a check run on the head commit with the conclusion and the annotations', async () => {
    const pair = makePair(null, null);
    const { api, recorded } = await runOn(pair, { 'check-run': 'true' });

    expect(api.checkRuns).toHaveLength(1);
    const [checkRun] = api.checkRuns;
    expect(checkRun?.request).toMatchObject({
      name: 'AsyncAPI Security Review',
      headSha: pair.head,
      conclusion: 'failure',
      output: { title: '1 finding: 1 critical' },
    });
    expect(checkRun?.request.output.annotations).toEqual([
      expect.objectContaining({ path: 'asyncapi.yaml', level: 'failure' }),
    ]);
    expect(checkRun?.request.output.summary).toContain('## AsyncAPI Security Review');
    expect(recorded.failed).toHaveLength(1);
  });

  it('is neutral with warn-only', async () => {
    const pair = makePair(null, null);
    const { api, recorded } = await runOn(pair, { 'check-run': 'true', 'warn-only': 'true' });
    expect(api.checkRuns[0]?.request.conclusion).toBe('neutral');
    expect(recorded.failed).toEqual([]);
  });

  it('writes the SARIF file under the workspace, with paths from the repository root', async () => {
    const pair = makePair(ACCEPT_SEND_ORDER, ACCEPT_SEND_ORDER);
    const { recorded } = await runOn(pair, { 'sarif-file': 'reports/review.sarif' });

    const text = recorded.files[join(pair.repo.dir, 'reports', 'review.sarif')] ?? '';
    const log = JSON.parse(text) as {
      runs: { results: { locations: unknown[]; suppressions: unknown[] }[] }[];
    };
    const [result] = log.runs[0]?.results ?? [];
    expect(result?.locations).toEqual([
      expect.objectContaining({
        physicalLocation: expect.objectContaining({
          artifactLocation: { uri: 'asyncapi.yaml' },
        }) as unknown,
      }),
    ]);
    expect(result?.suppressions).toEqual([
      expect.objectContaining({ kind: 'external', status: 'accepted' }),
    ]);
  });
});

describe('check run pieces', () => {
  it('concludes failure, neutral with warn-only, success when nothing fails', () => {
    expect(checkConclusion(true, false)).toBe('failure');
    expect(checkConclusion(true, true)).toBe('neutral');
    expect(checkConclusion(false, false)).toBe('success');
    expect(checkConclusion(false, true)).toBe('success');
  });

  it('titles the counts and the accepted findings', () => {
    expect(checkTitle([])).toBe('No findings');
    const accepted = {
      ...makeFinding({ severity: 'high', rule: 'security-weakened' }),
      accepted: { by: 'label' as const, reason: 'x', expires: null, line: null },
    };
    expect(checkTitle([makeFinding(), accepted])).toBe(
      '2 findings: 1 critical, 1 high; 1 accepted',
    );
  });

  it('annotates accepted findings as notices and the others at their level', () => {
    const accepted = {
      ...makeFinding(),
      accepted: { by: 'config' as const, reason: 'ok', expires: null, line: 3 },
    };
    const medium = makeFinding({ severity: 'medium', rule: 'security-changed' });
    expect(checkAnnotations([accepted, medium]).map((a) => a.level)).toEqual(['warning', 'notice']);
  });

  it('splits annotations in requests of 50', () => {
    const items = Array.from({ length: 120 }, (_, index) => index);
    expect(inBatches(items).map((batch) => batch.length)).toEqual([50, 50, 20]);
    expect(inBatches([])).toEqual([[]]);
  });

  it('keeps the check run when a later batch fails, and says how many are missing', async () => {
    const api = memoryApi({}, []);
    api.updateCheckRun = () => Promise.reject(new GitHubApiError('boom', 502, 'boom'));
    const annotations = checkAnnotations(Array.from({ length: 60 }, () => makeFinding()));
    const outcome = await writeCheckRun({
      api,
      headSha: 'a'.repeat(40),
      conclusion: 'failure',
      title: 't',
      summary: 's',
      annotations,
    });
    expect(outcome).toMatchObject({ sent: 50, requests: 2, problem: 'boom' });
  });
});

describe('configuration pieces', () => {
  it('normalises the path and refuses one outside the repository', () => {
    expect(normaliseConfigPath('./.github/x.yml')).toBe('.github/x.yml');
    expect(normaliseConfigPath('ci/../.github/x.yml')).toBe('.github/x.yml');
    expect(() => normaliseConfigPath('../x.yml')).toThrow(/not a path inside the repository/);
    expect(() => normaliseConfigPath('/etc/x.yml')).toThrow(/not a path inside the repository/);
  });

  it('refuses a file that is not UTF-8', async () => {
    const repo = createTempRepo();
    repos.push(repo);
    repo.write(CONFIG_PATH, '');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(repo.dir, CONFIG_PATH), Buffer.from([0x66, 0xff, 0x0a]));
    const sha = repo.commit('binary');
    const revision = new GitRevision(repo.dir, sha, 'base');
    const reading = readConfiguration({ base: revision, head: revision }, null, 'base');
    await expect(reading).rejects.toThrow(/not UTF-8/);
    await expect(reading).rejects.not.toBeInstanceOf(ConfigError);
  });

  it('finds the accept label without regard to case', () => {
    const payload = { pull_request: { labels: [{ name: 'Security-Reviewed' }, { name: 'x' }] } };
    expect(findAcceptLabel(payload, 'security-reviewed')).toBe('Security-Reviewed');
    expect(findAcceptLabel(payload, 'other')).toBeNull();
    expect(findAcceptLabel({}, 'x')).toBeNull();
  });
});
