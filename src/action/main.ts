/**
 * The Action, phase by phase: settings, revisions, configuration, documents, review, report.
 * All runner and GitHub I/O goes through the context passed to `run()`.
 */
import { resolve } from 'node:path';
import {
  severityRank,
  type Finding,
  type ReviewResult,
  type Severity,
} from '../compare/finding.js';
import {
  assertSafeRef,
  ensureLocalCommit,
  findMergeBase,
  isShallowClone,
  localMergeBase,
  isGitRepository,
} from '../git/commits.js';
import { RevisionError } from '../git/commits.js';
import { planReview, reviewPlan, type ReviewFunction, type ReviewPlan } from '../git/plan.js';
import { GitRevision, RestRevision, type Revision } from '../git/revision.js';
import {
  applyPolicy,
  blockingFindings,
  describeOrigin,
  reachesFailOn,
  resolvePolicy,
  utcDay,
  type ConfigOrigin,
  type Policy,
  type PolicyNote,
} from '../policy/policy.js';
import { selectAnnotations, type Annotation, type AnnotationLevel } from '../report/annotations.js';
import {
  COMMENT_MAX_BYTES,
  renderMarkdown,
  renderResolved,
  sortedFindings,
  type BlobLinks,
  type ReportPolicy,
} from '../report/markdown.js';
import { escapeLogLine } from '../report/escape.js';
import { pathToUri, renderSarif } from '../report/sarif.js';
import { renderJobSummary } from '../report/summary.js';
import { ACTION_INPUTS, parseSettings, type InputName, type Settings } from '../settings.js';
import {
  checkAnnotations,
  checkConclusion,
  checkTitle,
  CHECK_RUN_NAME,
  writeCheckRun,
} from './check-run.js';
import { commentMarker, writeStickyComment } from './comment.js';
import { findAcceptLabel, readConfiguration } from './configuration.js';
import { writeReportFile, type ActionContext, type AnnotationProperties } from './context.js';
import { httpStatus, lazyGitHubApi, type GitHubApi } from './github-api.js';
import { renderDocumentChanges } from './resolved.js';
import { chooseRevisions, type RevisionChoice } from './revisions.js';

// GitHub keeps at most 1 MB of outputs per job; the findings output stays well under it.
const MAX_FINDINGS_OUTPUT_BYTES = 512 * 1024;

// Added to a 403's own message, which already names the permission to grant.
const COMMENT_PERMISSION_HELP =
  'Pull requests from forks get a read-only token whatever the workflow grants: run the ' +
  'workflow on `pull_request_target` instead (the Action reads the documents with git and ' +
  'never runs pull request code). Annotations, the job summary and the check result are ' +
  'unaffected.';

const CHECK_RUN_PERMISSION_HELP =
  'If the job cannot have it, set `check-run: false`. Pull requests from forks get a ' +
  'read-only token on `pull_request`. The comment, annotations, the job summary and the ' +
  'result of this step are unaffected.';

/**
 * Writes a line to the log. `core.info` prints its text as it is, and the runner reads a line
 * that starts with `::` as a workflow command, so every info line, which may name files,
 * servers and operations from a pull request, goes through escapeLogLine first.
 */
function info(context: ActionContext, text: string): void {
  context.log.info(escapeLogLine(text));
}

/** Runs the Action; any error becomes a failed step with its message, never a stack trace. */
export async function run(context: ActionContext): Promise<void> {
  const counting = countingAnnotations(context);
  try {
    await runReview(counting.context, counting.written);
  } catch (error) {
    counting.context.setFailed(error instanceof Error ? error.message : String(error));
  }
}

/** How many annotations of each level the step has written so far. */
type AnnotationCounts = Record<AnnotationLevel, number>;

/**
 * The context with its warnings, errors, notices and failure (an error annotation) counted:
 * GitHub shows only so many annotations per step, and the findings get what the run's own
 * messages leave.
 */
