/**
 * What both version readers share: positions, reference resolution, and the rule that a value in
 * a security-relevant place with the wrong shape makes the document invalid (fail closed).
 */
import type { SourceLocation } from '../compare/finding.js';
import { DocumentError } from '../load/errors.js';
import type { LoadedDocument, RefProblem, Resolution } from '../load/loader.js';
import { canonicalJson } from './schemes.js';
import type { ModelNotice, OwnSecurity, Server, Alternative } from './types.js';

export type YamlMap = Readonly<Record<string, unknown>>;

/** Protocols that carry TLS (SECURITY-MODEL.md §3); a setting can add more. */
export const DEFAULT_TLS_PROTOCOLS: readonly string[] = [
  'mqtts',
  'wss',
  'https',
  'amqps',
  'kafka-secure',
  'secure-mqtt',
  'stomps',
];

export interface ModelOptions {
  tlsProtocols: readonly string[];
}

export class ModelContext {
  readonly notices: ModelNotice[] = [];
  private readonly tlsProtocols: Set<string>;

  constructor(
    readonly document: LoadedDocument,
    options: ModelOptions,
  ) {
    this.tlsProtocols = new Set(options.tlsProtocols.map((protocol) => protocol.toLowerCase()));
  }

  /** File and line of `container`, or of its `key` when given. */
  locate(container: unknown, key?: string, fallback?: SourceLocation): SourceLocation {
    const positions = this.document.positions;
    const file = positions.fileOf(container);
    const line =
      key === undefined ? positions.lineOf(container) : positions.lineOfKey(container, key);
    if (file === undefined || line === undefined) {
      return fallback ?? { file: this.document.path, line: 1 };
    }
    return { file, line };
  }

  /** The line of item `index` of a sequence. */
  locateItem(sequence: unknown, index: number, fallback: SourceLocation): SourceLocation {
    const file = this.document.positions.fileOf(sequence);
    const line = this.document.positions.lineOfItem(sequence, index);
    return file !== undefined && line !== undefined ? { file, line } : fallback;
  }

  /** Follows a reference that must resolve; otherwise the document is invalid. */
  follow(value: unknown, fromFile: string, what: string): { value: unknown; file: string } {
    const resolution = this.document.resolver.resolve(value, fromFile);
    if (!resolution.ok) throw refError(resolution.problem, what);
    return { value: resolution.value, file: resolution.file };
  }

  /** Follows a reference that may fail; the caller decides what a failure means. */
  tryFollow(value: unknown, fromFile: string): Resolution {
    return this.document.resolver.resolve(value, fromFile);
  }

  fileOf(value: unknown, fallback: string): string {
    return this.document.resolver.fileOf(value) ?? fallback;
  }

  /** Requires a mapping where the specification says there is one. */
  expectMap(value: unknown, what: string, at: SourceLocation): YamlMap {
    if (isMap(value)) return value;
    throw new DocumentError(at.file, at.line, 1, `${what} must be a mapping`);
  }

  /** Optional mapping: absent or null give an empty one. */
  optionalMap(value: unknown, what: string, at: SourceLocation): YamlMap {
    return value === undefined || value === null ? {} : this.expectMap(value, what, at);
  }

  isTls(protocol: string): boolean {
    return this.tlsProtocols.has(protocol.toLowerCase());
  }

  /** Records a notice once, however many operations share the thing it is about. */
  notice(message: string, location: SourceLocation): void {
    const seen = this.notices.some(
      (notice) =>
        notice.message === message &&
        notice.location.file === location.file &&
        notice.location.line === location.line,
    );
    if (!seen) this.notices.push({ message, location });
  }

  /**
   * Reads a `security` field into its three states. `readList` turns a non-empty list into
   * alternatives; it is version-specific.
   */
  ownSecurity(
    container: YamlMap,
    where: string,
    readList: (list: unknown[], at: SourceLocation) => Alternative[],
  ): OwnSecurity {
    if (!Object.hasOwn(container, 'security')) return { state: 'absent' };

    const value = container.security;
    const location = this.locate(container, 'security');
    if (value === null) return { state: 'absent' };
    if (!Array.isArray(value)) {
      throw new DocumentError(location.file, location.line, 1, `${where}.security must be a list`);
    }
    if (value.length === 0) return { state: 'empty', location };
    return { state: 'list', alternatives: readList(value, location), location };
  }

  /** A server's protocol and whether it carries TLS; `url` scheme when `protocol` is missing. */
  readProtocol(
    server: YamlMap,
    name: string,
  ): Pick<Server, 'protocol' | 'tls' | 'protocolLocation' | 'location'> {
    const location = this.locate(server);
    const urlField = typeof server.url === 'string' ? server.url : '';
    const fromUrl = /^([a-z][a-z0-9+.-]*):\/\//i.exec(urlField)?.[1] ?? '';
    const protocol = typeof server.protocol === 'string' ? server.protocol : fromUrl;
    const protocolKey = Object.hasOwn(server, 'protocol') ? 'protocol' : 'url';

    if (protocol === '') {
      this.notice(`server ${name} names no protocol; it is treated as plaintext`, location);
    }
    return {
      protocol,
      tls: this.isTls(protocol),
      location,
      protocolLocation: this.locate(server, protocolKey),
    };
  }
}

/**
 * A document value as a message quotes it: scalars as written, containers by kind. Mappings
 * have no prototype (yaml.ts), so `String()` on one throws instead of printing.
 */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  return String(value);
}

export function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function refError(problem: RefProblem, what: string): DocumentError {
  return new DocumentError(
    problem.file,
    problem.line,
    1,
    `${what}: $ref ${problem.ref} cannot be followed: ${problem.reason}`,
  );
}

/** The last segment of a JSON pointer, unescaped: the component or map key it names. */
export function lastPointerSegment(pointer: string): string | undefined {
  if (!pointer.startsWith('/')) return undefined;
  const segment = pointer.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
  } catch {
    return segment;
  }
}

/** The scheme type of the stand-in for an undeclared server; no document can declare it. */
export const UNDECLARED_SERVER_TYPE = 'undeclared server';

/**
 * A server a channel lists but the document does not declare (a typo, or a server defined only
 * under components). Nothing can be known of its protocol or security, and leaving it out would
 * read as the operation becoming harder to reach. So it stands in the model as a plaintext
 * server whose one scheme is "undeclared server <name>": of strength class 0 (strength.ts), it
 * is weaker than any real scheme and matches only the same stand-in, so newly listing such a
 * server is a weakening, while a document that listed it before and still does is unchanged.
 */
export function undeclaredServer(name: string, at: SourceLocation): Server {
  const key = canonicalJson({ [UNDECLARED_SERVER_TYPE]: name });
  const scheme = {
    key,
    type: UNDECLARED_SERVER_TYPE,
    definition: {},
    name: 'unknown security',
    named: true,
    declared: key,
    location: at,
  };
  return {
    name,
    protocol: 'unknown',
    tls: false,
    security: { state: 'list', alternatives: [{ terms: [{ scheme, scopes: [] }] }], location: at },
    location: at,
    protocolLocation: at,
  };
}

/** A trait's `security: []` is said as the trait's in messages, not as the operation's own. */
export function markTrait(security: OwnSecurity): OwnSecurity {
  return security.state === 'empty' ? { ...security, fromTrait: true } : security;
}
