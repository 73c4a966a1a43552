/**
 * file-logger through a real node, configured through the Admin API: APISIX's
 * t/plugin/file-logger.t (metadata and route log_format, nested formats and their depth limit,
 * a path that cannot be opened) and file-logger2.t (response bodies with their expression),
 * plus `match`, the request body, log rotation and a route written straight into etcd. Every
 * case writes its own file under a temporary directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '@tollgate/testkit';
import { startAccessNode, type AccessNode } from './support/access-node';

jest.setTimeout(90_000);

let node: AccessNode;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'file-logger-e2e-'));
  node = await startAccessNode('file-logger-e2e');
});

afterAll(async () => {
  await node?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let cases = 0;

/** Wait until everything written so far is served (a marker route written after it). */
async function settled(): Promise<void> {
  cases += 1;
  const marker = `/fl-marker-${cases}`;
  await node.putRoute(`fl-marker-${cases}`, { uri: marker, upstream: node.upstream }, marker);
}

/** A fresh route `/fl-N/hello` with file-logger `conf` (path filled in); resolves path, file, id. */
async function route(conf: Record<string, unknown>) {
  cases += 1;
  const id = `fl-${cases}`;
  const file = path.join(dir, `${id}.log`);
  const res = await node.admin.put(`/apisix/admin/routes/${id}`, {
    uri: `/${id}/hello`,
    plugins: { 'file-logger': { path: file, ...conf } },
    upstream: node.upstream,
  });
  if (res.status >= 300) throw new Error(`PUT route ${id}: ${res.status} ${res.text}`);
  await settled();
  return { uri: `/${id}/hello`, file, id };
}

/** The JSON lines of `file` once it has at least `n`. */
async function lines(file: string, n: number): Promise<Record<string, unknown>[]> {
  return waitFor(`${n} lines in ${file}`, () => {
    if (!fs.existsSync(file)) return false;
    const text = fs.readFileSync(file, 'utf8');
    const rows = text.split('\n').filter((l) => l !== '');
    return rows.length >= n && rows.map((l) => JSON.parse(l) as Record<string, unknown>);
  });
}

const PREFIX = 'failed to check the configuration of plugin file-logger err: ';
const put = (conf: Record<string, unknown>) =>
  node.admin.put('/apisix/admin/routes/fl-admin', {
    uri: '/fl-admin',
    plugins: { 'file-logger': conf },
    upstream: node.upstream,
  });

describe('file-logger.t: schema', () => {
  it('TEST 1: a path is accepted; none is refused', async () => {
    expect((await put({ path: 'file.log' })).status).toBeLessThan(300);
    const res = await put({});
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error_msg: `${PREFIX}property "path" is required` });
  });

  it('expressions must compile; match holds at most 20 rules', async () => {
    const bad = await put({ path: 'f.log', include_resp_body_expr: [['a', '<>', 'b']] });
    expect(bad.json).toEqual({
      error_msg: `${PREFIX}failed to validate the 'include_resp_body_expr' expression: invalid operator '<>'`,
    });
    const badMatch = await put({ path: 'f.log', match: [['a', '<>', 'b']] });
    expect(badMatch.status).toBe(400);
    expect(String((badMatch.json as { error_msg: string }).error_msg)).toContain(
      "failed to validate the 'match' expression",
    );
    const many = await put({
      path: 'f.log',
      match: Array.from({ length: 21 }, () => ['a', '==', 'b']),
    });
    expect(many.status).toBe(400);
  });
});

describe('file-logger.t: entries', () => {
  afterEach(async () => {
    await node.admin.delete('/apisix/admin/plugin_metadata/file-logger');
  });

  it('TEST 2-4: the metadata log_format; every request is one more line', async () => {
    const meta = await node.admin.put('/apisix/admin/plugin_metadata/file-logger', {
      log_format: { host: '$host', client_ip: '$remote_addr' },
    });
    expect(meta.status).toBeLessThan(300);
    const { uri, file, id } = await route({});
    await node.request(uri);
    expect(await lines(file, 1)).toEqual([
      { host: '127.0.0.1', client_ip: '127.0.0.1', route_id: id },
    ]);
    await node.request(uri);
    expect((await lines(file, 2))[1]).toEqual({
      host: '127.0.0.1',
      client_ip: '127.0.0.1',
      route_id: id,
    });
  });

  it('metadata without log_format gets APISIX default format (host, @timestamp, client_ip)', async () => {
    expect(
      (await node.admin.put('/apisix/admin/plugin_metadata/file-logger', {})).status,
    ).toBeLessThan(300);
    const { uri, file } = await route({});
    await node.request(uri);
    const [entry] = await lines(file, 1);
    expect(Object.keys(entry ?? {}).sort()).toEqual([
      '@timestamp',
      'client_ip',
      'host',
      'route_id',
    ]);
  });

  it('TEST 5: a path that cannot be opened loses the line; the client still gets 200', async () => {
    const { uri } = await route({ path: '/nonexistent-dir-for-file-logger/file.log' });
    const res = await node.request(uri);
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello world\n');
    expect((await node.request(uri)).status).toBe(200);
  });

  it('TEST 6-9: a route log_format, which wins over the metadata one', async () => {
    const { uri, file, id } = await route({
      log_format: { host: '$host', client_ip: '$remote_addr' },
    });
    await node.request(uri);
    expect(await lines(file, 1)).toEqual([
      { host: '127.0.0.1', client_ip: '127.0.0.1', route_id: id },
    ]);
    await node.admin.put('/apisix/admin/plugin_metadata/file-logger', {
      log_format: { host: '$host' },
    });
    await settled();
    await node.request(uri);
    expect((await lines(file, 2))[1]).toEqual({
      host: '127.0.0.1',
      client_ip: '127.0.0.1',
      route_id: id,
    });
  });

  it('TEST 10-11: nested log_format', async () => {
    const { uri, file, id } = await route({
      log_format: {
        host: '$host',
        client_ip: '$remote_addr',
        request: {
          method: '$request_method',
          uri: '$request_uri',
          headers: { user_agent: '$http_user_agent' },
        },
        response: { status: '$status' },
      },
    });
    await node.request(uri, { headers: { 'user-agent': 'fl-agent' } });
    expect(await lines(file, 1)).toEqual([
      {
        host: '127.0.0.1',
        client_ip: '127.0.0.1',
        request: { method: 'GET', uri, headers: { user_agent: 'fl-agent' } },
        response: { status: 200 },
        route_id: id,
      },
    ]);
  });

  it('TEST 12: log_format nesting deeper than five levels is cut off', async () => {
    const { uri, file } = await route({
      log_format: { a: { b: { c: { d: { e: { f: { g: '$host' } } } } } } },
    });
    await node.request(uri);
    const [entry] = await lines(file, 1);
    expect(entry).toMatchObject({ a: { b: { c: { d: { e: {} } } } } });
    expect(entry).not.toHaveProperty('a.b.c.d.e.f');
  });

  it('the default entry (get_full_log) without any log_format', async () => {
    const { uri, file, id } = await route({});
    await node.request(`${uri}?q=1`);
    const [entry] = await lines(file, 1);
    expect(entry).toMatchObject({
      route_id: id,
      client_ip: '127.0.0.1',
      request: { method: 'GET', uri: `${uri}?q=1`, querystring: { q: '1' } },
      response: { status: 200 },
    });
  });
});

