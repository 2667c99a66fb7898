/**
 * Pairs the documents of base and head: across renames first, then by path; what is left is
 * added or deleted. Pure: the git calls that feed it live in plan.ts.
 */
import type { DocumentReview } from '../compare/finding.js';
import type { FileChange } from './diff.js';
import type { TreeEntry } from './tree.js';

export interface DocumentPair {
  base: string | null;
  head: string | null;
  /** `same-path` pairs become `modified` or `unchanged` once the files each side read are known. */
  pairing: 'added' | 'deleted' | 'renamed' | 'same-path';
}

export function pairDocuments(
  baseDocuments: readonly string[],
  headDocuments: readonly string[],
  changes: readonly FileChange[],
): DocumentPair[] {
  const unpairedBase = new Set(baseDocuments);
  const unpairedHead = new Set(headDocuments);
  const pairs: DocumentPair[] = [];

  // Renames first: a document moved to a new path, with a new file at its old path, is still
  // compared with its own past.
  for (const change of changes) {
    if (change.status !== 'renamed' || change.previousPath === null) continue;
    if (!unpairedBase.has(change.previousPath) || !unpairedHead.has(change.path)) continue;
    pairs.push({ base: change.previousPath, head: change.path, pairing: 'renamed' });
    unpairedBase.delete(change.previousPath);
    unpairedHead.delete(change.path);
  }

  for (const path of unpairedBase) {
    if (!unpairedHead.has(path)) continue;
    pairs.push({ base: path, head: path, pairing: 'same-path' });
    unpairedBase.delete(path);
    unpairedHead.delete(path);
  }

  for (const path of unpairedBase) pairs.push({ base: path, head: null, pairing: 'deleted' });
  for (const path of unpairedHead) pairs.push({ base: null, head: path, pairing: 'added' });

  // Code-unit order, not locale order: the report must read the same on every runner.
  return pairs.sort((a, b) => (pairKey(a) < pairKey(b) ? -1 : pairKey(a) > pairKey(b) ? 1 : 0));
}

function pairKey(pair: DocumentPair): string {
  return pair.head ?? pair.base ?? '';
}

/** Paths whose content differs between the two file lists, including added and deleted ones. */
export function changedPaths(base: readonly TreeEntry[], head: readonly TreeEntry[]): Set<string> {
  const baseOids = new Map(base.map((entry) => [entry.path, `${entry.mode}:${entry.oid}`]));
  const headOids = new Map(head.map((entry) => [entry.path, `${entry.mode}:${entry.oid}`]));
  const changed = new Set<string>();
  for (const [path, oid] of baseOids) if (headOids.get(path) !== oid) changed.add(path);
  for (const path of headOids.keys()) if (!baseOids.has(path)) changed.add(path);
  return changed;
}

/**
 * The status a reviewer reads. A document whose own text is unchanged still counts as modified
 * when a file it references changed on either side, whatever the engine concluded.
 */
export function pairStatus(
  pair: DocumentPair,
  review: Pick<DocumentReview, 'filesRead' | 'status'>,
  changed: ReadonlySet<string>,
): DocumentReview['status'] {
  if (pair.pairing !== 'same-path') return pair.pairing;
  if (review.status === 'modified') return 'modified';
  const { filesRead } = review;
  const read = [pair.base ?? '', pair.head ?? '', ...filesRead.base, ...filesRead.head];
  const touched = read.some((path) => changed.has(path));
  return touched ? 'modified' : 'unchanged';
}
