/**
 * Where the files of one revision come from. The engine reads every document and every file a
 * `$ref` names through this interface, so base refs are read from the base revision and head
 * refs from the head revision.
 */
export interface FileSource {
  /** Says where the files come from in messages, for example `head (3f2a9c1)` or a folder. */
  readonly label: string;

  /**
   * Reads a file by its root-relative POSIX path (no leading `/`, no `..` segments: the caller
   * normalises and refuses those). Resolves to `undefined` when no such file exists; rejects
   * with a `SourceError` when the file exists but may not or cannot be read (a symbolic link
   * that leaves the root, a file over the size limit).
   */
  readFile(path: string): Promise<Uint8Array | undefined>;
}

/** A file that exists but cannot be read safely; the message names the file and the reason. */
export class SourceError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}
