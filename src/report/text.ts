/** The terminal report: worst first, one block per finding, the line to read first. */
import { severityRank, type Finding, type ReviewResult } from '../compare/finding.js';
import { TOOL_NAME, VERSION } from '../version.js';
import { escapeLogLine } from './escape.js';

export function renderText(result: ReviewResult): string {
  const lines: string[] = [];
  const findings = result.documents.flatMap((document) => document.findings);
  findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));

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
  const block = [
    `${finding.severity.toUpperCase()} ${finding.rule}  ${where}`,
    `  ${oneLine(finding.message)}`,
  ];

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
  return block;
}

function summaryLine(findings: Finding[]): string {
  if (findings.length === 0) return 'No security changes found.';

  const bySeverity = new Map<string, number>();
  for (const finding of findings) {
    bySeverity.set(finding.severity, (bySeverity.get(finding.severity) ?? 0) + 1);
  }
  const parts = [...bySeverity].map(([severity, count]) => `${count} ${severity}`);
  return `${plural(findings.length, 'finding')}: ${parts.join(', ')}.`;
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
