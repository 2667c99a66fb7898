/**
 * A finding's fingerprint: stable across runs, commits and line moves, so an `accept` entry or a
 * code scanning alert follows the same finding. It hashes what identifies the finding (rule,
 * document, operation, server, main cause), never its line, message or severity.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../compare/finding.js';

/** Bumped when the inputs change, so SARIF consumers do not match old fingerprints wrongly. */
export const FINGERPRINT_VERSION = 'asyncapiSecurityReview/v1';

/**
 * 16 hex characters (64 bits) of SHA-256 over the identifying fields. `document` is the
 * reviewed document's path (head, else base): a finding located in a shared file that the
 * document `$ref`s keeps its fingerprint when that file moves.
 */
export function fingerprintOf(finding: Finding, document: string): string {
  const fields = [
    finding.rule,
    document,
    finding.operation ?? '',
    finding.server ?? '',
    finding.causes[0] ?? '',
  ];
  return createHash('sha256').update(fields.join('\u0000')).digest('hex').slice(0, 16);
}
