/** The command line as a user runs it: options, exit codes, formats and bad input. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { runCli } from '../../src/cli/main.js';
import packageJson from '../../package.json' with { type: 'json' };

const repoRoot = join(import.meta.dirname, '..', '..');
const cases = join(repoRoot, 'test', 'fixtures', 'cases');
const weakened = ['base.yaml', 'head.yaml'].map((name) =>
  join(cases, 'security-weakened-v3-x509-to-userpassword', name),
);
const removed = ['base.yaml', 'head.yaml'].map((name) =>
  join(cases, 'security-removed-v2-server-security-deleted', name),
);

const scratch = mkdtempSync(join(tmpdir(), 'asr-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(...argv: string[]) {
  return runCli(argv, repoRoot);
}

interface JsonReport {
  model: string;
  findings: Record<string, unknown>[];
}

describe('the command line', () => {
  it('prints its usage and version', async () => {
    const help = await run('--help');
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^Usage: asyncapi-security-review \[options\] <base> <head>/);

    const version = await run('--version');
    expect(version).toEqual({ exitCode: 0, stdout: `${packageJson.version}\n`, stderr: '' });
  });

  it.each([
    [
      ['--format', 'yaml', ...weakened],
      /--format must be one of text, markdown, json, sarif; got yaml/,
    ],
    [['--fail-on', 'severe', ...weakened], /--fail-on must be one of critical, high/],
    [['--model', 'strict', ...weakened], /--model must be one of override, additive/],
    [['--frobnicate', ...weakened], /^error: unknown option --frobnicate\nRun .* --help/],
    [['--fromat', 'json', ...weakened], /unknown option --fromat; did you mean --format\?/],
    [['--head-ref', 'HEAD', ...weakened], /--head-ref needs --base-ref/],
    [['--output', 'no/such/folder/r.json', ...weakened], /cannot write --output .*: its folder/],
    [[weakened[0] ?? ''], /give exactly two documents/],
    [['nowhere/base.yaml', 'nowhere/head.yaml'], /nowhere\/base.yaml does not exist/],
  ])('refuses %j with exit 2 and a reason', async (argv, reason) => {
    const outcome = await run(...argv);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toMatch(reason);
    expect(outcome.stdout).toBe('');
  });

  it('exits 1 when a finding reaches --fail-on, 0 below it', async () => {
    expect((await run(...weakened)).exitCode).toBe(1);
    expect((await run('--fail-on', 'critical', ...weakened)).exitCode).toBe(0);
    expect((await run('--fail-on', 'critical', ...removed)).exitCode).toBe(1);
    expect((await run('--fail-on', 'none', ...removed)).exitCode).toBe(0);
  });

  it('reads as a terminal report with the finding, its line and the model', async () => {
    const { stdout } = await run(...weakened);
    expect(stdout).toContain('HIGH security-weakened  head.yaml:9');
    expect(stdout).toContain(
      'receiveMeterReading can now be reached through server production with meterPassword ' +
        '(userPassword), which is weaker than every way in before (meterCertificate (X509)).',
    );
    expect(stdout).toContain('before: meterCertificate (X509) on production over TLS');
    expect(stdout).toContain('Model: override.');
  });

  it('writes JSON with the documented fields', async () => {
    const { stdout } = await run('--format', 'json', ...removed);
    const report = JSON.parse(stdout) as JsonReport;

    expect(report.model).toBe('override');
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      rule: 'security-removed',
      severity: 'critical',
      operation: 'orders/cancelled send',
      channel: 'orders/cancelled',
      action: 'send',
      server: 'production',
      cause: 'server security changed',
      before: 'ordersAuth (userPassword) on production over TLS',
      after: 'anonymous on production over TLS',
      location: { file: 'head.yaml', line: 6 },
      baseLocation: { file: 'base.yaml', line: 10 },
    });
    expect(report.findings[0]?.message).toMatch(/^orders\/cancelled send now admits anonymous/);
  });

  it('writes markdown for a pull request comment', async () => {
    const { stdout } = await run('--format', 'markdown', ...removed);
    expect(stdout).toMatch(/^## AsyncAPI Security Review/);
    expect(stdout).toContain('`security-removed`');
    expect(stdout).toContain('```diff');
  });

  it('writes to --output instead of standard output', async () => {
    const output = join(mkdtempSync(join(scratch, 'case-')), 'report.json');
    const outcome = await run('--format', 'json', '--output', output, ...removed);

    expect(outcome.stdout).toBe('');
    expect(outcome.exitCode).toBe(1);
    expect((JSON.parse(readFileSync(output, 'utf8')) as JsonReport).findings).toHaveLength(1);
  });

  it('applies --model additive', async () => {
    const pair = ['base.yaml', 'head.yaml'].map((name) =>
      join(cases, 'security-weakened-v3-override-weaker-than-server', name),
    );
    const override = JSON.parse((await run('--format', 'json', ...pair)).stdout) as JsonReport;
    const additive = JSON.parse(
      (await run('--format', 'json', '--model', 'additive', ...pair)).stdout,
    ) as JsonReport;

    expect(override.findings.map((finding) => finding.rule)).toEqual(['security-weakened']);
    expect(additive.model).toBe('additive');
    expect(additive.findings.map((finding) => finding.rule)).toEqual(['security-strengthened']);
  });

  it('turns an unreadable head into a document-invalid finding, not a stack trace', async () => {
    const folder = mkdtempSync(join(scratch, 'case-'));
    writeFileSync(join(folder, 'base.yaml'), 'asyncapi: 3.0.0\ninfo: {title: t, version: "1"}\n');
    writeFileSync(join(folder, 'head.yaml'), 'asyncapi: 3.0.0\ninfo: [title\n');

    const outcome = await run(join(folder, 'base.yaml'), join(folder, 'head.yaml'));
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).toContain('HIGH document-invalid  head.yaml:3');
    expect(outcome.stdout).toMatch(
      /The document cannot be read safely: head.yaml line 3, column 1: Flow sequence/,
    );
    expect(`${outcome.stdout}${outcome.stderr}`).not.toMatch(/\n\s+at /);
  });

  describe('with --config', () => {
    const weakenedOperation = 'receiveMeterReading';

    function writeConfig(text: string): string {
      const path = join(mkdtempSync(join(scratch, 'config-')), 'asyncapi-security-review.yml');
      writeFileSync(path, text);
      return path;
    }

    it('applies an override, an accepted finding and an expired entry', async () => {
      const config = writeConfig(
        [
          'fail-on-severity: medium',
          'rules:',
          '  security-removed: high',
          'accept:',
          '  - rule: security-weakened',
          `    operation: ${weakenedOperation}`,
          '    reason: the meter gateway checks certificates',
          '    expires: 2999-12-31',
          '  - rule: security-removed',
          '    operation: orders/cancelled send',
          '    reason: was fine last year',
          '    expires: 2001-01-31',
          '',
        ].join('\n'),
      );

      // The accepted weakening is reported, marked, and does not fail the run.
      const accepted = await run('--config', config, '--format', 'json', ...weakened);
      const acceptedReport = JSON.parse(accepted.stdout) as JsonReport;
      expect(accepted.exitCode).toBe(0);
      expect(acceptedReport.findings[0]).toMatchObject({
        rule: 'security-weakened',
        fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) as string,
        accepted: {
          by: 'config',
          reason: 'the meter gateway checks certificates',
          expires: '2999-12-31',
          line: 5,
        },
      });
      expect(accepted.stderr).toContain('expired on 2001-01-31');

      // The expired entry no longer applies; the override turns critical into high.
      const expired = await run('--config', config, ...removed);
      expect(expired.exitCode).toBe(1);
      expect(expired.stdout).toContain('HIGH security-removed  head.yaml:6');
      expect(expired.stdout).toContain(`Configuration: ${config}.`);
      expect(expired.stdout).toMatch(/warning .*:9: accept entry for security-removed on/);
      expect(expired.stderr).toMatch(/^warning: .*asyncapi-security-review\.yml:9: accept entry/);

      // The file's fail-on-severity applies unless the command line says otherwise.
      expect((await run('--config', config, '--fail-on', 'critical', ...removed)).exitCode).toBe(0);
    });

    it('turns a rule off', async () => {
      const config = writeConfig('rules:\n  security-weakened: off\n');
      const outcome = await run('--config', config, '--format', 'json', ...weakened);
      expect(outcome.exitCode).toBe(0);
      expect((JSON.parse(outcome.stdout) as JsonReport).findings).toEqual([]);
    });

    it('lets the next rule speak when the worst one is off', async () => {
      // The head drops an override for a server scheme that is stronger: override-removed (low)
      // and security-strengthened (info) both apply; off, the first must not hide the second.
      const pair = ['base.yaml', 'head.yaml'].map((name) =>
        join(repoRoot, 'test', 'fixtures', 'rule-docs', 'override-removed', 'v2', name),
      );
      const config = writeConfig('rules:\n  override-removed: off\n');
      const outcome = await run('--config', config, '--format', 'json', ...pair);
      const rules = (JSON.parse(outcome.stdout) as JsonReport).findings.map((f) => f.rule);
      expect(rules).toEqual(['security-strengthened']);
    });

    it('refuses an invalid file with exit 2, naming the key, the line and the fix', async () => {
      const config = writeConfig('rules:\n  security-weakend: off\n');
      const outcome = await run('--config', config, ...weakened);
      expect(outcome.exitCode).toBe(2);
      expect(outcome.stderr).toContain(
        `${config}:2: rules.security-weakend: unknown key security-weakend; remove it or fix`,
      );
      expect(outcome.stdout).toBe('');
    });

    it('refuses a missing file with exit 2', async () => {
      const outcome = await run('--config', join(scratch, 'absent.yml'), ...weakened);
      expect(outcome.exitCode).toBe(2);
      expect(outcome.stderr).toMatch(/--config .*absent\.yml cannot be read/);
    });
  });

  it('writes SARIF with locations from the working directory', async () => {
    const outcome = await run('--format', 'sarif', ...removed);
    const log = JSON.parse(outcome.stdout) as {
      version: string;
      runs: { results: { ruleId: string; locations: unknown[] }[] }[];
    };
    expect(outcome.exitCode).toBe(1);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]?.results[0]).toMatchObject({
      ruleId: 'security-removed',
      locations: [
        {
          physicalLocation: {
            artifactLocation: {
              uri: 'test/fixtures/cases/security-removed-v2-server-security-deleted/head.yaml',
            },
            region: { startLine: 6 },
          },
        },
      ],
    });
  });

  it('compares two commits of a repository in git mode', async () => {
    const repo = mkdtempSync(join(scratch, 'git-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: repo,
      });
    git('init', '-q');
    writeFileSync(join(repo, 'orders.yaml'), readFileSync(removed[0] ?? ''));
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    writeFileSync(join(repo, 'orders.yaml'), readFileSync(removed[1] ?? ''));
    git('commit', '-q', '-am', 'head');

    const outcome = await runCli(['--format', 'json', '--base-ref', 'HEAD~1'], repo);
    const report = JSON.parse(outcome.stdout) as JsonReport;
    expect(outcome.exitCode).toBe(1);
    expect(report.findings.map((finding) => [finding.rule, finding.document])).toEqual([
      ['security-removed', 'orders.yaml'],
    ]);

    // A glob that matches nothing is a usage error, not a green run.
    const typo = await runCli(['--base-ref', 'HEAD~1', 'apis/*.yaml'], repo);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toMatch(/^error: no file in either commit matches apis\/\*\.yaml/);
  });

  it('reads the configuration in git mode from the base commit, as the Action does', async () => {
    const repo = mkdtempSync(join(scratch, 'git-config-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: repo,
      });
    git('init', '-q');
    mkdirSync(join(repo, '.github'));
    // The base accepts nothing and fails on critical; the head tries to turn the rule off.
    writeFileSync(
      join(repo, '.github', 'asyncapi-security-review.yml'),
      'fail-on-severity: critical\n',
    );
    writeFileSync(join(repo, 'orders.yaml'), readFileSync(removed[0] ?? ''));
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    writeFileSync(
      join(repo, '.github', 'asyncapi-security-review.yml'),
      'rules:\n  security-removed: off\n',
    );
    writeFileSync(join(repo, 'orders.yaml'), readFileSync(removed[1] ?? ''));
    git('commit', '-q', '-am', 'head');

    const outcome = await runCli(['--base-ref', 'HEAD~1'], repo);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).toMatch(/CRITICAL security-removed/);
    expect(outcome.stdout).toContain('.github/asyncapi-security-review.yml');
    expect(outcome.stdout).toMatch(/from the base revision/);
    expect(outcome.stdout).toMatch(
      /the head revision changes \.github\/asyncapi-security-review\.yml/,
    );

    // An explicit --config still wins, read from disk.
    const relaxed = join(scratch, 'relaxed.yml');
    writeFileSync(relaxed, 'rules:\n  security-removed: off\n');
    const withFile = await runCli(['--base-ref', 'HEAD~1', '--config', relaxed], repo);
    expect(withFile.exitCode).toBe(0);
  });

  it('says when git mode runs outside a repository', async () => {
    const outside = mkdtempSync(join(scratch, 'plain-'));
    const outcome = await runCli(['--base-ref', 'HEAD~1'], outside);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain(`--base-ref needs a git repository, and ${outside} is not`);
  });
});
