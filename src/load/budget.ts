/**
 * What one whole run may spend: wall-clock time and the number of documents reviewed. One
 * budget is shared by every document of a run, so a pull request with many expensive
 * documents is bounded as a whole, not one document at a time.
 *
 * The clock is checked between steps: when a document is admitted, before and after each file
 * is read and parsed, and at each `$ref` followed while the model is built. One parse of one
 * file and the comparison of two built models are not interrupted; file size, aliases, depth
 * (limits.ts) and the number of ways in (model/effective.ts) bound what those cost.
 */
import { DocumentError } from './errors.js';

export interface BudgetLimits {
  /** Wall-clock milliseconds for the whole run, from the first document reviewed. */
  maxRunMillis: number;
  /** Documents (base and head pairs) one run reviews; the rest are reported, not read. */
  maxDocuments: number;
}

export const DEFAULT_BUDGET: Readonly<BudgetLimits> = Object.freeze({
  maxRunMillis: 5 * 60 * 1000,
  maxDocuments: 1000,
});

/** Raised as a `DocumentError`, so a spent budget is a `document-invalid` finding, not a crash. */
export class BudgetError extends DocumentError {
  constructor(file: string, reason: string) {
    super(file, 1, 1, reason);
    this.name = 'BudgetError';
  }
}

export class RunBudget {
  readonly limits: Readonly<BudgetLimits>;
  private readonly deadline: number;
  private documents = 0;

  constructor(
    limits: Partial<BudgetLimits> = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.limits = { ...DEFAULT_BUDGET, ...limits };
    this.deadline = this.now() + this.limits.maxRunMillis;
  }

  /** Counts one more document; throws once the run has reviewed `maxDocuments`. */
  admitDocument(file: string): void {
    this.documents += 1;
    if (this.documents > this.limits.maxDocuments) {
      throw new BudgetError(
        file,
        `the run already reviewed ${this.limits.maxDocuments} documents, its limit; ` +
          'narrow the files input to review the rest',
      );
    }
    this.check(file);
  }

  /** Throws when the run's time is spent; `file` is the file being read when it ran out. */
  check(file: string): void {
    if (this.now() <= this.deadline) return;
    throw new BudgetError(
      file,
      `the review ran out of its time budget of ${formatMillis(this.limits.maxRunMillis)} ` +
        'while reading this file; review fewer documents per run (narrow the files input)',
    );
  }

  get expired(): boolean {
    return this.now() > this.deadline;
  }
}

function formatMillis(millis: number): string {
  return millis >= 1000 ? `${Math.round(millis / 100) / 10} s` : `${millis} ms`;
}
