/** The terminal report: worst first, one block per finding, the line to read first. */
import { SEVERITIES, type Finding, type ReviewResult } from '../compare/finding.js';
import {
  acceptanceOf,
  blockingFindings,
  describeOrigin,
  findingFingerprint,
} from '../policy/policy.js';
import { TOOL_NAME, VERSION } from '../version.js';
import { compareFindings } from './annotations.js';
import { escapeLogLine } from './escape.js';
import { NO_FINDING_CLAIM, type ReportPolicy } from './markdown.js';

export function renderText(result: ReviewResult, policy?: ReportPolicy): string {
  const lines: string[] = [];
  // Findings not accepted first, worst first: the order of every report.
  const findings = result.documents.flatMap((document) => document.findings);
  findings.sort(compareFindings);

  if (policy !== undefined) {
    lines.push(describeOrigin(policy.origin));
    for (const note of policy.notes) {
      const where = note.file === null ? '' : `${note.file}:${note.line ?? 1}: `;
      lines.push(`  ${note.level} ${where}${oneLine(note.message)}`);
    }
  }

  for (const document of result.documents) {
    const name = documentName(document.base, document.head);
    const counts = `${document.operations.base} → ${document.operations.head} operations`;
    lines.push(
      `${name}: ${document.status}, ${counts}, ${plural(document.findings.length, 'finding')}`,
    );
    for (const notice of document.notices) {
      lines.push(
        `  note ${notice.location.file}:${notice.location.line}: ${oneLine(notice.message)}`,
      );
    }
  }
  lines.push('');

  for (const finding of findings) lines.push(...findingBlock(finding), '');

  lines.push(summaryLine(findings));
  lines.push(`Model: ${result.model}. ${TOOL_NAME} ${VERSION}.`);
  // Every line may hold a name from a document, and this text may be printed in a workflow
  // log: each becomes one line with no control character and no workflow command.
  return `${lines.map(escapeLogLine).join('\n')}\n`;
}

function findingBlock(finding: Finding): string[] {
  const where = `${finding.location.file}:${finding.location.line}`;
  const acceptance = acceptanceOf(finding);
  const block = [
    `${finding.severity.toUpperCase()} ${finding.rule}${acceptance ? ' (accepted)' : ''}  ${where}`,
    `  ${oneLine(finding.message)}`,
  ];
  if (acceptance !== null) {
    const by = acceptance.by === 'label' ? 'by label' : 'in the configuration';
    const until = acceptance.expires === null ? '' : ` until ${acceptance.expires}`;
    block.push(`  accepted ${by}${until}: ${oneLine(acceptance.reason)}`);
  }

  if (finding.operation !== null) {
    const server = finding.server === null ? '' : `, server ${finding.server}`;
    block.push(
      `  operation ${finding.operation} (${finding.action} on ${finding.channel}${server})`,
    );
    block.push(`  before: ${oneLine(finding.before)}`);
    block.push(`  after:  ${oneLine(finding.after)}`);
    block.push(`  cause:  ${finding.causes.join(', ')}`);
  }
  if (finding.baseLocation) {
    block.push(`  base:   ${finding.baseLocation.file}:${finding.baseLocation.line}`);
  }
  const fingerprint = findingFingerprint(finding);
  if (fingerprint !== null) block.push(`  fingerprint: ${fingerprint}`);
  return block;
}

function summaryLine(findings: Finding[]): string {
  // Not "no security changes": a change that makes nothing easier to reach reports nothing.
  if (findings.length === 0) return `No findings: ${NO_FINDING_CLAIM}.`;

  const parts = SEVERITIES.map((severity) => {
    return [severity, findings.filter((finding) => finding.severity === severity).length] as const;
  })
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`);
  const acceptedCount = findings.length - blockingFindings(findings).length;
  const accepted = acceptedCount === 0 ? '' : ` ${acceptedCount} accepted.`;
  return `${plural(findings.length, 'finding')}: ${parts.join(', ')}.${accepted}`;
}

function documentName(base: string | null, head: string | null): string {
  if (base && head && base !== head) return `${base} → ${head}`;
  return head ?? base ?? '(none)';
}

/** Terminal output stays one line per field, and control characters never reach the terminal. */
function oneLine(text: string): string {
  return escapeLogLine(text);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
