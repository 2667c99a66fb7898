/**
 * The Action's own log lines, as the runner reads them. `core.info` writes its text to stdout
 * as it is, and the runner takes a line that starts with `::` as a workflow command; so a file
 * name or a server name from a pull request must not reach such a line unescaped. (Annotations,
 * warnings and debug lines go through `core`'s command encoding and are covered by
 * strings.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ActionContext } from '../../src/action/context.js';
import { run } from '../../src/action/main.js';
import { reviewDocument } from '../../src/engine.js';
import { createTempRepo, type TempRepo } from '../git/temp-repo.js';
import { asyncapi3 } from './fixtures.js';
import { expectInertLog } from './outputs.js';

const HOSTILE = 'x\n::error title=forged::forged\n##[warning]forged';
// Git keeps any byte but NUL and `/` in a file name; the default selection takes this one.
const PATH = `specs/orders\n::error::forged.yaml`;

let repo: TempRepo;
let baseSha: string;
let headSha: string;

beforeAll(() => {
  repo = createTempRepo();
  repo.write(PATH, asyncapi3());
  baseSha = repo.commit('base');
  // The server loses its protocol: a notice that names it, and a finding.
  repo.write(PATH, asyncapi3({ serverName: HOSTILE }).replace('    protocol: mqtts\n', ''));
  headSha = repo.commit('head');
});

afterAll(() => repo.cleanup());

interface Line {
  level: string;
  message: string;
}

function fakeContext(lines: Line[]): ActionContext {
  const log = (level: string) => (message: string) => void lines.push({ level, message });
  return {
    environment: {
      eventName: 'pull_request',
      payload: { pull_request: { number: 3, base: { sha: baseSha }, head: { sha: headSha } } },
      payloadProblem: null,
      sha: headSha,
      repository: { owner: 'acme', repo: 'api' },
      workspace: repo.dir,
      serverUrl: 'https://github.com',
      workflow: 'CI',
      job: 'security',
    },
    readInput: (name) => (name === 'comment-summary-in-pr' ? 'never' : ''),
    log: {
      debug: log('debug'),
      info: log('info'),
      warning: log('warning'),
      error: log('error'),
      notice: log('notice'),
      group: (_name, body) => body(),
    },
    setOutput: () => undefined,
    setFailed: (message) => void lines.push({ level: 'failed', message }),
    writeSummary: () => Promise.resolve(),
    createGitHubApi: () => {
      throw new Error('no REST call is expected');
    },
    review: reviewDocument,
  };
}

describe('the Action log', () => {
  const lines: Line[] = [];
  const info = () => lines.filter((line) => line.level === 'info').map((line) => line.message);
  beforeAll(() => run(fakeContext(lines)));

  it('reviews the document and logs its notice', () => {
    const log = info().join('\n');
    expect(log).toContain('names no protocol');
    // The file name is there, its line break flattened to a space.
    expect(log).toContain('specs/orders ::error::forged.yaml: modified, 1 finding(s)');
  });

  // src/action/main.ts writes every info line through escapeLogLine (src/report/escape.ts).
  it('prints no workflow command from a file or server name', () => {
    for (const message of info()) expectInertLog(message, 'info');
  });
});
