/**
 * @module stream
 * A worker's L4 proxy (`apisix.proxy_mode` `stream` / `http&stream`): TCP listeners on the
 * `stream_proxy.tcp` addresses (shared by the node's workers through node:cluster, like the
 * HTTP ones) and UDP listeners on `stream_proxy.udp` (in the one worker the primary gives them
 * to, so that every datagram of a client session reaches the same process), serving the
 * current snapshot's stream routes.
 */
import net from 'node:net';
import type { Logger, TrafficStore } from '@tollgate/core';
import { UpstreamRegistry } from '../proxy/registry';
import { StreamPlugins } from './stream-plugins';
import type { StreamRouteTable } from './stream-routes';
import { proxyTcpConnection, type StreamServices } from './tcp-proxy';
import { UdpStreamListener } from './udp-proxy';

export { compileStreamRoutes, StreamRouteTable } from './stream-routes';

/** The stream listeners a worker opens (WorkerOptions.stream). */
export interface StreamListeners {
  tcp: { ip: string; port: number; tlsPassthrough: boolean }[];
  udp: { ip: string; port: number }[];
}

export interface StreamProxyOptions extends StreamListeners {
  routes: () => StreamRouteTable | undefined;
  /** The node's counters for `policy: local` limit-conn. */
  localTraffic: TrafficStore;
  log: Logger;
}

export interface RunningStreamProxy {
  /** Stops accepting; open connections get `graceMs`, then are cut. */
  close(graceMs: number): Promise<void>;
}

function listenTcp(server: net.Server, ip: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: ip, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Opens the listeners; resolves once all are bound. */
export async function startStreamProxy(options: StreamProxyOptions): Promise<RunningStreamProxy> {
  const upstreams = new UpstreamRegistry(options.log);
  let seen: StreamRouteTable | undefined;
  const services: StreamServices = {
    // A new snapshot: forget the balancer state of upstreams no stream route uses any more.
    routes: () => {
      const table = options.routes();
      if (table !== seen && table) {
        seen = table;
        upstreams.retain(new Set(table.routes.flatMap((r) => r.upstream?.key ?? [])));
      }
      return table;
    },
    upstreams,
    plugins: new StreamPlugins(options.localTraffic, options.log),
    log: options.log,
  };
  const connections = new Set<net.Socket>();
  const tcpServers = options.tcp.map(({ ip, port, tlsPassthrough }) => {
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
      connections.add(socket);
      socket.once('close', () => connections.delete(socket));
      proxyTcpConnection(socket, tlsPassthrough, services).catch((err: unknown) => {
        options.log.error('stream connection failed', { err });
        socket.destroy();
      });
    });
    return { server, bound: listenTcp(server, ip, port) };
  });
  await Promise.all(tcpServers.map((t) => t.bound));
  const udpListeners = options.udp.map((listen) => new UdpStreamListener(listen, services));
  await Promise.all(udpListeners.map((l) => l.start()));
  return {
    async close(graceMs) {
      const closed = Promise.all(
        tcpServers.map(
          ({ server }) => new Promise<void>((resolve) => server.close(() => resolve())),
        ),
      );
      await Promise.all(udpListeners.map((l) => l.close()));
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([closed, grace]);
      for (const socket of connections) socket.destroy();
      await closed;
      await upstreams.close();
    },
  };
}
