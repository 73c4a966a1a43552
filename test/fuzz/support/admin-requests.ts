/**
 * @module admin-requests
 * Generated Admin API requests: "coherent" ones aimed at one resource with a body of its family
 * (they get deep into validation, and some are valid writes), and "chaotic" ones with any method,
 * path segments, query and body. Plus the reading of what a 2xx acknowledged.
 */
import http from 'node:http';
import fc from 'fast-check';
import {
  bodyArb,
  extraHeadersArb,
  PROTOTYPE_KEYS,
  queryArb,
  segmentArb,
  type Json,
} from './arbitraries';
import { printable } from './fuzz';
import type { RawReply, RawRequest } from './raw-http';
import type { Ack } from './store-ledger';

export const ADMIN_KEY = 'fuzz-admin-key-0123456789abcdef';
export const VIEWER_KEY = 'fuzz-viewer-key-0123456789abcdef';
export const UPSTREAM: Json = { type: 'roundrobin', nodes: { '127.0.0.1:1980': 1 } };

/** Valid bodies per resource (the seeds of mutation) and the ids the run keeps hitting. */
const RESOURCES: Record<string, { ids: string[]; bodies: Json[] }> = {
  routes: {
    ids: ['r1', 'r2', '1'],
    bodies: [
      { uri: '/fz', upstream: UPSTREAM, desc: 'fuzz', labels: { team: 'a' } },
      { uri: '/fz2', methods: ['GET', 'POST'], upstream_id: 'u1', priority: 3 },
      { uris: ['/a', '/b'], service_id: 's1', plugins: { 'key-auth': {} } },
      {
        uri: '/ai',
        plugins: {
          'ai-proxy': {
            provider: 'openai',
            auth: { header: { Authorization: 'Bearer t' } },
            options: { model: 'gpt-4' },
          },
        },
      },
    ],
  },
  upstreams: {
    ids: ['u1', 'u2'],
    bodies: [
      UPSTREAM,
      { type: 'chash', key: 'remote_addr', nodes: [{ host: '127.0.0.1', port: 1980, weight: 1 }] },
      { nodes: [{ host: 'example.com', weight: 1 }], scheme: 'https', timeout: { connect: 1 } },
    ],
  },
  services: {
    ids: ['s1', 's2'],
    bodies: [{ upstream_id: 'u1' }, { upstream: UPSTREAM, desc: 'svc' }],
  },
  consumers: {
    ids: ['jack', 'rose'],
    bodies: [
      { username: 'jack', plugins: { 'key-auth': { key: 'k-jack' } } },
      { username: 'rose', group_id: 'g1', labels: { team: 'a' } },
    ],
  },
  consumer_groups: {
    ids: ['g1', 'g2'],
    bodies: [{ plugins: {} }, { plugins: { prometheus: {} } }],
  },
  plugin_configs: { ids: ['pc1'], bodies: [{ plugins: { 'key-auth': {} } }] },
  global_rules: { ids: ['gr1'], bodies: [{ plugins: { prometheus: {} } }] },
  plugin_metadata: { ids: ['prometheus', 'key-auth'], bodies: [{}] },
};
export const CREDENTIAL: Json = { plugins: { 'key-auth': { key: 'k-cred' } } };
const ALL_BODIES = [...Object.values(RESOURCES).flatMap((r) => r.bodies), CREDENTIAL];
const RESOURCE_NAMES = [...Object.keys(RESOURCES), 'plugins', 'schema', 'ssls', 'protos'];
const KNOWN_SEGMENTS = [
  ...RESOURCE_NAMES,
  ...Object.values(RESOURCES).flatMap((r) => r.ids),
  'credentials',
  'c1',
  'list',
  'reload',
  'validate',
  'route',
  'key-auth',
  'ai-proxy',
];
/** What writes read (`ttl`, `force`), twice as likely as what lists read. */
const WRITE_QUERY_KEYS = ['ttl', 'ttl', 'force', 'page_size'];
const QUERY_KEYS = ['ttl', 'page', 'page_size', 'force', 'name', 'label', 'uri', 'filter'];
const QUERY_KEYS_ALL = [...QUERY_KEYS, 'api_key', 'subsystem', 'schema_type', 'all'];
const PATCH_SUBPATHS = [
  'desc',
  'uri',
  'upstream',
  'upstream/nodes',
  'plugins',
  'plugins/key-auth',
  'labels/a',
  '__proto__/polluted',
  'constructor/prototype/polluted',
  'plugins/__proto__',
];

