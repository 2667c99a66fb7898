/**
 * Reads the configuration file: YAML parsed with positions, validated with the zod schema, and
 * every problem reported with the key, the line and the fix. The file may come from a pull
 * request (`config-from: head`), so its size and YAML aliases are bounded like documents.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';
import { configSchema, type ConfigFile } from './schema.js';

export const DEFAULT_CONFIG_PATH = '.github/asyncapi-security-review.yml';

const MAX_CONFIG_BYTES = 256 * 1024;

/** One problem in the configuration file, with the 1-based line it stands on. */
export interface ConfigProblem {
  key: string;
  line: number;
  message: string;
}

/** A configuration file that cannot be used; the message lists every problem with its fix. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `Invalid configuration file ${file}:\n` +
        problems.map((p) => `  ${file}:${p.line}: ${p.key}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** A validated configuration and where each accept entry stands, for warnings that point at it. */
export interface LoadedConfig {
  file: string;
  config: ConfigFile;
  /** 1-based line of each `accept` entry, by index. */
  acceptLines: number[];
}

/** Parses and validates the text of a configuration file; throws a ConfigError. */
export function parseConfig(text: string, file: string): LoadedConfig {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) {
    throw new ConfigError(file, [
      {
        key: '(file)',
        line: 1,
        message: `the file is over ${MAX_CONFIG_BYTES / 1024} KiB; keep it to settings.`,
      },
    ]);
  }

  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (offset: number | undefined) => lineCounter.linePos(offset ?? 0).line;

  if (document.errors.length > 0) {
    throw new ConfigError(
      file,
      document.errors.map((error) => ({
        key: '(yaml)',
        line: lineOf(error.pos[0]),
        message: `${firstLine(error.message)}; fix the YAML syntax.`,
      })),
    );
  }

  // A configuration has no use for YAML aliases; refusing them bounds the expansion.
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 0 }) ?? {};
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(file, [
      { key: '(yaml)', line: 1, message: `${reason}; write the values out instead of aliases.` },
    ]);
  }
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => {
      // One problem per unknown key, at the key's own line rather than its parent's.
      const paths =
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => [...issue.path, key])
          : [issue.path];
      return paths.map((path) => {
        const node = nearestNode(document.contents, path, issue.code === 'unrecognized_keys');
        return {
          key: path.length === 0 ? '(top level)' : path.map(String).join('.'),
          line: lineOf(node?.range?.[0]),
          message: describeIssue(issue, path),
        };
      });
    });
    throw new ConfigError(file, problems);
  }

  const acceptNode = isMap(document.contents) ? document.contents.get('accept', true) : undefined;
  const acceptLines = isSeq(acceptNode)
    ? acceptNode.items.map((item) => lineOf((item as Node | null)?.range?.[0]))
    : [];
  return { file, config: parsed.data, acceptLines };
}

/**
 * The deepest node of the path that exists; with `atKey`, the last segment's key rather than
 * its value, so that an unknown key is pointed at where it is written.
 */
function nearestNode(root: unknown, path: readonly PropertyKey[], atKey = false): Node | undefined {
  let node = root as Node | undefined;
  for (const [index, segment] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown }).value === segment);
      if (pair === undefined) return node;
      if (atKey && index === path.length - 1) return pair.key as Node;
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (item === undefined) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}

/** A required key that is missing, with what to write there. */
function missingKeyFix(key: string): string {
  if (key === 'reason') {
    return 'reason is required: add `reason:` saying why the change is accepted, for later readers.';
  }
  return `${key} is required: add it.`;
}

/** What is wrong and how to fix it, in one sentence. */
function describeIssue(issue: z.core.$ZodIssue, path: readonly PropertyKey[]): string {
  const key = String(path[path.length - 1] ?? '');
  switch (issue.code) {
    case 'unrecognized_keys':
      return (
        `unknown key ${key}; ` +
        'remove it or fix its spelling (the JSON Schema in schema/ lists every key).'
      );
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join(', ')}.`;
    case 'invalid_type':
      if (/received undefined$/.test(issue.message)) return missingKeyFix(key);
      return `expected ${issue.expected}; ${issue.message.replace(/^Invalid input: /, '')}.`;
    case 'invalid_format':
      return issue.format === 'date'
        ? 'expected a date written YYYY-MM-DD, such as 2027-06-30.'
        : `${issue.message}.`;
    case 'too_small':
    case 'too_big':
      return `${issue.message}.`;
    default:
      return issue.message.endsWith('.') ? issue.message : `${issue.message}.`;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
