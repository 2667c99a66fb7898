/**
 * The markdown report: the pull request comment, the job summary and the CLI's
 * `--format markdown` all come from `renderMarkdown`. Every string that comes from a reviewed
 * document goes through escape.ts; the output always fits the byte budget it is given.
 */
import { diffArrays } from 'diff';
import type { DocumentReview, Finding, ReviewResult, Severity } from '../compare/finding.js';
import { SEVERITIES } from '../compare/finding.js';
import {
  acceptanceOf,
  blockingFindings,
  describeOrigin,
  findingFingerprint,
  type Acceptance,
  type ConfigOrigin,
  type PolicyNote,
} from '../policy/policy.js';
import { TOOL_NAME, VERSION } from '../version.js';
import { compareFindings } from './annotations.js';
import {
  clip,
  codeBlock,
  codeSpan,
  escapeMarkdown,
  escapeMessage,
  flattenToOneLine,
} from './escape.js';

/** GitHub refuses comment bodies over 65,536 characters; UTF-8 bytes bound characters too. */
export const COMMENT_MAX_BYTES = 65_536 - 536;

export interface BlobLinks {
  /** `https://github.com`, or a GitHub Enterprise Server address. */
  serverUrl: string;
  owner: string;
  repo: string;
  /** The head commit: links point at the exact lines that were annotated. */
  headSha: string;
}

export interface MarkdownOptions {
  /** First line of the output, such as the Action's hidden comment marker. Trusted text only. */
  marker?: string;
  heading?: string;
  /** Links each finding to its head line on GitHub; without it, the location is plain text. */
  links?: BlobLinks | null;
  /** The output never exceeds this many UTF-8 bytes; findings past it are counted, not shown. */
  maxBytes?: number;
  /** Where a reader finds what a cut report left out (trusted markdown). */
  truncationHint?: string;
  /** The threshold in force, stated in the summary line; omitted when undefined. */
  failOn?: Severity | 'none';
  /** A trusted markdown paragraph added after the summary line, such as the revisions compared. */
  preamble?: string;
  /** The policy in force: where the configuration came from and what it noted. */
  policy?: ReportPolicy;
}

/** What a report says about the policy: the configuration read and its notes. */
export interface ReportPolicy {
  origin: ConfigOrigin | null;
  notes: readonly PolicyNote[];
}

const DEFAULT_HEADING = 'AsyncAPI Security Review';
const DEFAULT_TRUNCATION_HINT = 'Run the review with `--format json` to read every finding.';

// Document-derived fields are clipped before escaping, so one absurd name cannot eat the budget.
const MAX_NAME = 200;
const MAX_SECURITY_TEXT = 600;
const MAX_MESSAGE = 1_000;
const MAX_DIFF_LINES = 40;
const MAX_DOCUMENT_ROWS = 50;

const SEVERITY_BADGE: Record<Severity, string> = {
  critical: '⛔ critical',
  high: '🔴 high',
  medium: '🟠 medium',
  low: '🟡 low',
  info: '🔵 info',
};

/**
 * The code spans our own sentences hold (rule messages in src/compare/rules.ts, policy notes in
 * src/policy/policy.ts). They render as code; everything else in a message is escaped.
 */
export const MESSAGE_CODE_SPANS: readonly string[] = ['security: []', 'expires'];

/** Ends every report, as the text report's last line does. */
const FOOTER = `_${TOOL_NAME} ${VERSION}_`;

const MODEL_SENTENCE: Record<ReviewResult['model'], string> = {
  override: "an operation's own `security` replaces its server's",
  additive: "an operation must satisfy its server's `security` and its own",
};

/**
 * What no finding means (SECURITY-MODEL.md §4): every way in of every operation is at least as
 * hard as one it had before. Not that nothing changed: a server may swap a scheme for one
 * another server already accepts. Rules a configuration turns off report nothing.
 */
export const NO_FINDING_CLAIM =
  'by the rules in force, no operation is easier to reach than before';

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `1 critical, 2 high`: counts by severity, worst first, zeros left out. */
export function countBySeverity(findings: readonly Finding[]): string {
  return SEVERITIES.map((severity) => {
    const count = findings.filter((finding) => finding.severity === severity).length;
    return count > 0 ? `${count} ${severity}` : '';
  })
    .filter((part) => part !== '')
    .join(', ');
}

/** The findings of every document, worst first. */
export function sortedFindings(result: ReviewResult): Finding[] {
  return result.documents.flatMap((document) => document.findings).sort(compareFindings);
}