/** Node's parser knows these; any other token gets its bare 400 before the app runs. */
const METHODS = http.METHODS.filter((m) => m !== 'CONNECT');

const withQuery = (path: string, query: string) => (query === '' ? path : `${path}?${query}`);

const authArb: fc.Arbitrary<[string, string][]> = fc.oneof(
  { weight: 30, arbitrary: fc.constant<[string, string][]>([['x-api-key', ADMIN_KEY]]) },
  { weight: 1, arbitrary: fc.constant<[string, string][]>([['x-api-key', VIEWER_KEY]]) },
  { weight: 1, arbitrary: fc.constant<[string, string][]>([]) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.constantFrom('', 'wrong', ADMIN_KEY.slice(1), `${ADMIN_KEY} `),
        fc.string({ unit: 'grapheme-ascii', maxLength: 20 }),
      )
      .map((k): [string, string][] => [['x-api-key', k.replace(/[\r\n\0]/g, '')]]),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(`x_api_key=${ADMIN_KEY}`, 'x_api_key=%zz', 'x_api_key=%E0%A4%A', 'x_api_key=')
      .map((c): [string, string][] => [['cookie', c]]),
  },
);

const contentTypeArb: fc.Arbitrary<[string, string][]> = fc
  .option(
    fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
      '*/*',
    ),
    { nil: undefined },
  )
  .map((t) => (t === undefined ? [] : [['content-type', t]]));

const headersArb = fc
  .tuple(authArb, contentTypeArb, extraHeadersArb(['accept', 'x-api-version', 'origin']))
  .map(([a, b, c]) => [...a, ...b, ...c]);

/** APISIX's MAX_REQ_BODY for the Admin API: 1.5 MiB. */
const ADMIN_BODY_LIMIT = 1.5 * 1024 * 1024;

/**
 * A PUT of a valid route whose body is a few hundred bytes either side of ADMIN_BODY_LIMIT
 * (padded in a field without a length limit). etcd's default request limit is the same 1.5 MiB,
 * counted with the key and the fields the server adds, so a body just under the Admin API's limit
 * can still be too large to store. Always the same id: one such value in the store at most, since
 * the ledger reads the whole prefix after every request.
 */
const nearLimitArb: fc.Arbitrary<RawRequest> = fc.integer({ min: -600, max: 200 }).map((delta) => {
  const route = (authorization: string) =>
    JSON.stringify({
      uri: '/big',
      plugins: {
        'ai-proxy': {
          provider: 'openai',
          auth: { header: { Authorization: authorization } },
          options: { model: 'gpt-4' },
        },
      },
    });
  const pad = ADMIN_BODY_LIMIT + delta - route('').length;
  return {
    method: 'PUT',
    path: '/apisix/admin/routes/big',
    headers: [['x-api-key', ADMIN_KEY]],
    body: Buffer.from(route('x'.repeat(pad))),
  };
});

/** A request aimed at one resource with a body of its family: it gets deep into validation. */
const coherentArb: fc.Arbitrary<RawRequest> = fc
  .constantFrom(...Object.keys(RESOURCES))
  .chain((name) => {
    const resource = RESOURCES[name] ?? { ids: [], bodies: [] };
    const id = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...resource.ids) },
      { weight: 1, arbitrary: segmentArb(resource.ids) },
    );
    const target = fc.oneof(
      { weight: 2, arbitrary: fc.constant(`/apisix/admin/${name}`) },
      { weight: 6, arbitrary: id.map((i) => `/apisix/admin/${name}/${i}`) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(id, fc.constantFrom(...PATCH_SUBPATHS))
          .map(([i, sub]) => `/apisix/admin/${name}/${i}/${sub}`),
      },
      {
        weight: name === 'consumers' ? 3 : 0,
        arbitrary: fc
          .tuple(id, fc.constantFrom('c1', 'c2', ...PROTOTYPE_KEYS))
          .map(([user, cred]) => `/apisix/admin/consumers/${user}/credentials/${cred}`),
      },
    );
    return fc.record({
      method: fc.constantFrom('PUT', 'PUT', 'POST', 'PATCH', 'PATCH', 'GET', 'DELETE'),
      path: fc.tuple(target, queryArb(WRITE_QUERY_KEYS)).map(([p, q]) => withQuery(p, q)),
      headers: headersArb,
      body: bodyArb(name === 'consumers' ? [...resource.bodies, CREDENTIAL] : resource.bodies),
    });
  });

