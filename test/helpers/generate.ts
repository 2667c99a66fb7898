/**
 * Generated AsyncAPI documents for property tests: an abstract API (schemes, servers, channels,
 * operations and their security) rendered as AsyncAPI 2.6 or 3.0 YAML.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

export interface Requirement {
  /** AND of scheme names with required scopes; 3.x documents use one term per requirement. */
  terms: { scheme: string; scopes: string[] }[];
}

export interface AbstractApi {
  version: '2.6.0' | '3.0.0';
  servers: { name: string; protocol: string; security?: Requirement[] }[];
  channels: {
    address: string;
    servers?: string[];
    operations: { id: string; action: 'send' | 'receive'; security?: Requirement[] }[];
  }[];
}

/** The scheme pool: one of each strength class and the within-type variants. */
export const SCHEMES: Record<string, Record<string, unknown>> = {
  basic: { type: 'userPassword' },
  key: { type: 'apiKey', in: 'user' },
  cert: { type: 'X509' },
  scram: { type: 'scramSha256' },
  headerKey: { type: 'httpApiKey', name: 'X-Key', in: 'header' },
  bearer: { type: 'http', scheme: 'bearer' },
  oauth: {
    type: 'oauth2',
    flows: {
      clientCredentials: {
        tokenUrl: 'https://auth.example.com/token',
        availableScopes: { read: 'Read', write: 'Write' },
      },
    },
  },
};
const SCOPED = new Set(['oauth']);
const PROTOCOLS = ['mqtt', 'mqtts', 'kafka', 'kafka-secure', 'ws', 'wss'];

const scopesArb = fc.subarray(['read', 'write']);
const termArb = fc.constantFrom(...Object.keys(SCHEMES)).chain((scheme) =>
  (SCOPED.has(scheme) ? scopesArb : fc.constant<string[]>([])).map((scopes) => ({
    scheme,
    scopes,
  })),
);

function requirementsArb(version: AbstractApi['version']) {
  // A 2.x requirement is a map, so one scheme appears in it once.
  const maxLength = version === '3.0.0' ? 1 : 2;
  const terms = fc.uniqueArray(termArb, {
    minLength: 1,
    maxLength,
    selector: (term) => term.scheme,
  });
  return fc.option(
    fc.array(
      terms.map((list) => ({ terms: list })),
      { minLength: 0, maxLength: 3 },
    ),
    { nil: undefined },
  );
}

