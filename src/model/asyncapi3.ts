/**
 * Reads AsyncAPI 3.0 and 3.1 into the model.
 *
 * 3.x specifics (SECURITY-MODEL.md §1): `security` lists Security Scheme Objects or references to
 * them (OR; no AND form), required scopes sit on the scheme as `scopes`; operations live under
 * `operations` and point at their channel with `channel: $ref`; channel `servers` are references
 * into `servers`; a trait never overrides a property the operation already has.
 */
import type { SourceLocation } from '../compare/finding.js';
import { DocumentError } from '../load/errors.js';
import {
  describeValue,
  isMap,
  lastPointerSegment,
  markTrait,
  ModelContext,
  undeclaredServer,
  type YamlMap,
} from './context.js';
import { makeScheme, requiredScopesOf, schemeTypeProblem, sortedUnique } from './schemes.js';
import type { Alternative, ApiModel, Operation, OwnSecurity, Server } from './types.js';

export function readAsyncApi3(context: ModelContext, root: YamlMap, version: string): ApiModel {
  const reader = new Reader3(context, root);
  const servers = reader.servers();
  const operations = reader.operations(servers);

  return {
    version,
    servers: new Map([...servers, ...reader.undeclared]),
    serverless: servers.size === 0,
    operations,
    notices: context.notices,
  };
}

class Reader3 {
  /** Servers channels list but `servers` does not declare, by the name the reference gives. */
  readonly undeclared = new Map<string, Server>();
  private readonly rootFile: string;
  /**
   * Resolved server objects by identity, to name the servers a channel's references reach
   * when the reference does not name one itself. Several servers may `$ref` one definition.
   */
  private readonly serverNames = new Map<unknown, string[]>();

  constructor(
    private readonly context: ModelContext,
    private readonly root: YamlMap,
  ) {
    this.rootFile = context.document.path;
  }

  servers(): Map<string, Server> {
    const at = this.context.locate(this.root, 'servers');
    const declared = this.context.optionalMap(this.root.servers, 'servers', at);
    const servers = new Map<string, Server>();

    for (const [name, value] of Object.entries(declared)) {
      const keyAt = this.context.locate(declared, name);
      const resolved = this.context.follow(value, this.rootFile, `server ${name}`);
      const server = this.context.expectMap(resolved.value, `server ${name}`, keyAt);
      this.serverNames.set(server, [...(this.serverNames.get(server) ?? []), name]);

      servers.set(name, {
        name,
        ...this.context.readProtocol(server, name),
        location: keyAt,
        security: this.context.ownSecurity(server, `servers.${name}`, (list, listAt) =>
          this.schemeList(list, listAt, resolved.file),
        ),
      });
    }
    return servers;
  }

  operations(servers: Map<string, Server>): Operation[] {
    const at = this.context.locate(this.root, 'operations');
    const declared = this.context.optionalMap(this.root.operations, 'operations', at);
    const operations: Operation[] = [];

    for (const [id, value] of Object.entries(declared)) {
      const keyAt = this.context.locate(declared, id);
      const resolved = this.context.follow(value, this.rootFile, `operation ${id}`);
      const operation = this.context.expectMap(resolved.value, `operation ${id}`, keyAt);

      const action = operation.action;
      if (action !== 'send' && action !== 'receive') {
        const actionAt = this.context.locate(operation, 'action', keyAt);
        throw new DocumentError(
          actionAt.file,
          actionAt.line,
          1,
          `operation ${id}: action must be send or receive`,
        );
      }

      const channel = this.channelOf(operation, id, resolved.file, keyAt, servers);
      operations.push({
        id,
        channel: channel.address,
        action,
        servers: channel.servers,
        channelLocation: channel.location,
        channelServersLocation: channel.serversLocation,
        security: this.operationSecurity(operation, id, resolved.file),
        location: keyAt,
      });
    }
    return operations;
  }

  private channelOf(
    operation: YamlMap,
    id: string,
    file: string,
    keyAt: SourceLocation,
    servers: Map<string, Server>,
  ): {
    address: string;
    servers: string[];
    location: SourceLocation;
    serversLocation: SourceLocation | undefined;
  } {
    const channelAt = this.context.locate(operation, 'channel', keyAt);
    if (operation.channel === undefined) {
      throw new DocumentError(channelAt.file, channelAt.line, 1, `operation ${id} has no channel`);
    }

    const resolution = this.context.tryFollow(operation.channel, file);
    if (!resolution.ok) {
      const { problem } = resolution;
      throw new DocumentError(
        problem.file,
        problem.line,
        1,
        `operation ${id}: channel $ref ${problem.ref} cannot be followed: ${problem.reason}`,
      );
    }
    const channel = this.context.expectMap(resolution.value, `operation ${id}: channel`, channelAt);
    const key = lastPointerSegment(resolution.pointer) ?? id;
    const address = typeof channel.address === 'string' ? channel.address : key;

    const reach = this.channelServers(channel, key, resolution.file, servers);
    const location =
      resolution.parent !== undefined && resolution.key !== undefined
        ? this.context.locate(resolution.parent, resolution.key)
        : channelAt;
    return { address, servers: reach.servers, location, serversLocation: reach.location };
  }

