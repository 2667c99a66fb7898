/**
 * Compares the effective security of every operation between base and head and emits findings
 * as values: at most one per operation and server, the most severe rule that applies, with every
 * cause listed (SECURITY-MODEL.md §4 and §5).
 */
import { effectiveSecurity, type EffectiveAlternative } from '../model/effective.js';
import {
  isUnresolved,
  operationLabel,
  type ApiModel,
  type Operation,
  type OwnSecurity,
  type Server,
  type UnresolvedScheme,
} from '../model/types.js';
import { covers, type CoverageOptions } from './coverage.js';
import type { Cause, Finding, RuleId, SecurityModel, SourceLocation } from './finding.js';
import { severityRank } from './finding.js';
import { formatAlternative, formatAlternatives, formatEffective } from './format.js';
import { ruleById } from './rules.js';

export interface CompareOptions {
  model: SecurityModel;
  classes: Readonly<Record<string, number>>;
  /** Severity per rule id, where a configuration changes the default. */
  severities?: Partial<Record<RuleId, Finding['severity']>>;
  /**
   * Rules a configuration turned off. They are left out before the worst rule of an operation
   * and server is chosen, so turning one off lets the next rule that applies speak instead.
   */
  disabledRules?: ReadonlySet<RuleId>;
  /**
   * Called before each operation is compared, so a run out of time stops between two
   * operations; it throws to stop (the engine's `RunBudget.check`).
   */
  checkTime?: () => void;
}

/** Compares two models; `base` is null for a document the pull request adds. */
export function compareModels(
  base: ApiModel | null,
  head: ApiModel,
  options: CompareOptions,
): Finding[] {
  const findings: Finding[] = [];
  const secured = new Set(
    head.operations.filter((operation) =>
      isSecured(effectiveSecurity(operation, head, options.model)),
    ),
  );

  const matches = matchOperations(base?.operations ?? [], head.operations);

  // Base operations no head operation matched, by channel and action: a new head operation
  // there may replace them under a new id (many APIs put every operation on one channel).
  const paired = new Set(matches.map(([baseOperation]) => baseOperation));
  const unmatchedBase = groupByAddress(
    (base?.operations ?? []).filter((operation) => !paired.has(operation)),
  );

  for (const [baseOperation, headOperation] of matches) {
    options.checkTime?.();
    const replaced = baseOperation ? [] : (unmatchedBase.get(addressKey(headOperation)) ?? []);
    const pair: OperationPair = {
      base: baseOperation && base ? { operation: baseOperation, model: base } : undefined,
      head: { operation: headOperation, model: head },
      replaced: base ? replaced.map((operation) => ({ operation, model: base })) : [],
    };
    const othersSecured = secured.size - (secured.has(headOperation) ? 1 : 0) > 0;
    findings.push(...compareOperation(pair, othersSecured, options));
  }

  return findings.sort(byPriority);
}

interface Side {
  operation: Operation;
  model: ApiModel;
}

interface OperationPair {
  base: Side | undefined;
  head: Side;
  /**
   * For a head operation that matched none: the unmatched base operations of its channel and
   * action, which it may replace under a new id. It must not be easier than all of them.
   */
  replaced: Side[];
}

/** One server's worth of findings before the most severe is chosen. */
interface Bucket {
  server: string | null;
  rules: RuleId[];
  /** Words for the message: the unreadable reference, or the new ways in. */
  details: Map<RuleId, string>;
  /** Where a rule's finding must point instead of its cause, such as an unreadable `$ref`. */
  locations: Map<RuleId, SourceLocation>;
}

