/** The machine-readable report: stable field names, one object, findings flattened with their document. */
import type { ReviewResult } from '../compare/finding.js';
import { fingerprintOf } from '../policy/fingerprint.js';
import { acceptanceOf, describeOrigin, findingFingerprint } from '../policy/policy.js';
import { VERSION } from '../version.js';
import { escapeJsonForLogs } from './escape.js';
import type { ReportPolicy } from './markdown.js';

/**
 * Every finding carries its `fingerprint` and `accepted` (null, or who accepted it, why and
 * until when); `configuration` says which configuration file was in force and `policyNotes`
 * what it noted (expired or unused accept entries).
 */
export function toJsonReport(result: ReviewResult, policy?: ReportPolicy) {
  return {
    tool: { name: 'asyncapi-security-review', version: VERSION },
    model: result.model,
    configuration: {
      file: policy?.origin?.file ?? null,
      from: policy?.origin?.file ? policy.origin.from : null,
      description: describeOrigin(policy?.origin ?? null),
    },
    policyNotes: policy?.notes ?? [],
    documents: result.documents.map((document) => ({
      base: document.base,
      head: document.head,
      status: document.status,
      operations: document.operations,
      findings: document.findings.length,
      notices: document.notices,
    })),
    findings: result.documents.flatMap((document) =>
      document.findings.map((finding) => ({
        ...finding,
        cause: finding.causes[0] ?? null,
        document: document.head ?? document.base,
        fingerprint:
          findingFingerprint(finding) ??
          fingerprintOf(finding, document.head ?? document.base ?? ''),
        accepted: acceptanceOf(finding),
      })),
    ),
  };
}

export function renderJson(result: ReviewResult, policy?: ReportPolicy): string {
  // The report may be printed in a workflow log: same value, no command or terminal control.
  return `${escapeJsonForLogs(JSON.stringify(toJsonReport(result, policy), null, 2))}\n`;
}
