/**
 * @module syslog/sink
 * The syslog transport (lua-resty-logger-socket as APISIX's syslog plugin configures it): one
 * logger per configuration holding a byte buffer. A batch (its messages concatenated) is
 * buffered; once the buffer reaches `flush_limit` bytes it is written to the server, over a kept
 * TCP (or TLS) connection or as one UDP datagram. A batch that would take the buffer above
 * `drop_limit` is refused (the batch fails and is retried). Connecting and writing each get
 * `timeout` milliseconds; a failed write drops the connection, which the next flush reopens.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import type { ItemSink } from './item-logger';

/** The syslog fields the sink uses. */
export interface SyslogSinkConf {
  host: string;
  port: number;
  flush_limit: number;
  drop_limit: number;
  timeout: number;
  sock_type: 'tcp' | 'udp';
  tls: boolean;
}

function openTcp(conf: SyslogSinkConf): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = conf.tls
      ? tls.connect({ host: conf.host, port: conf.port, rejectUnauthorized: false })
      : net.connect({ host: conf.host, port: conf.port });
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(conf.timeout, () => fail(new Error('timeout')));
    socket.once('error', fail);
    socket.once(conf.tls ? 'secureConnect' : 'connect', () => {
      socket.removeListener('error', fail);
      socket.setTimeout(0);
      resolve(socket);
    });
  });
}

function writeTcp(socket: net.Socket, data: Buffer, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    socket.write(data, (err) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    });
  });
}

/** A syslog logger for one configuration. */
export class SyslogSink implements ItemSink<string> {
  private buffer: Buffer[] = [];
  private size = 0;
  private socket: net.Socket | undefined;
  private udp: dgram.Socket | undefined;

  constructor(private readonly conf: SyslogSinkConf) {}

  /** Bytes buffered, not yet written (for tests). */
  get buffered(): number {
    return this.size;
  }

  async send(items: readonly string[]): Promise<void> {
    const msg = Buffer.from(items.join(''), 'utf8');
    if (msg.length + this.size < this.conf.flush_limit) {
      this.push(msg);
      return;
    }
    if (msg.length + this.size > this.conf.drop_limit) {
      throw new Error(
        'failed to log message: logger buffer is full, this log message will be dropped',
      );
    }
    this.push(msg);
    await this.flush();
  }

  private push(msg: Buffer): void {
    this.buffer.push(msg);
    this.size += msg.length;
  }

  /** Write the buffer to the server; on failure it is dropped (the batch is retried whole). */
  async flush(): Promise<void> {
    if (this.size === 0) return;
    const data = Buffer.concat(this.buffer, this.size);
    this.buffer = [];
    this.size = 0;
    try {
      if (this.conf.sock_type === 'udp') await this.sendUdp(data);
      else {
        this.socket ??= await openTcp(this.conf);
        const socket = this.socket;
        socket.once('close', () => {
          if (this.socket === socket) this.socket = undefined;
        });
        await writeTcp(socket, data, this.conf.timeout);
      }
    } catch (err) {
      this.socket?.destroy();
      this.socket = undefined;
      throw new Error(
        `failed to log message: failed to send to host[${this.conf.host}] port[${this.conf.port}]: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  private sendUdp(data: Buffer): Promise<void> {
    const socket = (this.udp ??= dgram
      .createSocket(net.isIPv6(this.conf.host) ? 'udp6' : 'udp4')
      .on('error', () => undefined));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout')), this.conf.timeout);
      socket.send(data, this.conf.port, this.conf.host, (err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      });
    });
  }

  /** Write what is buffered (the worker is stopping), then close the sockets. */
  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    this.socket?.end();
    this.socket = undefined;
    this.udp?.close();
    this.udp = undefined;
  }
}
