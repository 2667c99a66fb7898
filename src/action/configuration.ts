/**
 * The configuration file as the Action reads it: at the revision `config-from` names (base by
 * default), through the same revision objects the documents are read from, never from the
 * working tree, which holds whatever the checkout and earlier steps put there. Also the
 * pull request label that accepts findings (`accept-label`), read from the event payload.
 */
import { posix } from 'node:path';
import { SourceError } from '../load/source.js';
import type { Revision } from '../git/revision.js';
import {
  ConfigError,
  DEFAULT_CONFIG_PATH,
  parseConfig,
  type LoadedConfig,
} from '../policy/config.js';
import type { ConfigOrigin, PolicyNote } from '../policy/policy.js';

export type ConfigSource = 'base' | 'head';

export interface ActionConfiguration {
  /** The validated file, or null when there is none at the default path. */
  loaded: LoadedConfig | null;
  origin: ConfigOrigin;
  /** What a reader must know about the file, such as a pull request that changes it. */
  notes: PolicyNote[];
}

/** A configuration file that cannot be found or read; the message says what to change. */
export class ConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigFileError';
  }
}

function short(sha: string): string {
  return sha.slice(0, 12);
}

/**
 * The path as git stores it: relative to the repository root, `./` and `a/../` folded. A path
 * that leaves the repository or is absolute is refused: revisions hold no such file.
 */
export function normaliseConfigPath(path: string): string {
  const normal = posix.normalize(path.trim()).replace(/^(\.\/)+/, '');
  if (posix.isAbsolute(normal) || normal === '.' || normal === '..' || normal.startsWith('../')) {
    throw new ConfigFileError(
      `config-file ${JSON.stringify(path)} is not a path inside the repository: give it from ` +
        `the repository root, such as ${DEFAULT_CONFIG_PATH}.`,
    );
  }
  return normal;
}

async function readAt(revision: Revision, path: string): Promise<Uint8Array | undefined> {
  try {
    return await revision.source.readFile(path);
  } catch (error) {
    if (error instanceof SourceError) {
      throw new ConfigFileError(`Cannot read the configuration file: ${error.message}`);
    }
    throw error;
  }
}

function decode(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError(file, [
      { key: '(file)', line: 1, message: 'the file is not UTF-8 text; save it as UTF-8.' },
    ]);
  }
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.from(a).equals(Buffer.from(b));
}

/**
 * Reads and validates the configuration file at the chosen revision. No file at the default
 * path means the defaults, said in the report; no file at a path given to the step is an
 * error, because a typo there would silently drop the policy. An invalid file is an error
 * naming each key, line and fix, and the revision it was read at.
 */
export async function readConfiguration(
  revisions: {
    base: Revision;
    head: Revision;
    /**
     * Where the head branched off, when that is not `base`: what the pull request itself
     * changes in the file is the head against it, not against the base branch as it is now.
     */
    branchPoint?: Revision;
  },
  configFile: string | null,
  from: ConfigSource,
): Promise<ActionConfiguration> {
  const revision = revisions[from];
  const path = configFile === null ? DEFAULT_CONFIG_PATH : normaliseConfigPath(configFile);
  const bytes = await readAt(revision, path);
  const notes: PolicyNote[] = [];

  // With config-from: base, a pull request that edits the file is reviewed with the old one;
  // saying so keeps its author from wondering why the edit has no effect.
  if (from === 'base') {
    const headBytes = await readAt(revisions.head, path).catch(() => undefined);
    const branchPoint = revisions.branchPoint;
    const before =
      branchPoint !== undefined && branchPoint.sha !== revision.sha
        ? await readAt(branchPoint, path).catch(() => undefined)
        : bytes;
    if (!sameBytes(before, headBytes)) {
      const change =
        before === undefined ? 'adds' : headBytes === undefined ? 'deletes' : 'changes';
      notes.push({
        level: 'notice',
        message:
          `the head revision ${change} ${path}, but this review reads the configuration from ` +
          'the base revision (config-from: base), so the change applies once it is merged.',
        file: path,
        line: null,
      });
    }
  }

  if (bytes === undefined) {
    if (configFile !== null) {
      const where =
        from === 'base'
          ? ' It is read from the base revision so that a pull request cannot change the ' +
            'policy that reviews it: add the file on the base branch first.'
          : '';
      throw new ConfigFileError(
        `config-file ${path} is not in the ${from} revision (${short(revision.sha)}). Fix the ` +
          `path, or leave config-file empty to use ${DEFAULT_CONFIG_PATH} when it exists.${where}`,
      );
    }
    return {
      loaded: null,
      origin: {
        file: null,
        from,
        revision: revision.sha,
        absentReason:
          `${path} is not in the ${from} revision (${short(revision.sha)}); ` +
          'the defaults apply',
      },
      notes,
    };
  }

  try {
    const loaded = parseConfig(decode(bytes, path), path);
    return { loaded, origin: { file: path, from, revision: revision.sha }, notes };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const fix =
      from === 'base'
        ? 'fix it on the base branch: a pull request that fixes it is still reviewed with ' +
          'this version.'
        : 'fix it in the pull request.';
    throw new ConfigFileError(
      `${error.message}\nThe file was read at the ${from} revision (${short(revision.sha)}, ` +
        `config-from: ${from}); ${fix}`,
    );
  }
}

/** The names of the labels of a pull_request or pull_request_target payload. */
export function pullRequestLabels(payload: unknown): string[] {
  const pullRequest = (payload as { pull_request?: { labels?: unknown } } | null)?.pull_request;
  const labels = pullRequest?.labels;
  if (!Array.isArray(labels)) return [];
  return labels
    .map((label: unknown) => (label as { name?: unknown } | null)?.name)
    .filter((name): name is string => typeof name === 'string');
}

/**
 * The accept label as the pull request carries it, or null. GitHub treats label names without
 * regard to case (a repository cannot have both `Reviewed` and `reviewed`), and so does this.
 */
export function findAcceptLabel(payload: unknown, acceptLabel: string): string | null {
  const wanted = acceptLabel.toLowerCase();
  return pullRequestLabels(payload).find((name) => name.toLowerCase() === wanted) ?? null;
}
