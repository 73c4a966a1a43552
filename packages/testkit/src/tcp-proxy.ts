/**
 * A loopback TCP proxy for fault injection between a client and etcd (the idea of etcd3's test
 * `Proxy`): cut every connection, refuse new ones, freeze existing ones silently (a half-open
 * connection), or switch the upstream to another server.
 */
import net from 'node:net';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  frozen: boolean;
}

/** A controllable proxy on 127.0.0.1:`port`. */
export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private refusing = false;

  private constructor(
    private readonly server: net.Server,
    private targetPort: number,
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  /** Start a proxy to `http://127.0.0.1:<port>`-style `endpoint`. */
  static async start(endpoint: string): Promise<TcpProxy> {
    const server = net.createServer();
    const proxy = new TcpProxy(server, portOf(endpoint));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The proxy's own endpoint, for the client under test. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** Drop every open connection and refuse new ones until `restore()`. */
  cut(): void {
    this.refusing = true;
    this.dropAll();
  }

  /** Accept connections again. */
  restore(): void {
    this.refusing = false;
  }

  /** Stop forwarding on the open connections without closing them; new ones work normally. */
  freeze(): void {
    for (const pair of this.pairs) pair.frozen = true;
  }

  /** Forward new connections to another server, and drop the open ones. */
  retarget(endpoint: string): void {
    this.targetPort = portOf(endpoint);
    this.dropAll();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    const pair: Pair = { client, upstream, frozen: false };
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => pair.frozen || upstream.write(chunk));
    upstream.on('data', (chunk) => pair.frozen || client.write(chunk));
    for (const socket of [client, upstream]) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
  }

  private dropAll(): void {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
  }
}

function portOf(endpoint: string): number {
  return Number(new URL(endpoint).port);
}
