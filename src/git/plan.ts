/**
 * From two revisions to a review: select the documents on each side, pair them, run the
 * engine on every pair, and set each document's status from what changed. Shared by the
 * Action and the CLI's git mode.
 */
import type { DocumentReview, ReviewResult, SecurityModel } from '../compare/finding.js';
import { reviewDocument } from '../engine.js';
import { assertSafeRef, resolveLocalCommit, RevisionError } from './commits.js';
import { diffRevisions, type FileChange } from './diff.js';
import { changedPaths, pairDocuments, pairStatus, type DocumentPair } from './pairing.js';
import { GitRevision, type Revision } from './revision.js';
import { selectDocuments } from './select.js';
import type { TreeEntry } from './tree.js';

export interface ReviewPlan {
  base: Revision;
  head: Revision;
  pairs: DocumentPair[];
  /** Paths whose content differs between base and head. */
  changed: Set<string>;
  /** Every file path of the head revision, to know which locations can be annotated. */
  headFiles: Set<string>;
  /** Candidates over the size limit that the default selection could not inspect. */
  oversized: string[];
}

export async function planReview(
  base: Revision,
  head: Revision,
  globs: string[],
): Promise<ReviewPlan> {
  const verdictsByOid = new Map<string, boolean>();
  const baseSelection = await selectDocuments(base, globs, verdictsByOid);
  const headSelection = await selectDocuments(head, globs, verdictsByOid);

  // Rename detection needs both commits in one clone; over the REST API, a renamed document
  // shows as one deleted and one added document. TODO(#3): use the compare API for renames.
  let changes: FileChange[] = [];
  if (base instanceof GitRevision && head instanceof GitRevision) {
    changes = await diffRevisions(head.repoDir, base.sha, head.sha);
  }

  const [baseFiles, headFiles] = await Promise.all([base.listFiles(), head.listFiles()]);
  const headDocuments = keepBaseDocuments(
    baseSelection.documents,
    headSelection.documents,
    headFiles,
  );
  return {
    base,
    head,
    pairs: pairDocuments(baseSelection.documents, headDocuments, changes),
    changed: changedPaths(baseFiles, headFiles),
    headFiles: new Set(headFiles.map((entry) => entry.path)),
    oversized: [...new Set([...baseSelection.oversized, ...headSelection.oversized])].sort(),
  };
}

/**
 * A base document whose path still holds a file in head is reviewed there, whatever the file
 * now is. The default selection skips symbolic links and files without a top-level `asyncapi`,
 * so a pull request that turned a document into a link to a weaker one, or into something that
 * no longer reads as AsyncAPI, would otherwise pass as a deleted document; reviewed, the head
 * file is refused or invalid, and fails closed.
 */
function keepBaseDocuments(
  baseDocuments: readonly string[],
  headDocuments: readonly string[],
  headFiles: readonly TreeEntry[],
): string[] {
  const selected = new Set(headDocuments);
  const present = new Set(headFiles.map((entry) => entry.path));
  const kept = baseDocuments.filter((path) => present.has(path) && !selected.has(path));
  return [...headDocuments, ...kept].sort();
}

/**
 * For the CLI's git mode: pairs the documents of two revisions of the repository at
 * `repoDir`, both read from the local clone (`headRef` defaults to `HEAD`).
 */
export async function listDocumentPairs(
  repoDir: string,
  baseRef: string,
  headRef: string,
  globs: string[],
): Promise<ReviewPlan> {
  const { base, head } = await openGitRevisions(repoDir, baseRef, headRef);
  return planReview(base, head, globs);
}

export interface GitRevisions {
  base: GitRevision;
  head: GitRevision;
}

/** Both revisions from the local clone; a ref that is not a commit there is a RevisionError. */
export async function openGitRevisions(
  repoDir: string,
  baseRef: string,
  headRef: string,
): Promise<GitRevisions> {
  const [baseSha, headSha] = await Promise.all([
    resolveRequired(repoDir, baseRef, '--base-ref'),
    resolveRequired(repoDir, headRef, '--head-ref'),
  ]);
  return {
    base: new GitRevision(repoDir, baseSha, 'base'),
    head: new GitRevision(repoDir, headSha, 'head'),
  };
}

async function resolveRequired(repoDir: string, ref: string, option: string): Promise<string> {
  assertSafeRef(ref, option);
  const sha = await resolveLocalCommit(repoDir, ref);
  if (sha === undefined) {
    throw new RevisionError(
      `${option} ${ref} is not a commit in ${repoDir}. Fetch it first (git fetch origin ${ref}).`,
    );
  }
  return sha;
}

export type ReviewFunction = typeof reviewDocument;

/**
 * Runs the engine on every pair. The status comes from the pairing and from whether any file
 * either side read changed, so a document whose `$ref` target changed counts as modified.
 */
export async function reviewPlan(
  plan: ReviewPlan,
  model: SecurityModel,
  review: ReviewFunction = reviewDocument,
): Promise<ReviewResult> {
  const documents: DocumentReview[] = [];
  for (const pair of plan.pairs) {
    const base = pair.base === null ? null : { source: plan.base.source, path: pair.base };
    const head = pair.head === null ? null : { source: plan.head.source, path: pair.head };
    const reviewed = await review(base, head, { model });
    documents.push({ ...reviewed, status: pairStatus(pair, reviewed, plan.changed) });
  }
  return { model, documents };
}
