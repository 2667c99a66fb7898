/**
 * docs/configuration.md and docs/sarif.md tell the truth: the full example is a valid
 * configuration file, every key of the schema is described, every input they name exists, and
 * their relative links point at files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/policy/config.js';
import { configSchema, RULE_IDS } from '../../src/policy/schema.js';
import { ACTION_INPUTS } from '../../src/settings.js';

const root = resolve(import.meta.dirname, '..', '..');
const pages = ['docs/configuration.md', 'docs/sarif.md'];
const read = (page: string) => readFileSync(join(root, page), 'utf8');
const configuration = read('docs/configuration.md');

describe('docs/configuration.md', () => {
  const example = /<!-- config-example -->\s*```yaml\n([\s\S]*?)```/.exec(configuration)?.[1];

  it('has a full example that parses as a configuration file', () => {
    expect(example, 'the config-example block').toBeDefined();
    const loaded = parseConfig(example ?? '', '.github/asyncapi-security-review.yml');
    const topLevel = Object.keys(configSchema.shape).filter((key) => key !== '$schema');
    // The example is "full": it sets every key but $schema, written as the editor comment.
    expect(Object.keys(loaded.config).sort()).toEqual(topLevel.sort());
    expect(loaded.config.accept?.some((entry) => entry.fingerprint !== undefined)).toBe(true);
    expect(loaded.config.accept?.some((entry) => entry.expires !== undefined)).toBe(true);
  });

  it('describes every key of the file and of an accept entry', () => {
    for (const key of Object.keys(configSchema.shape)) {
      expect(configuration, key).toContain(`| \`${key}\``);
    }
    for (const key of ['rule', 'operation', 'server', 'file', 'fingerprint', 'reason', 'expires']) {
      expect(configuration, `accept.${key}`).toContain(`| \`${key}\``);
    }
  });

  it('parses its other YAML examples as configuration, and the rule ids exist', () => {
    const blocks = [...configuration.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    const fragments = blocks.filter((block) => !/^\s*(on|jobs):/m.test(block));
    expect(fragments.length).toBeGreaterThan(3);
    for (const block of fragments) parseConfig(block, 'example.yml');

    const rules = Object.keys((parse(example ?? '') as { rules: object }).rules);
    for (const rule of rules) expect(RULE_IDS).toContain(rule);
  });
});

describe.each(pages)('%s', (page) => {
  const text = read(page);

  it('names only inputs the Action has', () => {
    const named = [...text.matchAll(/`([a-z-]+):\s[^`]*`|^\s+([a-z-]+): /gm)]
      .map((match) => match[1] ?? match[2] ?? '')
      .filter((name) => ['config-', 'accept-', 'sarif-', 'check-'].some((p) => name.startsWith(p)));
    for (const name of named) expect(Object.keys(ACTION_INPUTS), name).toContain(name);
  });

  it('links to files that exist', () => {
    const withoutCode = text.replace(/```[\s\S]*?```/g, '');
    const targets = [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '');
    const local = targets.filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'));
    expect(local.length).toBeGreaterThan(0);
    for (const target of local) {
      const file = join(root, dirname(page), decodeURI(target.split('#')[0] ?? ''));
      expect(existsSync(file), target).toBe(true);
    }
  });
});