function compareOperation(
  pair: OperationPair,
  othersSecured: boolean,
  options: CompareOptions,
): Finding[] {
  const coverage: CoverageOptions = { classes: options.classes };
  const headAlternatives = effectiveSecurity(pair.head.operation, pair.head.model, options.model);
  const buckets = new Map<string | null, Bucket>();
  const add = (server: string | null, rule: RuleId, detail?: string, at?: SourceLocation): void => {
    const bucket: Bucket = buckets.get(server) ?? {
      server,
      rules: [],
      details: new Map(),
      locations: new Map(),
    };
    bucket.rules.push(rule);
    if (detail !== undefined) {
      const earlier = bucket.details.get(rule);
      bucket.details.set(rule, earlier === undefined ? detail : `${earlier} or ${detail}`);
    }
    if (at && !bucket.locations.has(rule)) bucket.locations.set(rule, at);
    buckets.set(server, bucket);
  };

  // Security that cannot be read fails closed, whatever the base said.
  for (const alternative of headAlternatives) {
    const unreadable = alternative.terms.map((term) => term.scheme).find(isUnresolved);
    if (unreadable) {
      const detail = describeUnresolved(unreadable);
      add(alternative.server, 'security-reference-unresolved', detail, unreadable.location);
    }
  }

  if (!pair.base) {
    // A new id where the channel and action lost operations: compared with every way in those
    // had, so that renaming an operation while weakening it is not a new operation that passes.
    const replacedAlternatives = pair.replaced.flatMap((side) =>
      effectiveSecurity(side.operation, side.model, options.model),
    );
    if (replacedAlternatives.length > 0) {
      for (const alternative of headAlternatives) {
        if (replacedAlternatives.some((old) => covers(alternative, old, coverage))) continue;
        const rule = classifyWeakening(alternative, replacedAlternatives, coverage);
        add(alternative.server, rule, formatAlternative(alternative));
      }
    } else if (othersSecured) {
      for (const alternative of headAlternatives) {
        if (alternative.terms.length === 0) add(alternative.server, 'unsecured-operation-added');
      }
    }
    return toFindings(pair, buckets, replacedAlternatives, headAlternatives, options);
  }

  const baseAlternatives = effectiveSecurity(pair.base.operation, pair.base.model, options.model);
  const uncovered = headAlternatives.filter(
    (alternative) => !baseAlternatives.some((old) => covers(alternative, old, coverage)),
  );

  for (const alternative of uncovered) {
    const rule = classifyWeakening(alternative, baseAlternatives, coverage);
    add(alternative.server, rule, formatAlternative(alternative));
  }

  if (uncovered.length === 0) {
    // Head is at least as strong. Base ways in that are easier than everything left are gone.
    const gone = baseAlternatives.filter(
      (old) => !headAlternatives.some((alternative) => covers(old, alternative, coverage)),
    );
    for (const old of gone) add(old.server, 'security-strengthened');

    const ownRemoved =
      pair.base.operation.security.state !== 'absent' &&
      pair.head.operation.security.state === 'absent';
    if (ownRemoved) {
      for (const server of new Set(headAlternatives.map((alternative) => alternative.server))) {
        add(server, 'override-removed');
      }
    }
  }

  return toFindings(pair, buckets, baseAlternatives, headAlternatives, options);
}

/**
 * Names the weakening of one head alternative that covers no base alternative (SECURITY-MODEL.md
 * §5). It is a weakening only when it is easier than every way in before; then it is anonymous,
 * loses only TLS, drops only scopes, or is plainly weaker. When some old way in is no harder than
 * it (a password where an API key was accepted too), neither side covers the other and a person
 * must look: security-changed. Requiring "every" keeps the swap property: reversed, the same pair
 * is a strengthening.
 */
function classifyWeakening(
  alternative: EffectiveAlternative,
  baseAlternatives: EffectiveAlternative[],
  coverage: CoverageOptions,
): RuleId {
  if (alternative.terms.length === 0) return 'security-removed';

  const weakerThan = (old: EffectiveAlternative) => covers(old, alternative, coverage);
  if (baseAlternatives.length === 0 || !baseAlternatives.every(weakerThan))
    return 'security-changed';

  const coversIgnoring = (extra: Partial<CoverageOptions>) =>
    baseAlternatives.some((old) => covers(alternative, old, { ...coverage, ...extra }));
  if (coversIgnoring({ ignoreTls: true })) return 'transport-downgraded';
  if (coversIgnoring({ ignoreScopes: true })) return 'scopes-reduced';
  return 'security-weakened';
}

