/**
 * @module tcp-logger/sink
 * Sends tcp-logger batches as APISIX does: a new connection per batch (TLS when `tls`, with
 * `tls_options` as the server name and the certificate not verified), the batch written as JSON
 * (one object when `batch_max_size` is 1, else an array), then the connection closed. Connecting
 * and writing each get `timeout` milliseconds.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { LogSink } from '../logger-common';

/** The tcp-logger fields the sink uses. */
export interface TcpSinkConf {
  host: string;
  port: number;
  tls: boolean;
  tls_options?: string;
  timeout: number;
  batch_max_size: number;
}

/** The bytes of one batch: one JSON object when `batch_max_size` is 1, else a JSON array. */
export function encodeJsonBatch(
  entries: readonly Record<string, unknown>[],
  batchMaxSize: number,
): string {
  return batchMaxSize === 1 ? JSON.stringify(entries[0]) : JSON.stringify(entries);
}

function connect(conf: TcpSinkConf): net.Socket {
  if (!conf.tls) return net.connect({ host: conf.host, port: conf.port });
  const servername =
    conf.tls_options !== undefined && net.isIP(conf.tls_options) === 0
      ? conf.tls_options
      : undefined;
  return tls.connect({ host: conf.host, port: conf.port, servername, rejectUnauthorized: false });
}

/** Open a connection, write `data`, close; rejects with APISIX's message on any failure. */
export function sendOverTcp(conf: TcpSinkConf, data: string): Promise<void> {
  const where = `host[${conf.host}] port[${conf.port}]`;
  return new Promise((resolve, reject) => {
    const socket = connect(conf);
    let connected = false;
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const what = connected
        ? 'failed to send data to TCP server'
        : conf.tls
          ? 'failed to to perform TLS handshake to TCP server'
          : 'failed to connect to TCP server';
      reject(new Error(`${what}: ${where} err: ${err.message}`));
    };
    socket.setTimeout(conf.timeout, () => fail(new Error('timeout')));
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('closed')));
    socket.once(conf.tls ? 'secureConnect' : 'connect', () => {
      connected = true;
      socket.end(data, () => {
        if (settled) return;
        settled = true;
        socket.destroy();
        resolve();
      });
    });
  });
}

/** A sink writing each batch over a new TCP (or TLS) connection. */
export function createTcpSink(conf: TcpSinkConf): LogSink {
  return {
    send: (entries) => sendOverTcp(conf, encodeJsonBatch(entries, conf.batch_max_size)),
  };
}
