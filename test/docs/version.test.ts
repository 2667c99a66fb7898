/**
 * One version everywhere a user can read it: package.json, `--version` (from the sources and
 * from the committed bundle), the footer of the text report, the JSON and SARIF reports and the
 * CHANGELOG; and one repository address in package.json and in the links the reports print.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import packageJson from '../../package.json' with { type: 'json' };
import { runCli } from '../../src/cli/main.js';
import { REPOSITORY_URL } from '../../src/policy/schema.js';
import { toSarif } from '../../src/report/sarif.js';
import { TOOL_NAME, VERSION } from '../../src/version.js';

const root = resolve(import.meta.dirname, '..', '..');
const version = packageJson.version;
const pair = ['base', 'head'].map((side) =>
  join('examples', 'pairs', 'orders', side, 'asyncapi.yaml'),
);
const bundledCli = join(root, 'dist', 'cli', 'index.js');

describe('the version', () => {
  it('is a semantic version', () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    expect(VERSION).toBe(version);
  });

  it('is what --version prints', async () => {
    const outcome = await runCli(['--version'], root);
    expect(outcome).toEqual({ exitCode: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('ends the text report: "AsyncAPI Security Review <version>"', async () => {
    const outcome = await runCli([...pair, '--fail-on', 'none'], root);
    expect(outcome.exitCode).toBe(0);
    const lastLine = outcome.stdout.trimEnd().split('\n').at(-1);
    expect(TOOL_NAME).toBe('AsyncAPI Security Review');
    expect(lastLine).toContain(`AsyncAPI Security Review ${version}`);
  });

  it('names the tool in the JSON report', async () => {
    const outcome = await runCli([...pair, '--fail-on', 'none', '--format', 'json'], root);
    const report = JSON.parse(outcome.stdout) as { tool: { name: string; version: string } };
    expect(report.tool).toEqual({ name: 'asyncapi-security-review', version });
  });

  it('is the SARIF driver version', () => {
    const driver = toSarif({ model: 'override', documents: [] }).runs[0]?.tool.driver;
    expect(driver?.version).toBe(version);
    expect(driver?.semanticVersion).toBe(version);
  });

  it('comes from the repository that package.json names', () => {
    expect(packageJson.repository.url).toBe(`git+${REPOSITORY_URL}.git`);
    expect(packageJson.homepage).toBe(`${REPOSITORY_URL}#readme`);
  });

  it('has a CHANGELOG section', () => {
    const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(new RegExp(`^## \\[${version.replaceAll('.', '\\.')}\\]`, 'm'));
  });

  // dist/ is committed and what the Action and the npm bin run: a release bumps both together.
  it.skipIf(!existsSync(bundledCli))('is what the committed bundle prints', () => {
    const printed = execFileSync(process.execPath, [bundledCli, '--version'], {
      encoding: 'utf8',
    });
    expect(printed).toBe(`${version}\n`);
  });
});
