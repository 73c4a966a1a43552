// RequestContext.readBody against a real node:http server: a body parsed with its head is taken
// from the request's buffer at once; one still arriving is streamed; limits hold on both paths.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyTooLargeError, RequestContext } from './request-context';

interface Seen {
  body?: string;
  error?: unknown;
  /** `data` listeners on the request once readBody was called: 0 when taken from the buffer. */
  dataListeners: number;
}

let server: http.Server;
let origin: string;
let limit = 1024;
/** Lets the handler wait for the whole body to be parsed (a body sent with its head). */
let settle: () => Promise<void> = () => Promise.resolve();
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    void (async () => {
      await settle();
      const ctx = new RequestContext(req, res);
      const read = ctx.readBody(limit);
      const entry: Seen = { dataListeners: req.listenerCount('data') };
      seen.push(entry);
      try {
        entry.body = (await read).toString();
        // A second reader gets the same bytes.
        expect((await ctx.readBody(limit)).toString()).toBe(entry.body);
        res.end('ok');
      } catch (err) {
        entry.error = err;
        res.statusCode = 413;
        res.end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  seen.length = 0;
  limit = 1024;
  settle = () => new Promise((resolve) => setImmediate(resolve));
});

/** One request on a keep-alive agent; the status. */
function post(
  agent: http.Agent,
  chunks: string[],
  headers: http.OutgoingHttpHeaders = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${origin}/`, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    const [first, ...rest] = chunks;
    req.write(first ?? '');
    if (rest.length === 0) return void req.end();
    // The rest a little later: the handler reads while the body is still arriving.
    setTimeout(() => req.end(rest.join('')), 30);
  });
}

describe('RequestContext.readBody', () => {
  it('takes a body parsed with its head from the buffer, with no listener, on a connection kept alive', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let sockets = 0;
    const count = () => sockets++;
    server.on('connection', count);
    try {
      const body = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] });
      expect(await post(agent, [body], { 'content-length': Buffer.byteLength(body) })).toBe(200);
      expect(await post(agent, [''], { 'content-length': 0 })).toBe(200);
      expect(seen.map((s) => [s.body, s.dataListeners])).toEqual([
        [body, 0],
        ['', 0],
      ]);
      expect(sockets).toBe(1);
    } finally {
      server.off('connection', count);
      agent.destroy();
    }
  });

  it('streams a body still arriving when read', async () => {
    const agent = new http.Agent();
    settle = () => Promise.resolve();
    expect(await post(agent, ['{"a":', '1}'])).toBe(200);
    expect(seen[0]).toMatchObject({ body: '{"a":1}', dataListeners: 1 });
    agent.destroy();
  });

  it('refuses past the limit on both paths', async () => {
    const agent = new http.Agent();
    limit = 4;
    // Whole and buffered, but over the limit: left to the streamed path, which refuses it.
    expect(await post(agent, ['0123456789'])).toBe(413);
    settle = () => Promise.resolve();
    expect(await post(agent, ['01234', '56789'])).toBe(413);
    expect(seen.map((s) => s.error instanceof BodyTooLargeError)).toEqual([true, true]);
    agent.destroy();
  });
});