function toFindings(
  pair: OperationPair,
  buckets: Map<string | null, Bucket>,
  baseAlternatives: EffectiveAlternative[],
  headAlternatives: EffectiveAlternative[],
  options: CompareOptions,
): Finding[] {
  const head = pair.head.operation;

  return [...buckets.values()].flatMap((bucket): Finding[] => {
    const severityOf = (id: RuleId) => options.severities?.[id] ?? ruleById(id).severity;
    const enabled = bucket.rules.filter((id) => options.disabledRules?.has(id) !== true);
    if (enabled.length === 0) return [];
    const ruleId = enabled.reduce((worst, id) =>
      severityRank(severityOf(id)) > severityRank(severityOf(worst)) ? id : worst,
    );
    const rule = ruleById(ruleId);

    const isNew = pair.base === undefined && baseAlternatives.length === 0;
    const before = describeSide(baseAlternatives, bucket.server, isNew);
    const after = describeSide(headAlternatives, bucket.server, false);
    const causes = findCauses(pair, bucket.server, baseAlternatives, headAlternatives, options);
    const places = locateCause(causes[0] ?? 'override changed', pair, bucket.server);
    // A transport downgrade is read at the protocol that lost TLS, unless the operation got
    // there because its channel's server list was written, changed or deleted: then at the
    // list, or at the channel that lost it.
    const listChanged =
      causes.includes('channel servers changed') &&
      (pair.head.operation.channelServersLocation !== undefined ||
        pair.base?.operation.channelServersLocation !== undefined);
    const protocolAt =
      ruleId === 'transport-downgraded' && bucket.server !== null && !listChanged
        ? pair.head.model.servers.get(bucket.server)?.protocolLocation
        : undefined;
    const at = bucket.locations.get(ruleId) ?? protocolAt;

    const message = rule.message({
      operation: operationLabel(head),
      server: bucket.server,
      before: describeHere(baseAlternatives, bucket.server) ?? before,
      after: describeHere(headAlternatives, bucket.server) ?? after,
      model: options.model,
      causes,
      emptyOverride: head.security.state === 'empty',
      emptyFromTrait: head.security.state === 'empty' && head.security.fromTrait === true,
      detail: bucket.details.get(ruleId) ?? after,
    });

    const finding: Finding = {
      rule: ruleId,
      severity: severityOf(ruleId),
      operation: operationLabel(head),
      channel: head.channel,
      action: head.action,
      server: bucket.server,
      causes,
      message,
      before,
      after,
      location: at ?? places.head,
      baseLocation: places.base,
    };
    return [finding];
  });
}

/** What one side offers through `server`, or everything it offered when the server is new. */
function describeSide(
  alternatives: EffectiveAlternative[],
  server: string | null,
  absent: boolean,
): string {
  if (absent) return 'nothing (new operation)';

  const throughServer = alternatives.filter((alternative) => alternative.server === server);
  return formatEffective(throughServer.length > 0 ? throughServer : alternatives);
}

/** For a sentence that already names the server: the alternatives through it, if any. */
function describeHere(
  alternatives: EffectiveAlternative[],
  server: string | null,
): string | undefined {
  const throughServer = alternatives.filter((alternative) => alternative.server === server);
  return throughServer.length > 0 ? formatAlternatives(throughServer) : undefined;
}

function describeUnresolved(scheme: UnresolvedScheme): string {
  return `${scheme.ref}: ${scheme.reason}`;
}

/** Causes in the order their location is most telling. */
const CAUSE_ORDER: readonly Cause[] = [
  'operation added',
  'override removed',
  'override changed',
  'protocol changed',
  'channel servers changed',
  'server security changed',
  'scheme definition changed',
];