/** Anything under (and a little outside) /apisix/admin. */
const chaoticArb: fc.Arbitrary<RawRequest> = fc.record({
  method: fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom('GET', 'PUT', 'POST', 'PATCH', 'DELETE') },
    { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
  ),
  path: fc
    .tuple(
      fc.oneof(
        { weight: 8, arbitrary: fc.constant('/apisix/admin') },
        {
          weight: 1,
          arbitrary: fc.constantFrom('', '/apisix', '/apisix/adminx', '//apisix/admin'),
        },
      ),
      fc.array(segmentArb(KNOWN_SEGMENTS), { maxLength: 5 }),
      fc.constantFrom('', '/', '//'),
      queryArb(QUERY_KEYS_ALL),
    )
    .map(([base, segs, tail, q]) => withQuery(`${base}/${segs.join('/')}${tail}`, q)),
  headers: headersArb,
  body: fc.oneof(
    { weight: 40, arbitrary: bodyArb(ALL_BODIES) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 2, max: 6 }).map((mb) => Buffer.alloc(mb * 1024 * 1024, 'x')),
    },
  ),
});

export const adminRequestArb = fc
  .oneof(
    { weight: 40, arbitrary: coherentArb },
    { weight: 10, arbitrary: chaoticArb },
    { weight: 1, arbitrary: nearLimitArb },
  )
  .map((req) => {
    // HEAD and GET bodies are legal but pointless; keep them for the methods that read one.
    if (req.method === 'HEAD') delete req.body;
    return printable(req);
  });

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a reply acknowledged, read from its status and body (APISIX's v3 envelopes). */
export function ackOf(req: RawRequest, reply: RawReply): Ack {
  if (!reply.ok || reply.status < 200 || reply.status >= 300) return { kind: 'none' };
  if (req.method === 'GET' || req.method === 'HEAD') return { kind: 'none' };
  if (reply.body === 'done') return { kind: 'reload' };
  let body: unknown;
  try {
    body = JSON.parse(reply.body);
  } catch {
    return { kind: 'none' };
  }
  if (!isRecord(body) || typeof body.key !== 'string') return { kind: 'none' };
  if (body.deleted !== undefined) return { kind: 'delete', key: body.key };
  if (body.value === undefined) return { kind: 'none' };
  // Any `ttl` in the query may have leased the key (over-approximated: it only relaxes the check).
  const ttl = /[?&]ttl(=|&|$)/.test(req.path);
  return req.method === 'POST'
    ? { kind: 'post', key: body.key, value: body.value, ttl }
    : { kind: 'write', key: body.key, value: body.value, ttl };
}

/** Whether a string tree holds a lone surrogate (text that is not well-formed UTF-16). */
function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return /\p{Cs}/u.test(value);
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (isRecord(value)) {
    return Object.entries(value).some(([k, v]) => hasLoneSurrogate(k) || hasLoneSurrogate(v));
  }
  return false;
}

/**
 * What an accepted write must not carry (issue 9 items 3 and 4): a `ttl` that is not a positive
 * integer (it used to be stored without a lease), or text with lone surrogates.
 */
export function acceptedWriteViolation(req: RawRequest, ack: Ack): string | undefined {
  if (ack.kind !== 'write' && ack.kind !== 'post') return undefined;
  const query = new URLSearchParams(req.path.split('?')[1] ?? '');
  for (const ttl of query.getAll('ttl')) {
    const seconds = Number(ttl);
    if (!Number.isInteger(seconds) || seconds < 1) return `write accepted with ttl=${ttl}`;
  }
  if (hasLoneSurrogate(ack.value)) return `write accepted with a lone surrogate in ${ack.key}`;
  return undefined;
}
