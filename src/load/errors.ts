/**
 * A document that cannot be read, parsed or resolved safely. It becomes a `document-invalid`
 * finding that names the file, the line, the column and the reason; it never crashes a run.
 */
export class DocumentError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'DocumentError';
  }
}
