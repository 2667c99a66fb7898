/**
 * Runs git without a shell: every argument is passed as-is to `execFile`, so a path or a ref
 * from a pull request can never become a command.
 */
import { execFile, spawn } from 'node:child_process';

/** A git command that failed; the message carries git's own explanation. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`git ${args.join(' ')} failed${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
    this.name = 'GitError';
  }
}

export interface GitOptions {
  /** Largest output accepted, in bytes; a larger one fails rather than filling memory. */
  maxBuffer?: number;
}

const DEFAULT_MAX_BUFFER = 64 * 1024 * 1024;

// Git must not prompt for credentials nor read the user's pager or editor in a CI job.
const GIT_ENVIRONMENT = { GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' };

/** Runs `git <args>` in `repoDir` and resolves to its raw standard output. */
export function runGit(repoDir: string, args: string[], options: GitOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: repoDir,
        encoding: 'buffer',
        maxBuffer: options.maxBuffer ?? DEFAULT_MAX_BUFFER,
        env: { ...process.env, ...GIT_ENVIRONMENT },
      },
      (error, stdout, stderr) => {
        if (error) {
          const code = typeof error.code === 'number' ? error.code : null;
          reject(new GitError(args, stderr.toString('utf8') || error.message, code));
          return;
        }
        resolve(stdout);
      },
    );
  });
}

/** Runs git and resolves to its standard output as UTF-8 text. */
export async function runGitText(repoDir: string, args: string[]): Promise<string> {
  return (await runGit(repoDir, args)).toString('utf8');
}

/** Resolves to true when the command exits 0, false when git says no. */
export async function gitSucceeds(repoDir: string, args: string[]): Promise<boolean> {
  try {
    await runGit(repoDir, args);
    return true;
  } catch (error) {
    if (error instanceof GitError) return false;
    throw error;
  }
}

/**
 * Reads many blobs with one `git cat-file --batch` process instead of one process per file,
 * which matters when the default selection inspects every YAML and JSON file of a repository.
 * Missing objects resolve to `undefined`.
 */
export function readBlobs(
  repoDir: string,
  oids: string[],
): Promise<Map<string, Buffer | undefined>> {
  return new Promise((resolve, reject) => {
    const blobs = new Map<string, Buffer | undefined>();
    if (oids.length === 0) {
      resolve(blobs);
      return;
    }

    const child = spawn('git', ['cat-file', '--batch'], {
      cwd: repoDir,
      env: { ...process.env, ...GIT_ENVIRONMENT },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new GitError(['cat-file', '--batch'], stderr, code));
        return;
      }
      try {
        parseCatFileBatch(Buffer.concat(chunks), oids, blobs);
        resolve(blobs);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });

    child.stdin.end(oids.map((oid) => `${oid}\n`).join(''));
  });
}

/** Parses `<oid> <type> <size>\n<content>\n` records, or `<oid> missing\n`, in request order. */
export function parseCatFileBatch(
  output: Buffer,
  requested: string[],
  into: Map<string, Buffer | undefined>,
): void {
  let offset = 0;
  for (const oid of requested) {
    const headerEnd = output.indexOf(0x0a, offset);
    if (headerEnd < 0) throw new Error(`git cat-file --batch ended before ${oid}`);

    const header = output.subarray(offset, headerEnd).toString('utf8').split(' ');
    if (header[1] === 'missing' || header.length < 3) {
      into.set(oid, undefined);
      offset = headerEnd + 1;
      continue;
    }

    const size = Number(header[2]);
    const start = headerEnd + 1;
    into.set(oid, output.subarray(start, start + size));
    offset = start + size + 1;
  }
}
