/**
 * Coverage (SECURITY-MODEL.md §4): whether one way in is at least as hard as another. A head
 * alternative that covers no base alternative is a new, easier way in.
 */
import type { EffectiveAlternative } from '../model/effective.js';
import { isUnresolved, type Term } from '../model/types.js';
import { compareDefinitions, strengthClass } from './strength.js';

export interface CoverageOptions {
  classes: Readonly<Record<string, number>>;
  /** Leave TLS out, to tell a transport downgrade from other weakenings. */
  ignoreTls?: boolean;
  /** Leave scopes out, to tell a scope reduction from other weakenings. */
  ignoreScopes?: boolean;
}

/**
 * `candidate` matches `required` when it is the same scheme with at least the same scopes, the
 * same type with a definition at least as strong, or a scheme of a strictly stronger class.
 */
export function termMatches(candidate: Term, required: Term, options: CoverageOptions): boolean {
  const have = candidate.scheme;
  const need = required.scheme;

  // Nothing can be proven about a scheme that cannot be read, except that it is the same one.
  if (isUnresolved(have) || isUnresolved(need)) {
    return isUnresolved(have) && isUnresolved(need) && have.ref === need.ref;
  }

  const scopesHeld =
    options.ignoreScopes === true ||
    required.scopes.every((scope) => candidate.scopes.includes(scope));
  if (have.key === need.key) return scopesHeld;

  const haveClass = strengthClass(have, options.classes);
  const needClass = strengthClass(need, options.classes);
  if (haveClass > needClass) return true;
  if (haveClass < needClass || have.type !== need.type) return false;

  const ordering = compareDefinitions(need, have);
  return (ordering === 'equal' || ordering === 'stronger') && scopesHeld;
}

/**
 * `candidate` covers `required` when every term of `required` is matched by a distinct term of
 * `candidate` (dropping one factor of a multi-factor alternative is a weakening), and TLS is kept
 * where `required` had it. An anonymous `required` is covered by anything.
 */
export function covers(
  candidate: EffectiveAlternative,
  required: EffectiveAlternative,
  options: CoverageOptions,
): boolean {
  if (required.terms.length === 0) return true;
  if (options.ignoreTls !== true && required.tls && !candidate.tls) return false;
  if (candidate.terms.length < required.terms.length) return false;

  return hasDistinctMatching(required.terms, candidate.terms, options);
}

/** Bipartite matching by augmenting paths; alternatives hold a handful of terms. */
function hasDistinctMatching(
  required: Term[],
  candidates: Term[],
  options: CoverageOptions,
): boolean {
  const owner: (number | undefined)[] = new Array<number | undefined>(candidates.length);

  const assign = (index: number, visited: boolean[]): boolean => {
    const term = required[index];
    if (!term) return false;

    for (let c = 0; c < candidates.length; c += 1) {
      const candidate = candidates[c];
      if (visited[c] || !candidate || !termMatches(candidate, term, options)) continue;
      visited[c] = true;

      const current = owner[c];
      if (current === undefined || assign(current, visited)) {
        owner[c] = index;
        return true;
      }
    }
    return false;
  };

  return required.every((_, index) =>
    assign(index, new Array<boolean>(candidates.length).fill(false)),
  );
}
