import type { ServerResponse } from 'node:http';
import {
  echo,
  type Front,
  refusedPort,
  send,
  startFront,
  startUpstream,
  type TestUpstream,
} from './harness';

const BAD_GATEWAY =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';
const GATEWAY_TIMEOUT =
  '<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway Time-out</h1></center></body></html>';
/** Short read timeout; undici's coarse timers may add up to about a second. */
const TIMEOUTS = { connect: 2, send: 2, read: 0.3 };

jest.setTimeout(20_000);

describe('UpstreamProxy failures and retries', () => {
  let hang: TestUpstream;
  let ok: TestUpstream;
  let front: Front;
  let dead: number;
  let dead2: number;
  let keys = 0;
  const held: ServerResponse[] = [];

  beforeAll(async () => {
    hang = await startUpstream('hang', (_req, res) => held.push(res));
    ok = await startUpstream('ok');
    front = await startFront({});
    [dead, dead2] = [await refusedPort(), await refusedPort()];
  });
  afterAll(async () => {
    await front.close();
    await Promise.all([hang.close(), ok.close()]);
  });
  beforeEach(() => {
    hang.received.length = 0;
    ok.received.length = 0;
    ok.handler = echo('ok');
  });
  const use = (upstream: Record<string, unknown>): void => {
    front.upstream = upstream;
    front.key = `upstreams/failures-${++keys}`;
  };
  const lastCtx = () => front.handled[front.handled.length - 1] as Front['handled'][number];

  it('retries the next node when the connection is refused', async () => {
    use({ nodes: { [`127.0.0.1:${dead}`]: 1, [ok.addr]: 1 } });
    const reply = await send(front.port, { method: 'POST', body: 'payload' });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ upstream: 'ok', body: 'payload' });
    await lastCtx().done;
    expect(lastCtx().ctx.vars.get('upstream_addr')).toBe(ok.addr);
    expect(lastCtx().ctx.vars.get('upstream_status')).toBe(200);
  });

  it('retries a refused connection even for a streamed body', async () => {
    use({ nodes: { [`127.0.0.1:${dead}`]: 1, [ok.addr]: 1 } });
    const big = Buffer.alloc(200 * 1024, 'b');
    const reply = await send(front.port, { method: 'POST', body: big });
    expect(reply.status).toBe(200);
    expect((JSON.parse(reply.body) as { body: string }).body.length).toBe(big.length);
  });

  it('answers 502 with an nginx page when every node refuses', async () => {
    use({ nodes: { [`127.0.0.1:${dead}`]: 1, [`127.0.0.1:${dead2}`]: 1 } });
    const reply = await send(front.port);
    expect(reply.status).toBe(502);
    expect(reply.headers['content-type']).toBe('text/html');
    expect(reply.body).toBe(BAD_GATEWAY);
    await lastCtx().done;
    expect(lastCtx().ctx.vars.get('upstream_status')).toBe(502);
  });

  it('does not retry when retries is 0', async () => {
    use({ nodes: { [`127.0.0.1:${dead}`]: 1, [ok.addr]: 1 }, retries: 0 });
    expect((await send(front.port)).status).toBe(502);
    expect(ok.received).toHaveLength(0);
  });

  it('answers 504 on a read timeout', async () => {
    use({ nodes: { [hang.addr]: 1 }, timeout: TIMEOUTS });
    const started = Date.now();
    const reply = await send(front.port);
    expect(reply.status).toBe(504);
    expect(reply.body).toBe(GATEWAY_TIMEOUT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(hang.received).toHaveLength(1);
  });

  it('does not retry a POST after a read timeout', async () => {
    use({ nodes: { [hang.addr]: 1, [ok.addr]: 1 }, timeout: TIMEOUTS });
    const reply = await send(front.port, { method: 'POST', body: 'once only' });
    expect(reply.status).toBe(504);
    expect(hang.received).toHaveLength(1);
    expect(ok.received).toHaveLength(0);
  });

  it('retries an idempotent GET after a read timeout', async () => {
    use({ nodes: { [hang.addr]: 1, [ok.addr]: 1 }, timeout: TIMEOUTS });
    const reply = await send(front.port);
    expect(reply.status).toBe(200);
    expect(hang.received).toHaveLength(1);
    expect(ok.received).toHaveLength(1);
  });

  it('never retries once a response arrived, whatever its status', async () => {
    ok.handler = (_req, res) => res.writeHead(503).end('busy');
    use({ nodes: { [ok.addr]: 1, [hang.addr]: 1 }, timeout: TIMEOUTS });
    const reply = await send(front.port);
    expect(reply.status).toBe(503);
    expect(reply.body).toBe('busy');
    expect(hang.received).toHaveLength(0);
  });

  it('stops retrying with 502 once retry_timeout has passed', async () => {
    use({ nodes: { [hang.addr]: 1, [ok.addr]: 1 }, timeout: TIMEOUTS, retry_timeout: 0.1 });
    const reply = await send(front.port);
    expect(reply.status).toBe(502);
    expect(ok.received).toHaveLength(0);
  });

  it('answers 503 when the upstream has no nodes', async () => {
    use({ nodes: [] });
    const reply = await send(front.port);
    expect(reply.status).toBe(503);
    expect(reply.headers['content-type']).toBe('text/html');
  });
});
