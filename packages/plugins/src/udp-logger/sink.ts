/**
 * @module udp-logger/sink
 * Sends udp-logger batches as APISIX does: each batch is one datagram holding JSON (one object
 * when `batch_max_size` is 1, else an array), from a new socket per batch; resolving, sending
 * and closing get `timeout` seconds. A batch too large for one datagram fails (and is retried,
 * then dropped), as in APISIX.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { LogSink } from '../logger-common';

/** The udp-logger fields the sink uses. */
export interface UdpSinkConf {
  host: string;
  port: number;
  timeout: number;
  batch_max_size: number;
}

/** Send `data` in one datagram to `host:port`; rejects with APISIX's message on failure. */
export function sendOverUdp(conf: UdpSinkConf, data: string): Promise<void> {
  const where = `host[${conf.host}] port[${conf.port}]`;
  const socket = dgram.createSocket(net.isIPv6(conf.host) ? 'udp6' : 'udp4');
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const done = (err?: Error, what = 'failed to send data to UDP server') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      if (err) reject(new Error(`${what}: ${where} err:${err.message}`));
      else resolve();
    };
    let connected = false;
    const timer = setTimeout(
      () => done(new Error('timeout'), connected ? undefined : 'failed to connect to UDP server'),
      conf.timeout * 1000,
    );
    socket.on('error', (err) =>
      done(err, connected ? undefined : 'failed to connect to UDP server'),
    );
    // setpeername first, as APISIX: a name that does not resolve fails here.
    // Node passes a lookup failure to the connect callback.
    socket.connect(conf.port, conf.host, (err?: Error) => {
      if (err) {
        done(err, 'failed to connect to UDP server');
        return;
      }
      connected = true;
      socket.send(data, (sendErr) => done(sendErr ?? undefined));
    });
  });
}

/** A sink sending each batch as one UDP datagram. */
export function createUdpSink(conf: UdpSinkConf): LogSink {
  return {
    send: (entries) =>
      sendOverUdp(
        conf,
        conf.batch_max_size === 1 ? JSON.stringify(entries[0]) : JSON.stringify(entries),
      ),
  };
}
