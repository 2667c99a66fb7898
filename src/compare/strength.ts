/**
 * How strong a scheme is: its class (SECURITY-MODEL.md §4) and, within one type, whether one
 * definition is at least as strong as another.
 */
import { canonicalJson } from '../model/schemes.js';
import { UNDECLARED_SERVER_TYPE } from '../model/context.js';
import type { Scheme } from '../model/types.js';

/**
 * Default strength classes: 1 a secret sent as is, 2 a challenge or a token, 3 a delegated or
 * cryptographic identity. `http` is keyed by its `scheme` too, since basic and bearer differ.
 * A type not listed here is class 1: an unknown scheme is never assumed strong.
 */
export const DEFAULT_STRENGTH_CLASSES: Readonly<Record<string, number>> = Object.freeze({
  userPassword: 1,
  plain: 1,
  apiKey: 1,
  httpApiKey: 1,
  'http:basic': 1,
  http: 2,
  scramSha256: 2,
  scramSha512: 2,
  gssapi: 2,
  symmetricEncryption: 2,
  oauth2: 3,
  openIdConnect: 3,
  X509: 3,
  asymmetricEncryption: 3,
});

export function strengthClass(scheme: Scheme, classes: Readonly<Record<string, number>>): number {
  // A server the document does not declare protects nothing that can be shown (context.ts).
  if (scheme.type === UNDECLARED_SERVER_TYPE) return 0;
  // Own keys only: a type named `constructor` or `toString` must be an unknown type (class 1),
  // not a method of Object.prototype that compares as neither weaker nor stronger.
  const classOf = (key: string) => (Object.hasOwn(classes, key) ? classes[key] : undefined);
  if (scheme.type === 'http') {
    const httpScheme = typeof scheme.definition.scheme === 'string' ? scheme.definition.scheme : '';
    return classOf(`http:${httpScheme}`) ?? classOf('http') ?? 1;
  }
  return classOf(scheme.type) ?? 1;
}

/** How `head` stands against `base`. */
export type Ordering = 'equal' | 'stronger' | 'weaker' | 'incomparable';

/**
 * Compares two definitions of the same type. Only the changes SECURITY-MODEL.md §4 orders are
 * ordered (an httpApiKey leaving the header, an OAuth or OpenID Connect URL leaving https, an
 * OAuth implicit or password flow appearing); every other change is incomparable.
 */
export function compareDefinitions(base: Scheme, head: Scheme): Ordering {
  if (base.key === head.key) return 'equal';

  // Schemes are made once per definition, so the same pair is compared for every operation.
  const known = comparisons.get(base)?.get(head);
  if (known !== undefined) return known;

  const ordering = orderDefinitions(base, head);
  const byHead = comparisons.get(base) ?? new WeakMap<Scheme, Ordering>();
  byHead.set(head, ordering);
  comparisons.set(base, byHead);
  return ordering;
}

const comparisons = new WeakMap<Scheme, WeakMap<Scheme, Ordering>>();

function orderDefinitions(base: Scheme, head: Scheme): Ordering {
  if (base.type !== head.type) return 'incomparable';

  switch (head.type) {
    case 'httpApiKey':
      return compareApiKeyPlacement(base.definition, head.definition);
    case 'oauth2':
      return compareOAuthFlows(base.definition, head.definition);
    case 'openIdConnect':
      return compareFields(base.definition, head.definition, new Set(['openIdConnectUrl']));
    default:
      return 'incomparable';
  }
}

type Definition = Readonly<Record<string, unknown>>;

const API_KEY_PLACEMENT_RANK: Readonly<Record<string, number>> = { header: 2, query: 1, cookie: 1 };

function compareApiKeyPlacement(base: Definition, head: Definition): Ordering {
  if (!sameExcept(base, head, new Set(['in']))) return 'incomparable';

  const baseRank = placementRank(base.in);
  const headRank = placementRank(head.in);
  if (baseRank === undefined || headRank === undefined || baseRank === headRank) {
    return 'incomparable';
  }
  return headRank > baseRank ? 'stronger' : 'weaker';
}

/** Only the three placements: `in` may be anything a document says, `constructor` included. */
function placementRank(placement: unknown): number | undefined {
  return typeof placement === 'string' && Object.hasOwn(API_KEY_PLACEMENT_RANK, placement)
    ? API_KEY_PLACEMENT_RANK[placement]
    : undefined;
}

/** Flows whose mere presence weakens a scheme: tokens in the browser, or passwords handed over. */
const WEAK_FLOWS = new Set(['implicit', 'password']);

function compareOAuthFlows(base: Definition, head: Definition): Ordering {
  if (!sameExcept(base, head, new Set(['flows']))) return 'incomparable';

  const baseFlows = asRecord(base.flows);
  const headFlows = asRecord(head.flows);
  const orderings: Ordering[] = [];

  for (const flow of new Set([...Object.keys(baseFlows), ...Object.keys(headFlows)])) {
    const inBase = Object.hasOwn(baseFlows, flow);
    const inHead = Object.hasOwn(headFlows, flow);

    if (inBase && inHead) {
      const urls = new Set(['authorizationUrl', 'tokenUrl', 'refreshUrl']);
      orderings.push(compareFields(asRecord(baseFlows[flow]), asRecord(headFlows[flow]), urls));
    } else if (WEAK_FLOWS.has(flow)) {
      orderings.push(inHead ? 'weaker' : 'stronger');
    } else {
      orderings.push('incomparable');
    }
  }
  return combine(orderings);
}

/**
 * Compares definitions that may differ only in the URL fields named: moving a URL from https to
 * http is weaker, the reverse stronger, any other difference incomparable.
 */
function compareFields(base: Definition, head: Definition, urlFields: Set<string>): Ordering {
  if (!sameExcept(base, head, urlFields)) return 'incomparable';

  const orderings = [...urlFields].map((field) => compareUrl(base[field], head[field]));
  return combine(orderings);
}

function compareUrl(base: unknown, head: unknown): Ordering {
  if (base === head) return 'equal';
  if (typeof base !== 'string' || typeof head !== 'string') return 'incomparable';

  const baseParts = /^(https?):\/\/(.*)$/i.exec(base);
  const headParts = /^(https?):\/\/(.*)$/i.exec(head);
  if (!baseParts || !headParts || baseParts[2] !== headParts[2]) return 'incomparable';

  const baseSecure = baseParts[1]?.toLowerCase() === 'https';
  const headSecure = headParts[1]?.toLowerCase() === 'https';
  if (baseSecure === headSecure) return 'equal';
  return headSecure ? 'stronger' : 'weaker';
}

export function combine(orderings: readonly Ordering[]): Ordering {
  if (orderings.includes('incomparable')) return 'incomparable';

  const stronger = orderings.includes('stronger');
  const weaker = orderings.includes('weaker');
  if (stronger && weaker) return 'incomparable';
  if (stronger) return 'stronger';
  if (weaker) return 'weaker';
  return 'equal';
}

function sameExcept(base: Definition, head: Definition, ignored: Set<string>): boolean {
  const keys = new Set([...Object.keys(base), ...Object.keys(head)]);
  for (const key of keys) {
    if (ignored.has(key)) continue;
    if (canonicalJson(base[key]) !== canonicalJson(head[key])) return false;
  }
  return true;
}

function asRecord(value: unknown): Definition {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Definition)
    : {};
}
