/** Reading AsyncAPI documents at git revisions: what the Action and the CLI's git mode use. */
export { assertSafeRef, ensureLocalCommit, findMergeBase, isGitRepository } from './commits.js';
export { RevisionError, resolveLocalCommit } from './commits.js';
export { listDocumentPairs, planReview, reviewPlan, type ReviewPlan } from './plan.js';
export { GitRevision, RestRevision, type RepositoryApi, type Revision } from './revision.js';
export type { DocumentPair } from './pairing.js';
