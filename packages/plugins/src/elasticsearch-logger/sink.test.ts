import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bulkBody, createEsSink, majorVersion, type EsSinkConf } from './sink';

describe('bulkBody', () => {
  it('one create action line and one entry line per entry, each ending in a newline', () => {
    expect(bulkBody([{ a: 1 }, { b: 2 }], 'services', 'collector')).toBe(
      '{"create":{"_index":"services","_type":"collector"}}\n{"a":1}\n' +
        '{"create":{"_index":"services","_type":"collector"}}\n{"b":2}\n',
    );
    expect(bulkBody([{ a: 1 }], 'services', undefined)).toBe(
      '{"create":{"_index":"services"}}\n{"a":1}\n',
    );
  });
});

describe('majorVersion', () => {
  it('reads version.number', () => {
    expect(majorVersion('{"version":{"number":"8.11.0"}}')).toEqual({ major: '8' });
    expect(majorVersion('not json')).toMatchObject({ error: expect.stringContaining('decode') });
    expect(majorVersion('{"version":{}}')).toEqual({
      error: 'failed to get version from response body',
    });
    expect(majorVersion('{"version":{"number":"x"}}')).toEqual({
      error: 'invalid version format: x',
    });
    expect(majorVersion('{"__proto__":{"number":"8.0.0"}}')).toEqual({
      error: 'failed to get version from response body',
    });
  });
});

describe('createEsSink', () => {
  let server: http.Server;
  let base: string;
  let bulkStatus = 200;
  const got: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] =
    [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        got.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        if (req.url === '/') {
          res.end('{"version":{"number":"8.1.0"}}');
          return;
        }
        res.writeHead(bulkStatus);
        res.end(bulkStatus === 200 ? '{}' : 'denied');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const conf = (): EsSinkConf => ({
    endpoint_addrs: [base],
    field: { index: 'services', type: 'collector' },
    auth: { username: 'elastic', password: '123456' },
    headers: { 'X-Extra': 'yes' },
    timeout: 3,
    ssl_verify: true,
  });

  it('asks the version once (concurrent batches included), then posts _bulk with 8.x headers', async () => {
    const sink = createEsSink(conf());
    await Promise.all([sink.send([{ a: 1 }]), sink.send([{ b: 2 }])]);
    await sink.send([{ c: 3 }]);
    expect(got.filter((r) => r.url === '/')).toHaveLength(1);
    const bulks = got.filter((r) => r.url === '/_bulk');
    expect(bulks).toHaveLength(3);
    const first = bulks[0];
    expect(first?.headers['content-type']).toBe('application/x-ndjson;compatible-with=7');
    expect(first?.headers.accept).toBe('application/vnd.elasticsearch+json;compatible-with=7');
    expect(first?.headers.authorization).toBe(
      `Basic ${Buffer.from('elastic:123456').toString('base64')}`,
    );
    expect(first?.headers['x-extra']).toBe('yes');
    await sink.close?.();
  });

  it('any status but 200 rejects with the status and body', async () => {
    bulkStatus = 201;
    const sink = createEsSink(conf());
    await expect(sink.send([{ a: 1 }])).rejects.toThrow(
      'elasticsearch server returned status: 201, body: denied',
    );
    bulkStatus = 200;
    await sink.close?.();
  });
});
