// Writes synthetic AsyncAPI document pairs for the benchmark into bench/.work/<version>-<ops>/.
// Both versions render one abstract model built from a seeded generator, so every run (and
// every machine) measures the same bytes, and 2.6 and 3.0 carry the same security changes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

export const WORK_DIR = fileURLToPath(new URL('.work/', import.meta.url));
export const VERSIONS = ['2.6', '3.0'];
export const SIZES = [100, 1000, 4000, 10000];

const DOMAINS = ['orders', 'payments', 'shipments', 'users', 'inventory'];
const FULL_SCOPES = ['orders:read', 'orders:write'];
const EDGE_PROTOCOLS = [
  { secure: 'secure-mqtt', port: 8883 },
  { secure: 'kafka-secure', port: 9093 },
  { secure: 'amqps', port: 5671 },
];
const PLAIN_PROTOCOL = { 'secure-mqtt': 'mqtt', 'kafka-secure': 'kafka', amqps: 'amqp' };
const PER_OP_KINDS = [
  'override-removed',
  'scheme-weakened',
  'scope-dropped',
  'channel-unsecured',
  'operation-added',
];

/** Returns the directory of one pair, e.g. bench/.work/3.0-4000. */
export function pairDir(version, ops) {
  return join(WORK_DIR, `${version}-${ops}`);
}

/** Writes base.yaml and head.yaml for one version and size; returns the pair's directory. */
export function writePair(version, ops) {
  const base = buildModel(ops);
  const head = JSON.parse(JSON.stringify(base));
  const changes = changeHead(head, mulberry32(0xc0ffee + ops));
  const render = version === '2.6' ? render26 : render30;
  const dir = pairDir(version, ops);
  mkdirSync(dir, { recursive: true });
  // Shared sub-objects would otherwise come out as YAML anchors and aliases, which real
  // documents rarely use; an unlimited line width keeps one value per line like hand-written YAML.
  const options = { aliasDuplicateObjects: false, lineWidth: 0 };
  writeFileSync(join(dir, 'base.yaml'), stringify(render(base), options));
  writeFileSync(join(dir, 'head.yaml'), stringify(render(head), options));
  writeFileSync(join(dir, 'changes.json'), `${JSON.stringify(changes, null, 2)}\n`);
  return dir;
}

// A small, well-known seeded generator: Math.random cannot be seeded.
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The abstract document: schemes, servers and operations with their channels, independent of
// how 2.6 and 3.0 spell them. Security entries are { scheme, scopes }.
function buildModel(ops) {
  const random = mulberry32(0x5eed + ops);
  const apiKeys = Math.ceil(ops / 250);
  const edges = Math.ceil(ops / 250);
  const schemes = {
    userPassword: { type: 'userPassword' },
    saslScram: { type: 'scramSha512' },
    mtls: { type: 'X509' },
    bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    oauth: { type: 'oauth2' },
    saslPlain: { type: 'plain' },
  };
  for (let k = 0; k < apiKeys; k++) {
    schemes[`apiKey${k}`] = { type: 'httpApiKey', name: `X-Tenant-${k}-Key`, in: 'header' };
  }

  // A few shared brokers, plaintext ones included, plus edge brokers whose number grows with
  // the document so that one server change touches a bounded share of the operations.
  const servers = [
    server('broker-tls', 'secure-mqtt', 8883, ['userPassword']),
    server('broker-plain', 'mqtt', 1883, []),
    server('kafka-secure', 'kafka-secure', 9093, ['saslScram']),
    server('kafka-plain', 'kafka', 9092, []),
    server('ws-tls', 'wss', 443, ['bearer']),
  ];
  for (let k = 0; k < edges; k++) {
    const { secure, port } = EDGE_PROTOCOLS[k % EDGE_PROTOCOLS.length];
    const scheme = k % 2 === 0 ? 'mtls' : `apiKey${k % apiKeys}`;
    servers.push({ ...server(`edge-${k}`, secure, port, [scheme]), viaComponent: k % 2 === 1 });
  }

  const operations = [];
  for (let i = 0; i < ops; i++) {
    const domain = DOMAINS[i % DOMAINS.length];
    const id = `${domain}Event${String(i).padStart(5, '0')}`;
    const edge = `edge-${Math.floor(random() * edges)}`;
    const placement = random();
    const channelServers =
      placement < 0.1
        ? null
        : placement < 0.75
          ? [edge]
          : placement < 0.9
            ? [edge, 'broker-tls']
            : placement < 0.97
              ? ['kafka-secure', 'ws-tls']
              : ['broker-plain'];
    const guard = random();
    const security = guard < 0.45 ? [pickRequirement(random, apiKeys)] : null;
    const traits = guard >= 0.45 && guard < 0.7 ? ['common', 'secured'] : ['common'];
    operations.push({
      id,
      action: i % 2 === 0 ? 'send' : 'receive',
      channel: { id: `${domain}${String(i).padStart(5, '0')}`, address: `${domain}/${i}/events` },
      servers: channelServers,
      security,
      traits,
    });
  }
  return { title: `Benchmark of ${ops} operations`, schemes, servers, operations };
}

