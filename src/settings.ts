/**
 * The Action's inputs: one table of names, defaults and descriptions, and one zod schema that
 * turns the raw strings the runner passes into typed settings. `action.yml` must agree with
 * this table; test/action/settings.test.ts checks that it does.
 */
import { z } from 'zod';
import { SEVERITIES } from './compare/finding.js';

export const FAIL_ON_LEVELS = [...SEVERITIES, 'none'] as const;
export const MODELS = ['override', 'additive'] as const;
export const COMMENT_MODES = ['always', 'on-failure', 'never'] as const;

export interface InputDefinition {
  description: string;
  /** The default exactly as written in action.yml; `undefined` means no default there. */
  default: string | undefined;
}

/** Every input of action.yml, in the order action.yml lists them. */
export const ACTION_INPUTS = {
  'github-token': {
    description: 'Token used to read the repository over the REST API and to write the comment.',
    default: '${{ github.token }}',
  },
  files: {
    description:
      'Globs of the documents to review, newline or comma separated (`!` excludes). ' +
      'Empty: every tracked *.yaml, *.yml and *.json whose top level has `asyncapi`.',
    default: '',
  },
  'base-ref': {
    description: 'Revision to compare from. Empty: taken from the event.',
    default: '',
  },
  'head-ref': {
    description: 'Revision to compare to. Empty: taken from the event.',
    default: '',
  },
  'fail-on-severity': {
    description: 'Fail the step when a finding reaches this severity: ' + FAIL_ON_LEVELS.join('|'),
    default: 'high',
  },
  'warn-only': {
    description: 'Report findings but never fail the step because of them.',
    default: 'false',
  },
  model: {
    description:
      'How operation security combines with server security: override (the operation ' +
      'replaces the server) or additive (both apply).',
    default: 'override',
  },
  'comment-summary-in-pr': {
    description: 'When to write the pull request comment: ' + COMMENT_MODES.join('|'),
    default: 'on-failure',
  },
  annotations: {
    description: 'Annotate the head documents at the lines of the findings.',
    default: 'true',
  },
  'job-summary': {
    description: 'Write the whole report to the job summary.',
    default: 'true',
  },
} as const satisfies Record<string, InputDefinition>;

export type InputName = keyof typeof ACTION_INPUTS;

/** Every output of action.yml with its description. */
export const ACTION_OUTPUTS = {
  findings: 'The findings as a JSON array.',
  'finding-count': 'How many findings there are.',
  'highest-severity': 'The severity of the worst finding, or `none`.',
  failed: '`true` when a finding reached fail-on-severity (even with warn-only).',
  'comment-url': 'The URL of the pull request comment, when one was written.',
} as const;

// Booleans are read as YAML 1.2 core booleans, as the runner documents them.
const booleanInput = z.enum(['true', 'True', 'TRUE', 'false', 'False', 'FALSE']).transform((v) => {
  return v.toLowerCase() === 'true';
});

const optionalRef = z.string().transform((value) => (value.trim() === '' ? null : value.trim()));

const globList = z.string().transform((value) => {
  return value
    .split(/[\n,]/)
    .map((glob) => glob.trim())
    .filter((glob) => glob !== '');
});

const settingsSchema = z.object({
  'github-token': z.string(),
  files: globList,
  'base-ref': optionalRef,
  'head-ref': optionalRef,
  'fail-on-severity': z.enum(FAIL_ON_LEVELS),
  'warn-only': booleanInput,
  model: z.enum(MODELS),
  'comment-summary-in-pr': z.enum(COMMENT_MODES),
  annotations: booleanInput,
  'job-summary': booleanInput,
});

type ParsedInputs = z.output<typeof settingsSchema>;

export interface Settings {
  githubToken: string;
  /** Empty: the default selection of AsyncAPI documents. */
  files: string[];
  baseRef: string | null;
  headRef: string | null;
  failOnSeverity: ParsedInputs['fail-on-severity'];
  warnOnly: boolean;
  model: ParsedInputs['model'];
  commentSummaryInPr: ParsedInputs['comment-summary-in-pr'];
  annotations: boolean;
  jobSummary: boolean;
}

/** An input the runner passed that the schema refuses; the message names the input and the fix. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/**
 * Validates raw inputs (as `core.getInput` returns them: '' when unset). An empty input takes
 * the default of ACTION_INPUTS, so a caller that passes nothing gets the documented behaviour.
 */
export function parseSettings(readInput: (name: InputName) => string): Settings {
  const raw: Record<string, string> = {};
  for (const [name, definition] of Object.entries(ACTION_INPUTS)) {
    const value = readInput(name as InputName).trim();
    const fallback = name === 'github-token' ? '' : (definition.default ?? '');
    raw[name] = value === '' ? fallback : value;
  }

  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const input = String(issue.path[0] ?? '?');
      return `input \`${input}\` is ${JSON.stringify(raw[input] ?? '')}: ${describeIssue(issue)}`;
    });
    throw new SettingsError(`Invalid settings: ${problems.join('; ')}`);
  }

  const inputs = parsed.data;
  return {
    githubToken: inputs['github-token'],
    files: inputs.files,
    baseRef: inputs['base-ref'],
    headRef: inputs['head-ref'],
    failOnSeverity: inputs['fail-on-severity'],
    warnOnly: inputs['warn-only'],
    model: inputs.model,
    commentSummaryInPr: inputs['comment-summary-in-pr'],
    annotations: inputs.annotations,
    jobSummary: inputs['job-summary'],
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') {
    return `expected one of ${issue.values.map((v) => String(v)).join(', ')}`;
  }
  return issue.message;
}