function findCauses(
  pair: OperationPair,
  server: string | null,
  baseAlternatives: EffectiveAlternative[],
  headAlternatives: EffectiveAlternative[],
  options: CompareOptions,
): Cause[] {
  if (!pair.base) return ['operation added'];

  const base = pair.base.operation;
  const head = pair.head.operation;
  const causes = new Set<Cause>();

  if (base.security.state !== 'absent' && head.security.state === 'absent') {
    causes.add('override removed');
  } else if (securityKey(base.security) !== securityKey(head.security)) {
    causes.add('override changed');
  }

  // As sets: servers declared in another order are the same servers.
  if (!sameMembers(base.servers, head.servers)) causes.add('channel servers changed');

  // A server's own changes are causes only where the operation went through it before too.
  const reachedBefore = server !== null && base.servers.includes(server);
  const baseServer = reachedBefore ? pair.base.model.servers.get(server) : undefined;
  const headServer = reachedBefore ? pair.head.model.servers.get(server) : undefined;
  if (baseServer && headServer) {
    if (baseServer.tls !== headServer.tls) causes.add('protocol changed');
    // Under override, a server's security reaches only operations without their own: on an
    // operation that overrides it on both sides, its change explains nothing.
    const serverSecurityApplies =
      options.model === 'additive' ||
      base.security.state === 'absent' ||
      head.security.state === 'absent';
    if (
      serverSecurityApplies &&
      securityKey(baseServer.security) !== securityKey(headServer.security)
    ) {
      causes.add('server security changed');
    }
  }

  if (changedSchemes(baseAlternatives, headAlternatives).length > 0) {
    causes.add('scheme definition changed');
  }

  const ordered = CAUSE_ORDER.filter((cause) => causes.has(cause));
  return ordered.length > 0 ? ordered : ['scheme definition changed'];
}

/** Schemes used on both sides under the same name whose definitions differ. */
function changedSchemes(
  baseAlternatives: EffectiveAlternative[],
  headAlternatives: EffectiveAlternative[],
): { base: SourceLocation; head: SourceLocation }[] {
  const baseByName = new Map<string, { declared: string; location: SourceLocation }>();
  for (const term of baseAlternatives.flatMap((alternative) => alternative.terms)) {
    if (!isUnresolved(term.scheme) && term.scheme.named) {
      baseByName.set(term.scheme.name, term.scheme);
    }
  }

  const changed: { base: SourceLocation; head: SourceLocation }[] = [];
  for (const term of headAlternatives.flatMap((alternative) => alternative.terms)) {
    if (isUnresolved(term.scheme) || !term.scheme.named) continue;
    const old = baseByName.get(term.scheme.name);
    if (old && old.declared !== term.scheme.declared) {
      changed.push({ base: old.location, head: term.scheme.location });
    }
  }
  return changed;
}

/** The head line that explains a cause, and the base line of what changed or was deleted. */
function locateCause(
  cause: Cause,
  pair: OperationPair,
  server: string | null,
): { head: SourceLocation; base: SourceLocation | null } {
  const head = pair.head.operation;
  const base = pair.base?.operation;
  const headServer = server === null ? undefined : pair.head.model.servers.get(server);
  const baseServer = server === null ? undefined : pair.base?.model.servers.get(server);

  switch (cause) {
    case 'operation added':
      return { head: securityLocation(head.security) ?? head.location, base: null };
    case 'override removed':
      return {
        head: head.location,
        base: securityLocation(base?.security) ?? base?.location ?? null,
      };
    case 'override changed':
      return {
        head: securityLocation(head.security) ?? head.location,
        base: securityLocation(base?.security) ?? base?.location ?? null,
      };
    case 'protocol changed':
      return {
        head: headServer?.protocolLocation ?? head.location,
        base: baseServer?.protocolLocation ?? null,
      };
    case 'channel servers changed': {
      // A deleted `servers` list points at its channel; a server added to a document whose
      // channels list none points at that server.
      const listDeleted = base?.channelServersLocation !== undefined;
      const fallback = listDeleted
        ? head.channelLocation
        : (headServer?.location ?? head.channelLocation);
      return {
        head: head.channelServersLocation ?? fallback,
        base: base?.channelServersLocation ?? base?.channelLocation ?? null,
      };
    }
    case 'server security changed':
      return {
        head: serverSecurityLocation(headServer) ?? head.location,
        base: serverSecurityLocation(baseServer) ?? null,
      };
    default: {
      const changed = changedSchemes(
        pair.base ? effectiveSecurityOf(pair.base) : [],
        effectiveSecurityOf(pair.head),
      )[0];
      return {
        head: changed?.head ?? head.location,
        base: changed?.base ?? base?.location ?? null,
      };
    }
  }
}

