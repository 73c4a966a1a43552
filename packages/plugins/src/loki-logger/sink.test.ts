import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveLabels } from './labels';
import { createLokiSink, lokiPushBody, type LokiSinkConf } from './sink';

describe('resolveLabels', () => {
  const vars = new Map<string, unknown>([
    ['remote_addr', '10.0.0.1'],
    ['route_id', '7'],
  ]);
  const lookup = (name: string) => vars.get(name);

  it('replaces $var and ${var}; a value whose variables are all unset stays as written', () => {
    expect(
      resolveLabels(
        { a: '$remote_addr', b: 'r-${route_id}-$nope', c: '$nope', d: 'plain', e: 'x$' },
        lookup,
      ),
    ).toEqual({ a: '10.0.0.1', b: 'r-7-', c: '$nope', d: 'plain', e: 'x$' });
  });

  it('keeps a label named like an Object.prototype key as an own key', () => {
    const out = resolveLabels({ constructor: 'c', __proto__x: 'p' }, lookup);
    expect(Object.hasOwn(out, 'constructor')).toBe(true);
    expect(out.constructor).toBe('c');
  });
});

describe('lokiPushBody', () => {
  it('one stream with the labels; each value is [ns, entry JSON]', () => {
    expect(
      lokiPushBody({ job: 'apisix' }, [
        ['1700000000123000000', { a: 1 }],
        ['1700000000124000000', { b: 2 }],
      ]),
    ).toEqual({
      streams: [
        {
          stream: { job: 'apisix' },
          values: [
            ['1700000000123000000', '{"a":1}'],
            ['1700000000124000000', '{"b":2}'],
          ],
        },
      ],
    });
  });
});

describe('createLokiSink', () => {
  let server: http.Server;
  let base: string;
  let status = 204;
  const got: { url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        got.push({ url: req.url ?? '', headers: req.headers, body });
        res.writeHead(status);
        res.end(status >= 300 ? 'no org id' : '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const conf = (): LokiSinkConf => ({
    endpoint_addrs: [base],
    endpoint_uri: '/loki/api/v1/push',
    tenant_id: 'tenant_1',
    ssl_verify: false,
    timeout: 3000,
    keepalive: true,
    keepalive_timeout: 60000,
    keepalive_pool: 5,
  });

  it('POSTs the push body with X-Scope-OrgID', async () => {
    const sink = createLokiSink(conf(), { job: 'apisix' });
    await sink.send([['1000000', { a: 1 }]], 1);
    expect(got[0]?.url).toBe('/loki/api/v1/push');
    expect(got[0]?.headers['x-scope-orgid']).toBe('tenant_1');
    expect(got[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(got[0]?.body ?? '')).toEqual(
      lokiPushBody({ job: 'apisix' }, [['1000000', { a: 1 }]]),
    );
    await sink.close?.();
  });

  it('a status of 300 or more rejects with the status and body', async () => {
    status = 401;
    const sink = createLokiSink(conf(), { job: 'apisix' });
    await expect(sink.send([['1', {}]], 1)).rejects.toThrow(
      'loki server returned status: 401, body: no org id',
    );
    status = 204;
    await sink.close?.();
  });
});