describe('file-logger2.t: response bodies', () => {
  it('TEST 1-2: include_resp_body logs the response body', async () => {
    const { uri, file } = await route({ include_resp_body: true });
    await node.request(uri);
    const [entry] = await lines(file, 1);
    expect(entry).toHaveProperty('response.body', 'hello world\n');
  });

  it('TEST 3-4: include_resp_body_expr that matches', async () => {
    const { uri, file } = await route({
      include_resp_body: true,
      include_resp_body_expr: [['arg_foo', '==', 'bar']],
    });
    await node.request(`${uri}?foo=bar`);
    const [entry] = await lines(file, 1);
    expect(entry).toHaveProperty('response.body', 'hello world\n');
  });

  it('TEST 5-6: include_resp_body_expr that does not match', async () => {
    const { uri, file } = await route({
      include_resp_body: true,
      include_resp_body_expr: [['arg_name', '==', 'Bob']],
    });
    await node.request(`${uri}?name=Jack`);
    const [entry] = await lines(file, 1);
    expect(entry).toHaveProperty('response.status', 200);
    expect(entry).not.toHaveProperty('response.body');
  });
});

describe('file-logger: match, request body, rotation, etcd', () => {
  it('match: only matching requests are logged', async () => {
    const { uri, file } = await route({ match: [['arg_log', '==', 'yes']] });
    await node.request(`${uri}?log=no`);
    await node.request(`${uri}?log=yes`);
    await node.request(`${uri}?log=no`);
    await node.request(`${uri}?log=yes&n=2`);
    const entries = await lines(file, 2);
    expect(entries.map((e) => (e.request as { uri: string }).uri)).toEqual([
      `${uri}?log=yes`,
      `${uri}?log=yes&n=2`,
    ]);
  });

  it('include_req_body logs the request body', async () => {
    const { uri, file } = await route({ include_req_body: true });
    await node.request(uri, { method: 'POST', body: '{"hello":"file"}' });
    const [entry] = await lines(file, 1);
    expect(entry).toHaveProperty('request.body', '{"hello":"file"}');
  });

  it('a rotated file (moved away) is opened again at its path', async () => {
    const { uri, file } = await route({ log_format: { n: '$arg_n' } });
    await node.request(`${uri}?n=1`);
    await lines(file, 1);
    fs.renameSync(file, `${file}.1`);
    // The inode is checked at most once a second: keep logging until a line lands in a new file.
    let n = 1;
    await waitFor('a new file at the path', async () => {
      n += 1;
      await node.request(`${uri}?n=${n}`);
      return fs.existsSync(file) && fs.readFileSync(file, 'utf8').trim() !== '';
    });
    const rotated = fs.readFileSync(`${file}.1`, 'utf8').trim().split('\n');
    const fresh = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(JSON.parse(rotated[0] ?? '')).toEqual({ n: '1', route_id: expect.any(String) });
    // Nothing is lost: every request's line is in one of the two files.
    await waitFor('every line written', () => {
      const all = [
        ...fs.readFileSync(`${file}.1`, 'utf8').trim().split('\n'),
        ...fs.readFileSync(file, 'utf8').trim().split('\n'),
      ];
      return all.length === n;
    });
    expect(fresh.length).toBeGreaterThan(0);
  });

  it('a route written straight into etcd as APISIX writes it is served and logs', async () => {
    const file = path.join(dir, 'etcd.log');
    await node.putEtcd('routes/fl-etcd', {
      id: 'fl-etcd',
      uri: '/fl-etcd/hello',
      plugins: { 'file-logger': { path: file, include_resp_body: false, include_req_body: false } },
      upstream: node.upstream,
      create_time: 1700000000,
      update_time: 1700000000,
      status: 1,
    });
    await settled();
    expect((await node.request('/fl-etcd/hello')).status).toBe(200);
    const [entry] = await lines(file, 1);
    expect(entry).toMatchObject({ route_id: 'fl-etcd', client_ip: '127.0.0.1' });
  });
});
