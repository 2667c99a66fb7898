/** Real temporary git repositories for the git and Action tests. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_IDENTITY },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export interface TempRepo {
  dir: string;
  write(path: string, content: string): void;
  symlink(path: string, target: string): void;
  remove(path: string): void;
  /** Stages everything and commits; returns the commit SHA. */
  commit(message: string): string;
  cleanup(): void;
}

export function createTempRepo(prefix = 'asr-repo-'): TempRepo {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const dir = join(root, 'repo');
  mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'commit.gpgsign', 'false');

  return {
    dir,
    write(path, content) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    },
    symlink(path, target) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      symlinkSync(target, join(dir, path));
    },
    remove(path) {
      rmSync(join(dir, path));
    },
    commit(message) {
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '--allow-empty', '-m', message);
      return git(dir, 'rev-parse', 'HEAD');
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A shallow clone of `source` at its HEAD, as actions/checkout makes by default. */
export function shallowClone(source: TempRepo, branch = 'main'): string {
  git(source.dir, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  const target = join(
    dirname(source.dir),
    `clone-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  );
  git(
    dirname(source.dir),
    'clone',
    '-q',
    '--depth=1',
    '--branch',
    branch,
    `file://${source.dir}`,
    target,
  );
  return target;
}
