/** Effective security in a short form a reviewer can read in one line. */
import type { EffectiveAlternative } from '../model/effective.js';
import { isUnresolved, type Term } from '../model/types.js';

export function formatTerm(term: Term): string {
  const scheme = term.scheme;
  if (isUnresolved(scheme)) return `unreadable ${scheme.ref}`;

  const kind = [scheme.type, ...definitionHints(scheme.definition)].join(' ');
  const name = scheme.named ? `${scheme.name} (${kind})` : kind;
  return term.scopes.length > 0 ? `${name} [${term.scopes.join(', ')}]` : name;
}

/** The parts of a definition that tell two schemes of one type apart at a glance. */
function definitionHints(definition: Readonly<Record<string, unknown>>): string[] {
  const hints: string[] = [];
  if (typeof definition.scheme === 'string') hints.push(definition.scheme);
  if (typeof definition.in === 'string') hints.push(`in ${definition.in}`);

  const flows = definition.flows;
  if (typeof flows === 'object' && flows !== null) hints.push(Object.keys(flows).sort().join('+'));

  const urls = [definition.openIdConnectUrl, ...flowUrls(flows)].filter(
    (url): url is string => typeof url === 'string',
  );
  if (urls.some((url) => /^http:/i.test(url))) hints.push('over http');
  return hints;
}

function flowUrls(flows: unknown): unknown[] {
  if (typeof flows !== 'object' || flows === null) return [];
  return Object.values(flows).flatMap((flow: unknown) =>
    typeof flow === 'object' && flow !== null
      ? [
          (flow as Record<string, unknown>).authorizationUrl,
          (flow as Record<string, unknown>).tokenUrl,
        ]
      : [],
  );
}

export function formatAlternative(alternative: Pick<EffectiveAlternative, 'terms'>): string {
  if (alternative.terms.length === 0) return 'anonymous';
  return alternative.terms.map(formatTerm).sort().join(' and ');
}

/** What an operation that reaches no server offers: nothing can be sent or received. */
export const NO_REACHABLE_SERVER = 'no reachable server';

/**
 * Groups alternatives by server: `cert (X509) or login (userPassword) on production over TLS`.
 * With no server (a document without servers) only the alternatives are shown.
 */
export function formatEffective(alternatives: readonly EffectiveAlternative[]): string {
  if (alternatives.length === 0) return NO_REACHABLE_SERVER;

  const byServer = new Map<string | null, EffectiveAlternative[]>();
  for (const alternative of alternatives) {
    byServer.set(alternative.server, [...(byServer.get(alternative.server) ?? []), alternative]);
  }

  return [...byServer.entries()]
    .map(([server, group]) => {
      const text = formatAlternatives(group);
      if (server === null) return text;
      const transport = group[0]?.tls ? 'TLS' : 'plaintext';
      return `${text} on ${server} over ${transport}`;
    })
    .join('; ');
}

/** Alternatives without their server: `cert (X509) or login (userPassword)`. */
export function formatAlternatives(alternatives: readonly EffectiveAlternative[]): string {
  return [...new Set(alternatives.map(formatAlternative))].join(' or ');
}
