import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpSink, encodeBatch, type HttpSinkConf } from './sink';

const CONF: HttpSinkConf = {
  uri: 'http://127.0.0.1:1/logs',
  timeout: 3,
  concat_method: 'json',
  ssl_verify: false,
  batch_max_size: 10,
};

describe('encodeBatch', () => {
  const entries = [{ a: 1 }, { b: 2 }];

  it('batch_max_size 1: the entry as one JSON object, whatever concat_method', () => {
    expect(encodeBatch({ ...CONF, batch_max_size: 1 }, [{ a: 1 }])).toBe('{"a":1}');
    expect(encodeBatch({ ...CONF, batch_max_size: 1, concat_method: 'new_line' }, [{ a: 1 }])).toBe(
      '{"a":1}',
    );
  });

  it('json: one array; new_line: one object per line', () => {
    expect(encodeBatch(CONF, entries)).toBe('[{"a":1},{"b":2}]');
    expect(encodeBatch({ ...CONF, concat_method: 'new_line' }, entries)).toBe('{"a":1}\n{"b":2}');
  });
});

describe('createHttpSink', () => {
  let server: http.Server;
  let port = 0;
  let status = 200;
  const seen: { url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ url: req.url, headers: req.headers, body });
        res.writeHead(status);
        res.end(status >= 400 ? 'busy' : 'ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('POSTs the batch with the path, query, content type and auth header', async () => {
    const sink = createHttpSink({
      ...CONF,
      uri: `http://127.0.0.1:${port}/logs?x=1`,
      auth_header: 'Basic 123',
    });
    await sink.send([{ a: 1 }]);
    await sink.close?.();
    expect(seen.at(-1)).toMatchObject({
      url: '/logs?x=1',
      headers: { 'content-type': 'application/json', authorization: 'Basic 123' },
      body: '[{"a":1}]',
    });
  });

  it('a status of 400 or more rejects with the status and body', async () => {
    status = 503;
    const sink = createHttpSink({ ...CONF, uri: `http://127.0.0.1:${port}/logs` });
    await expect(sink.send([{ a: 1 }])).rejects.toThrow(
      `server returned status code[503] host[127.0.0.1] port[${port}] body[busy]`,
    );
    await sink.close?.();
    status = 200;
  });
});
