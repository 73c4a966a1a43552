/**
 * A loopback TCP relay that tests put between the gateway's store client and etcd: `block()`
 * destroys every relayed connection and refuses new ones (a network partition), `unblock()` lets
 * connections through again, `pointTo()` sends new connections to another etcd.
 */
import net from 'node:net';

export class GateProxy {
  private readonly sockets = new Set<net.Socket>();
  private blocked = false;

  private constructor(
    private readonly server: net.Server,
    private target: number,
  ) {
    server.on('connection', (socket) => this.relay(socket));
  }

  /** Listen on a free loopback port, relaying to `endpoint` (`http://127.0.0.1:<port>`). */
  static async open(endpoint: string): Promise<GateProxy> {
    const proxy = new GateProxy(net.createServer(), Number(new URL(endpoint).port));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  block(): void {
    this.blocked = true;
    this.destroyAll();
  }

  unblock(): void {
    this.blocked = false;
  }

  /** Relay new connections to another etcd; open ones are dropped. */
  pointTo(endpoint: string): void {
    this.target = Number(new URL(endpoint).port);
    this.destroyAll();
  }

  async close(): Promise<void> {
    this.destroyAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(inbound: net.Socket): void {
    if (this.blocked) {
      inbound.destroy();
      return;
    }
    const outbound = net.connect(this.target, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  }

  private destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
