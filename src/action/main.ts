/**
 * The Action, phase by phase: settings, revisions, documents, review, report. All runner and
 * GitHub I/O goes through the context passed to `run()`.
 */
import { severityRank, type Finding, type ReviewResult } from '../compare/finding.js';
import {
  assertSafeRef,
  ensureLocalCommit,
  findMergeBase,
  isGitRepository,
} from '../git/commits.js';
import { RevisionError } from '../git/commits.js';
import { planReview, reviewPlan, type ReviewPlan } from '../git/plan.js';
import { GitRevision, RestRevision, type Revision } from '../git/revision.js';
import { selectAnnotations, type Annotation } from '../report/annotations.js';
import {
  renderMarkdown,
  renderResolved,
  sortedFindings,
  type BlobLinks,
} from '../report/markdown.js';
import { renderJobSummary } from '../report/summary.js';
import { ACTION_INPUTS, parseSettings, type InputName, type Settings } from '../settings.js';
import { commentMarker, writeStickyComment } from './comment.js';
import type { ActionContext } from './context.js';
import { httpStatus, lazyGitHubApi, type GitHubApi } from './github-api.js';
import { chooseRevisions, type RevisionChoice } from './revisions.js';

// GitHub keeps at most 1 MB of outputs per job; the findings output stays well under it.
const MAX_FINDINGS_OUTPUT_BYTES = 512 * 1024;

const COMMENT_PERMISSION_HELP =
  'Grant `permissions: pull-requests: write` to the job. Pull requests from forks get a ' +
  'read-only token: run the workflow on `pull_request_target` instead (the Action reads the ' +
  'documents with git and never runs pull request code). Annotations, the job summary and the ' +
  'check result are unaffected.';

/** Runs the Action; any error becomes a failed step with its message, never a stack trace. */
export async function run(context: ActionContext): Promise<void> {
  try {
    await runReview(context);
  } catch (error) {
    context.setFailed(error instanceof Error ? error.message : String(error));
  }
}

async function runReview(context: ActionContext): Promise<void> {
  const { log, environment } = context;
  if (environment.payloadProblem !== null) throw new Error(environment.payloadProblem);

  // Settings: validated once, each value echoed for debugging.
  const settings = await log.group('Settings', () => Promise.resolve(readSettings(context)));

  // Revisions: from the event, unless base-ref / head-ref say otherwise.
  const choice = chooseRevisions(environment, settings);
  log.info(`Revisions: ${choice.reason}.`);
  const api = lazyGitHubApi(() => context.createGitHubApi(settings.githubToken));
  const revisions = await log.group('Reading revisions', () => openRevisions(context, api, choice));
  if (revisions === null) {
    setOutputs(context, [], false, null);
    return;
  }

  // Documents: selected on both sides and paired across renames.
  const plan = await log.group('Selecting documents', async () => {
    const planned = await planReview(revisions.base, revisions.head, settings.files);
    logPlan(context, planned);
    return planned;
  });

  // Review: the engine runs on every pair.
  const result = await log.group('Reviewing documents', async () => {
    const reviewed = await reviewPlan(plan, settings.model, context.review);
    for (const document of reviewed.documents) {
      const name = document.head ?? document.base ?? '';
      log.info(`${name}: ${document.status}, ${document.findings.length} finding(s)`);
      for (const notice of document.notices) {
        log.info(`  note ${notice.location.file}:${notice.location.line}: ${notice.message}`);
      }
    }
    return reviewed;
  });

  // Report: annotations, job summary, comment, outputs; then the check itself.
  const findings = sortedFindings(result);
  const failed = reachesThreshold(findings, settings);
  const commentUrl = await log.group('Reporting', async () => {
    const links: BlobLinks = {
      ...environment.repository,
      serverUrl: environment.serverUrl,
      headSha: plan.head.sha,
    };
    if (settings.annotations) writeAnnotations(context, findings, plan, result);
    if (settings.jobSummary) await writeSummary(context, settings, plan, links, result);
    return writeComment(context, settings, api, choice, { links, result, failed, plan });
  });

  setOutputs(context, findings, failed, commentUrl);
  if (failed) {
    const message =
      `${findings.length} finding(s); the worst is ${findings[0]?.severity ?? 'none'}, which ` +
      `reaches fail-on-severity ${settings.failOnSeverity}.`;
    if (settings.warnOnly) {
      log.warning(`${message} warn-only is set: not failing.`, { title: 'Security findings' });
    } else {
      context.setFailed(message);
    }
  }
}