function server(name, protocol, port, security) {
  return { name, host: `${name}.example.com:${port}`, protocol, security, viaComponent: false };
}

function pickRequirement(random, apiKeys) {
  const choice = random();
  if (choice < 0.3) return { scheme: 'oauth', scopes: [...FULL_SCOPES] };
  if (choice < 0.55) return { scheme: 'bearer', scopes: [] };
  if (choice < 0.8) return { scheme: 'mtls', scopes: [] };
  return { scheme: `apiKey${Math.floor(random() * apiKeys)}`, scopes: [] };
}

// Applies every kind of weakening to the head model and returns the list of what it changed,
// so a reader of bench/.work can tell which findings to expect.
function changeHead(model, random) {
  const changes = [];
  const ops = model.operations;
  const perKind = Math.ceil(Math.min(350, Math.ceil(ops.length / 10)) / PER_OP_KINDS.length);
  const order = shuffle(
    ops.map((_, i) => i),
    random,
  );
  const taken = new Set();

  // Each per-operation kind takes the next operations it applies to, never one already changed.
  for (const kind of PER_OP_KINDS) {
    let count = 0;
    for (const i of order) {
      if (count === perKind) break;
      if (kind === 'operation-added') {
        ops.push(unsecuredOperation(ops.length));
        changes.push({ kind, operation: ops.at(-1).id });
        count++;
        continue;
      }
      if (taken.has(i) || !applies(kind, ops[i])) continue;
      taken.add(i);
      changes.push({ kind, operation: ops[i].id, ...weaken(kind, ops[i]) });
      count++;
    }
  }

  // Server and scheme definitions are shared, so a few changes to them reach many operations.
  const edges = model.servers.filter((s) => s.name.startsWith('edge-') && s.security.length > 0);
  for (const edge of edges.filter((_, k) => k % 8 === 0)) {
    changes.push({ kind: 'server-plaintext', server: edge.name, from: edge.protocol });
    edge.protocol = PLAIN_PROTOCOL[edge.protocol];
    edge.security = [];
  }
  const apiKeys = Object.keys(model.schemes).filter((name) => name.startsWith('apiKey'));
  for (const name of apiKeys.filter((_, k) => k % 3 === 0)) {
    model.schemes[name].in = 'query';
    changes.push({ kind: 'scheme-definition', scheme: name, change: 'httpApiKey in header→query' });
  }
  return changes;
}

function applies(kind, op) {
  if (kind === 'override-removed') return op.security !== null || op.traits.includes('secured');
  if (kind === 'scheme-weakened') return op.security !== null;
  if (kind === 'scope-dropped') return op.security?.[0].scheme === 'oauth';
  return op.servers !== null;
}

function weaken(kind, op) {
  if (kind === 'override-removed') {
    const from = op.security ? 'operation security' : 'secured trait';
    op.security = null;
    op.traits = ['common'];
    return { removed: from };
  }
  if (kind === 'scheme-weakened') {
    const from = op.security[0].scheme;
    const to = from === 'mtls' ? 'userPassword' : 'saslPlain';
    op.security = [{ scheme: to, scopes: [] }];
    return { from, to };
  }
  if (kind === 'scope-dropped') {
    op.security[0].scopes = FULL_SCOPES.slice(0, 1);
    return { dropped: FULL_SCOPES[1] };
  }
  op.servers = [...op.servers, 'kafka-plain'];
  return { added: 'kafka-plain' };
}

function unsecuredOperation(n) {
  const suffix = `New${String(n).padStart(5, '0')}`;
  return {
    id: `debugEvent${suffix}`,
    action: 'send',
    channel: { id: `debug${suffix}`, address: `debug/${n}/events` },
    servers: ['broker-plain'],
    security: null,
    traits: [],
  };
}

function shuffle(items, random) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