function effectiveSecurityOf(side: Side): EffectiveAlternative[] {
  // Scheme definitions do not depend on the model; override is enough to find them.
  return effectiveSecurity(side.operation, side.model, 'override').concat(
    effectiveSecurity(side.operation, side.model, 'additive'),
  );
}

function securityLocation(security: OwnSecurity | undefined): SourceLocation | undefined {
  return security && security.state !== 'absent' ? security.location : undefined;
}

function serverSecurityLocation(server: Server | undefined): SourceLocation | undefined {
  return server ? (securityLocation(server.security) ?? server.location) : undefined;
}

/**
 * What a `security` field says, order-free, naming schemes as written: a named scheme by its
 * name (its definition changing is another cause), an inline one by its definition.
 */
function securityKey(security: OwnSecurity): string {
  if (security.state !== 'list') return security.state;
  const alternatives = security.alternatives.map((alternative) =>
    alternative.terms
      .map((term) => {
        const scheme = term.scheme;
        if (isUnresolved(scheme)) return `?${scheme.ref}`;
        const scopes = term.scopesOnScheme ? '' : JSON.stringify(term.scopes);
        return scheme.named ? `${scheme.name}${scopes}` : `${scheme.declared}${scopes}`;
      })
      .sort()
      .join('&'),
  );
  return [...new Set(alternatives)].sort().join('|');
}

function sameMembers(left: readonly string[], right: readonly string[]): boolean {
  const members = new Set(left);
  return new Set(right).size === members.size && right.every((name) => members.has(name));
}

function isSecured(alternatives: EffectiveAlternative[]): boolean {
  return (
    alternatives.length > 0 && alternatives.every((alternative) => alternative.terms.length > 0)
  );
}

/**
 * Pairs base and head operations: by id first, then by channel address and action. The second
 * pass lets a 2.x operation without an id meet its 3.x counterpart, but only where the address
 * and action name one operation on each side: many operations on one channel (a WebSocket API
 * with a single `/` channel) must not be paired by their order.
 */
export function matchOperations(
  base: readonly Operation[],
  head: readonly Operation[],
): [Operation | undefined, Operation][] {
  const unmatchedBase = new Set(base);
  const baseById = new Map<string, Operation>();
  for (const operation of base) {
    if (operation.id !== undefined && !baseById.has(operation.id))
      baseById.set(operation.id, operation);
  }

  const matches = new Map<Operation, Operation | undefined>();
  for (const operation of head) {
    const byId = operation.id === undefined ? undefined : baseById.get(operation.id);
    if (byId && unmatchedBase.has(byId)) {
      matches.set(operation, byId);
      unmatchedBase.delete(byId);
    }
  }

  const baseByAddress = groupByAddress([...unmatchedBase]);
  const headByAddress = groupByAddress(head.filter((operation) => !matches.has(operation)));
  for (const [key, headGroup] of headByAddress) {
    const baseGroup = baseByAddress.get(key);
    const [only] = headGroup;
    if (only && headGroup.length === 1 && baseGroup?.length === 1) matches.set(only, baseGroup[0]);
  }

  return head.map((operation) => [matches.get(operation), operation]);
}

function groupByAddress(operations: readonly Operation[]): Map<string, Operation[]> {
  const groups = new Map<string, Operation[]>();
  for (const operation of operations) {
    const key = addressKey(operation);
    groups.set(key, [...(groups.get(key) ?? []), operation]);
  }
  return groups;
}

function addressKey(operation: Operation): string {
  return `${operation.action} ${operation.channel}`;
}

function byPriority(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    a.location.file.localeCompare(b.location.file) ||
    a.location.line - b.location.line ||
    (a.operation ?? '').localeCompare(b.operation ?? '')
  );
}
