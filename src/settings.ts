/**
 * The Action's inputs: one table of names, defaults and descriptions, and one zod schema that
 * turns the raw strings the runner passes into typed settings. `action.yml` must agree with
 * this table; test/action/settings.test.ts checks that it does.
 */
import { z } from 'zod';
import { SEVERITIES } from './compare/finding.js';
import { DEFAULT_CONFIG_PATH } from './policy/config.js';

export const FAIL_ON_LEVELS = [...SEVERITIES, 'none'] as const;
export const MODELS = ['override', 'additive'] as const;
export const COMMENT_MODES = ['always', 'on-failure', 'never'] as const;
export const CONFIG_SOURCES = ['base', 'head'] as const;

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
      'Empty: the `files` of the configuration file, else every tracked *.yaml, *.yml and ' +
      '*.json whose top level has `asyncapi`.',
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
  'config-file': {
    description:
      'The configuration file, a path from the repository root. Empty: ' +
      `${DEFAULT_CONFIG_PATH}, and the defaults apply when it does not exist; a path given ` +
      'here must exist.',
    default: '',
  },
  'config-from': {
    description:
      'The revision the configuration file is read from: ' +
      CONFIG_SOURCES.join('|') +
      '. The default, base, keeps a pull request from relaxing the policy that reviews it.',
    default: 'base',
  },
  'fail-on-severity': {
    description:
      'Fail the step when a finding not accepted reaches this severity: ' +
      FAIL_ON_LEVELS.join('|') +
      ". Empty: the configuration file's, else high.",
    default: '',
  },
  'warn-only': {
    description: 'Report findings but never fail the step because of them.',
    default: 'false',
  },
  model: {
    description:
      'How operation security combines with server security: override (the operation ' +
      "replaces the server) or additive (both apply). Empty: the configuration file's, else " +
      'override.',
    default: '',
  },
  'accept-label': {
    description:
      'A pull request label that accepts every finding: reported as accepted, none fails the ' +
      'step. Add labeled and unlabeled to the pull_request types. Empty: no label accepts.',
    default: '',
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
  'check-run': {
    description:
      'Create a check run with the report and an annotation for every finding (a step shows ' +
      '10 per level). Needs `checks: write`.',
    default: 'false',
  },
  'sarif-file': {
    description:
      'Write the findings as SARIF 2.1.0 to this path, for github/codeql-action/upload-sarif. ' +
      'Empty: no SARIF file.',
    default: '',
  },
} as const satisfies Record<string, InputDefinition>;

export type InputName = keyof typeof ACTION_INPUTS;

/** Every output of action.yml with its description. */
export const ACTION_OUTPUTS = {
  findings: 'The findings as a JSON array, each with its fingerprint and accepted (null or why).',
  'finding-count': 'How many findings there are, accepted ones included.',
  'highest-severity': 'The severity of the worst finding, or `none`.',
  failed: '`true` when a finding not accepted reached fail-on-severity (even with warn-only).',
  'comment-url': 'The URL of the pull request comment, when one was written.',
  configuration:
    'The configuration in force as JSON: file (null when none), from (base or head), ' +
    'revision, and a sentence.',
} as const;

// Booleans are read as YAML 1.2 core booleans, as the runner documents them.
const booleanInput = z.enum(['true', 'True', 'TRUE', 'false', 'False', 'FALSE']).transform((v) => {
  return v.toLowerCase() === 'true';
});

/** Empty means "not given": the value then comes from the configuration file or its default. */
const emptyAsNull = (value: string) => (value.trim() === '' ? null : value.trim());

const optionalRef = z.string().transform(emptyAsNull);

/** An enum input whose empty value leaves the choice to the configuration file. */
function optionalEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess((value) => (value === '' ? null : value), z.enum(values).nullable());
}

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
  'config-file': optionalRef,
  'config-from': z.enum(CONFIG_SOURCES),
  'fail-on-severity': optionalEnum(FAIL_ON_LEVELS),
  'warn-only': booleanInput,
  model: optionalEnum(MODELS),
  'accept-label': optionalRef,
  'comment-summary-in-pr': z.enum(COMMENT_MODES),
  annotations: booleanInput,
  'job-summary': booleanInput,
  'check-run': booleanInput,
  'sarif-file': optionalRef,
});

type ParsedInputs = z.output<typeof settingsSchema>;

export interface Settings {
  githubToken: string;
  /** Empty: the configuration file's globs, else the default selection of AsyncAPI documents. */
  files: string[];
  baseRef: string | null;
  headRef: string | null;
  /** The configuration file given to the step; null: the default path, which may be absent. */
  configFile: string | null;
  configFrom: ParsedInputs['config-from'];
  /** Null: not given to the step, so the configuration file or the default decides. */
  failOnSeverity: ParsedInputs['fail-on-severity'];
  warnOnly: boolean;
  /** Null: not given to the step, so the configuration file or the default decides. */
  model: ParsedInputs['model'];
  acceptLabel: string | null;
  commentSummaryInPr: ParsedInputs['comment-summary-in-pr'];
  annotations: boolean;
  jobSummary: boolean;
  checkRun: boolean;
  sarifFile: string | null;
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
 * Inputs whose default is empty (`fail-on-severity`, `model`, `files`, `config-file`) read as
 * "not given", which is how a value passed by the workflow is told from the default: the
 * workflow's value wins over the configuration file, and the file over the built-in default.
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
    configFile: inputs['config-file'],
    configFrom: inputs['config-from'],
    failOnSeverity: inputs['fail-on-severity'],
    warnOnly: inputs['warn-only'],
    model: inputs.model,
    acceptLabel: inputs['accept-label'],
    commentSummaryInPr: inputs['comment-summary-in-pr'],
    annotations: inputs.annotations,
    jobSummary: inputs['job-summary'],
    checkRun: inputs['check-run'],
    sarifFile: inputs['sarif-file'],
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') {
    return `expected one of ${issue.values.map((v) => String(v)).join(', ')}`;
  }
  return issue.message;
}
