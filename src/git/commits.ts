/** Finding a revision in the local clone, fetching it when the checkout was shallow. */
import { gitSucceeds, runGitText } from './run-git.js';

const FULL_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;

/** A revision that neither the clone, nor a fetch, nor the REST API could provide. */
export class RevisionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RevisionError';
  }
}

export function isFullSha(ref: string): boolean {
  return FULL_SHA.test(ref);
}

/** Refuses a ref git would read as an option (`--upload-pack=...`) or that holds odd bytes. */
export function assertSafeRef(ref: string, inputName: string): void {
  // eslint-disable-next-line no-control-regex
  if (ref.startsWith('-') || /[\u0000-\u0020\u007f]/.test(ref)) {
    throw new RevisionError(
      `${inputName} ${JSON.stringify(ref)} is not a revision git accepts: it starts with "-" ` +
        'or contains spaces or control characters.',
    );
  }
}

export async function isGitRepository(dir: string): Promise<boolean> {
  return gitSucceeds(dir, ['rev-parse', '--git-dir']);
}

/** Resolves a ref to the SHA of its commit in the local clone, or undefined when absent. */
export async function resolveLocalCommit(
  repoDir: string,
  ref: string,
): Promise<string | undefined> {
  try {
    const sha = await runGitText(repoDir, [
      'rev-parse',
      '--verify',
      '--quiet',
      '--end-of-options',
      `${ref}^{commit}`,
    ]);
    return sha.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every fetch takes only the commit asked for: no tags, and no submodule commits, which a pull
 * request could otherwise choose by changing a submodule's recorded commit.
 */
const FETCH_OPTIONS = ['--no-tags', '--no-recurse-submodules', '--quiet'];

export interface FetchOutcome {
  sha: string | undefined;
  /** What was tried, for the log and for the final error message. */
  attempts: string[];
}

/**
 * Makes `ref` available locally. `actions/checkout` fetches one commit by default, so the
 * base of a pull request (and, for `pull_request`, its head, since the merge commit is what
 * was checked out) is usually missing. A shallow clone fetches just that commit; a full clone
 * fetches without `--depth`, because `--depth` would turn it shallow.
 */
export async function ensureLocalCommit(repoDir: string, ref: string): Promise<FetchOutcome> {
  const present = await resolveLocalCommit(repoDir, ref);
  if (present !== undefined) return { sha: present, attempts: [`${ref} is in the clone`] };

  const depth = (await isShallowClone(repoDir)) ? ['--depth=1'] : [];
  const fetchArgs = ['fetch', ...FETCH_OPTIONS, ...depth, '--end-of-options', 'origin', ref];
  const fetched = await gitSucceeds(repoDir, fetchArgs);
  const attempt = `git ${fetchArgs.join(' ')} ${fetched ? 'succeeded' : 'failed'}`;
  if (!fetched) return { sha: undefined, attempts: [`${ref} is not in the clone`, attempt] };

  // A SHA is found directly once fetched; a branch or tag name is found through FETCH_HEAD.
  const sha = await resolveLocalCommit(repoDir, isFullSha(ref) ? ref : 'FETCH_HEAD');
  return { sha, attempts: [`${ref} is not in the clone`, attempt] };
}

/**
 * The merge base of `headSha` with the default branch, for a push that created a branch.
 * Resolves to undefined when the history needed is not there even after fetching the branch.
 * Known gap: a depth-1 checkout lacks the new branch's own history, so the merge base is
 * usually not found and the run says there is nothing to compare; `fetch-depth: 0` fixes it.
 */
export async function findMergeBase(
  repoDir: string,
  defaultBranch: string,
  headSha: string,
): Promise<string | undefined> {
  assertSafeRef(defaultBranch, 'the default branch');
  const fetched = await gitSucceeds(repoDir, [
    'fetch',
    ...FETCH_OPTIONS,
    '--end-of-options',
    'origin',
    `+refs/heads/${defaultBranch}:refs/remotes/origin/${defaultBranch}`,
  ]);
  if (!fetched) return undefined;
  return localMergeBase(repoDir, `refs/remotes/origin/${defaultBranch}`, headSha);
}

/**
 * The merge base of two commits present in the clone, or undefined when git cannot find one:
 * in a shallow clone the history that joins them is usually missing.
 */
export async function localMergeBase(
  repoDir: string,
  base: string,
  head: string,
): Promise<string | undefined> {
  try {
    const found = await runGitText(repoDir, ['merge-base', '--end-of-options', base, head]);
    return found.trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function isShallowClone(repoDir: string): Promise<boolean> {
  return (await runGitText(repoDir, ['rev-parse', '--is-shallow-repository'])).trim() === 'true';
}
