/** Bounds on what one review may cost; documents in a pull request are untrusted input. */
export interface Limits {
  /** Largest file read, in bytes. */
  maxFileBytes: number;
  /** YAML aliases per file. */
  maxAliases: number;
  /** Nesting depth of mappings and sequences. */
  maxDepth: number;
  /** Files one document may pull in through `$ref`, itself included. */
  maxFiles: number;
  /** `$ref` resolutions while modelling one document. */
  maxRefs: number;
  /**
   * Ways in (effective alternatives over all servers) of one operation. Comparing two
   * operations costs the product of their ways in, and the additive model multiplies a
   * server's alternatives by the operation's, so a few lines of YAML could ask for millions.
   */
  maxWaysInPerOperation: number;
  /** Ways in of every operation of one document together. */
  maxWaysIn: number;
  /**
   * Schemes one way in requires together (a 2.x requirement ANDs them). Matching two ways in
   * pairs their schemes, at a cost that grows with the cube of their number.
   */
  maxTermsPerWayIn: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxFileBytes: 10 * 1024 * 1024,
  maxAliases: 1000,
  maxDepth: 200,
  maxFiles: 200,
  maxRefs: 100_000,
  // Real documents stay far below both: the corpus peaks at a handful per operation.
  maxWaysInPerOperation: 256,
  maxWaysIn: 200_000,
  maxTermsPerWayIn: 32,
});
