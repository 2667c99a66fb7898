/**
 * The rule catalog (SECURITY-MODEL.md §5): every rule's id, default severity, the sentence a
 * reviewer reads, and why the severity is what it is. Rule ids are stable; a configuration may
 * change severities.
 */
import type { Cause, RuleId, SecurityModel, Severity } from './finding.js';
import { NO_REACHABLE_SERVER } from './format.js';

export interface MessageContext {
  /** Operation label, e.g. `sendOrder` or `orders.created send`. */
  operation: string;
  server: string | null;
  before: string;
  after: string;
  model: SecurityModel;
  causes: Cause[];
  /** True when the operation's own `security: []` is what opened it. */
  emptyOverride: boolean;
  /** True when that `security: []` comes from one of the operation's traits. */
  emptyFromTrait?: boolean;
  /** Extra detail: the new ways in, the unreadable reference, the parse error. */
  detail: string;
}

export interface Rule {
  id: RuleId;
  severity: Severity;
  /** A few words for tables and annotation titles. */
  title: string;
  /** Why this severity, for the rule documentation and SARIF help. */
  why: string;
  message(context: MessageContext): string;
}

const via = (context: MessageContext): string =>
  context.server === null ? '' : ` through server ${context.server}`;

// An operation that reached no server before could not be used at all, which is not a
// requirement; say so instead of "it required no reachable server".
const requiredBefore = (context: MessageContext): string =>
  context.before === NO_REACHABLE_SERVER ? 'it reached no server' : `it required ${context.before}`;

/** Whose `security: []` opened the operation: its own, or one of its traits'. */
function emptyWhose(c: MessageContext): string {
  return c.emptyFromTrait === true ? 'the `security: []` of its trait' : 'its own `security: []`';
}

function emptyFix(c: MessageContext): string {
  return c.emptyFromTrait === true ? 'remove it from the trait' : 'delete the key';
}

const RULE_LIST: readonly Rule[] = [
  {
    id: 'security-removed',
    severity: 'critical',
    title: 'Security removed',
    why: 'Anyone who can reach the broker can now use the operation without credentials.',
    message: (c) =>
      c.emptyOverride && c.model === 'override'
        ? `${c.operation} now admits anonymous access${via(c)} because ${emptyWhose(c)} ` +
          `means no security at all (before: ${c.before}); ${emptyFix(c)} to inherit instead.`
        : `${c.operation} now admits anonymous access${via(c)}; before, ${requiredBefore(c)}.`,
  },
  {
    id: 'security-weakened',
    severity: 'high',
    title: 'Security weakened',
    why: 'A new way in is easier to satisfy than every way in before, so an attacker needs less.',
    message: (c) =>
      `${c.operation} can now be reached${via(c)} with ${c.detail}, which is weaker than ` +
      `every way in before (${c.before}).`,
  },
  {
    id: 'scopes-reduced',
    severity: 'high',
    title: 'Required scopes reduced',
    why: 'Tokens issued for other purposes now pass, widening who may use the operation.',
    message: (c) =>
      `${c.operation} now requires fewer OAuth scopes${via(c)}: ${c.after} instead of ${c.before}.`,
  },
  {
    id: 'transport-downgraded',
    severity: 'high',
    title: 'Transport downgraded to plaintext',
    why: 'Credentials and messages cross the network unencrypted and can be read or replayed.',
    message: (c) =>
      c.server === null
        ? // A document without servers names no protocol: TLS can no longer be shown.
          `${c.operation} is no longer reached through any server the document names, so ` +
          `nothing shows its credentials (${c.detail}) still travel over TLS.`
        : `${c.operation} is now reached${via(c)} over a plaintext protocol, so its ` +
          `credentials (${c.detail}) travel unencrypted.`,
  },
  {
    id: 'unsecured-operation-added',
    severity: 'high',
    title: 'Unsecured operation added',
    why: 'The document secures its other operations, so an open new one is most likely a slip.',
    message: (c) =>
      c.emptyOverride && c.model === 'override'
        ? `New operation ${c.operation} admits anonymous access${via(c)} because ` +
          `${emptyWhose(c)} means no security at all, while the document secures its other ` +
          `operations; ${emptyFix(c)} to inherit the server's.`
        : `New operation ${c.operation} admits anonymous access${via(c)} while the document ` +
          'secures its other operations; give it security, or accept it if it is public.',
  },
  {
    id: 'security-reference-unresolved',
    severity: 'high',
    title: 'Security reference unresolved',
    why: 'Security that cannot be read cannot be proven, so the review fails closed.',
    message: (c) =>
      `${c.operation} names a security scheme that cannot be read (${c.detail}), so its ` +
      `security${via(c)} cannot be proven.`,
  },
  {
    id: 'document-invalid',
    severity: 'high',
    title: 'Document cannot be read',
    why: 'A document that cannot be read cannot be proven safe, so the review fails closed.',
    message: (c) => `The document cannot be read safely: ${c.detail}.`,
  },
  {
    id: 'security-changed',
    severity: 'medium',
    title: 'Security changed',
    why: 'Neither side is clearly stronger; only a person can tell whether the change is safe.',
    message: (c) =>
      `${c.operation} can now be reached${via(c)} with ${c.detail}, which is neither weaker nor ` +
      `stronger than the ways in before (${c.before}): review it.`,
  },
  {
    id: 'override-removed',
    severity: 'low',
    title: 'Operation override removed',
    why: 'Nothing got weaker, but the operation now silently follows any later server change.',
    message: (c) =>
      `${c.operation} no longer declares its own security and now inherits ${c.after}` +
      `${via(c)}, which is not weaker.`,
  },
  {
    id: 'security-strengthened',
    severity: 'info',
    title: 'Security strengthened',
    why: 'Reported so reviewers see that clients may need new credentials.',
    message: (c) =>
      c.after === c.before
        ? `${c.operation} is harder to reach${via(c)}: ${c.after} is still required, ` +
          `${c.causes.includes('protocol changed') ? 'now over TLS' : 'with a stronger definition'}.`
        : `${c.operation} is harder to reach${via(c)}: ${c.after} instead of ${c.before}.`,
  },
];

export const RULES: ReadonlyMap<RuleId, Rule> = new Map(RULE_LIST.map((rule) => [rule.id, rule]));

export function ruleById(id: RuleId): Rule {
  const rule = RULES.get(id);
  if (!rule) throw new Error(`unknown rule ${id}`);
  return rule;
}