function countingAnnotations(context: ActionContext): {
  context: ActionContext;
  written: AnnotationCounts;
} {
  const written: AnnotationCounts = { error: 0, warning: 0, notice: 0 };
  const { log } = context;
  const counted =
    (level: AnnotationLevel) => (message: string, properties?: AnnotationProperties) => {
      written[level] += 1;
      log[level](message, properties);
    };
  return {
    written,
    context: {
      ...context,
      log: {
        debug: (message) => log.debug(message),
        info: (message) => log.info(message),
        group: (name, body) => log.group(name, body),
        error: counted('error'),
        warning: counted('warning'),
        notice: counted('notice'),
      },
      setFailed: (message) => {
        written.error += 1;
        context.setFailed(message);
      },
    },
  };
}

async function runReview(context: ActionContext, written: AnnotationCounts): Promise<void> {
  const { log, environment } = context;
  if (environment.payloadProblem !== null) throw new Error(environment.payloadProblem);

  // Settings: validated once, each value echoed for debugging.
  const settings = await log.group('Settings', () => Promise.resolve(readSettings(context)));

  // Revisions: from the event, unless base-ref / head-ref say otherwise.
  const choice = chooseRevisions(environment, settings);
  info(context, `Revisions: ${choice.reason}.`);
  const api = lazyGitHubApi(() => context.createGitHubApi(settings.githubToken, log));
  const revisions = await log.group('Reading revisions', () => openRevisions(context, api, choice));
  if (revisions === null) {
    const output = findingsOutput([]);
    setOutputs(context, { findings: [], output, failed: false, commentUrl: null, origin: null });
    return;
  }

  // Configuration: the file at the revision config-from names; inputs given to the step win.
  const { policy, notes: configNotes } = await log.group('Configuration', () =>
    resolveActionPolicy(context, settings, choice, revisions),
  );

  // Documents: selected on both sides and paired across renames.
  const plan = await log.group('Selecting documents', async () => {
    const planned = await planReview(revisions.base, revisions.head, policy.files);
    logPlan(context, planned);
    return planned;
  });

  // Review: the engine runs on every pair, then the policy turns rules off, fingerprints every
  // finding and marks the accepted ones.
  const { result, reportPolicy } = await log.group('Reviewing documents', async () => {
    const review: ReviewFunction = (base, head, options) =>
      context.review(base, head, { ...options, ...policy.engine });
    const reviewed = await reviewPlan(plan, policy.model, review);
    const applied = applyPolicy(reviewed, policy, utcDay());
    for (const document of applied.result.documents) {
      const name = document.head ?? document.base ?? '';
      const accepted = document.findings.length - blockingFindings(document.findings).length;
      const acceptedText = accepted === 0 ? '' : ` (${accepted} accepted)`;
      info(
        context,
        `${name}: ${document.status}, ${document.findings.length} finding(s)${acceptedText}`,
      );
      for (const notice of document.notices) {
        info(context, `  note ${notice.location.file}:${notice.location.line}: ${notice.message}`);
      }
    }
    const notes = [...configNotes, ...applied.notes];
    logPolicyNotes(context, notes);
    return { result: applied.result, reportPolicy: { origin: policy.origin, notes } };
  });

  // Report: job summary, comment, check run, SARIF, then annotations, outputs and the check
  // itself. Annotations come last but for the verdict, so that every warning the run wrote
  // is counted against GitHub's limits, and the verdict's own slot is kept free.
  const findings = sortedFindings(result);
  const failed = reachesFailOn(findings, policy.failOn);
  const links: BlobLinks = {
    ...environment.repository,
    serverUrl: environment.serverUrl,
    headSha: plan.head.sha,
  };
  const output = findingsOutput(findings);
  const report: ReportInputs = {
    settings,
    policy,
    reportPolicy,
    plan,
    result,
    findings,
    failed,
    outputCount: output.count,
  };
  const verdict = failed ? failureMessage(findings, policy.failOn) : null;
  const { commentUrl, sarifProblem } = await log.group('Reporting', async () => {
    if (settings.jobSummary) await writeSummary(context, report, links);
    const url = await writeComment(context, api, choice, report, links);
    if (settings.checkRun) await writeCheckRunReport(context, api, report, links);
    const problem =
      settings.sarifFile === null ? null : await writeSarif(context, settings.sarifFile, report);
    if (settings.annotations) {
      // Written so far, and still to come: the verdict and a SARIF failure.
      const failing = verdict !== null && !settings.warnOnly ? 1 : 0;
      const reserved: AnnotationCounts = {
        error: written.error + failing + (problem === null ? 0 : 1),
        warning: written.warning + (verdict !== null && settings.warnOnly ? 1 : 0),
        notice: written.notice,
      };
      writeAnnotations(context, report, reserved);
    }
    return { commentUrl: url, sarifProblem: problem };
  });

  setOutputs(context, { findings, output, failed, commentUrl, origin: policy.origin });
  if (verdict !== null) {
    if (settings.warnOnly) {
      log.warning(`${verdict} warn-only is set: not failing.`, { title: 'Security findings' });
    } else {
      context.setFailed(verdict);
    }
  }
  // A SARIF file the workflow asked for and a later upload step needs: not writing it fails.
  if (sarifProblem !== null) context.setFailed(sarifProblem);
}

