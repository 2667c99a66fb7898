/**
 * The npm package as a user gets it: `npm pack` makes a tarball with the CLI bundle and the
 * documents, and once it is installed in a scratch folder `npx asyncapi-security-review` runs.
 * The `bin` is the committed bundle dist/cli/index.js; without it there is nothing to pack, and
 * these tests are skipped with that reason (`npm run bundle` makes it).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import packageJson from '../../package.json' with { type: 'json' };

const root = resolve(import.meta.dirname, '..', '..');
const hasBundle = existsSync(join(root, 'dist', 'cli', 'index.js'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

interface PackResult {
  filename: string;
  files: { path: string }[];
}

const skipReason = hasBundle ? '' : ' (skipped: dist/cli/index.js is missing; run npm run bundle)';

describe.skipIf(!hasBundle)(`the npm package${skipReason}`, () => {
  let scratch = '';
  let packed: PackResult = { filename: '', files: [] };
  let app = '';

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'asr-pack-'));
    const output = execFileSync(
      npm,
      ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    packed = (JSON.parse(output) as PackResult[])[0] ?? packed;

    // A scratch project that installs the tarball: the package has no dependencies (the CLI
    // is bundled), so this needs no registry; --prefer-offline keeps npm from asking anyway.
    app = join(scratch, 'app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }),
    );
    execFileSync(
      npm,
      ['install', join(scratch, packed.filename), '--prefer-offline', '--no-audit', '--no-fund'],
      { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  }, 60_000);

  afterAll(() => {
    if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
  });

  it('holds the CLI bundle and the documents, not the sources', () => {
    const paths = packed.files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'CHANGELOG.md',
        'dist/cli/index.js',
        'dist/cli/package.json',
      ]),
    );
    expect(
      paths.filter((path) => /^(src|test|scripts|bench|examples|node_modules)\//.test(path)),
    ).toEqual([]);
    expect(packed.filename).toBe(`asyncapi-security-review-${packageJson.version}.tgz`);
  });

  it('runs `npx asyncapi-security-review --help` and --version', () => {
    const run = (...args: string[]) =>
      execFileSync(npx, ['--no-install', 'asyncapi-security-review', ...args], {
        cwd: app,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    expect(run('--help')).toMatch(/^Usage: asyncapi-security-review \[options\] <base> <head>/);
    expect(run('--version')).toBe(`${packageJson.version}\n`);
  });

  it('reviews the example pair from the installed package', () => {
    cpSync(join(root, 'examples', 'pairs', 'orders'), join(app, 'orders'), { recursive: true });
    const bin = join(app, 'node_modules', '.bin', 'asyncapi-security-review');
    const output = execFileSync(
      bin,
      ['orders/base/asyncapi.yaml', 'orders/head/asyncapi.yaml', '--fail-on', 'none'],
      { cwd: app, encoding: 'utf8' },
    );
    expect(output).toContain('HIGH transport-downgraded  asyncapi.yaml:15');
    expect(output).toContain(`AsyncAPI Security Review ${packageJson.version}`);
  });
});
