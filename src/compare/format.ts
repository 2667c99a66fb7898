/** Effective security in a short form a reviewer can read in one line. */
import type { EffectiveAlternative } from '../model/effective.js';
import { isUnresolved, type Term } from '../model/types.js';

export function formatTerm(term: Term): string {
  const scheme = term.scheme;
  if (isUnresolved(scheme)) return `unreadable ${scheme.ref}`;

  const name = scheme.name === scheme.type ? scheme.type : `${scheme.name} (${scheme.type})`;
  return term.scopes.length > 0 ? `${name} [${term.scopes.join(', ')}]` : name;
}

export function formatAlternative(alternative: Pick<EffectiveAlternative, 'terms'>): string {
  if (alternative.terms.length === 0) return 'anonymous';
  return alternative.terms.map(formatTerm).sort().join(' and ');
}

/**
 * Groups alternatives by server: `production over TLS: X509 or userPassword`. With no server
 * (a document without servers) only the alternatives are shown.
 */
export function formatEffective(alternatives: readonly EffectiveAlternative[]): string {
  if (alternatives.length === 0) return 'no reachable server';

  const byServer = new Map<string | null, EffectiveAlternative[]>();
  for (const alternative of alternatives) {
    byServer.set(alternative.server, [...(byServer.get(alternative.server) ?? []), alternative]);
  }

  return [...byServer.entries()]
    .map(([server, group]) => {
      const text = [...new Set(group.map(formatAlternative))].join(' or ');
      if (server === null) return text;
      const transport = group[0]?.tls ? 'TLS' : 'plaintext';
      return `${text} (${server}, ${transport})`;
    })
    .join('; ');
}
