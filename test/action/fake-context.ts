/**
 * An ActionContext that records what the Action does (failures, outputs, logs, summaries,
 * files written) and a GitHubApi that serves revisions from memory and records its writes, for
 * the tests of `run()` that need no process and no server.
 */
import type { ActionContext, AnnotationProperties } from '../../src/action/context.js';
import type { CheckRunOutput, CheckRunRequest, GitHubApi } from '../../src/action/github-api.js';
import { reviewDocument } from '../../src/engine.js';
import type { TreeEntry } from '../../src/git/tree.js';
import type { InputName } from '../../src/settings.js';

export interface Recorded {
  failed: string[];
  outputs: Record<string, string>;
  logs: { level: string; message: string; properties?: AnnotationProperties }[];
  summaries: string[];
  /** Files written through the context, by absolute path. */
  files: Record<string, string>;
}

export interface MemoryApi extends GitHubApi {
  checkRuns: { request: CheckRunRequest; updates: CheckRunOutput[] }[];
}

/** A GitHubApi that serves revisions from memory and records comment and check run writes. */
export function memoryApi(
  files: Record<string, Record<string, string>>,
  writes: string[],
): MemoryApi {
  const entries = (ref: string): TreeEntry[] =>
    Object.entries(files[ref] ?? {}).map(([path, text]) => ({
      path,
      mode: path.endsWith('.link') ? '120000' : '100644',
      oid: `${ref}:${path}`,
      size: text.length,
    }));
  const checkRuns: MemoryApi['checkRuns'] = [];
  return {
    checkRuns,
    getAuthenticatedLogin: () => Promise.resolve(undefined),
    listIssueComments: () => Promise.resolve([]),
    createIssueComment: (issue, body) => {
      writes.push(`create ${issue}`);
      return Promise.resolve({
        id: 1,
        body,
        author: 'github-actions[bot]',
        authorType: 'Bot',
        url: 'url',
      });
    },
    updateIssueComment: () => Promise.reject(new Error('unexpected update')),
    createCheckRun: (request) => {
      writes.push(`check run ${request.conclusion} ${request.output.annotations.length}`);
      checkRuns.push({ request, updates: [] });
      return Promise.resolve({ id: checkRuns.length, url: 'check-url' });
    },
    updateCheckRun: (id, output) => {
      writes.push(`check run update ${output.annotations.length}`);
      checkRuns[id - 1]?.updates.push(output);
      return Promise.resolve({ id, url: 'check-url' });
    },
    getTree: (ref) => {
      if (files[ref] === undefined) return Promise.reject(new Error('Not Found'));
      return Promise.resolve(entries(ref));
    },
    getFileContent: (path, ref) => {
      const text = files[ref]?.[path];
      return Promise.resolve(text === undefined ? undefined : new TextEncoder().encode(text));
    },
  };
}

export interface FakeOptions {
  workspace: string;
  eventName: string;
  payload: unknown;
  inputs?: Partial<Record<InputName, string>>;
  api?: GitHubApi;
}

export function fakeContext(options: FakeOptions): { context: ActionContext; recorded: Recorded } {
  const recorded: Recorded = { failed: [], outputs: {}, logs: [], summaries: [], files: {} };
  const log = (level: string) => (message: string, properties?: AnnotationProperties) => {
    recorded.logs.push({ level, message, ...(properties ? { properties } : {}) });
  };
  const context: ActionContext = {
    environment: {
      eventName: options.eventName,
      payload: options.payload,
      payloadProblem: null,
      sha: 'c'.repeat(40),
      repository: { owner: 'acme', repo: 'api' },
      workspace: options.workspace,
      serverUrl: 'https://github.com',
      workflow: 'CI',
      job: 'security',
    },
    readInput: (name) => options.inputs?.[name] ?? '',
    log: {
      debug: log('debug'),
      info: log('info'),
      warning: log('warning'),
      error: log('error'),
      notice: log('notice'),
      group: (_name, body) => body(),
    },
    setOutput: (name, value) => (recorded.outputs[name] = value),
    setFailed: (message) => recorded.failed.push(message),
    writeSummary: (markdown) => {
      recorded.summaries.push(markdown);
      return Promise.resolve();
    },
    writeFile: (path, text) => {
      recorded.files[path] = text;
      return Promise.resolve();
    },
    createGitHubApi: () => options.api ?? memoryApi({}, []),
    review: reviewDocument,
  };
  return { context, recorded };
}
