/**
 * The version-independent model: what AsyncAPI 2.x and 3.x documents say about security, reduced
 * to servers, schemes and operations. Everything the comparison needs, nothing else.
 */
import type { SourceLocation } from '../compare/finding.js';

/** A security scheme, identified by its resolved definition, never by its name. */
export interface Scheme {
  /** Canonical text of the definition: equal keys mean the same scheme. */
  key: string;
  type: string;
  /** The definition without descriptions, extensions and required scopes. */
  definition: Readonly<Record<string, unknown>>;
  /** For people: the component name, or the type for an inline scheme. */
  name: string;
  /** True when `name` is a component name rather than the type of an inline scheme. */
  named: boolean;
  /** Canonical text of everything declared but prose, required scopes included. */
  declared: string;
  location: SourceLocation;
}

/** A scheme a reference names but that cannot be read; it never satisfies anything. */
export interface UnresolvedScheme {
  unresolved: true;
  ref: string;
  reason: string;
  location: SourceLocation;
}

/** One factor of an alternative: a scheme and the scopes it must grant. */
export interface Term {
  scheme: Scheme | UnresolvedScheme;
  /** Required scopes, sorted and unique. */
  scopes: string[];
  /** True in 3.x, where required scopes are part of the scheme rather than the requirement. */
  scopesOnScheme?: boolean;
}

/** A way in: every term must be satisfied (AND). No terms means anonymous access. */
export interface Alternative {
  terms: Term[];
}

/**
 * The three states of a `security` field stay distinct: absent (inherit), `[]` (explicitly
 * nothing) and a list of alternatives (OR).
 */
export type OwnSecurity =
  | { state: 'absent' }
  | {
      state: 'empty';
      location: SourceLocation;
      /** True when an operation trait's `security: []` is what set it. */
      fromTrait?: boolean;
    }
  | { state: 'list'; alternatives: Alternative[]; location: SourceLocation };

export interface Server {
  name: string;
  protocol: string;
  /** True when the protocol carries TLS (mqtts, wss, https, ...). */
  tls: boolean;
  security: OwnSecurity;
  location: SourceLocation;
  protocolLocation: SourceLocation;
}

export type Action = 'send' | 'receive';

export interface Operation {
  /** 3.x operation key or 2.x operationId. */
  id: string | undefined;
  /** Channel address (2.x channel key; 3.x `address`, or the channel key when it has none). */
  channel: string;
  action: Action;
  /** Names of the servers the operation can be reached through. */
  servers: string[];
  /** Where the channel is declared, and where its `servers` list is written, when it is. */
  channelLocation: SourceLocation;
  channelServersLocation: SourceLocation | undefined;
  /** The operation's own security after traits are applied by the version's rule. */
  security: OwnSecurity;
  location: SourceLocation;
}

/** A notice about something the model had to skip: shown to the reviewer, never silent. */
export interface ModelNotice {
  message: string;
  location: SourceLocation;
}

export interface ApiModel {
  /** The `asyncapi` field, e.g. `2.6.0`. */
  version: string;
  servers: Map<string, Server>;
  /** True when the document declares no servers at all. */
  serverless: boolean;
  operations: Operation[];
  notices: ModelNotice[];
}

export function isUnresolved(scheme: Scheme | UnresolvedScheme): scheme is UnresolvedScheme {
  return 'unresolved' in scheme;
}

/** How an operation is named in messages: its id, or its channel and action. */
export function operationLabel(operation: Pick<Operation, 'id' | 'channel' | 'action'>): string {
  return operation.id ?? `${operation.channel} ${operation.action}`;
}
