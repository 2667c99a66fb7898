/**
 * Which findings become annotations, and at which level. Pure: the Action writes the result
 * with core.error / warning / notice. GitHub shows at most 10 annotations per level per step
 * and 50 per job, counting the step's own warnings and its failure message, so those slots are
 * left free, the worst findings go first and one notice counts the rest.
 */
import { severityRank, type Finding, type Severity } from '../compare/finding.js';
import { acceptanceOf } from '../policy/policy.js';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  level: AnnotationLevel;
  /** The rule id and severity: what a reviewer scans for in the Files changed tab. */
  title: string;
  message: string;
  /** Head file and 1-based line; absent when the location is not a file of the head revision. */
  file?: string;
  startLine?: number;
}

export interface AnnotationLimits {
  perLevel: number;
  perJob: number;
}

export const GITHUB_ANNOTATION_LIMITS: Readonly<AnnotationLimits> = Object.freeze({
  perLevel: 10,
  perJob: 50,
});

const LEVEL_BY_SEVERITY: Record<Severity, AnnotationLevel> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'notice',
  info: 'notice',
};

export function annotationLevel(severity: Severity): AnnotationLevel {
  return LEVEL_BY_SEVERITY[severity];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An accepted finding is annotated as a notice: it stays visible without alarming. */
export function findingLevel(finding: Finding): AnnotationLevel {
  return acceptanceOf(finding) === null ? annotationLevel(finding.severity) : 'notice';
}

/**
 * Findings not accepted first, worst first; then by file and line so the order is the same on
 * every run and runner.
 */
export function compareFindings(a: Finding, b: Finding): number {
  const acceptedA = acceptanceOf(a) === null ? 0 : 1;
  const acceptedB = acceptanceOf(b) === null ? 0 : 1;
  return (
    acceptedA - acceptedB ||
    severityRank(b.severity) - severityRank(a.severity) ||
    compareText(a.location.file, b.location.file) ||
    a.location.line - b.location.line ||
    compareText(a.rule, b.rule) ||
    compareText(a.operation ?? '', b.operation ?? '') ||
    compareText(a.server ?? '', b.server ?? '')
  );
}

export interface AnnotationOptions {
  limits?: AnnotationLimits;
  /** Annotations written before any finding (deleted documents); they count against limits. */
  pinned?: Annotation[];
  /**
   * Annotations the step writes besides these, before or after them (its own warnings, the
   * message of a failed step): they take their slots of the limits and are not returned.
   */
  reserved?: Partial<Record<AnnotationLevel, number>>;
  /** Whether a path exists in the head revision; other locations are annotated without a file. */
  isHeadFile?: (path: string) => boolean;
  /**
   * A sentence saying where a reader finds the findings that were not annotated, such as
   * "The job summary of this run lists every finding."; without it, the notice names none.
   */
  elsewhere?: string;
}

export function toAnnotation(finding: Finding, isHeadFile: (path: string) => boolean): Annotation {
  const acceptance = acceptanceOf(finding);
  const accepted = acceptance === null ? '' : `Accepted: ${acceptance.reason}. `;
  const annotation: Annotation = {
    level: findingLevel(finding),
    title: `${finding.rule} (${finding.severity}${acceptance === null ? '' : ', accepted'})`,
    message: `${accepted}${finding.message} Before: ${finding.before}. After: ${finding.after}.`,
  };
  if (isHeadFile(finding.location.file)) {
    annotation.file = finding.location.file;
    annotation.startLine = finding.location.line;
  }
  return annotation;
}

const LEVELS: readonly AnnotationLevel[] = ['error', 'warning', 'notice'];

interface Candidate {
  annotation: Annotation;
  isFinding: boolean;
}

interface Fitted {
  taken: Candidate[];
  /** Left out because their level was full, or because the step's total was. */
  leftOut: { findings: number; pinned: number; byLevel: number; byJob: number };
}

/** Takes candidates in order while their level and the total have room. */
function fit(
  candidates: readonly Candidate[],
  room: Record<AnnotationLevel, number>,
  total: number,
): Fitted {
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const taken: Candidate[] = [];
  const leftOut = { findings: 0, pinned: 0, byLevel: 0, byJob: 0 };
  for (const candidate of candidates) {
    const { level } = candidate.annotation;
    const levelFull = used[level] >= room[level];
    if (levelFull || taken.length >= total) {
      leftOut[candidate.isFinding ? 'findings' : 'pinned'] += 1;
      leftOut[levelFull ? 'byLevel' : 'byJob'] += 1;
      continue;
    }
    used[level] += 1;
    taken.push(candidate);
  }
  return { taken, leftOut };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The notice that counts what was left out, naming the limit that left it out. */
function overflowNotice(
  level: AnnotationLevel,
  leftOut: Fitted['leftOut'],
  limits: AnnotationLimits,
  elsewhere: string | undefined,
): Annotation {
  const counted = [
    ...(leftOut.findings > 0 ? [plural(leftOut.findings, 'more finding')] : []),
    ...(leftOut.pinned > 0 ? [plural(leftOut.pinned, 'more notice')] : []),
  ].join(' and ');
  const verb = leftOut.findings + leftOut.pinned === 1 ? 'is' : 'are';
  const perLevel = `${limits.perLevel} annotations of each level per step`;
  const shown =
    leftOut.byJob === 0
      ? perLevel
      : leftOut.byLevel === 0
        ? `${limits.perJob} annotations per job`
        : `${perLevel} and ${limits.perJob} per job`;
  return {
    level,
    title: 'More findings',
    message:
      `${counted} ${verb} not annotated, because GitHub shows at most ${shown}.` +
      (elsewhere === undefined ? '' : ` ${elsewhere}`),
  };
}

/**
 * Selects the annotations to write, pinned ones first, then the worst findings, within
 * GitHub's limits less the `reserved` slots. When some do not fit, one slot is kept for a
 * notice that says how many are left out, which limit left them out, and where they are.
 */
export function selectAnnotations(
  findings: Finding[],
  options: AnnotationOptions = {},
): Annotation[] {
  const limits = options.limits ?? GITHUB_ANNOTATION_LIMITS;
  const isHeadFile = options.isHeadFile ?? (() => true);
  const reserved = options.reserved ?? {};
  const candidates: Candidate[] = [
    ...(options.pinned ?? []).map((annotation) => ({ annotation, isFinding: false })),
    ...[...findings]
      .sort(compareFindings)
      .map((finding) => ({ annotation: toAnnotation(finding, isHeadFile), isFinding: true })),
  ];

  const room = { error: 0, warning: 0, notice: 0 };
  for (const level of LEVELS) room[level] = Math.max(0, limits.perLevel - (reserved[level] ?? 0));
  const reservedTotal = LEVELS.reduce((sum, level) => sum + (reserved[level] ?? 0), 0);
  const total = Math.max(0, limits.perJob - reservedTotal);

  const all = fit(candidates, room, total);
  if (all.taken.length === candidates.length) return all.taken.map((c) => c.annotation);

  // Something is left out: make room for the notice that says so, a notice when that level
  // has room, then count again. With no room anywhere, nothing can say so.
  const level = (['notice', 'warning', 'error'] as const).find((l) => room[l] > 0);
  if (level === undefined || total === 0) return all.taken.map((c) => c.annotation);
  const fewer = fit(candidates, { ...room, [level]: room[level] - 1 }, total - 1);
  return [
    ...fewer.taken.map((c) => c.annotation),
    overflowNotice(level, fewer.leftOut, limits, options.elsewhere),
  ];
}
