/**
 * Everything the Action reads from or writes to its runner, as one object passed to `run()`.
 * runner.ts builds the real one from the environment; tests build fakes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ReviewFunction } from '../git/plan.js';
import type { InputName } from '../settings.js';
import type { GitHubApi } from './github-api.js';

export interface RunnerEnvironment {
  eventName: string;
  /** The parsed webhook payload (GITHUB_EVENT_PATH); `{}` when there is none. */
  payload: unknown;
  /** Why the payload could not be read, or null. */
  payloadProblem: string | null;
  /** GITHUB_SHA: the commit the run is for. */
  sha: string;
  repository: { owner: string; repo: string };
  /** The folder the repository was checked out to (GITHUB_WORKSPACE). */
  workspace: string;
  serverUrl: string;
  workflow: string;
  job: string;
}

export interface AnnotationProperties {
  title: string;
  file?: string;
  startLine?: number;
}

/** The subset of @actions/core logging the Action uses. */
export interface ActionLog {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string, properties?: AnnotationProperties): void;
  error(message: string, properties?: AnnotationProperties): void;
  notice(message: string, properties?: AnnotationProperties): void;
  group<T>(name: string, run: () => Promise<T>): Promise<T>;
}

export type OutputName =
  'findings' | 'finding-count' | 'highest-severity' | 'failed' | 'comment-url' | 'configuration';

export interface ActionContext {
  environment: RunnerEnvironment;
  readInput(name: InputName): string;
  log: ActionLog;
  setOutput(name: OutputName, value: string): void;
  setFailed(message: string): void;
  writeSummary(markdown: string): Promise<void>;
  /**
   * Writes a report file (`sarif-file`), creating its folder; the path is absolute. Optional:
   * without it the file is written to disk directly, as the runner's context does.
   */
  writeFile?(path: string, text: string): Promise<void>;
  /**
   * The REST API for `token`; its warnings (rate limits it waits out) go to `log`, the step's
   * log, so they are counted with the step's other annotations.
   */
  createGitHubApi(token: string, log: ActionLog): GitHubApi;
  /** The engine; replaceable so the orchestration can be tested on its own. */
  review: ReviewFunction;
}

/** Writes a file, creating its folder: the runner's `writeFile`, and the default without one. */
export async function writeReportFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}