/** The step's failure message: how many findings, and the worst that reaches the threshold. */
function failureMessage(findings: readonly Finding[], failOn: Severity | 'none'): string {
  const blocking = blockingFindings(findings);
  const accepted = findings.length - blocking.length;
  const counted =
    accepted === 0
      ? `${findings.length} finding(s)`
      : `${blocking.length} finding(s) not accepted (${accepted} accepted)`;
  return (
    `${counted}; the worst is ${blocking[0]?.severity ?? 'none'}, which reaches ` +
    `fail-on-severity ${failOn}.`
  );
}

/**
 * Where a reader finds every finding when a report or the step's annotations leave some out:
 * the job summary when the step writes one, else the check run's annotations, else the SARIF
 * file, else the `findings` output (which holds the worst when all would not fit). Text for
 * markdown and annotations alike. `without` is the report asking, which cannot point to itself.
 */
function everyFindingHint(report: ReportInputs, without?: 'job-summary' | 'check-run'): string {
  const { settings, findings, outputCount } = report;
  if (settings.jobSummary && without !== 'job-summary') {
    return 'The job summary of this run lists every finding.';
  }
  if (settings.checkRun) {
    return without === 'check-run'
      ? 'The annotations of this check run list every finding.'
      : `The check run "${CHECK_RUN_NAME}" of this run annotates every finding.`;
  }
  if (settings.sarifFile !== null) {
    return 'The SARIF file this run writes (`sarif-file`) holds every finding.';
  }
  return outputCount === findings.length
    ? 'The `findings` output of this step holds every finding as JSON.'
    : `The \`findings\` output of this step holds the ${outputCount} worst findings as JSON.`;
}

/** Everything the reports are made from. */
interface ReportInputs {
  settings: Settings;
  policy: Policy;
  reportPolicy: ReportPolicy;
  plan: ReviewPlan;
  result: ReviewResult;
  /** Every finding, in report order. */
  findings: Finding[];
  /** A finding not accepted reaches fail-on-severity. */
  failed: boolean;
  /** How many of the findings the `findings` output holds: the worst that fit its size. */
  outputCount: number;
}

/**
 * The policy in force: the configuration file, then the inputs the workflow gave the step over
 * it (an empty input is "not given"), then the accept label when the pull request carries it.
 */
async function resolveActionPolicy(
  context: ActionContext,
  settings: Settings,
  choice: RevisionChoice,
  revisions: RevisionPair,
): Promise<{ policy: Policy; notes: PolicyNote[] }> {
  const configuration = await readConfiguration(
    { base: revisions.policyBase, head: revisions.head, branchPoint: revisions.base },
    settings.configFile,
    settings.configFrom,
  );
  const policy = resolvePolicy(
    configuration.loaded,
    {
      failOn: settings.failOnSeverity,
      model: settings.model,
      files: settings.files,
      acceptedByLabel: acceptLabelInForce(context, settings, choice),
    },
    configuration.origin,
  );

  info(context, describeOrigin(policy.origin));
  if (settings.configFrom === 'head') {
    info(
      context,
      'config-from is head: the configuration of the revision under review is in force, so ' +
        'a pull request can change the policy that reviews it.',
    );
  }
  // Where each value comes from, so a surprising threshold can be traced in the log.
  const config = configuration.loaded?.config;
  const from = (input: unknown, file: unknown) =>
    input !== null ? 'input' : file !== undefined ? 'configuration file' : 'default';
  const givenFiles = settings.files.length > 0 ? settings.files : null;
  const files = policy.files.length === 0 ? 'the default selection' : policy.files.join(', ');
  const failOnFrom = from(settings.failOnSeverity, config?.['fail-on-severity']);
  info(
    context,
    `fail-on-severity ${policy.failOn} (${failOnFrom}); ` +
      `model ${policy.model} (${from(settings.model, config?.model)}); ` +
      `files ${files} (${from(givenFiles, config?.files)}); ` +
      `${policy.accept.length} accept entr${policy.accept.length === 1 ? 'y' : 'ies'}.`,
  );
  return { policy, notes: configuration.notes };
}