/** A link to a line of a head file; each path segment is percent-encoded. */
export function blobLineUrl(links: BlobLinks, file: string, line: number): string {
  const path = file
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[()'!*]/g, percentEncode))
    .join('/');
  const base = links.serverUrl.replace(/\/+$/, '');
  const owner = encodeURIComponent(links.owner);
  const repo = encodeURIComponent(links.repo);
  const sha = encodeURIComponent(links.headSha);
  return `${base}/${owner}/${repo}/blob/${sha}/${path}#L${line}`;
}

function percentEncode(character: string): string {
  return `%${character.charCodeAt(0).toString(16).toUpperCase()}`;
}

/**
 * Splits a short effective-security text (`X or Y on prod over TLS; anonymous on dev over
 * plaintext`) into one line per server, so the diff shows which server's ways in changed. Line
 * breaks a document put in a name are flattened first, and the text is split only where a server
 * group ends, so a name can neither start a line of its own nor split one.
 */
function securityLines(text: string): string[] {
  return flattenToOneLine(text)
    .split(/(?<= over (?:TLS|plaintext));\s+/)
    .map((line) => clip(line.trim(), MAX_SECURITY_TEXT))
    .filter((line) => line !== '');
}

/** The effective security before and after as a `diff` block, clipped to a few lines. */
export function renderSecurityDiff(before: string, after: string): string {
  const lines: string[] = [];
  for (const change of diffArrays(securityLines(before), securityLines(after))) {
    const prefix = change.added ? '+' : change.removed ? '-' : ' ';
    for (const line of change.value) lines.push(`${prefix} ${line}`);
  }

  const shown = lines.slice(0, MAX_DIFF_LINES);
  if (lines.length > shown.length) shown.push(`  … ${lines.length - shown.length} more lines`);
  return codeBlock(shown.join('\n'), 'diff');
}

function renderLocation(finding: Finding, links: BlobLinks | null): string {
  const { file, line } = finding.location;
  const label = `${codeSpan(clip(file, MAX_NAME))} line ${line}`;
  const head = links ? `[${label}](${blobLineUrl(links, file, line)})` : label;
  if (finding.baseLocation === null) return head;

  const base = finding.baseLocation;
  return `${head} (base: ${codeSpan(clip(base.file, MAX_NAME))} line ${base.line})`;
}

/** Channel and server lines; a finding about the whole document has neither. */
function renderOperationLines(finding: Finding): string[] {
  if (finding.operation === null) return [];
  const channel = finding.channel === null ? '_none_' : codeSpan(clip(finding.channel, MAX_NAME));
  const action = finding.action === null ? '' : ` (${finding.action})`;
  const server = finding.server === null ? '_none_' : codeSpan(clip(finding.server, MAX_NAME));
  return [`- **Channel:** ${channel}${action}`, `- **Server:** ${server}`];
}

/** Who accepted the finding and why; the reason may come from a pull request, so escaped. */
function renderAcceptance(acceptance: Acceptance): string {
  const by =
    acceptance.by === 'label'
      ? 'by label'
      : `in the configuration${acceptance.line === null ? '' : ` (line ${acceptance.line})`}`;
  const until = acceptance.expires === null ? '' : `, until ${acceptance.expires}`;
  return (
    `- **Accepted** ${by}${until}: ` +
    `${escapeMarkdown(clip(acceptance.reason.replace(/\.+$/, ''), MAX_MESSAGE))}. ` +
    'It does not fail the check.'
  );
}

/** What in the document changed, main cause first. */
function renderCauses(finding: Finding): string[] {
  if (finding.causes.length === 0) return [];
  const label = finding.causes.length === 1 ? 'Cause' : 'Causes';
  return [`- **${label}:** ${escapeMarkdown(finding.causes.join(', '))}`];
}

function renderFinding(finding: Finding, links: BlobLinks | null): string {
  const acceptance = acceptanceOf(finding);
  const fingerprint = findingFingerprint(finding);
  const subject =
    finding.operation === null
      ? `in ${codeSpan(clip(finding.location.file, MAX_NAME))}`
      : `on ${codeSpan(clip(finding.operation, MAX_NAME))}`;
  const before = codeSpan(clip(finding.before, MAX_SECURITY_TEXT));
  const after = codeSpan(clip(finding.after, MAX_SECURITY_TEXT));

  return [
    `#### ${SEVERITY_BADGE[finding.severity]}: ${codeSpan(finding.rule)} ${subject}` +
      (acceptance === null ? '' : ' (accepted)'),
    '',
    ...(acceptance === null ? [] : [renderAcceptance(acceptance)]),
    ...renderOperationLines(finding),
    `- **Before → after:** ${before} → ${after}`,
    `- **Why:** ${escapeMessage(clip(finding.message, MAX_MESSAGE), MESSAGE_CODE_SPANS)}`,
    ...renderCauses(finding),
    `- **Where:** ${renderLocation(finding, links)}`,
    ...(fingerprint === null ? [] : [`- **Fingerprint:** ${codeSpan(fingerprint)}`]),
    '',
    '<details><summary>Effective security before and after</summary>',
    '',
    renderSecurityDiff(finding.before, finding.after),
    '',
    '</details>',
    '',
  ].join('\n');
}

function describeStatus(document: DocumentReview): string {
  if (document.status === 'renamed' && document.base !== null) {
    return `renamed from ${codeSpan(clip(document.base, MAX_NAME), { inTable: true })}`;
  }
  return document.status;
}

/** One row per document that was added, deleted, renamed, changed or has findings. */
function renderDocumentTable(result: ReviewResult): string {
  const listed = result.documents.filter((document) => {
    return document.status !== 'unchanged' || document.findings.length > 0;
  });
  if (listed.length === 0) return '';

  const rows = listed.slice(0, MAX_DOCUMENT_ROWS).map((document) => {
    const path = codeSpan(clip(document.head ?? document.base ?? '', MAX_NAME), { inTable: true });
    const findings = document.findings.length === 0 ? 'none' : countBySeverity(document.findings);
    return `| ${path} | ${describeStatus(document)} | ${findings} |`;
  });
  if (listed.length > rows.length) {
    rows.push(`| … ${plural(listed.length - rows.length, 'more document')} | | |`);
  }
  return ['| Document | Status | Findings |', '| --- | --- | --- |', ...rows, ''].join('\n');
}

const MAX_NOTES = 20;

/**
 * The policy's notes (expired or unused accept entries, a label) and the engine's notices
 * (what it skipped or assumed), so nothing either did is silent. Warnings come first.
 */
function renderNotes(result: ReviewResult, policy: ReportPolicy | undefined): string {
  const policyNotes = [...(policy?.notes ?? [])].sort((a, b) =>
    a.level === b.level ? 0 : a.level === 'warning' ? -1 : 1,
  );
  const notices = [
    ...policyNotes.map((note) => ({
      file: note.file,
      line: note.line,
      message: note.message,
      warning: note.level === 'warning',
    })),
    ...result.documents.flatMap((document) =>
      document.notices.map((notice) => ({
        ...notice.location,
        message: notice.message,
        warning: false,
      })),
    ),
  ];
  if (notices.length === 0) return '';

  const lines = notices.slice(0, MAX_NOTES).map((notice) => {
    const mark = notice.warning ? '⚠️ ' : '';
    const line = notice.line === null ? '' : ` line ${notice.line}`;
    const where = notice.file === null ? '' : `${codeSpan(clip(notice.file, MAX_NAME))}${line}: `;
    const message = escapeMessage(clip(notice.message, MAX_MESSAGE), MESSAGE_CODE_SPANS);
    return `- ${mark}${where}${message}`;
  });
  if (notices.length > lines.length)
    lines.push(`- … ${plural(notices.length - lines.length, 'more note')}`);
  return ['**Notes**', '', ...lines, ''].join('\n');
}

/** "1 document", or "2 of 8 documents" when only some of those reviewed have findings. */
function documentsWithFindings(result: ReviewResult): string {
  const reviewed = result.documents.length;
  const withFindings = result.documents.filter((document) => document.findings.length > 0).length;
  return withFindings === reviewed
    ? plural(reviewed, 'document')
    : `${withFindings} of ${plural(reviewed, 'document')}`;
}

function renderSummaryLine(result: ReviewResult, findings: Finding[], options: MarkdownOptions) {
  const documentCount = result.documents.length;
  const threshold =
    options.failOn === undefined
      ? ''
      : options.failOn === 'none'
        ? ' Findings do not fail the check.'
        : ` The check fails at ${codeSpan(options.failOn)} or worse.`;

  const acceptedCount = findings.length - blockingFindings(findings).length;
  const accepted = acceptedCount === 0 ? '' : ` ${acceptedCount} accepted.`;
  const counts =
    findings.length === 0
      ? `No findings in ${plural(documentCount, 'document')}: ${NO_FINDING_CLAIM}.`
      : `**${plural(findings.length, 'finding')}** in ${documentsWithFindings(result)}: ` +
        `${countBySeverity(findings)}.${accepted}`;
  const model = `Security model: ${codeSpan(result.model)} (${MODEL_SENTENCE[result.model]}).`;
  const configuration =
    options.policy === undefined ? '' : `\n${renderOrigin(options.policy.origin)}`;
  return `${counts}${threshold}\n${model}${configuration}\n`;
}

/** Which configuration is in force, with the file as a code span (it may name any path). */
function renderOrigin(origin: ConfigOrigin | null): string {
  if (origin?.file === null || origin?.file === undefined) {
    return escapeMarkdown(describeOrigin(origin));
  }
  const file = codeSpan(clip(origin.file, MAX_NAME));
  const revision =
    origin.revision === undefined ? '' : ` (${codeSpan(origin.revision.slice(0, 12))})`;
  const from = origin.from === 'file' ? '' : ` from the ${origin.from} revision${revision}`;
  return `Configuration: ${file}${from}.`;
}

function renderTruncationNotice(hidden: Finding[], hint: string): string {
  return (
    `**${plural(hidden.length, 'more finding')} not shown** (${countBySeverity(hidden)}): ` +
    `this report is cut to fit its size limit. ${hint}\n`
  );
}

/**
 * Renders the review as markdown, worst findings first. Past `maxBytes`, the remaining
 * findings are counted by severity and the reader is pointed to `truncationHint`.
 */
export function renderMarkdown(result: ReviewResult, options: MarkdownOptions = {}): string {
  const maxBytes = options.maxBytes ?? COMMENT_MAX_BYTES;
  const links = options.links ?? null;
  const findings = sortedFindings(result);

  // The fixed part: marker, heading, summary line, the table of documents.
  const head = [
    ...(options.marker === undefined ? [] : [options.marker]),
    `## ${options.heading ?? DEFAULT_HEADING}`,
    '',
    renderSummaryLine(result, findings, options),
    ...(options.preamble === undefined ? [] : [options.preamble, '']),
    renderDocumentTable(result),
    renderNotes(result, options.policy),
  ]
    .join('\n')
    // Absent parts leave runs of blank lines; one blank line separates blocks.
    .replace(/\n{3,}/g, '\n\n');

  // Findings are added while they fit, keeping room for the notice that counts the rest.
  const hint = options.truncationHint ?? DEFAULT_TRUNCATION_HINT;
  const reserve = byteLength(renderTruncationNotice(findings, hint)) + 16;
  const sections: string[] = [];
  let used = byteLength(head) + byteLength(FOOTER) + 2;
  for (const finding of findings) {
    const section = renderFinding(finding, links);
    const isLast = sections.length === findings.length - 1;
    const budget = maxBytes - (isLast ? 0 : reserve);
    if (used + byteLength(section) + 1 > budget) break;
    sections.push(section);
    used += byteLength(section) + 1;
  }

  const hidden = findings.slice(sections.length);
  const tail = hidden.length > 0 ? [renderTruncationNotice(hidden, hint)] : [];
  return fitBytes([head, ...sections, ...tail, `${FOOTER}\n`].join('\n'), maxBytes);
}

/**
 * Last guard: a budget too small even for the fixed part is met by cutting at a line break.
 * With the clipping above this only happens for budgets far below GitHub's limits.
 */
function fitBytes(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text;
  const marker = '\n\n_(report cut to fit its size limit)_\n';
  let cut = text.slice(0, Math.max(0, maxBytes - byteLength(marker)));
  while (byteLength(cut) > maxBytes - byteLength(marker)) cut = cut.slice(0, -1);
  const lineEnd = cut.lastIndexOf('\n');
  return `${lineEnd > 0 ? cut.slice(0, lineEnd) : cut}${marker}`;
}

export interface ResolvedOptions {
  marker?: string;
  heading?: string;
  /** The head commit that resolved the findings. */
  headSha: string;
  model: ReviewResult['model'];
}

/** The short comment that replaces a report once a later push leaves no findings. */
export function renderResolved(options: ResolvedOptions): string {
  return [
    ...(options.marker === undefined ? [] : [options.marker]),
    `## ${options.heading ?? DEFAULT_HEADING}`,
    '',
    `✅ Resolved: as of ${codeSpan(options.headSha.slice(0, 12))}, the AsyncAPI documents ` +
      'have no security findings.',
    `Security model: ${codeSpan(options.model)} (${MODEL_SENTENCE[options.model]}).`,
    '',
    FOOTER,
    '',
  ].join('\n');
}
