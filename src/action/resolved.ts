/**
 * What the "resolved" comment adds to the report's short note: the documents the pull request
 * still adds, deletes or renames. None of them is a finding, but a deleted document takes its
 * operations out of review, which a reader of "resolved" must not miss.
 */
import type { DocumentReview, ReviewResult } from '../compare/finding.js';
import { clip, codeSpan } from '../report/escape.js';

const MAX_LISTED = 50;
const MAX_NAME = 200;

function operations(count: number): string {
  return `${count} operation${count === 1 ? '' : 's'}`;
}

function describe(document: DocumentReview): string | null {
  const name = (path: string | null) => codeSpan(clip(path ?? '', MAX_NAME));
  switch (document.status) {
    case 'deleted':
      return (
        `- ${name(document.base)}: deleted; its ${operations(document.operations.base)} ` +
        'are no longer described or reviewed'
      );
    case 'added':
      return `- ${name(document.head)}: added, with ${operations(document.operations.head)}`;
    case 'renamed':
      return `- ${name(document.head)}: renamed from ${name(document.base)}`;
    default:
      return null;
  }
}

/** The documents added, deleted or renamed, as a markdown list; '' when there are none. */
export function renderDocumentChanges(result: ReviewResult): string {
  const lines = result.documents.map(describe).filter((line): line is string => line !== null);
  if (lines.length === 0) return '';
  const shown = lines.slice(0, MAX_LISTED);
  if (lines.length > shown.length) {
    const more = lines.length - shown.length;
    shown.push(`- … ${more} more document${more === 1 ? '' : 's'}`);
  }
  return [
    'This pull request still adds, deletes or renames AsyncAPI documents:',
    '',
    ...shown,
    '',
  ].join('\n');
}
