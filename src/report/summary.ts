/**
 * The job summary: the whole report, which the pull request comment points to when it is cut.
 * GitHub accepts at most 1 MiB of summary per step.
 */
import type { ReviewResult, Severity } from '../compare/finding.js';
import { codeSpan } from './escape.js';
import { renderMarkdown, type BlobLinks, type ReportPolicy } from './markdown.js';

export const SUMMARY_MAX_BYTES = 1024 * 1024 - 1024;

export interface SummaryOptions {
  links: BlobLinks | null;
  failOn: Severity | 'none';
  baseSha: string;
  headSha: string;
  /** Files the default selection could not inspect because of their size. */
  oversized: readonly string[];
  maxBytes?: number;
  /** The configuration in force and the policy's notes. */
  policy?: ReportPolicy;
  /**
   * Where a reader finds the findings a cut summary leaves out (trusted markdown); by default
   * the `findings` output, which holds the worst when all would not fit.
   */
  truncationHint?: string;
}

/** Renders the job summary: revisions compared, skipped files, then every finding. */
export function renderJobSummary(result: ReviewResult, options: SummaryOptions): string {
  const unchanged = result.documents.filter((document) => document.status === 'unchanged');
  const notes = [
    `Compared base ${codeSpan(options.baseSha.slice(0, 12))} with head ` +
      `${codeSpan(options.headSha.slice(0, 12))}; ` +
      `${unchanged.length} of ${result.documents.length} documents are unchanged.`,
  ];
  if (options.oversized.length > 0) {
    const names = options.oversized
      .slice(0, 20)
      .map((path) => codeSpan(path))
      .join(', ');
    notes.push(
      `Not inspected, over the size limit: ${names}. Name them in \`files\` to review them.`,
    );
  }

  return renderMarkdown(result, {
    links: options.links,
    failOn: options.failOn,
    preamble: notes.join('\n'),
    maxBytes: options.maxBytes ?? SUMMARY_MAX_BYTES,
    truncationHint:
      options.truncationHint ?? 'The `findings` output of this step holds every finding as JSON.',
    ...(options.policy === undefined ? {} : { policy: options.policy }),
  });
}
