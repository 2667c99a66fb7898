/**
 * The engine's public surface: review one document pair (base and head, either may be absent)
 * and return its findings. Nothing here knows about GitHub; the Action and the CLI call it.
 */
import { compareModels } from './compare/compare.js';
import type {
  DocumentReview,
  Finding,
  Notice,
  RuleId,
  SecurityModel,
  Severity,
} from './compare/finding.js';
import { ruleById } from './compare/rules.js';
import { DEFAULT_STRENGTH_CLASSES } from './compare/strength.js';
import { RunBudget } from './load/budget.js';
import { DocumentError } from './load/errors.js';
import { DEFAULT_LIMITS, type Limits } from './load/limits.js';
import { loadDocument, type LoadedDocument } from './load/loader.js';
import type { FileSource } from './load/source.js';
import { DEFAULT_TLS_PROTOCOLS } from './model/context.js';
import { checkWaysIn } from './model/effective.js';
import { readModel } from './model/read.js';
import type { ApiModel } from './model/types.js';

export interface DocumentSide {
  source: FileSource;
  /** Root-relative POSIX path of the document inside `source`. */
  path: string;
}

export interface EngineOptions {
  model: SecurityModel;
  limits?: Partial<Limits>;
  /** Protocol names that carry TLS, added to the defaults. */
  extraTlsProtocols?: readonly string[];
  /** Strength class per scheme type (`http:<scheme>` for http), over the defaults. */
  strengthClasses?: Readonly<Record<string, number>>;
  /** Severity per rule, over the catalog's defaults. */
  severities?: Partial<Record<RuleId, Severity>>;
  /** Rules turned off: they never become findings, and never hide a rule that is on. */
  disabledRules?: ReadonlySet<RuleId>;
  /**
   * The run's time and document budget. Without one, every review reading from the same
   * `FileSource` shares one default budget (see `sharedBudget`).
   */
  budget?: RunBudget;
}

/**
 * What the engine keeps of a loaded document once its model is built: not the YAML tree. The
 * model holds every line it may report, so dropping the tree lets the base's be collected
 * while the head is parsed (peak RSS of the 10,000-operation 3.0 pair: 551 to 459 MB).
 */
type ReadDocument = Pick<LoadedDocument, 'path' | 'filesRead' | 'digests'>;

type LoadedSide =
  | { ok: true; document: ReadDocument; model: ApiModel }
  | { ok: false; error: DocumentError; filesRead: string[] };

export async function reviewDocument(
  base: DocumentSide | null,
  head: DocumentSide | null,
  options: EngineOptions,
): Promise<DocumentReview> {
  const budget = options.budget ?? sharedBudget(base, head);
  const refused = admit(budget, head ?? base);
  const baseSide = base ? await loadSide(base, options, budget, refused) : null;
  const headSide = head ? await loadSide(head, options, budget, refused) : null;

  const review: DocumentReview = {
    base: base?.path ?? null,
    head: head?.path ?? null,
    status: documentStatus(base, head, baseSide, headSide),
    filesRead: { base: filesOf(baseSide), head: filesOf(headSide) },
    operations: { base: operationCount(baseSide), head: operationCount(headSide) },
    findings: [],
    notices: [],
  };

  if (!headSide) return review;

  if (!headSide.ok) {
    review.findings.push(invalidDocumentFinding(headSide.error, baseSide, options));
    return review;
  }

  let baseModel: ApiModel | null = null;
  if (baseSide?.ok) {
    baseModel = baseSide.model;
  } else if (baseSide) {
    review.notices.push({
      message:
        `the base version cannot be read (${baseSide.error.reason}); ` +
        'the head is reviewed as a new document',
      location: { file: baseSide.error.file, line: baseSide.error.line },
    });
  }

  review.notices.push(...headSide.model.notices);
  try {
    review.findings.push(
      ...compareModels(baseModel, headSide.model, {
        model: options.model,
        classes: { ...DEFAULT_STRENGTH_CLASSES, ...options.strengthClasses },
        severities: options.severities,
        ...(options.disabledRules ? { disabledRules: options.disabledRules } : {}),
        checkTime: () => budget.check(headSide.document.path),
      }),
    );
  } catch (error) {
    // Out of time in the middle of the comparison: what was compared proves nothing about the
    // rest, so the head fails closed as a whole rather than with some of its findings.
    if (!(error instanceof DocumentError)) throw error;
    review.findings = [invalidDocumentFinding(error, baseSide, options)];
  }
  return review;
}

