/** What git says changed between two revisions, renames included. */
import { runGit } from './run-git.js';

export interface FileChange {
  status: 'added' | 'deleted' | 'modified' | 'renamed' | 'copied' | 'type-changed';
  /** Path in head; for a deletion, the path in base. */
  path: string;
  /** Path in base when it differs from `path` (renames and copies); otherwise null. */
  previousPath: string | null;
}

const STATUS_BY_LETTER: Record<string, FileChange['status']> = {
  A: 'added',
  D: 'deleted',
  M: 'modified',
  R: 'renamed',
  C: 'copied',
  T: 'type-changed',
};

/**
 * Parses `git diff --name-status -z` output. Each record is a status field (`R087` carries a
 * similarity score) followed by one path, or two paths for renames and copies.
 */
export function parseNameStatus(output: string): FileChange[] {
  const fields = output.split('\0');
  const changes: FileChange[] = [];

  let index = 0;
  while (index < fields.length) {
    const statusField = fields[index] ?? '';
    index += 1;
    if (statusField === '') continue;

    const status = STATUS_BY_LETTER[statusField.charAt(0)];
    const hasTwoPaths = status === 'renamed' || status === 'copied';
    const first = fields[index] ?? '';
    const second = hasTwoPaths ? (fields[index + 1] ?? '') : null;
    index += hasTwoPaths ? 2 : 1;

    // Unmerged (U) and unknown (X) entries cannot occur between two commits; skip them safely.
    if (status === undefined) continue;
    changes.push({
      status,
      path: second ?? first,
      previousPath: second === null ? null : first,
    });
  }
  return changes;
}

/** Lists the changes from `baseSha` to `headSha`, pairing renamed files by similarity. */
export async function diffRevisions(
  repoDir: string,
  baseSha: string,
  headSha: string,
): Promise<FileChange[]> {
  const output = await runGit(repoDir, [
    'diff',
    '--no-ext-diff',
    '--no-textconv',
    '-M',
    '--name-status',
    '-z',
    baseSha,
    headSha,
    '--',
  ]);
  return parseNameStatus(output.toString('utf8'));
}