function readSettings(context: ActionContext): Settings {
  const settings = parseSettings((name) => context.readInput(name));
  for (const name of Object.keys(ACTION_INPUTS) as InputName[]) {
    const shown = name === 'github-token' ? '***' : JSON.stringify(context.readInput(name));
    context.log.debug(`input ${name} = ${shown}`);
  }
  context.log.debug(`settings: ${JSON.stringify({ ...settings, githubToken: '***' })}`);
  return settings;
}

function reachesThreshold(findings: Finding[], settings: Settings): boolean {
  const threshold = settings.failOnSeverity;
  if (threshold === 'none') return false;
  return findings.some((finding) => severityRank(finding.severity) >= severityRank(threshold));
}

interface RevisionPair {
  base: Revision;
  head: Revision;
}

/**
 * Opens both revisions, from the clone when possible. Returns null when there is nothing to
 * compare (a branch deleted, or created with no merge base to compare with).
 */
async function openRevisions(
  context: ActionContext,
  api: GitHubApi,
  choice: RevisionChoice,
): Promise<RevisionPair | null> {
  const { log, environment } = context;
  if (choice.kind === 'nothing') {
    log.notice(`Nothing to compare: ${choice.reason}`, { title: 'AsyncAPI Security Review' });
    return null;
  }

  const hasClone = await isGitRepository(environment.workspace);
  if (!hasClone) {
    log.warning(
      `${environment.workspace} is not a git repository; reading both revisions over the REST ` +
        'API. Add actions/checkout before this step to read them with git.',
      { title: 'No checkout' },
    );
  }

  if (choice.kind === 'merge-base') {
    const head = await openRevision(context, api, hasClone, 'head', choice.head, 'head-ref');
    const mergeBase = hasClone
      ? await findMergeBase(environment.workspace, choice.defaultBranch, head.sha)
      : undefined;
    if (mergeBase === undefined) {
      log.notice(
        `Nothing to compare: the push created the branch and no merge base with ` +
          `${choice.defaultBranch} was found. Set base-ref to compare with a chosen revision.`,
        { title: 'AsyncAPI Security Review' },
      );
      return null;
    }
    return { base: new GitRevision(environment.workspace, mergeBase, 'base'), head };
  }

  const base = await openRevision(context, api, hasClone, 'base', choice.base, 'base-ref');
  const head = await openRevision(context, api, hasClone, 'head', choice.head, 'head-ref');
  log.info(`Base ${base.sha} via ${base.via}; head ${head.sha} via ${head.via}.`);
  return { base, head };
}

/**
 * One revision: from the clone, else fetched into it, else over the REST API. An unreadable
 * revision is an error, never an empty one: an unreadable base would make every document look
 * newly added.
 */
async function openRevision(
  context: ActionContext,
  api: GitHubApi,
  hasClone: boolean,
  side: 'base' | 'head',
  ref: string,
  inputName: string,
): Promise<Revision> {
  const { log, environment } = context;
  const attempts: string[] = [];

  if (hasClone) {
    assertSafeRef(ref, inputName);
    const outcome = await ensureLocalCommit(environment.workspace, ref);
    for (const attempt of outcome.attempts) log.debug(attempt);
    attempts.push(...outcome.attempts);
    if (outcome.sha !== undefined) return new GitRevision(environment.workspace, outcome.sha, side);
    log.warning(
      `The ${side} revision ${ref} is not in the clone and could not be fetched; reading it ` +
        'over the REST API.',
      { title: 'Shallow checkout' },
    );
  }

  const revision = new RestRevision(api, ref, side);
  try {
    await revision.listFiles();
    return revision;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    attempts.push(`the REST API failed: ${reason}`);
    throw new RevisionError(
      `Cannot read the ${side} revision ${ref} (${attempts.join('; ')}). Check out the ` +
        'repository with actions/checkout and `fetch-depth: 0`, or give the token ' +
        '`contents: read`.',
    );
  }
}

function logPlan(context: ActionContext, plan: ReviewPlan): void {
  const { log } = context;
  for (const pair of plan.pairs) {
    const described =
      pair.pairing === 'renamed'
        ? `${pair.base ?? ''} -> ${pair.head ?? ''}`
        : (pair.head ?? pair.base);
    log.info(`${pair.pairing}: ${described ?? ''}`);
  }
  if (plan.pairs.length === 0) log.info('No AsyncAPI documents in either revision.');

  for (const path of plan.oversized) {
    log.warning(`${path} is over the size limit and was not inspected; name it in files.`, {
      title: 'Document not inspected',
    });
  }
}