  /** Channel `servers`: references into `servers`; absent or empty means every server. */
  private channelServers(
    channel: YamlMap,
    key: string,
    file: string,
    servers: Map<string, Server>,
  ): { servers: string[]; location: SourceLocation | undefined } {
    const every = [...servers.keys()];
    const listed = channel.servers;
    if (listed === undefined || listed === null) return { servers: every, location: undefined };

    const location = this.context.locate(channel, 'servers');
    if (!Array.isArray(listed)) {
      throw new DocumentError(
        location.file,
        location.line,
        1,
        `channel ${key}: servers must be a list`,
      );
    }
    if (listed.length === 0) return { servers: every, location };

    const names: string[] = [];
    listed.forEach((entry, index) => {
      const itemAt = this.context.locateItem(listed, index, location);
      const entryFile = this.context.fileOf(listed, file);
      const named = entryFile === this.rootFile ? serverNamedBy(entry, servers) : undefined;
      const resolved = this.context.tryFollow(entry, entryFile);
      const reached = named ?? (resolved.ok ? this.serverNames.get(resolved.value) : undefined);

      if (reached !== undefined) {
        names.push(...reached);
      } else {
        const why = resolved.ok ? 'it is not one of the servers' : resolved.problem.reason;
        const reason = `channel ${key} lists a server that cannot be used (${why})`;
        this.context.notice(
          `${reason}; its protocol and security cannot be known, so the review fails closed on it`,
          itemAt,
        );
        const name = undeclaredName(entry);
        this.undeclared.set(name, undeclaredServer(name, itemAt));
        names.push(name);
      }
    });
    return { servers: sortedUnique(names), location };
  }

  /** The operation's own `security` wins; otherwise the last trait that has one. */
  private operationSecurity(operation: YamlMap, id: string, file: string): OwnSecurity {
    const own = this.context.ownSecurity(operation, `operations.${id}`, (list, at) =>
      this.schemeList(list, at, file),
    );
    if (Object.hasOwn(operation, 'security')) return own;

    const traits = operation.traits;
    if (!Array.isArray(traits)) return own;

    let security = own;
    traits.forEach((trait, index) => {
      const traitAt = this.context.locateItem(
        traits,
        index,
        this.context.locate(operation, 'traits'),
      );
      const followed = this.context.follow(
        trait,
        this.context.fileOf(traits, file),
        `operation ${id} trait`,
      );
      const body = this.context.expectMap(
        followed.value,
        `operations.${id}.traits[${index}]`,
        traitAt,
      );
      if (Object.hasOwn(body, 'security')) {
        security = markTrait(
          this.context.ownSecurity(body, `operations.${id} trait`, (list, at) =>
            this.schemeList(list, at, followed.file),
          ),
        );
      }
    });
    return security;
  }

  /** A list of Security Scheme Objects or references: each item is one alternative. */
  private schemeList(list: unknown[], at: SourceLocation, file: string): Alternative[] {
    return list.map((item, index) => {
      const itemAt = this.context.locateItem(list, index, at);
      const resolved = this.context.tryFollow(item, this.context.fileOf(list, file));

      if (!resolved.ok) {
        const { problem } = resolved;
        const location = { file: problem.file, line: problem.line };
        const scheme = {
          unresolved: true as const,
          ref: problem.ref,
          reason: problem.reason,
          location,
        };
        return { terms: [{ scheme, scopes: [] }] };
      }
      if (!isMap(resolved.value)) {
        throw new DocumentError(itemAt.file, itemAt.line, 1, 'a security scheme must be a mapping');
      }

      // A referenced scheme is named by the key it is declared under; an inline one by its type.
      const componentName =
        item !== resolved.value
          ? (lastPointerSegment(resolved.pointer) ?? resolved.file)
          : undefined;
      // A referenced scheme points at its key under components; an inline one at itself.
      const schemeAt =
        resolved.parent !== undefined && resolved.key !== undefined
          ? this.context.locate(resolved.parent, resolved.key)
          : this.context.locate(resolved.value, undefined, itemAt);
      const typeProblem = schemeTypeProblem(resolved.value);
      if (typeProblem !== undefined) {
        const scheme = {
          unresolved: true as const,
          ref: componentName ?? 'an inline scheme',
          reason: typeProblem,
          // A wrong type is read where it is written; no type at all, where it is referenced.
          location: Object.hasOwn(resolved.value, 'type')
            ? this.context.locate(resolved.value, 'type', schemeAt)
            : itemAt,
        };
        return { terms: [{ scheme, scopes: [] }] };
      }

      const scheme = makeScheme(resolved.value, componentName, schemeAt);
      return {
        terms: [{ scheme, scopes: requiredScopesOf(resolved.value), scopesOnScheme: true }],
      };
    });
  }
}

/** Where a 3.x document declares its servers, as a reference spells it. */
const SERVERS_POINTER = '#/servers/';

/** The `$ref` of a channel's server entry, or the entry itself when it is not a reference. */
function referenceOf(entry: unknown): unknown {
  return typeof entry === 'object' && entry !== null && '$ref' in entry ? entry.$ref : entry;
}

/**
 * The server a `$ref: '#/servers/<name>'` entry names by its own pointer: two servers that
 * `$ref` one shared definition are the same object once resolved, but not the same server.
 */
function serverNamedBy(entry: unknown, servers: Map<string, Server>): string[] | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const ref = referenceOf(entry);
  if (typeof ref !== 'string' || !ref.startsWith(SERVERS_POINTER)) return undefined;

  const name = lastPointerSegment(ref.slice(1));
  const isOneSegment = ref.slice(SERVERS_POINTER.length).includes('/') === false;
  return name !== undefined && isOneSegment && servers.has(name) ? [name] : undefined;
}

/**
 * The name of a listed server that is not declared: the last segment of a `#/servers/<name>`
 * reference, so that a 2.x name and its 3.x reference agree, else the reference as written.
 */
function undeclaredName(entry: unknown): string {
  const ref = referenceOf(entry);
  if (typeof ref !== 'string') return describeValue(ref);
  if (ref.startsWith(SERVERS_POINTER)) return lastPointerSegment(ref.slice(1)) ?? ref;
  return ref;
}