// The Action and the CLI's git mode review every document of a run through the two sources of
// its revisions, so keying the default budget by source bounds the whole run without each
// caller creating one. Both sources of a pair share it: a deleted document has only a base,
// and must count against the same run as the rest. A WeakMap: the budget goes away with the
// revisions.
const budgetsBySource = new WeakMap<FileSource, RunBudget>();

function sharedBudget(base: DocumentSide | null, head: DocumentSide | null): RunBudget {
  const sources = [base?.source, head?.source].filter((source) => source !== undefined);
  const known = sources.map((source) => budgetsBySource.get(source)).find(Boolean);
  const budget = known ?? new RunBudget();
  for (const source of sources) budgetsBySource.set(source, budget);
  return budget;
}

/** Counts the document against the run; a refusal fails both sides, so nothing is read. */
function admit(budget: RunBudget, side: DocumentSide | null): DocumentError | null {
  if (side === null) return null;
  try {
    budget.admitDocument(side.path);
    return null;
  } catch (error) {
    if (error instanceof DocumentError) return error;
    throw error;
  }
}

async function loadSide(
  side: DocumentSide,
  options: EngineOptions,
  budget: RunBudget,
  refused: DocumentError | null,
): Promise<LoadedSide> {
  if (refused !== null) return { ok: false, error: refused, filesRead: [] };
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const tlsProtocols = [...DEFAULT_TLS_PROTOCOLS, ...(options.extraTlsProtocols ?? [])];

  let document: LoadedDocument;
  try {
    document = await loadDocument(side.source, side.path, limits, budget);
  } catch (error) {
    if (error instanceof DocumentError) return { ok: false, error, filesRead: [side.path] };
    throw error;
  }

  try {
    const model = readModel(document, { tlsProtocols });
    checkWaysIn(model, options.model, limits);
    const { path, filesRead, digests } = document;
    return { ok: true, document: { path, filesRead, digests }, model };
  } catch (error) {
    if (error instanceof DocumentError) return { ok: false, error, filesRead: document.filesRead };
    throw error;
  }
}

function invalidDocumentFinding(
  error: DocumentError,
  baseSide: LoadedSide | null,
  options: EngineOptions,
): Finding {
  const rule = ruleById('document-invalid');
  const detail = `${error.file} line ${error.line}, column ${error.column}: ${error.reason}`;

  return {
    rule: rule.id,
    severity: options.severities?.[rule.id] ?? rule.severity,
    operation: null,
    channel: null,
    action: null,
    server: null,
    causes: ['document unreadable'],
    message: rule.message({
      operation: '',
      server: null,
      before: '',
      after: '',
      model: options.model,
      causes: ['document unreadable'],
      emptyOverride: false,
      detail,
    }),
    before: baseSide?.ok ? `${baseSide.model.operations.length} operations reviewed` : 'unknown',
    after: 'unreadable',
    location: { file: error.file, line: error.line, column: error.column },
    baseLocation: null,
  };
}

function documentStatus(
  base: DocumentSide | null,
  head: DocumentSide | null,
  baseSide: LoadedSide | null,
  headSide: LoadedSide | null,
): DocumentReview['status'] {
  if (!base) return 'added';
  if (!head) return 'deleted';
  if (base.path !== head.path) return 'renamed';
  if (baseSide?.ok && headSide?.ok && sameFiles(baseSide.document, headSide.document)) {
    return 'unchanged';
  }
  return 'modified';
}

function sameFiles(base: ReadDocument, head: ReadDocument): boolean {
  if (base.digests.size !== head.digests.size) return false;
  return [...base.digests].every(([path, digest]) => head.digests.get(path) === digest);
}

function filesOf(side: LoadedSide | null): string[] {
  if (!side) return [];
  return side.ok ? side.document.filesRead : side.filesRead;
}

function operationCount(side: LoadedSide | null): number {
  return side?.ok ? side.model.operations.length : 0;
}

export type { Notice };
