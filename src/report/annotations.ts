/**
 * Which findings become annotations, and at which level. Pure: the Action writes the result
 * with core.error / warning / notice. GitHub shows at most 10 annotations per level per step
 * and 50 per job, so the worst findings go first and one notice counts the rest.
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
  /** Whether a path exists in the head revision; other locations are annotated without a file. */
  isHeadFile?: (path: string) => boolean;
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

function takeWithinLimits(
  sorted: Finding[],
  perLevel: Record<AnnotationLevel, number>,
  total: number,
  pinned: Annotation[],
): Finding[] {
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  for (const annotation of pinned) used[annotation.level] += 1;

  const taken: Finding[] = [];
  for (const finding of sorted) {
    const level = findingLevel(finding);
    if (pinned.length + taken.length >= total || used[level] >= perLevel[level]) continue;
    used[level] += 1;
    taken.push(finding);
  }
  return taken;
}

/**
 * Selects the annotations to write, worst first, within GitHub's limits. When some findings
 * do not fit, one notice slot is kept for a message that says how many are left out.
 */
export function selectAnnotations(
  findings: Finding[],
  options: AnnotationOptions = {},
): Annotation[] {
  const limits = options.limits ?? GITHUB_ANNOTATION_LIMITS;
  const isHeadFile = options.isHeadFile ?? (() => true);
  const sorted = [...findings].sort(compareFindings);
  const caps = { error: limits.perLevel, warning: limits.perLevel, notice: limits.perLevel };
  const pinned = options.pinned ?? [];

  let taken = takeWithinLimits(sorted, caps, limits.perJob, pinned);
  if (taken.length === sorted.length) {
    return [...pinned, ...taken.map((f) => toAnnotation(f, isHeadFile))];
  }

  // Something is left out: make room for the notice that says so, then count again.
  const fewerNotices = { ...caps, notice: limits.perLevel - 1 };
  taken = takeWithinLimits(sorted, fewerNotices, limits.perJob - 1, pinned);
  const leftOut = sorted.length - taken.length;
  const overflow: Annotation = {
    level: 'notice',
    title: 'More findings',
    message:
      `${leftOut} more finding${leftOut === 1 ? ' is' : 's are'} not annotated, because GitHub ` +
      `shows ${limits.perLevel} annotations per level per step; the job summary lists them all.`,
  };
  return [...pinned, ...taken.map((f) => toAnnotation(f, isHeadFile)), overflow];
}