// AsyncAPI 2.6: servers carry a url, security is a list of requirement maps naming schemes,
// and each channel holds its one operation under publish or subscribe.
function render26(model) {
  const servers = {};
  for (const s of model.servers) {
    servers[s.name] = {
      url: s.host,
      protocol: s.protocol,
      ...(s.security.length > 0 && { security: s.security.map((name) => ({ [name]: [] })) }),
    };
  }
  const channels = {};
  for (const op of model.operations) {
    channels[op.channel.address] = {
      ...(op.servers && { servers: [...op.servers] }),
      [op.action === 'send' ? 'subscribe' : 'publish']: {
        operationId: op.id,
        ...(op.security && { security: op.security.map((r) => ({ [r.scheme]: [...r.scopes] })) }),
        ...(op.traits.length > 0 && {
          traits: op.traits.map((t) => ({ $ref: `#/components/operationTraits/${t}` })),
        }),
        message: { $ref: '#/components/messages/Event' },
      },
    };
  }
  const securitySchemes = {};
  for (const [name, scheme] of Object.entries(model.schemes)) {
    securitySchemes[name] =
      scheme.type === 'oauth2' ? { ...scheme, flows: oauthFlows('scopes') } : { ...scheme };
  }
  return {
    asyncapi: '2.6.0',
    info: { title: model.title, version: '1.0.0' },
    servers,
    channels,
    components: {
      securitySchemes,
      operationTraits: {
        common: { tags: [{ name: 'benchmark' }] },
        secured: { security: [{ mtls: [] }] },
      },
      messages: { Event: eventMessage() },
    },
  };
}

// AsyncAPI 3.0: servers carry a host, security lists schemes by $ref (or inline when scopes
// differ from the component's), operations point at their channel with `channel: $ref`.
function render30(model) {
  const servers = {};
  const componentServers = {};
  for (const s of model.servers) {
    const body = {
      host: s.host,
      protocol: s.protocol,
      ...(s.security.length > 0 && { security: s.security.map((name) => schemeRef(name)) }),
    };
    if (s.viaComponent) {
      componentServers[s.name] = body;
      servers[s.name] = { $ref: `#/components/servers/${s.name}` };
    } else {
      servers[s.name] = body;
    }
  }
  const channels = {};
  const operations = {};
  for (const op of model.operations) {
    channels[op.channel.id] = {
      address: op.channel.address,
      ...(op.servers && { servers: op.servers.map((name) => ({ $ref: `#/servers/${name}` })) }),
      messages: { event: { $ref: '#/components/messages/Event' } },
    };
    operations[op.id] = {
      action: op.action,
      channel: { $ref: `#/channels/${op.channel.id}` },
      ...(op.security && { security: op.security.map((r) => requirement30(model, r)) }),
      ...(op.traits.length > 0 && {
        traits: op.traits.map((t) => ({ $ref: `#/components/operationTraits/${t}` })),
      }),
    };
  }
  const securitySchemes = {};
  for (const [name, scheme] of Object.entries(model.schemes)) {
    securitySchemes[name] = scheme.type === 'oauth2' ? oauth30(FULL_SCOPES) : { ...scheme };
  }
  return {
    asyncapi: '3.0.0',
    info: { title: model.title, version: '1.0.0' },
    servers,
    channels,
    operations,
    components: {
      servers: componentServers,
      securitySchemes,
      operationTraits: {
        common: { tags: [{ name: 'benchmark' }] },
        secured: { security: [schemeRef('mtls')] },
      },
      messages: { Event: eventMessage() },
    },
  };
}

function schemeRef(name) {
  return { $ref: `#/components/securitySchemes/${name}` };
}

// 3.0 states required scopes on the scheme itself, so narrower scopes need an inline scheme.
function requirement30(model, { scheme, scopes }) {
  const narrowed = scheme === 'oauth' && scopes.join() !== FULL_SCOPES.join();
  return narrowed ? oauth30(scopes) : schemeRef(scheme);
}

function oauth30(scopes) {
  return { type: 'oauth2', flows: oauthFlows('availableScopes'), scopes: [...scopes] };
}

function oauthFlows(scopesField) {
  return {
    clientCredentials: {
      tokenUrl: 'https://auth.example.com/token',
      [scopesField]: { 'orders:read': 'Read orders', 'orders:write': 'Write orders' },
    },
  };
}

function eventMessage() {
  return {
    contentType: 'application/json',
    payload: {
      type: 'object',
      properties: { id: { type: 'string' }, at: { type: 'string', format: 'date-time' } },
    },
  };
}

// Run directly, it (re)writes every pair, or those of the sizes given as arguments.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : SIZES;
  for (const ops of sizes) {
    for (const version of VERSIONS) console.log(writePair(version, ops));
  }
}
