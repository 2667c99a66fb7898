import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ACTION_INPUTS,
  ACTION_OUTPUTS,
  parseSettings,
  SettingsError,
  type InputName,
} from '../../src/settings.js';

interface ActionYaml {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const actionYaml = parse(readFileSync('action.yml', 'utf8')) as ActionYaml;

function inputs(values: Partial<Record<InputName, string>>) {
  return (name: InputName) => values[name] ?? '';
}

describe('action.yml and the settings schema', () => {
  it('list the same inputs with the same defaults and descriptions', () => {
    expect(Object.keys(actionYaml.inputs)).toEqual(Object.keys(ACTION_INPUTS));
    for (const [name, definition] of Object.entries(ACTION_INPUTS)) {
      expect(actionYaml.inputs[name]?.default, name).toBe(definition.default);
      expect(actionYaml.inputs[name]?.description, name).toBe(definition.description);
    }
  });

  it('list the same outputs', () => {
    expect(Object.keys(actionYaml.outputs)).toEqual(Object.keys(ACTION_OUTPUTS));
    for (const [name, description] of Object.entries(ACTION_OUTPUTS)) {
      expect(actionYaml.outputs[name]?.description, name).toBe(description);
    }
  });

  it('runs the bundle on node24', () => {
    expect(actionYaml.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });
});

describe('parseSettings', () => {
  it('gives the documented defaults when no input is set', () => {
    expect(parseSettings(inputs({ 'github-token': 't' }))).toEqual({
      githubToken: 't',
      files: [],
      baseRef: null,
      headRef: null,
      configFile: null,
      configFrom: 'base',
      failOnSeverity: null,
      warnOnly: false,
      model: null,
      acceptLabel: null,
      commentSummaryInPr: 'on-failure',
      annotations: true,
      jobSummary: true,
      checkRun: false,
      sarifFile: null,
    });
  });

  it('reads the defaults of action.yml as not given, so the configuration file decides', () => {
    const defaults = (name: InputName) => actionYaml.inputs[name]?.default ?? '';
    const settings = parseSettings(defaults);
    expect(settings).toMatchObject({
      failOnSeverity: null,
      model: null,
      files: [],
      configFile: null,
      configFrom: 'base',
    });
    // The effective defaults are in the descriptions, where the README tables show them.
    expect(ACTION_INPUTS['fail-on-severity'].description).toContain('else high');
    expect(ACTION_INPUTS.model.description).toContain('else override');
    expect(ACTION_INPUTS['config-file'].description).toContain(
      '.github/asyncapi-security-review.yml',
    );
  });

  it('reads the configuration, label, check run and SARIF inputs', () => {
    const settings = parseSettings(
      inputs({
        'config-file': ' ci/security.yml ',
        'config-from': 'head',
        'accept-label': 'security-reviewed',
        'check-run': 'true',
        'sarif-file': 'reports/review.sarif',
        'fail-on-severity': 'critical',
        model: 'additive',
      }),
    );
    expect(settings).toMatchObject({
      configFile: 'ci/security.yml',
      configFrom: 'head',
      acceptLabel: 'security-reviewed',
      checkRun: true,
      sarifFile: 'reports/review.sarif',
      failOnSeverity: 'critical',
      model: 'additive',
    });
  });

  it('splits files on newlines and commas and trims refs', () => {
    const settings = parseSettings(
      inputs({ files: 'api/*.yaml,\n  !api/legacy.yaml \n\n', 'base-ref': ' main ' }),
    );
    expect(settings.files).toEqual(['api/*.yaml', '!api/legacy.yaml']);
    expect(settings.baseRef).toBe('main');
  });

  it.each([
    ['warn-only', 'True', 'warnOnly', true],
    ['annotations', 'FALSE', 'annotations', false],
    ['fail-on-severity', 'none', 'failOnSeverity', 'none'],
    ['model', 'additive', 'model', 'additive'],
    ['comment-summary-in-pr', 'never', 'commentSummaryInPr', 'never'],
  ] as const)('reads %s=%s', (input, value, field, expected) => {
    expect(parseSettings(inputs({ [input]: value }))[field]).toBe(expected);
  });

  it.each([
    ['fail-on-severity', 'severe', 'critical, high, medium, low, info, none'],
    ['warn-only', 'yes', 'true'],
    ['model', 'strict', 'override, additive'],
    ['config-from', 'working-tree', 'base, head'],
    ['check-run', 'on', 'true'],
  ] as const)('refuses %s=%s, naming the input and the accepted values', (input, value, hint) => {
    const attempt = () => parseSettings(inputs({ [input]: value }));
    expect(attempt).toThrow(SettingsError);
    expect(attempt).toThrow(`input \`${input}\` is "${value}"`);
    expect(attempt).toThrow(hint);
  });
});
