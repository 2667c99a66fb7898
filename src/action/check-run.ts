/**
 * The check run (`check-run: true`): one completed check run on the head commit reviewed, with
 * the report as its summary and an annotation for every finding. A step's own annotations stop
 * at 10 per level; a check run takes any number, but at most 50 per request, so the first 50 go
 * with the create and each further 50 with an update, which GitHub appends to the others.
 */
import type { Finding } from '../compare/finding.js';
import { blockingFindings } from '../policy/policy.js';
import { compareFindings, toAnnotation } from '../report/annotations.js';
import { clip } from '../report/escape.js';
import { countBySeverity } from '../report/markdown.js';
import type { CheckAnnotation, CheckRun, CheckRunRequest, GitHubApi } from './github-api.js';

/** The check run's name, as the pull request's checks list shows it. */
export const CHECK_RUN_NAME = 'AsyncAPI Security Review';

/** GitHub accepts at most 50 annotations per create or update request. */
export const ANNOTATIONS_PER_REQUEST = 50;

// GitHub refuses an annotation title over 255 characters and a message over 64 KB; findings
// are far shorter, but their text comes from documents, so it is bounded here.
const MAX_TITLE = 255;
const MAX_MESSAGE = 4_000;

export type CheckConclusion = CheckRunRequest['conclusion'];

/**
 * failure when a finding not accepted reaches fail-on-severity; with warn-only, neutral, so the
 * check shows that something needs a look without blocking; success otherwise.
 */
export function checkConclusion(failed: boolean, warnOnly: boolean): CheckConclusion {
  if (!failed) return 'success';
  return warnOnly ? 'neutral' : 'failure';
}

/**
 * `3 findings: 1 critical, 2 high; 1 accepted`, or `No findings`; then the documents deleted,
 * which carry no finding but take their operations out of review.
 */
export function checkTitle(findings: readonly Finding[], deletedDocuments = 0): string {
  const deleted =
    deletedDocuments === 0
      ? ''
      : `; ${deletedDocuments} document${deletedDocuments === 1 ? '' : 's'} deleted`;
  if (findings.length === 0) return `No findings${deleted}`;
  const accepted = findings.length - blockingFindings(findings).length;
  const noun = findings.length === 1 ? 'finding' : 'findings';
  const counts = `${findings.length} ${noun}: ${countBySeverity(findings)}`;
  return `${accepted === 0 ? counts : `${counts}; ${accepted} accepted`}${deleted}`;
}

/**
 * One annotation per finding, in report order, at the level a step would use (an accepted
 * finding is a notice). Every finding has a file and line of the head revision, which is what
 * a check run annotation needs.
 */
export function checkAnnotations(findings: readonly Finding[]): CheckAnnotation[] {
  return [...findings].sort(compareFindings).map((finding) => {
    const annotation = toAnnotation(finding, () => true);
    return {
      path: finding.location.file,
      startLine: Math.max(1, finding.location.line),
      level: annotation.level === 'error' ? 'failure' : annotation.level,
      title: clip(annotation.title, MAX_TITLE),
      message: clip(annotation.message, MAX_MESSAGE),
    };
  });
}

/** Splits a list into requests of at most `size`; always at least one, possibly empty. */
export function inBatches<T>(items: readonly T[], size = ANNOTATIONS_PER_REQUEST): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    batches.push(items.slice(start, start + size));
  }
  return batches.length === 0 ? [[]] : batches;
}

export interface CheckRunWrite {
  api: GitHubApi;
  headSha: string;
  conclusion: CheckConclusion;
  title: string;
  /** The markdown report, within GitHub's 65,535 characters. */
  summary: string;
  annotations: readonly CheckAnnotation[];
}

export interface CheckRunOutcome {
  checkRun: CheckRun;
  /** Requests made: the create and each update. */
  requests: number;
  /** Annotations GitHub accepted. */
  sent: number;
  /** Why an update failed, when one did: the check run exists, some annotations are missing. */
  problem: string | null;
}

/**
 * Creates the check run, already completed, with its conclusion and the first batch: if a later
 * batch fails, the check still says the right thing, and only annotations are missing. A
 * failing create throws for the caller to report.
 */
export async function writeCheckRun(request: CheckRunWrite): Promise<CheckRunOutcome> {
  const { api, title, summary } = request;
  const [first = [], ...rest] = inBatches(request.annotations);
  const checkRun = await api.createCheckRun({
    name: CHECK_RUN_NAME,
    headSha: request.headSha,
    conclusion: request.conclusion,
    output: { title, summary, annotations: first },
  });

  let sent = first.length;
  let requests = 1;
  for (const batch of rest) {
    try {
      requests += 1;
      await api.updateCheckRun(checkRun.id, { title, summary, annotations: batch });
      sent += batch.length;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { checkRun, requests, sent, problem: reason };
    }
  }
  return { checkRun, requests, sent, problem: null };
}
