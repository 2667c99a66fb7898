/**
 * Security schemes reduced to what protects an operation, so that two schemes compare by their
 * definition: the same scheme renamed, inlined or moved to another file is the same scheme.
 */
import type { SourceLocation } from '../compare/finding.js';
import type { Scheme } from './types.js';

/**
 * Fields that never change what a scheme accepts. Descriptions are prose; available scopes list
 * what may be requested (2.x `flows.*.scopes`, 3.x `availableScopes`), while the scopes an
 * operation requires live on its terms.
 */
const DESCRIPTIVE_FIELDS = new Set(['description', 'summary', 'availableScopes', 'scopes']);

/** Scheme types whose terms carry required scopes (SECURITY-MODEL.md §1). */
export const SCOPED_TYPES = new Set(['oauth2', 'openIdConnect']);

/** The `type` values the AsyncAPI 2.x and 3.x specifications define for a security scheme. */
export const SCHEME_TYPES: readonly string[] = [
  'userPassword',
  'apiKey',
  'X509',
  'symmetricEncryption',
  'asymmetricEncryption',
  'httpApiKey',
  'http',
  'oauth2',
  'openIdConnect',
  'plain',
  'scramSha256',
  'scramSha512',
  'gssapi',
];

/**
 * Why `raw` cannot be a security scheme, or undefined when its `type` is one of the spec's.
 * Anything else (no type, a typo, an object that is not a scheme at all, such as a `$ref` to
 * the document root) would otherwise count as some secret of unknown strength, which proves
 * nothing: the caller makes it an unresolved scheme, so that it fails closed.
 */
export function schemeTypeProblem(raw: Readonly<Record<string, unknown>>): string | undefined {
  const type = raw.type;
  if (typeof type !== 'string') return 'the scheme has no `type`, so it is not a security scheme';
  if (SCHEME_TYPES.includes(type)) return undefined;

  const meant = SCHEME_TYPES.find((known) => known.toLowerCase() === type.toLowerCase());
  const hint = meant === undefined ? `one of ${SCHEME_TYPES.join(', ')}` : meant;
  return `the scheme type ${JSON.stringify(type)} is not an AsyncAPI security scheme type; use ${hint}`;
}

/** Schemes already made, by definition object and name: most uses name the same few. */
const madeSchemes = new WeakMap<object, Map<string | undefined, Scheme>>();

export function makeScheme(
  raw: Readonly<Record<string, unknown>>,
  name: string | undefined,
  location: SourceLocation,
): Scheme {
  const byName = madeSchemes.get(raw) ?? new Map<string | undefined, Scheme>();
  madeSchemes.set(raw, byName);

  const made = byName.get(name);
  if (made && made.location.file === location.file && made.location.line === location.line) {
    return made;
  }

  const scheme = buildScheme(raw, name, location);
  byName.set(name, scheme);
  return scheme;
}

function buildScheme(
  raw: Readonly<Record<string, unknown>>,
  name: string | undefined,
  location: SourceLocation,
): Scheme {
  const type = typeof raw.type === 'string' ? raw.type : 'unknown';
  const definition = normalise(raw) as Record<string, unknown>;

  // The http `scheme` is case-insensitive (RFC 7235): `Bearer` and `bearer` are one scheme.
  if (type === 'http' && typeof definition.scheme === 'string') {
    definition.scheme = definition.scheme.toLowerCase();
  }

  return {
    key: canonicalJson(definition),
    declared: canonicalJson({ definition, scopes: requiredScopesOf(raw) }),
    type,
    definition,
    name: name ?? type,
    named: name !== undefined,
    location,
  };
}

/** Required scopes of a 3.x scheme object (`scopes` on the scheme itself). */
export function requiredScopesOf(raw: Readonly<Record<string, unknown>>): string[] {
  const type = typeof raw.type === 'string' ? raw.type : '';
  if (!SCOPED_TYPES.has(type) || !Array.isArray(raw.scopes)) return [];
  return sortedUnique(raw.scopes.filter((scope): scope is string => typeof scope === 'string'));
}

export function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value !== 'object' || value === null) return value;

  // No prototype, as the parsed mappings: a `__proto__` key stays a key, and no inherited
  // property can stand in for a field the document did not write.
  const result = Object.create(null) as Record<string, unknown>;
  for (const [key, child] of Object.entries(value)) {
    if (DESCRIPTIVE_FIELDS.has(key) || key.startsWith('x-')) continue;
    result[key] = normalise(child);
  }
  return result;
}

/** JSON with sorted keys: equal definitions give equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';

  const entries = Object.keys(value)
    .sort()
    .map(
      (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
    );
  return `{${entries.join(',')}}`;
}
