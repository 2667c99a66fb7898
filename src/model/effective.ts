/**
 * Effective security of one operation (SECURITY-MODEL.md §3): for every server it can reach, the
 * alternatives (OR) a client may satisfy, each a set of terms (AND), plus whether the way in is
 * protected by TLS. The union over servers is what the comparison works on.
 */
import type { SecurityModel } from '../compare/finding.js';
import { DocumentError } from '../load/errors.js';
import type { Limits } from '../load/limits.js';
import type { SourceLocation } from '../compare/finding.js';
import { sortedUnique } from './schemes.js';
import {
  isUnresolved,
  type Alternative,
  type ApiModel,
  type Operation,
  type Term,
} from './types.js';

export interface EffectiveAlternative {
  /** The server this way in comes through; null when the document declares no servers. */
  server: string | null;
  terms: Term[];
  tls: boolean;
}

const ANONYMOUS: Alternative = { terms: [] };

export function effectiveSecurity(
  operation: Operation,
  model: ApiModel,
  securityModel: SecurityModel,
): EffectiveAlternative[] {
  const own = operation.security;

  // A document with no servers: the operation's own security, or anonymous.
  if (model.serverless) {
    const alternatives = own.state === 'list' ? own.alternatives : [ANONYMOUS];
    return alternatives.map((alternative) => ({
      server: null,
      terms: alternative.terms,
      tls: false,
    }));
  }

  return operation.servers.flatMap((name) => {
    const server = model.servers.get(name);
    if (!server) return [];

    const serverAlternatives =
      server.security.state === 'list' ? server.security.alternatives : [ANONYMOUS];

    let alternatives: Alternative[];
    if (securityModel === 'override') {
      // The operation's own security replaces the server's; `[]` replaces it with nothing.
      if (own.state === 'list') alternatives = own.alternatives;
      else if (own.state === 'empty') alternatives = [ANONYMOUS];
      else alternatives = serverAlternatives;
    } else {
      // Additive: server AND operation; an empty or absent list adds no requirement.
      alternatives =
        own.state === 'list'
          ? joinAlternatives(serverAlternatives, own.alternatives)
          : serverAlternatives;
    }

    return alternatives.map((alternative) => ({
      server: name,
      terms: alternative.terms,
      tls: server.tls,
    }));
  });
}

/**
 * Refuses a model whose operations have more ways in than `limits` allow, before anything
 * builds them: the count is taken from the list lengths, so a hostile product of alternatives
 * is never materialised. The error names the operation's line, for a `document-invalid`.
 */
export function checkWaysIn(
  model: ApiModel,
  securityModel: SecurityModel,
  limits: Pick<Limits, 'maxWaysInPerOperation' | 'maxWaysIn' | 'maxTermsPerWayIn'>,
): void {
  checkTerms(model, securityModel, limits.maxTermsPerWayIn);
  let total = 0;

  for (const operation of model.operations) {
    const count = countWaysIn(operation, model, securityModel);
    const { file, line, column } = operation.location;

    if (count > limits.maxWaysInPerOperation) {
      throw new DocumentError(
        file,
        line,
        column ?? 1,
        `this operation has ${count} ways in over its servers under the ${securityModel} ` +
          `model, more than the limit of ${limits.maxWaysInPerOperation}; list fewer ` +
          'security alternatives on the operation or its servers',
      );
    }

    total += count;
    if (total > limits.maxWaysIn) {
      throw new DocumentError(
        file,
        line,
        column ?? 1,
        `the operations up to this one have ${total} ways in together, more than the limit ` +
          `of ${limits.maxWaysIn} for one document; split the document or list fewer ` +
          'security alternatives',
      );
    }
  }
}

/**
 * Refuses a way in that requires more schemes together than `maxTerms`: in a security list of
 * a server or an operation, or, under the additive model, a server's and an operation's joined.
 */
function checkTerms(model: ApiModel, securityModel: SecurityModel, maxTerms: number): void {
  const widest = (security: Operation['security']) =>
    security.state === 'list'
      ? Math.max(0, ...security.alternatives.map((alternative) => alternative.terms.length))
      : 0;
  const refuse = (at: SourceLocation, count: number) => {
    throw new DocumentError(
      at.file,
      at.line,
      at.column ?? 1,
      `a way in here requires ${count} schemes together, more than the limit of ${maxTerms}; ` +
        'require fewer schemes in one security requirement',
    );
  };

  const serverWidest = new Map<string, number>();
  for (const server of model.servers.values()) {
    const count = widest(server.security);
    if (count > maxTerms && server.security.state === 'list')
      refuse(server.security.location, count);
    serverWidest.set(server.name, count);
  }

  for (const operation of model.operations) {
    const own = widest(operation.security);
    const location =
      operation.security.state === 'list' ? operation.security.location : operation.location;
    if (own > maxTerms) refuse(location, own);
    if (securityModel !== 'additive') continue;

    for (const name of operation.servers) {
      const joined = own + (serverWidest.get(name) ?? 0);
      if (joined > maxTerms) refuse(location, joined);
    }
  }
}

/** How many alternatives `effectiveSecurity` would return, without building them. */
function countWaysIn(operation: Operation, model: ApiModel, securityModel: SecurityModel): number {
  const own = operation.security;
  const ownCount = own.state === 'list' ? own.alternatives.length : 1;
  if (model.serverless) return ownCount;

  let count = 0;
  for (const name of operation.servers) {
    const server = model.servers.get(name);
    if (!server) continue;

    const serverCount = server.security.state === 'list' ? server.security.alternatives.length : 1;
    if (securityModel === 'additive') {
      count += own.state === 'list' ? serverCount * ownCount : serverCount;
    } else {
      count += own.state === 'absent' ? serverCount : ownCount;
    }
  }
  return count;
}

/** Every pair of alternatives joined: the terms of both must hold. */
function joinAlternatives(left: Alternative[], right: Alternative[]): Alternative[] {
  return left.flatMap((a) => right.map((b) => ({ terms: mergeTerms([...a.terms, ...b.terms]) })));
}

/** One term per scheme; the same scheme required twice must grant the scopes of both. */
function mergeTerms(terms: Term[]): Term[] {
  const byScheme = new Map<string, Term>();
  for (const term of terms) {
    const key = isUnresolved(term.scheme) ? `unresolved:${term.scheme.ref}` : term.scheme.key;
    const seen = byScheme.get(key);
    byScheme.set(
      key,
      seen ? { scheme: seen.scheme, scopes: sortedUnique([...seen.scopes, ...term.scopes]) } : term,
    );
  }
  return [...byScheme.values()];
}