/**
 * Annotates the findings, worst first. A deleted document gets a notice of its own: it may
 * carry no finding, but it must not pass silently.
 */
function writeAnnotations(
  context: ActionContext,
  findings: Finding[],
  plan: ReviewPlan,
  result: ReviewResult,
): void {
  const deleted: Annotation[] = result.documents
    .filter((document) => document.status === 'deleted')
    .map((document) => ({
      level: 'notice',
      title: 'AsyncAPI document deleted',
      message:
        `${document.base ?? ''} was deleted: its ${document.operations.base} operation(s) are ` +
        'no longer described here, and no longer reviewed.',
    }));

  const annotations = selectAnnotations(findings, {
    isHeadFile: (path) => plan.headFiles.has(path),
    pinned: deleted,
  });
  for (const annotation of annotations) {
    const properties = {
      title: annotation.title,
      ...(annotation.file === undefined ? {} : { file: annotation.file }),
      ...(annotation.startLine === undefined ? {} : { startLine: annotation.startLine }),
    };
    context.log[annotation.level](annotation.message, properties);
  }
}

async function writeSummary(
  context: ActionContext,
  settings: Settings,
  plan: ReviewPlan,
  links: BlobLinks,
  result: Parameters<typeof renderJobSummary>[0],
): Promise<void> {
  const summary = renderJobSummary(result, {
    links,
    failOn: settings.failOnSeverity,
    baseSha: plan.base.sha,
    headSha: plan.head.sha,
    oversized: plan.oversized,
  });
  try {
    await context.writeSummary(summary);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    context.log.warning(`Cannot write the job summary: ${reason}`, { title: 'Job summary' });
  }
}

interface CommentInputs {
  links: BlobLinks;
  result: Parameters<typeof renderMarkdown>[0];
  failed: boolean;
  plan: ReviewPlan;
}

/** Writes the sticky comment; a refusal degrades to a warning so the check still runs. */
async function writeComment(
  context: ActionContext,
  settings: Settings,
  api: GitHubApi,
  choice: RevisionChoice,
  inputs: CommentInputs,
): Promise<string | null> {
  const { log, environment } = context;
  const pullRequest = choice.kind === 'compare' ? choice.pullRequest : null;
  if (pullRequest === null) {
    log.info('Not a pull request event: no comment.');
    return null;
  }

  const marker = commentMarker(environment.workflow, environment.job);
  const findingCount = inputs.result.documents.reduce((n, d) => n + d.findings.length, 0);
  try {
    const outcome = await writeStickyComment({
      api,
      issueNumber: pullRequest,
      marker,
      mode: settings.commentSummaryInPr,
      findingCount,
      failed: inputs.failed,
      renderReport: () =>
        renderMarkdown(inputs.result, {
          marker,
          links: inputs.links,
          failOn: settings.failOnSeverity,
          truncationHint: 'The job summary of this run lists every finding.',
        }),
      renderResolved: () =>
        renderResolved({ marker, headSha: inputs.plan.head.sha, model: inputs.result.model }),
    });
    log.info(`Comment: ${outcome.detail}.`);
    return outcome.url;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const help = httpStatus(error) === 403 ? ` ${COMMENT_PERMISSION_HELP}` : '';
    log.warning(`Cannot write the pull request comment: ${reason}.${help}`, {
      title: 'Pull request comment not written',
    });
    return null;
  }
}

/** The findings output, cut to the worst findings that fit GitHub's output size. */
function findingsJson(findings: Finding[]): string {
  let count = findings.length;
  let json = JSON.stringify(findings);
  while (Buffer.byteLength(json) > MAX_FINDINGS_OUTPUT_BYTES && count > 0) {
    count = Math.floor(count * 0.9);
    json = JSON.stringify(findings.slice(0, count));
  }
  return json;
}

function setOutputs(
  context: ActionContext,
  findings: Finding[],
  failed: boolean,
  commentUrl: string | null,
): void {
  context.setOutput('findings', findingsJson(findings));
  context.setOutput('finding-count', String(findings.length));
  context.setOutput('highest-severity', findings[0]?.severity ?? 'none');
  context.setOutput('failed', String(failed));
  context.setOutput('comment-url', commentUrl ?? '');
}
