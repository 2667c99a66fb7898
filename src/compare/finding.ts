/** Findings are values: the compare layer emits them, the report layer renders them. */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse; used to sort findings and to apply `--fail-on`. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}

export type RuleId =
  | 'security-removed'
  | 'security-weakened'
  | 'scopes-reduced'
  | 'transport-downgraded'
  | 'unsecured-operation-added'
  | 'security-reference-unresolved'
  | 'document-invalid'
  | 'security-changed'
  | 'override-removed'
  | 'security-strengthened';

/** What changed in the document to produce a finding (SECURITY-MODEL.md §5). */
export type Cause =
  | 'override removed'
  | 'override changed'
  | 'server security changed'
  | 'scheme definition changed'
  | 'channel servers changed'
  | 'protocol changed'
  | 'operation added'
  | 'document unreadable';

export type SecurityModel = 'override' | 'additive';

/** A place in a file: root-relative path, 1-based line, optional 1-based column. */
export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /**
   * Operation id (3.x key, 2.x operationId) or `<channel> <action>` when it has none; null for
   * a finding about the whole document.
   */
  operation: string | null;
  channel: string | null;
  action: 'send' | 'receive' | null;
  /** The server the finding comes through; null when the document has none or for documents. */
  server: string | null;
  /** The main cause first, then every other cause that applies. */
  causes: Cause[];
  /** One sentence a reviewer reads. */
  message: string;
  /** Effective security in base and head, in a short readable form. */
  before: string;
  after: string;
  /** Head file and line of the most specific node; for deletions, the nearest surviving parent. */
  location: SourceLocation;
  /** Base file and line of what was deleted or changed; null where there is none. */
  baseLocation: SourceLocation | null;
}

/** One document pair as the engine saw it. */
export interface DocumentReview {
  base: string | null;
  head: string | null;
  status: 'added' | 'deleted' | 'modified' | 'unchanged' | 'renamed';
  /** Every file read to resolve each side (the document itself first), for change detection. */
  filesRead: { base: string[]; head: string[] };
  operations: { base: number; head: number };
  findings: Finding[];
  /** Things the engine skipped or assumed, each with where it stands; never silent. */
  notices: Notice[];
}

export interface Notice {
  message: string;
  location: SourceLocation;
}

export interface ReviewResult {
  model: SecurityModel;
  documents: DocumentReview[];
}