/** The shape of an API: servers, channels and operations, without security. */
export const shapeArb = fc.record({
  version: fc.constantFrom('2.6.0' as const, '3.0.0' as const),
  serverCount: fc.integer({ min: 0, max: 3 }),
  protocols: fc.array(fc.constantFrom(...PROTOCOLS), { minLength: 3, maxLength: 3 }),
  channels: fc.array(
    fc.record({
      servers: fc.option(fc.subarray([0, 1, 2]), { nil: undefined }),
      send: fc.boolean(),
      receive: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

export type Shape = typeof shapeArb extends fc.Arbitrary<infer T> ? T : never;

/** Security for every place of a shape: servers and operations. */
export function securedApiArb(shape: Shape): fc.Arbitrary<AbstractApi> {
  const requirements = requirementsArb(shape.version);
  const serverNames = Array.from({ length: shape.serverCount }, (_, i) => `server${i}`);

  return fc
    .record({
      servers: fc.tuple(...serverNames.map(() => requirements)),
      operations: fc.tuple(...shape.channels.flatMap(() => [requirements, requirements])),
    })
    .map(({ servers, operations }) => ({
      version: shape.version,
      servers: serverNames.map((name, i) => ({
        name,
        protocol: shape.protocols[i] ?? 'mqtt',
        security: servers[i],
      })),
      channels: shape.channels.map((channel, c) => ({
        address: `orders/${c}`,
        servers: channel.servers
          ?.filter((index) => index < shape.serverCount)
          .map((index) => `server${index}`),
        operations: [
          ...(channel.send
            ? [{ id: `send${c}`, action: 'send' as const, security: operations[2 * c] }]
            : []),
          ...(channel.receive
            ? [{ id: `receive${c}`, action: 'receive' as const, security: operations[2 * c + 1] }]
            : []),
        ],
      })),
    }));
}

export interface RenderOptions {
  /** Renames schemes in the document (components keys and every use). */
  schemeNames?: Record<string, string>;
  /** Renames servers everywhere. */
  serverNames?: Record<string, string>;
  /** Reverses every list and key order that carries no meaning. */
  reorder?: boolean;
}

export function renderApi(api: AbstractApi, options: RenderOptions = {}): string {
  const document = api.version === '2.6.0' ? render2(api, options) : render3(api, options);
  return stringify(document, { aliasDuplicateObjects: false });
}

function names(options: RenderOptions) {
  return {
    scheme: (name: string) => options.schemeNames?.[name] ?? name,
    server: (name: string) => options.serverNames?.[name] ?? name,
    order: <T>(list: T[]): T[] => (options.reorder ? [...list].reverse() : list),
    entries: (record: Record<string, unknown>) =>
      Object.fromEntries(
        options.reorder ? Object.entries(record).reverse() : Object.entries(record),
      ),
  };
}

function render2(api: AbstractApi, options: RenderOptions) {
  const n = names(options);
  const requirement = (list: Requirement[]) =>
    n
      .order(list)
      .map((item) =>
        Object.fromEntries(
          n.order(item.terms).map((term) => [n.scheme(term.scheme), n.order(term.scopes)]),
        ),
      );
  const schemes2 = Object.fromEntries(
    Object.entries(SCHEMES).map(([name, definition]) => [n.scheme(name), toV2Scheme(definition)]),
  );

  return {
    asyncapi: api.version,
    info: { title: 'Generated', version: '1.0.0' },
    servers: n.entries(
      Object.fromEntries(
        api.servers.map((server) => [
          n.server(server.name),
          {
            url: `${server.name}.example.com`,
            protocol: server.protocol,
            ...(server.security ? { security: requirement(server.security) } : {}),
          },
        ]),
      ),
    ),
    channels: n.entries(
      Object.fromEntries(
        api.channels.map((channel) => [
          channel.address,
          {
            ...(channel.servers ? { servers: n.order(channel.servers.map(n.server)) } : {}),
            ...Object.fromEntries(
              channel.operations.map((operation) => [
                operation.action === 'send' ? 'subscribe' : 'publish',
                {
                  operationId: operation.id,
                  ...(operation.security ? { security: requirement(operation.security) } : {}),
                  message: { payload: { type: 'string' } },
                },
              ]),
            ),
          },
        ]),
      ),
    ),
    components: { securitySchemes: n.entries(schemes2) },
  };
}

function render3(api: AbstractApi, options: RenderOptions) {
  const n = names(options);
  const security = (list: Requirement[]) =>
    n.order(list).map((item) => {
      const term = item.terms[0] ?? { scheme: 'basic', scopes: [] };
      return term.scopes.length > 0
        ? { ...SCHEMES[term.scheme], scopes: n.order(term.scopes) }
        : { $ref: `#/components/securitySchemes/${n.scheme(term.scheme)}` };
    });

  return {
    asyncapi: api.version,
    info: { title: 'Generated', version: '1.0.0' },
    servers: n.entries(
      Object.fromEntries(
        api.servers.map((server) => [
          n.server(server.name),
          {
            host: `${server.name}.example.com`,
            protocol: server.protocol,
            ...(server.security ? { security: security(server.security) } : {}),
          },
        ]),
      ),
    ),
    channels: n.entries(
      Object.fromEntries(
        api.channels.map((channel, c) => [
          `channel${c}`,
          {
            address: channel.address,
            ...(channel.servers
              ? {
                  servers: n.order(
                    channel.servers.map((s) => ({ $ref: `#/servers/${n.server(s)}` })),
                  ),
                }
              : {}),
          },
        ]),
      ),
    ),
    operations: n.entries(
      Object.fromEntries(
        api.channels.flatMap((channel, c) =>
          channel.operations.map((operation) => [
            operation.id,
            {
              action: operation.action,
              channel: { $ref: `#/channels/channel${c}` },
              ...(operation.security ? { security: security(operation.security) } : {}),
            },
          ]),
        ),
      ),
    ),
    components: {
      securitySchemes: n.entries(
        Object.fromEntries(Object.entries(SCHEMES).map(([name, def]) => [n.scheme(name), def])),
      ),
    },
  };
}

/** 2.x writes available OAuth scopes under `flows.*.scopes`. */
function toV2Scheme(definition: Record<string, unknown>): Record<string, unknown> {
  if (definition.type !== 'oauth2') return definition;
  const flows = definition.flows as Record<string, Record<string, unknown>>;
  return {
    ...definition,
    flows: Object.fromEntries(
      Object.entries(flows).map(([name, { availableScopes, ...flow }]) => [
        name,
        { ...flow, scopes: availableScopes },
      ]),
    ),
  };
}
