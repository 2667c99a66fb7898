/** The real ActionContext: the runner's environment variables and @actions/core. */
import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { reviewDocument } from '../engine.js';
import { writeReportFile, type ActionContext, type RunnerEnvironment } from './context.js';
import { createGitHubApi } from './github-api.js';

// An unreadable payload is reported by run(), which turns it into a failed step.
function readPayload(eventPath: string | undefined): { payload: unknown; problem: string | null } {
  if (eventPath === undefined || eventPath === '') return { payload: {}, problem: null };
  try {
    return { payload: JSON.parse(readFileSync(eventPath, 'utf8')) as unknown, problem: null };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { payload: {}, problem: `Cannot read GITHUB_EVENT_PATH (${eventPath}): ${reason}` };
  }
}

export function readRunnerEnvironment(env: NodeJS.ProcessEnv): RunnerEnvironment {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const { payload, problem } = readPayload(env.GITHUB_EVENT_PATH);
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload,
    payloadProblem: problem,
    sha: env.GITHUB_SHA ?? '',
    repository: { owner, repo },
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    workflow: env.GITHUB_WORKFLOW ?? '',
    job: env.GITHUB_JOB ?? '',
  };
}

/** Builds the context of a real run. Called once, by index.ts. */
export function createRunnerContext(): ActionContext {
  const environment = readRunnerEnvironment(process.env);
  return {
    environment,
    readInput: (name) => core.getInput(name),
    log: {
      debug: (message) => core.debug(message),
      info: (message) => core.info(message),
      warning: (message, properties) => core.warning(message, properties),
      error: (message, properties) => core.error(message, properties),
      notice: (message, properties) => core.notice(message, properties),
      group: (name, run) => core.group(name, run),
    },
    setOutput: (name, value) => core.setOutput(name, value),
    setFailed: (message) => core.setFailed(message),
    writeSummary: async (markdown) => {
      await core.summary.addRaw(markdown, true).write();
    },
    writeFile: writeReportFile,
    createGitHubApi: (token, log) => {
      return createGitHubApi(token, environment.repository, {
        warning: (message) => log.warning(message, { title: 'GitHub API' }),
      });
    },
    review: reviewDocument,
  };
}
