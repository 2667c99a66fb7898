/**
 * SARIF 2.1.0 for code scanning (`--format sarif`, the Action's `sarif-file`): one rule per
 * catalog entry with its help and documentation link, one result per finding at its head file
 * location, with a partial fingerprint that survives line moves, GitHub's `security-severity`,
 * and accepted findings as suppressions so they stay visible but closed.
 */
import type * as Sarif from 'sarif';
import type { Finding, ReviewResult, Severity } from '../compare/finding.js';
import { RULES, type Rule } from '../compare/rules.js';
import { FINGERPRINT_VERSION, fingerprintOf } from '../policy/fingerprint.js';
import {
  acceptanceOf,
  describeOrigin,
  findingFingerprint,
  type ConfigOrigin,
  type PolicyNote,
} from '../policy/policy.js';
import { REPOSITORY_URL } from '../policy/schema.js';
import { TOOL_NAME, VERSION } from '../version.js';
import { escapeJsonForLogs, escapeSarifText } from './escape.js';
import { sortedFindings } from './markdown.js';

export const SARIF_SCHEMA_URL = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The documentation page of a rule, which SARIF viewers link from every result. */
export function ruleDocumentationUrl(ruleId: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/rules/${ruleId}.md`;
}

const LEVEL: Record<Severity, Sarif.Result.level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/**
 * GitHub code scanning reads `security-severity` (0.0 to 10.0) to rank alerts: over 9.0 is
 * critical, 7.0 to 8.9 high, 4.0 to 6.9 medium, 0.1 to 3.9 low. `info` findings are not
 * security problems (strengthening), so they carry none and show as plain notes.
 */
const SECURITY_SEVERITY: Record<Severity, string | null> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: null,
};

export interface SarifOptions {
  /** Turns a location's file into the URI code scanning expects (relative to the repository). */
  artifactUri?: (file: string) => string;
  origin?: ConfigOrigin | null;
  notes?: readonly PolicyNote[];
}

/** Renders the review as a SARIF log with one run. */
export function toSarif(result: ReviewResult, options: SarifOptions = {}): Sarif.Log {
  const toUri = options.artifactUri ?? pathToUri;
  const rules = [...RULES.values()];
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));

  const documentOf = new Map<Finding, string>();
  for (const document of result.documents) {
    for (const finding of document.findings) {
      documentOf.set(finding, document.head ?? document.base ?? '');
    }
  }

  const results = sortedFindings(result).map((finding) =>
    toResult(finding, {
      ruleIndex: ruleIndex.get(finding.rule) ?? -1,
      document: documentOf.get(finding) ?? '',
      toUri,
    }),
  );

  return {
    $schema: SARIF_SCHEMA_URL,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            semanticVersion: VERSION,
            version: VERSION,
            informationUri: REPOSITORY_URL,
            rules: rules.map(toReportingDescriptor),
          },
        },
        invocations: [toInvocation(result, options, toUri)],
        results,
        properties: { model: result.model, configuration: describeOrigin(options.origin ?? null) },
      },
    ],
  };
}

export function renderSarif(result: ReviewResult, options: SarifOptions = {}): string {
  // Printed by the CLI, the log may land in a workflow log: same value, no command in it.
  return `${escapeJsonForLogs(JSON.stringify(toSarif(result, options), null, 2))}\n`;
}

function toReportingDescriptor(rule: Rule): Sarif.ReportingDescriptor {
  const url = ruleDocumentationUrl(rule.id);
  const securitySeverity = SECURITY_SEVERITY[rule.severity];
  return {
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z])/g, (_match, _dash, letter: string) => letter.toUpperCase()),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.why },
    help: {
      text:
        `${rule.why} Default severity: ${rule.severity}. ` +
        `What it detects, how to fix it and how to accept it: ${url}`,
      markdown:
        `${rule.why}\n\nDefault severity: **${rule.severity}**.\n\n` +
        `[What it detects, how to fix it and how to accept it](${url})`,
    },
    helpUri: url,
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: ['security', 'asyncapi'],
      precision: 'high',
      ...(securitySeverity === null ? {} : { 'security-severity': securitySeverity }),
    },
  };
}

interface ResultContext {
  ruleIndex: number;
  document: string;
  toUri: (file: string) => string;
}

function toResult(finding: Finding, context: ResultContext): Sarif.Result {
  const fingerprint = findingFingerprint(finding) ?? fingerprintOf(finding, context.document);
  const acceptance = acceptanceOf(finding);
  const securitySeverity = SECURITY_SEVERITY[finding.severity];
  const { file, line, column } = finding.location;

  const result: Sarif.Result = {
    ruleId: finding.rule,
    ruleIndex: context.ruleIndex,
    level: LEVEL[finding.severity],
    message: {
      text: escapeSarifText(
        `${finding.message} Before: ${finding.before}. After: ${finding.after}.`,
      ),
    },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: context.toUri(file) },
          region: { startLine: line, ...(column === undefined ? {} : { startColumn: column }) },
        },
        ...(finding.operation === null
          ? {}
          : { logicalLocations: [{ name: finding.operation, kind: 'function' }] }),
      },
    ],
    partialFingerprints: { [FINGERPRINT_VERSION]: fingerprint },
    properties: {
      severity: finding.severity,
      ...(securitySeverity === null ? {} : { 'security-severity': securitySeverity }),
      fingerprint,
      operation: finding.operation,
      channel: finding.channel,
      action: finding.action,
      server: finding.server,
      causes: finding.causes,
      before: finding.before,
      after: finding.after,
    },
    // An empty list says the finding is known not to be suppressed.
    suppressions: [],
  };

  if (finding.baseLocation !== null) {
    result.relatedLocations = [
      {
        id: 1,
        message: { text: 'in the base revision' },
        physicalLocation: {
          artifactLocation: { uri: context.toUri(finding.baseLocation.file) },
          region: { startLine: finding.baseLocation.line },
        },
      },
    ];
  }

  if (acceptance !== null) {
    result.suppressions = [
      {
        kind: 'external',
        status: 'accepted',
        justification: acceptance.reason,
        properties: {
          acceptedBy: acceptance.by === 'label' ? 'pull request label' : 'configuration file',
          ...(acceptance.expires === null ? {} : { expires: acceptance.expires }),
        },
      },
    ];
  }
  return result;
}

/** Policy notes (expired or unused accept entries) and engine notices, so none is silent. */
function toInvocation(
  result: ReviewResult,
  options: SarifOptions,
  toUri: (file: string) => string,
): Sarif.Invocation {
  const configuration = (options.notes ?? []).map((note): Sarif.Notification => ({
    level: note.level === 'warning' ? 'warning' : 'note',
    message: { text: escapeSarifText(note.message) },
    ...(note.file === null
      ? {}
      : {
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: toUri(note.file) },
                ...(note.line === null ? {} : { region: { startLine: note.line } }),
              },
            },
          ],
        }),
  }));
  const execution = result.documents.flatMap((document) =>
    document.notices.map((notice): Sarif.Notification => ({
      level: 'note',
      message: { text: escapeSarifText(notice.message) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: toUri(notice.location.file) },
            region: { startLine: notice.location.line },
          },
        },
      ],
    })),
  );

  return {
    executionSuccessful: true,
    ...(configuration.length === 0 ? {} : { toolConfigurationNotifications: configuration }),
    ...(execution.length === 0 ? {} : { toolExecutionNotifications: execution }),
  };
}

/**
 * A relative POSIX path as a SARIF URI reference: each segment percent-encoded, so spaces,
 * `#` and `?` in a file name cannot change what the URI points at.
 */
export function pathToUri(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
