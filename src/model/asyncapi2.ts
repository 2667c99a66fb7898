/**
 * Reads AsyncAPI 2.0 to 2.6 into the model.
 *
 * 2.x specifics (SECURITY-MODEL.md §1): security requirements are maps `schemeName: [scopes]`
 * (names inside one map are AND); operation `security` exists from 2.4 and channel `servers`
 * from 2.2; operation traits are merged over the operation, so a trait's `security` replaces the
 * operation's; `publish` means the application receives, `subscribe` that it sends.
 */
import type { SourceLocation } from '../compare/finding.js';
import { DocumentError } from '../load/errors.js';
import {
  describeValue,
  isMap,
  markTrait,
  ModelContext,
  undeclaredServer,
  type YamlMap,
} from './context.js';
import { makeScheme, SCOPED_TYPES, schemeTypeProblem, sortedUnique } from './schemes.js';
import type {
  Action,
  Alternative,
  ApiModel,
  Operation,
  OwnSecurity,
  Server,
  Term,
} from './types.js';

const DIRECTIONS: readonly { field: 'publish' | 'subscribe'; action: Action }[] = [
  { field: 'publish', action: 'receive' },
  { field: 'subscribe', action: 'send' },
];

export function readAsyncApi2(context: ModelContext, root: YamlMap, version: string): ApiModel {
  const minor = Number(version.split('.')[1] ?? 0);
  const reader = new Reader2(context, root, minor);
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

class Reader2 {
  /** Servers channels list but `servers` does not declare, by the name the channel gives. */
  readonly undeclared = new Map<string, Server>();
  private readonly rootFile: string;
  private readonly schemes: YamlMap;

  constructor(
    private readonly context: ModelContext,
    private readonly root: YamlMap,
    private readonly minor: number,
  ) {
    this.rootFile = context.document.path;
    const components = context.optionalMap(root.components, 'components', context.locate(root));
    this.schemes = context.optionalMap(
      components.securitySchemes,
      'components.securitySchemes',
      context.locate(components, 'securitySchemes'),
    );
  }

  servers(): Map<string, Server> {
    const at = this.context.locate(this.root, 'servers');
    const declared = this.context.optionalMap(this.root.servers, 'servers', at);
    const servers = new Map<string, Server>();

    for (const [name, value] of Object.entries(declared)) {
      const resolved = this.context.follow(value, this.rootFile, `server ${name}`);
      const server = this.context.expectMap(
        resolved.value,
        `server ${name}`,
        this.context.locate(declared, name),
      );
      const security = this.context.ownSecurity(server, `servers.${name}`, (list, listAt) =>
        this.requirements(list, listAt),
      );

      servers.set(name, {
        name,
        ...this.context.readProtocol(server, name),
        location: this.context.locate(declared, name),
        security,
      });
    }
    return servers;
  }

  operations(servers: Map<string, Server>): Operation[] {
    const at = this.context.locate(this.root, 'channels');
    const channels = this.context.optionalMap(this.root.channels, 'channels', at);
    const operations: Operation[] = [];
    const seenIds = new Map<string, SourceLocation>();

    for (const [address, value] of Object.entries(channels)) {
      const channelAt = this.context.locate(channels, address);
      const resolved = this.context.follow(value, this.rootFile, `channel ${address}`);
      const channel = this.context.expectMap(resolved.value, `channel ${address}`, channelAt);
      const reach = this.channelServers(channel, address, servers);

      for (const { field, action } of DIRECTIONS) {
        if (channel[field] === undefined || channel[field] === null) continue;

        const operationAt = this.context.locate(channel, field);
        const followed = this.context.follow(channel[field], resolved.file, `${address}.${field}`);
        const operation = this.context.expectMap(
          followed.value,
          `${address}.${field}`,
          operationAt,
        );

        const id = typeof operation.operationId === 'string' ? operation.operationId : undefined;
        if (id === undefined && operation.operationId !== undefined) {
          this.context.notice(
            `${address}.${field}: operationId must be a string, not ` +
              `${describeValue(operation.operationId)}; the operation is matched by its channel ` +
              'and action only (quote the id)',
            this.context.locate(operation, 'operationId', operationAt),
          );
        }
        if (id !== undefined) {
          // Operations are matched across versions by id: two with one id could be swapped
          // between base and head, a weaker one taking the other's place unseen.
          const earlier = seenIds.get(id);
          const idAt = this.context.locate(operation, 'operationId', operationAt);
          if (earlier !== undefined) {
            throw new DocumentError(
              idAt.file,
              idAt.line,
              1,
              `operationId ${JSON.stringify(id)} is also used at line ${earlier.line}; ` +
                'operation ids must be unique, so rename one of them',
            );
          }
          seenIds.set(id, idAt);
        }

        operations.push({
          id,
          channel: address,
          action,
          servers: reach.servers,
          channelLocation: channelAt,
          channelServersLocation: reach.location,
          security: this.operationSecurity(operation, `${address}.${field}`, followed.file),
          location: operationAt,
        });
      }
    }
    return operations;
  }

  /** Channel `servers` (2.2+): names; absent or empty means every server. */
  private channelServers(
    channel: YamlMap,
    address: string,
    servers: Map<string, Server>,
  ): { servers: string[]; location: SourceLocation | undefined } {
    const every = [...servers.keys()];
    const listed = channel.servers;
    if (listed === undefined || listed === null) return { servers: every, location: undefined };

    const location = this.context.locate(channel, 'servers');
    if (this.minor < 2) {
      this.context.notice(
        `channel ${address} lists servers, which AsyncAPI 2.${this.minor} does not define; ` +
          'the list was ignored and every server applies',
        location,
      );
      return { servers: every, location: undefined };
    }
    if (!Array.isArray(listed)) {
      throw new DocumentError(
        location.file,
        location.line,
        1,
        `channel ${address}: servers must be a list`,
      );
    }
    if (listed.length === 0) return { servers: every, location };

    const names: string[] = [];
    listed.forEach((name, index) => {
      const itemAt = this.context.locateItem(listed, index, location);
      if (typeof name === 'string' && servers.has(name)) {
        names.push(name);
      } else {
        const reason = `channel ${address} lists server ${describeValue(name)}, which is not declared in servers`;
        this.context.notice(
          `${reason}; its protocol and security cannot be known, so the review fails closed on it`,
          itemAt,
        );
        const placeholder = typeof name === 'string' ? name : describeValue(name);
        this.undeclared.set(placeholder, undeclaredServer(placeholder, itemAt));
        names.push(placeholder);
      }
    });
    return { servers: sortedUnique(names), location };
  }

  /** The operation's own `security` after traits: a trait's `security` replaces it (merge patch). */
  private operationSecurity(operation: YamlMap, where: string, file: string): OwnSecurity {
    let security = this.securityField(operation, where);

    const traits = operation.traits;
    if (!Array.isArray(traits)) return security;

    traits.forEach((trait, index) => {
      const traitAt = this.context.locateItem(
        traits,
        index,
        this.context.locate(operation, 'traits'),
      );
      const followed = this.context.follow(
        trait,
        this.context.fileOf(traits, file),
        `${where} trait`,
      );
      const body = this.context.expectMap(followed.value, `${where}.traits[${index}]`, traitAt);
      if (Object.hasOwn(body, 'security')) {
        security = markTrait(this.securityField(body, `${where} trait`));
      }
    });
    return security;
  }

  private securityField(container: YamlMap, where: string): OwnSecurity {
    if (Object.hasOwn(container, 'security') && this.minor < 4) {
      this.context.notice(
        `${where} declares security, which AsyncAPI 2.${this.minor} defines only on servers; ` +
          'it was ignored',
        this.context.locate(container, 'security'),
      );
      return { state: 'absent' };
    }
    return this.context.ownSecurity(container, where, (list, at) => this.requirements(list, at));
  }

  /** A list of Security Requirement Objects: each map is one alternative, its names AND-ed. */
  private requirements(list: unknown[], at: SourceLocation): Alternative[] {
    return list.map((requirement, index) => {
      const itemAt = this.context.locateItem(list, index, at);
      if (!isMap(requirement)) {
        throw new DocumentError(
          itemAt.file,
          itemAt.line,
          1,
          'a security requirement must be a mapping',
        );
      }

      const terms: Term[] = Object.entries(requirement).map(([name, scopes]) =>
        this.term(name, scopes, this.context.locate(requirement, name)),
      );
      return { terms };
    });
  }

  private term(name: string, scopes: unknown, at: SourceLocation): Term {
    if (!Object.hasOwn(this.schemes, name)) {
      return {
        scheme: {
          unresolved: true,
          ref: name,
          reason: `components.securitySchemes has no scheme named ${name}`,
          location: at,
        },
        scopes: [],
      };
    }

    const declaredAt = this.context.locate(this.schemes, name);
    const resolved = this.context.tryFollow(this.schemes[name], declaredAt.file);
    if (!resolved.ok) {
      const { problem } = resolved;
      const location = { file: problem.file, line: problem.line };
      const unresolved = {
        unresolved: true as const,
        ref: `${name} (${problem.ref})`,
        reason: problem.reason,
        location,
      };
      return { scheme: unresolved, scopes: [] };
    }
    if (!isMap(resolved.value)) {
      const reason = 'the scheme is not a mapping';
      return { scheme: { unresolved: true, ref: name, reason, location: declaredAt }, scopes: [] };
    }

    const typeProblem = schemeTypeProblem(resolved.value);
    if (typeProblem !== undefined) {
      const location = this.context.locate(resolved.value, 'type', declaredAt);
      return { scheme: { unresolved: true, ref: name, reason: typeProblem, location }, scopes: [] };
    }

    const scheme = makeScheme(resolved.value, name, declaredAt);
    const scopeList = Array.isArray(scopes)
      ? scopes.filter((s): s is string => typeof s === 'string')
      : [];
    return { scheme, scopes: SCOPED_TYPES.has(scheme.type) ? sortedUnique(scopeList) : [] };
  }
}
