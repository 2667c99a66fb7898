import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

import { DEFAULT_LIMITS } from './limits.js';
import { SourceError, type FileSource } from './source.js';

/**
 * Files under one folder of the local disk, the root for relative references. A path that
 * resolves outside the folder, through `..` or a symbolic link, is refused.
 */
export class FolderSource implements FileSource {
  readonly label: string;
  private readonly root: string;

  constructor(
    root: string,
    private readonly maxFileBytes = DEFAULT_LIMITS.maxFileBytes,
  ) {
    this.root = resolve(root);
    this.label = root;
  }

  async readFile(path: string): Promise<Uint8Array | undefined> {
    // Node refuses a NUL byte in a path with a TypeError; a `$ref` may spell one.
    if (path.includes('\u0000')) {
      throw new SourceError(path, 'the path holds a NUL character and was not read');
    }
    const requested = join(this.root, path);

    let real: string;
    try {
      real = await realpath(requested);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }

    // `..` as a whole first segment leaves the root; a name like `..schemes.yaml` does not.
    const rootReal = await realpath(this.root);
    const inside = relative(rootReal, real);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      throw new SourceError(path, `${path} resolves outside ${this.label} and was not read`);
    }

    const info = await stat(real);
    if (!info.isFile()) throw new SourceError(path, `${path} is not a regular file`);
    if (info.size > this.maxFileBytes) {
      throw new SourceError(
        path,
        `${path} has ${info.size} bytes, over the limit of ${this.maxFileBytes}; ` +
          'split it into files that reference each other',
      );
    }
    return readFile(real);
  }
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
