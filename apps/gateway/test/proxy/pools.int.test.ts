import type { Socket } from 'node:net';
import { type Front, send, startFront, startUpstream, type TestUpstream, waitFor } from './harness';

describe('UpstreamProxy connection pools', () => {
  let up: TestUpstream;
  let front: Front;

  beforeEach(async () => {
    up = await startUpstream('k');
    front = await startFront({ nodes: { [up.addr]: 1 } }, 'upstreams/pools');
  });
  afterEach(async () => {
    await front.close();
    await up.close();
  });

  const sequential = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i++) expect((await send(front.port)).status).toBe(200);
  };

  it('reuses one keep-alive connection for sequential requests', async () => {
    await sequential(5);
    expect(up.received).toHaveLength(5);
    expect(up.sockets).toHaveLength(1);
    expect(front.proxy.poolCount).toBe(1);
  });

  it('opens a new connection after keepalive_pool.requests requests', async () => {
    front.upstream = {
      nodes: { [up.addr]: 1 },
      keepalive_pool: { size: 10, idle_timeout: 60, requests: 2 },
    };
    await sequential(4);
    expect(up.sockets).toHaveLength(2);
  });

  it('keeps the pool across config objects that only change balancing', async () => {
    await sequential(1);
    front.upstream = { nodes: { [up.addr]: 5 }, type: 'roundrobin' };
    await sequential(1);
    expect(up.sockets).toHaveLength(1);
    front.upstream = { nodes: { [up.addr]: 5 }, timeout: { connect: 3, send: 3, read: 3 } };
    await sequential(1);
    expect(up.sockets).toHaveLength(2);
    await waitFor(() => (up.sockets[0] as Socket).destroyed, 1000, 'old pool closed');
  });

  it('retain() closes the pools of keys no longer in use', async () => {
    await sequential(2);
    const socket = up.sockets[0] as Socket;
    front.proxy.retain(new Set(['upstreams/pools']));
    expect(front.proxy.poolCount).toBe(1);
    expect(socket.destroyed).toBe(false);

    front.proxy.retain(new Set(['upstreams/other']));
    expect(front.proxy.poolCount).toBe(0);
    await waitFor(() => socket.destroyed, 1000, 'pooled socket closed');

    await sequential(1);
    expect(up.sockets).toHaveLength(2);
  });

  it('lets a request in flight finish when retain() drops its pool', async () => {
    up.handler = (_req, res) => setTimeout(() => res.end('late'), 200);
    const pending = send(front.port);
    await waitFor(() => up.received.length === 1, 2000, 'request at the upstream');
    front.proxy.retain(new Set());
    const reply = await pending;
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('late');
    expect(front.proxy.poolCount).toBe(0);
    await waitFor(() => (up.sockets[0] as Socket).destroyed, 1000, 'pool closed after the request');
  });
});
