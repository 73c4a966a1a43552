/**
 * @module control/server
 * The control API listener (`apisix.enable_control`, `apisix.control` at 127.0.0.1:9090 by
 * default), run by the node's primary process: plain `node:http`, JSON answers, read-only.
 * Never expose it to public traffic (it has no authentication, as in APISIX).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, guardHttpServer, MAX_HEADER_BYTES, type Logger } from '@tollgate/core';
import { routeControlRequest, type ControlReply } from './routes';
import type { ControlSource } from './source';

export interface ControlServerOptions {
  /** Listen address (default 127.0.0.1). */
  ip?: string;
  /** Port; 0 picks a free one. */
  port: number;
  source: ControlSource;
  logger?: Logger;
}

export interface RunningControlServer {
  /** The port listened on (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

function send(res: http.ServerResponse, reply: ControlReply, head: boolean): void {
  const payload = Buffer.from(`${JSON.stringify(reply.body)}\n`);
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': payload.length,
  });
  res.end(head ? undefined : payload);
}

/**
 * Start the control API; resolves once it listens, rejects when it cannot (port in use).
 *
 * @example
 * const control = await startControlServer({ ip: '127.0.0.1', port: 9090, source });
 * // GET http://127.0.0.1:9090/v1/healthcheck
 * await control.close();
 */
export async function startControlServer(
  options: ControlServerOptions,
): Promise<RunningControlServer> {
  const log = options.logger ?? createLogger('control-api');
  const server = guardHttpServer(
    http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
      const method = req.method ?? 'GET';
      let pathname = '/';
      try {
        pathname = new URL(req.url ?? '/', 'http://control').pathname;
      } catch {
        pathname = '/';
      }
      let reply: ControlReply;
      try {
        reply = routeControlRequest(options.source, method, pathname);
      } catch (err) {
        log.error('control API request failed', { method, path: pathname, err });
        reply = { status: 500, body: { error_msg: 'internal server error' } };
      }
      // Drain any request body; the API reads none.
      req.resume();
      send(res, reply, method === 'HEAD');
    }),
  );
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.ip ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log.info('control API listening', { address: `${options.ip ?? '127.0.0.1'}:${port}` });
  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
