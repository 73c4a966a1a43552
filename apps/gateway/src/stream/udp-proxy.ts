/**
 * @module stream/udp-proxy
 * A UDP stream listener: one session per client address and port, created on its first
 * datagram (route match, stream plugins, a node from the upstream's balancer, a connected
 * socket to it), carrying that client's datagrams to the node and every reply back, and ended
 * after the upstream's idle timeout. Sessions and the datagrams queued while one starts are
 * bounded per worker; beyond the bound new clients' datagrams are dropped.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { UpstreamNode } from '../proxy/upstream-conf';
import { plainAddress, type StreamServices } from './tcp-proxy';
import type { StreamVars } from './stream-routes';
import { idleTimeoutMs, streamHashKey } from './upstream-dial';

/** Most client sessions one worker keeps. */
export const MAX_UDP_SESSIONS = 10_000;
/** Most datagrams kept for a session while it is being set up. */
const MAX_PENDING_DATAGRAMS = 64;

interface Session {
  /** Set once the socket to the node is connected; until then datagrams wait in `pending`. */
  connected?: dgram.Socket;
  pending: Buffer[];
  /** Restarts the idle timer. */
  touch(): void;
  close(): void;
}

export class UdpStreamListener {
  private readonly sessions = new Map<string, Session>();
  private server: dgram.Socket | undefined;

  constructor(
    private readonly listen: { ip: string; port: number },
    private readonly services: StreamServices,
  ) {}

  /** Binds the listener (in this process only: one worker owns a node's UDP ports). */
  async start(): Promise<void> {
    const server = dgram.createSocket(net.isIPv6(this.listen.ip) ? 'udp6' : 'udp4');
    this.server = server;
    server.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.bind({ address: this.listen.ip, port: this.listen.port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.services.log.error('udp listener error', { err }));
        resolve();
      });
    });
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  private onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const id = `${rinfo.address}|${rinfo.port}`;
    const session = this.sessions.get(id);
    if (session?.connected) {
      session.touch();
      session.connected.send(msg);
    } else if (session) {
      if (session.pending.length < MAX_PENDING_DATAGRAMS) session.pending.push(msg);
    } else if (this.sessions.size < MAX_UDP_SESSIONS) {
      void this.open(id, msg, rinfo);
    }
  }

  private async open(id: string, first: Buffer, rinfo: dgram.RemoteInfo): Promise<void> {
    let closed = false;
    /** Set once the session has a node: its socket and idle timer. */
    const link: { socket?: dgram.Socket; idle?: NodeJS.Timeout } = {};
    const releases: (() => void)[] = [];
    const session: Session = {
      pending: [first],
      touch: () => link.idle?.refresh(),
      close: () => {
        if (closed) return;
        closed = true;
        this.sessions.delete(id);
        clearTimeout(link.idle);
        link.socket?.close();
        for (const release of releases) release();
      },
    };
    this.sessions.set(id, session);
    const server = this.server;
    const address = server?.address();
    const vars: StreamVars = {
      remote_addr: plainAddress(rinfo.address),
      remote_port: rinfo.port,
      server_addr: plainAddress(address?.address),
      server_port: address?.port ?? this.listen.port,
    };
    const route = this.services.routes()?.match(vars);
    if (!route?.upstream || !server) return session.close();
    const admitted = await this.services.plugins.preread(route, vars);
    if (admitted === 'refused') return session.close();
    if (closed) return admitted();
    releases.push(admitted);
    const entry = this.services.upstreams.entry(route.upstream.key, route.upstream.conf);
    const node: UpstreamNode | undefined = entry.balancer.pick({
      tried: new Set(),
      hashKey: () => streamHashKey(entry, vars),
    });
    if (!node) return session.close();
    releases.push(entry.balancer.acquire(node));
    const upstream = dgram.createSocket(net.isIPv6(node.host) ? 'udp6' : 'udp4');
    link.socket = upstream;
    link.idle = setTimeout(() => session.close(), idleTimeoutMs(entry));
    upstream.on('error', (err) => {
      this.services.log.warn('udp upstream error', { upstream_addr: node.addr, err: err.message });
    });
    upstream.on('message', (reply) => {
      session.touch();
      server.send(reply, rinfo.port, rinfo.address);
    });
    upstream.connect(node.port, node.host, () => {
      if (closed) return;
      session.connected = upstream;
      for (const datagram of session.pending) upstream.send(datagram);
      session.pending = [];
    });
  }

  /** Ends every session and closes the listener. */
  async close(): Promise<void> {
    for (const session of [...this.sessions.values()]) session.close();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
