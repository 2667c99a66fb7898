/**
 * The policy in force: the configuration file merged under the inputs given to the step or the
 * command line, and its application to a review: rules turned off, fingerprints, accepted
 * findings and the notes that say what the policy did. Shared by the Action and the CLI, so
 * both decide alike.
 */
import picomatch from 'picomatch';
import {
  severityRank,
  type Finding,
  type ReviewResult,
  type RuleId,
  type SecurityModel,
  type Severity,
} from '../compare/finding.js';
import type { EngineOptions } from '../engine.js';
import type { LoadedConfig } from './config.js';
import { fingerprintOf } from './fingerprint.js';
import type { AcceptEntry } from './schema.js';

/** Why a finding no longer fails the check. */
export interface Acceptance {
  by: 'config' | 'label';
  reason: string;
  /** The last day the entry applies (YYYY-MM-DD), when it has one. */
  expires: string | null;
  /** The config file's line of the entry, for `by: 'config'`. */
  line: number | null;
}

/**
 * The fields the policy step adds to a finding. Optional, so every `Finding` is still one and
 * renderers read them with `fingerprintOf` / `acceptanceOf` below.
 */
export interface PolicyFields {
  fingerprint?: string;
  accepted?: Acceptance | null;
}

export type ReviewedFinding = Finding & PolicyFields;

/** Something the policy did that a reader must see: an expired or unused entry, a label. */
export interface PolicyNote {
  level: 'warning' | 'notice';
  message: string;
  /** The config file and line the note is about, when there is one. */
  file: string | null;
  line: number | null;
}

/** Where the configuration came from, said in every report. */
export interface ConfigOrigin {
  /** The path of the file read, or null when none was. */
  file: string | null;
  /** `base` or `head` revision (Action), or `file` (CLI `--config`). */
  from: 'base' | 'head' | 'file';
  /** The commit the file was read at, for the Action. */
  revision?: string;
  /** Why no file was read, when none was. */
  absentReason?: string;
}

export interface Policy {
  failOn: Severity | 'none';
  model: SecurityModel;
  /** Globs of the documents to review; empty: the default selection. */
  files: string[];
  engine: Pick<
    EngineOptions,
    'severities' | 'disabledRules' | 'strengthClasses' | 'extraTlsProtocols'
  >;
  /** Rules whose findings are dropped. */
  off: ReadonlySet<RuleId>;
  accept: readonly AcceptEntry[];
  acceptLines: readonly number[];
  /** Set when the pull request carries the accept label: every finding is accepted by it. */
  acceptedByLabel: string | null;
  origin: ConfigOrigin | null;
}

/** Values given to the step or on the command line; they win over the file. */
export interface PolicyOverrides {
  failOn?: Severity | 'none' | null;
  model?: SecurityModel | null;
  files?: string[] | null;
  acceptedByLabel?: string | null;
}

/** The policy from an optional configuration file and the overrides; defaults where neither. */
export function resolvePolicy(
  loaded: LoadedConfig | null,
  overrides: PolicyOverrides = {},
  origin: ConfigOrigin | null = null,
): Policy {
  const config = loaded?.config ?? {};
  const severities: Partial<Record<RuleId, Severity>> = {};
  const off = new Set<RuleId>();
  for (const [rule, setting] of Object.entries(config.rules ?? {}) as [RuleId, string][]) {
    if (setting === 'off') off.add(rule);
    else if (setting !== undefined) severities[rule] = setting as Severity;
  }

  const overriddenFiles = overrides.files?.length ? overrides.files : null;
  return {
    failOn: overrides.failOn ?? config['fail-on-severity'] ?? 'high',
    model: overrides.model ?? config.model ?? 'override',
    files: overriddenFiles ?? config.files ?? [],
    engine: {
      severities,
      disabledRules: off,
      ...(config['strength-classes'] ? { strengthClasses: config['strength-classes'] } : {}),
      ...(config['tls-protocols'] ? { extraTlsProtocols: config['tls-protocols'] } : {}),
    },
    off,
    accept: config.accept ?? [],
    acceptLines: loaded?.acceptLines ?? [],
    acceptedByLabel: overrides.acceptedByLabel ?? null,
    origin: loaded ? { ...(origin ?? { from: 'file' }), file: loaded.file } : origin,
  };
}

export interface PolicyOutcome {
  /** The review with rules turned off dropped and every finding fingerprinted and judged. */
  result: ReviewResult;
  notes: PolicyNote[];
}

/**
 * Applies the policy after the engine: drops findings of rules turned off, gives each finding
 * its fingerprint, and marks the accepted ones. An entry past its `expires` day stops applying
 * and says so; an entry that matches nothing is noted so stale entries get cleaned up.
 */
