/**
 * The engine's public surface: review one document pair (base and head, either may be absent)
 * and return its findings. Everything here is pure of GitHub; the Action and the CLI call it.
 */
import type { DocumentReview, SecurityModel } from './compare/finding.js';
import type { FileSource } from './load/source.js';

export interface DocumentSide {
  source: FileSource;
  /** Root-relative POSIX path of the document inside `source`. */
  path: string;
}

export interface EngineOptions {
  model: SecurityModel;
}

export async function reviewDocument(
  _base: DocumentSide | null,
  _head: DocumentSide | null,
  _options: EngineOptions,
): Promise<DocumentReview> {
  await Promise.resolve();
  throw new Error('not implemented yet');
}