/** The accept label, when it is set and the pull request carries it; null otherwise. */
function acceptLabelInForce(
  context: ActionContext,
  settings: Settings,
  choice: RevisionChoice,
): string | null {
  const { environment } = context;
  const label = settings.acceptLabel;
  if (label === null) return null;

  const pullRequest = choice.kind === 'compare' ? choice.pullRequest : null;
  if (pullRequest === null) {
    info(
      context,
      `accept-label ${JSON.stringify(label)} is set, but the ${environment.eventName} event ` +
        'has no pull request, so no label applies.',
    );
    return null;
  }
  const found = findAcceptLabel(environment.payload, label);
  info(
    context,
    found === null
      ? `Pull request #${pullRequest} does not carry the label ${JSON.stringify(label)}.`
      : `Pull request #${pullRequest} carries the label ${JSON.stringify(found)}: every ` +
          'finding is accepted.',
  );
  return found;
}

/** Expired accept entries warn; the other notes (unused entries, a label) are for the log. */
function logPolicyNotes(context: ActionContext, notes: readonly PolicyNote[]): void {
  for (const note of notes) {
    const line = note.line === null ? '' : `:${note.line}`;
    const where = note.file === null ? '' : `${note.file}${line}: `;
    if (note.level === 'warning') {
      context.log.warning(`${where}${note.message}`, { title: 'Configuration' });
    } else {
      info(context, `${where}${note.message}`);
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

interface RevisionPair {
  base: Revision;
  head: Revision;
  /**
   * Where a base-side configuration is read: the base branch as it is now, which is the
   * payload's base when the documents are compared with the merge base. Reading it at the
   * merge base would let a pull request pick an older policy by branching from an older commit.
   */
  policyBase: Revision;
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
    const base = new GitRevision(environment.workspace, mergeBase, 'base');
    return { base, head, policyBase: base };
  }

  const branchTip = await openRevision(context, api, hasClone, 'base', choice.base, 'base-ref');
  const head = await openRevision(context, api, hasClone, 'head', choice.head, 'head-ref');
  const base = choice.mergeBase
    ? await openMergeBase(context, api, hasClone, branchTip, head)
    : branchTip;
  info(context, `Base ${base.sha} via ${base.via}; head ${head.sha} via ${head.via}.`);
  return { base, head, policyBase: branchTip };
}

/**
 * The merge base of a pull request's base branch tip and its head: from the clone when it has
 * the history, else from the REST compare API, then opened like any revision. When neither
 * can tell, the branch tip is compared with a warning: what the base branch gained since the
 * pull request branched off may then read as changes of the pull request.
 */
async function openMergeBase(
  context: ActionContext,
  api: GitHubApi,
  hasClone: boolean,
  branchTip: Revision,
  head: Revision,
): Promise<Revision> {
  const { log, environment } = context;
  const attempts: string[] = [];
  let mergeBase: string | undefined;

  if (hasClone && !(await isShallowClone(environment.workspace))) {
    mergeBase = await localMergeBase(environment.workspace, branchTip.sha, head.sha);
    attempts.push(`git merge-base ${mergeBase === undefined ? 'found none' : 'succeeded'}`);
  }
  if (mergeBase === undefined && api.getMergeBase) {
    try {
      mergeBase = await api.getMergeBase(branchTip.sha, head.sha);
    } catch (error) {
      attempts.push(error instanceof Error ? error.message : String(error));
    }
  }

  if (mergeBase === undefined) {
    log.warning(
      `Cannot find the merge base of the base branch (${branchTip.sha}) and the head ` +
        `(${head.sha}): ${attempts.join('; ')}. Comparing with the base branch as it is, so ` +
        'changes merged into it since this pull request branched off may show as changes of ' +
        'the pull request. Give the token `contents: read`, or check out with ' +
        '`fetch-depth: 0`.',
      { title: 'No merge base' },
    );
    return branchTip;
  }
  if (mergeBase === branchTip.sha) return branchTip;

  info(
    context,
    `Comparing with ${mergeBase}, the merge base of the base branch (${branchTip.sha}) and ` +
      'the head, as the pull request diff does.',
  );
  return openRevision(context, api, hasClone, 'base', mergeBase, 'the merge base');
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
    info(context, `${pair.pairing}: ${described ?? ''}`);
  }
  if (plan.pairs.length === 0) info(context, 'No AsyncAPI documents in either revision.');

  for (const path of plan.oversized) {
    log.warning(`${path} is over the size limit and was not inspected; name it in files.`, {
      title: 'Document not inspected',
    });
  }
}

/**
 * Annotates the findings, worst first, within what GitHub shows less the `reserved` slots
 * the run's own messages take. A deleted document gets a notice of its own: it may carry no
 * finding, but it must not pass silently.
 */
function writeAnnotations(
  context: ActionContext,
  report: ReportInputs,
  reserved: AnnotationCounts,
): void {
  const deleted: Annotation[] = report.result.documents
    .filter((document) => document.status === 'deleted')
    .map((document) => ({
      level: 'notice',
      title: 'AsyncAPI document deleted',
      message:
        `${document.base ?? ''} was deleted: its ${document.operations.base} operation(s) are ` +
        'no longer described here, and no longer reviewed.',
    }));

  const annotations = selectAnnotations(report.findings, {
    isHeadFile: (path) => report.plan.headFiles.has(path),
    pinned: deleted,
    reserved,
    elsewhere: everyFindingHint(report),
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
  report: ReportInputs,
  links: BlobLinks,
): Promise<void> {
  const summary = renderJobSummary(report.result, {
    links,
    failOn: report.policy.failOn,
    baseSha: report.plan.base.sha,
    headSha: report.plan.head.sha,
    oversized: report.plan.oversized,
    policy: report.reportPolicy,
    truncationHint: everyFindingHint(report, 'job-summary'),
  });
  try {
    await context.writeSummary(summary);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    context.log.warning(`Cannot write the job summary: ${reason}`, { title: 'Job summary' });
  }
}

/** Writes the sticky comment; a refusal degrades to a warning so the check still runs. */
async function writeComment(
  context: ActionContext,
  api: GitHubApi,
  choice: RevisionChoice,
  report: ReportInputs,
  links: BlobLinks,
): Promise<string | null> {
  const { log, environment } = context;
  const pullRequest = choice.kind === 'compare' ? choice.pullRequest : null;
  if (pullRequest === null) {
    info(context, 'Not a pull request event: no comment.');
    return null;
  }

  const marker = commentMarker(environment.workflow, environment.job);
  const truncationHint = everyFindingHint(report);
  try {
    const outcome = await writeStickyComment({
      api,
      issueNumber: pullRequest,
      marker,
      mode: report.settings.commentSummaryInPr,
      findingCount: report.findings.length,
      failed: report.failed,
      renderReport: () =>
        renderMarkdown(report.result, {
          marker,
          links,
          failOn: report.policy.failOn,
          policy: report.reportPolicy,
          truncationHint,
        }),
      // A resolved report still names the documents added, deleted or renamed: none is a
      // finding, but a deleted one takes its operations out of review.
      renderResolved: () => {
        const resolved = renderResolved({
          marker,
          headSha: report.plan.head.sha,
          model: report.result.model,
        });
        const changes = renderDocumentChanges(report.result);
        return changes === '' ? resolved : `${resolved}\n${changes}`;
      },
      truncationHint,
    });
    info(context, `Comment: ${outcome.detail}.`);
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

/**
 * Creates the check run with every annotation. Like the comment, it is a report: a refusal
 * (a read-only token, a missing `checks: write`) degrades to a warning and the step's result
 * is decided as without it.
 */
async function writeCheckRunReport(
  context: ActionContext,
  api: GitHubApi,
  report: ReportInputs,
  links: BlobLinks,
): Promise<void> {
  const { log } = context;
  const conclusion = checkConclusion(report.failed, report.settings.warnOnly);
  const annotations = checkAnnotations(report.findings);
  try {
    const outcome = await writeCheckRun({
      api,
      headSha: report.plan.head.sha,
      conclusion,
      title: checkTitle(report.findings, deletedDocuments(report.result)),
      summary: renderMarkdown(report.result, {
        links,
        failOn: report.policy.failOn,
        policy: report.reportPolicy,
        maxBytes: COMMENT_MAX_BYTES,
        truncationHint: everyFindingHint(report, 'check-run'),
      }),
      annotations,
    });
    const url = outcome.checkRun.url === null ? '' : ` at ${outcome.checkRun.url}`;
    info(
      context,
      `Check run "${CHECK_RUN_NAME}": ${conclusion}, ${outcome.sent} annotation(s) in ` +
        `${outcome.requests} request(s)${url}.`,
    );
    if (outcome.problem !== null) {
      log.warning(
        `The check run was created with its conclusion, but ` +
          `${annotations.length - outcome.sent} of ${annotations.length} annotations could ` +
          `not be added: ${outcome.problem}`,
        { title: 'Check run incomplete' },
      );
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const help = httpStatus(error) === 403 ? ` ${CHECK_RUN_PERMISSION_HELP}` : '';
    log.warning(`Cannot create the check run: ${reason}.${help}`, {
      title: 'Check run not written',
    });
  }
}

/**
 * Writes the SARIF log to `sarif-file` (relative to the workspace). Locations are paths from
 * the repository root, which is what code scanning resolves them against. Returns why it could
 * not be written, or null.
 */
async function writeSarif(
  context: ActionContext,
  sarifFile: string,
  report: ReportInputs,
): Promise<string | null> {
  const target = resolve(context.environment.workspace, sarifFile);
  const sarif = renderSarif(report.result, {
    origin: report.reportPolicy.origin,
    notes: report.reportPolicy.notes,
    artifactUri: pathToUri,
  });
  try {
    await (context.writeFile ?? writeReportFile)(target, sarif);
    info(context, `SARIF: ${report.findings.length} result(s) written to ${target}.`);
    return null;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `Cannot write sarif-file ${sarifFile}: ${reason}`;
  }
}

/** The findings output, cut to the worst findings that fit GitHub's output size. */
function findingsOutput(findings: Finding[]): { json: string; count: number } {
  let count = findings.length;
  let json = JSON.stringify(findings);
  while (Buffer.byteLength(json) > MAX_FINDINGS_OUTPUT_BYTES && count > 0) {
    count = Math.floor(count * 0.9);
    json = JSON.stringify(findings.slice(0, count));
  }
  return { json, count };
}

function deletedDocuments(result: ReviewResult): number {
  return result.documents.filter((document) => document.status === 'deleted').length;
}

/** The worst severity of all findings, accepted ones included. */
function highestSeverity(findings: readonly Finding[]): Severity | 'none' {
  let worst: Severity | null = null;
  for (const finding of findings) {
    if (worst === null || severityRank(finding.severity) > severityRank(worst)) {
      worst = finding.severity;
    }
  }
  return worst ?? 'none';
}

interface Outcome {
  findings: Finding[];
  output: { json: string };
  failed: boolean;
  commentUrl: string | null;
  /** The configuration in force; null when nothing was compared, so none was read. */
  origin: ConfigOrigin | null;
}

function setOutputs(context: ActionContext, outcome: Outcome): void {
  const { findings, origin } = outcome;
  context.setOutput('findings', outcome.output.json);
  context.setOutput('finding-count', String(findings.length));
  context.setOutput('highest-severity', highestSeverity(findings));
  context.setOutput('failed', String(outcome.failed));
  context.setOutput('comment-url', outcome.commentUrl ?? '');
  context.setOutput(
    'configuration',
    JSON.stringify({
      file: origin?.file ?? null,
      from: origin?.from ?? null,
      revision: origin?.revision ?? null,
      description:
        origin === null
          ? 'No configuration was read: nothing was compared.'
          : describeOrigin(origin),
    }),
  );
}