export function applyPolicy(result: ReviewResult, policy: Policy, today: string): PolicyOutcome {
  const notes: PolicyNote[] = [];
  const file = policy.origin?.file ?? null;
  const expired = policy.accept.map(
    (entry) => entry.expires !== undefined && entry.expires < today,
  );
  const used = policy.accept.map(() => false);

  const documents = result.documents.map((document) => {
    const path = document.head ?? document.base ?? '';
    const findings = document.findings
      .filter((finding) => !policy.off.has(finding.rule))
      .map((finding): ReviewedFinding => {
        const fingerprint = fingerprintOf(finding, path);
        const index = policy.accept.findIndex((entry) => {
          return matches(entry, finding, fingerprint, path);
        });
        const entry = policy.accept[index];

        let accepted: Acceptance | null = null;
        if (entry !== undefined && expired[index] !== true) {
          used[index] = true;
          const line = policy.acceptLines[index] ?? null;
          accepted = { by: 'config', reason: entry.reason, expires: entry.expires ?? null, line };
        } else if (policy.acceptedByLabel !== null) {
          const reason = `the pull request carries the label "${policy.acceptedByLabel}"`;
          accepted = { by: 'label', reason, expires: null, line: null };
        }
        if (entry !== undefined && expired[index] === true) used[index] = true;
        return { ...finding, fingerprint, accepted };
      });
    return { ...document, findings };
  });

  policy.accept.forEach((entry, index) => {
    const line = policy.acceptLines[index] ?? null;
    const what = describeEntry(entry);
    if (expired[index]) {
      const hit = used[index] ? 'its finding fails the check again' : 'it matches no finding';
      notes.push({
        level: 'warning',
        message:
          `accept entry ${what} expired on ${entry.expires ?? ''} and no longer applies ` +
          `(${hit}); ` +
          'review the change again, then renew `expires` or remove the entry.',
        file,
        line,
      });
    } else if (!used[index]) {
      notes.push({
        level: 'notice',
        message: `accept entry ${what} matches no finding; remove it if the change is gone.`,
        file,
        line,
      });
    }
  });

  if (policy.acceptedByLabel !== null) {
    notes.push({
      level: 'notice',
      message:
        `the pull request carries the label "${policy.acceptedByLabel}": every finding is ` +
        'reported as accepted and none fails the check.',
      file: null,
      line: null,
    });
  }
  return { result: { ...result, documents }, notes };
}

function matches(entry: AcceptEntry, finding: Finding, fingerprint: string, path: string) {
  if (entry.fingerprint !== undefined) return entry.fingerprint === fingerprint;
  if (entry.rule !== finding.rule || entry.operation !== finding.operation) return false;
  if (entry.server !== undefined && entry.server !== finding.server) return false;
  if (entry.file === undefined) return true;
  const isMatch = picomatch(entry.file, { dot: true });
  return isMatch(path) || isMatch(finding.location.file);
}

function describeEntry(entry: AcceptEntry): string {
  if (entry.fingerprint !== undefined) return `for fingerprint ${entry.fingerprint}`;
  const server = entry.server === undefined ? '' : ` through ${entry.server}`;
  return `for ${entry.rule ?? ''} on ${entry.operation ?? ''}${server}`;
}

/** The fingerprint the policy step gave a finding, or null before that step. */
export function findingFingerprint(finding: Finding): string | null {
  return (finding as ReviewedFinding).fingerprint ?? null;
}

/** Why the finding is accepted, or null when it is not. */
export function acceptanceOf(finding: Finding): Acceptance | null {
  return (finding as ReviewedFinding).accepted ?? null;
}

/** Findings that are not accepted: the only ones that can fail the check. */
export function blockingFindings<T extends Finding>(findings: readonly T[]): T[] {
  return findings.filter((finding) => acceptanceOf(finding) === null);
}

/** Whether a finding not accepted reaches the threshold. */
export function reachesFailOn(findings: readonly Finding[], failOn: Severity | 'none'): boolean {
  if (failOn === 'none') return false;
  return blockingFindings(findings).some((finding) => {
    return severityRank(finding.severity) >= severityRank(failOn);
  });
}

/** Today's date in UTC as YYYY-MM-DD, the form `expires` is written in. */
export function utcDay(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** One sentence saying which configuration is in force. Plain text; escape it for markdown. */
export function describeOrigin(origin: ConfigOrigin | null): string {
  if (origin === null) return 'No configuration file: the defaults apply.';
  const at = origin.revision ? ` (${origin.revision.slice(0, 12)})` : '';
  if (origin.file === null) {
    return `No configuration file${origin.absentReason ? `: ${origin.absentReason}` : ''}.`;
  }
  if (origin.from === 'file') return `Configuration: ${origin.file}.`;
  return `Configuration: ${origin.file} from the ${origin.from} revision${at}.`;
}
