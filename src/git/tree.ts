/** The files of one revision as git lists them, without checking the revision out. */
import { runGit } from './run-git.js';

export interface TreeEntry {
  /** Root-relative POSIX path. */
  path: string;
  /** Git file mode: 100644, 100755, 120000 (symbolic link), 160000 (submodule). */
  mode: string;
  /** Blob id; two revisions with the same id at a path hold the same content. */
  oid: string;
  /** Size in bytes; null for submodules. */
  size: number | null;
}

export const SYMLINK_MODE = '120000';

/**
 * Parses `git ls-tree -r -z -l` output: `<mode> <type> <oid> <size>\t<path>\0` per entry.
 * Only blobs are kept: a submodule's files are another repository's.
 */
export function parseLsTree(output: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of output.split('\0')) {
    if (record === '') continue;

    const tab = record.indexOf('\t');
    const [mode, type, oid, size] = record.slice(0, tab).trim().split(/\s+/);
    if (type !== 'blob' || mode === undefined || oid === undefined) continue;

    entries.push({
      path: record.slice(tab + 1),
      mode,
      oid,
      size: size === undefined || size === '-' ? null : Number(size),
    });
  }
  return entries;
}

/** Lists every file of the commit `sha`, recursively, with sizes. */
export async function listTree(repoDir: string, sha: string): Promise<TreeEntry[]> {
  const output = await runGit(repoDir, ['ls-tree', '-r', '-z', '-l', '--full-tree', sha]);
  return parseLsTree(output.toString('utf8'));
}
