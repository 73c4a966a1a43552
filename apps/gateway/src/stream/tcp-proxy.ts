/**
 * @module stream/tcp-proxy
 * One TCP connection through a stream listener: on a `tls_passthrough` port the ClientHello is
 * read (not answered) for its SNI, then the route is matched, its stream plugins run, the
 * upstream is dialled and the bytes flow both ways through `pipe` (back-pressure), with
 * half-close (a FIN from one side is passed on, the other side may keep sending) and an idle
 * timeout. No route, a refusal or no reachable node closes the connection, as APISIX does.
 */
import type net from 'node:net';
import type { Logger } from '@tollgate/core';
import type { UpstreamRegistry } from '../proxy/registry';
import { MAX_CLIENT_HELLO_BYTES, parseClientHello } from './client-hello';
import type { StreamPlugins } from './stream-plugins';
import type { StreamRouteTable, StreamVars } from './stream-routes';
import { dialUpstream, idleTimeoutMs } from './upstream-dial';

/** nginx's stream `preread_timeout`: how long a client may take to send its ClientHello. */
const PREREAD_TIMEOUT_MS = 30_000;

/** What every connection of a worker shares. */
export interface StreamServices {
  /** The current snapshot's stream routes. */
  routes: () => StreamRouteTable | undefined;
  upstreams: UpstreamRegistry;
  plugins: StreamPlugins;
  log: Logger;
}

/** `::ffff:1.2.3.4` → `1.2.3.4`, as nginx shows IPv4 peers. */
export function plainAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** Reads until the ClientHello is complete (or proves not to be one); the bytes are kept. */
function readClientHello(client: net.Socket): Promise<{ head: Buffer; sni?: string } | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: { head: Buffer; sni?: string } | undefined) => {
      clearTimeout(timer);
      client.off('data', onData);
      client.off('end', onEnd);
      client.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      const head = Buffer.concat(chunks, size);
      const parsed = parseClientHello(head.subarray(0, MAX_CLIENT_HELLO_BYTES));
      if (parsed.state === 'done') finish({ head, sni: parsed.sni });
      else if (size >= MAX_CLIENT_HELLO_BYTES) finish({ head });
    };
    const onEnd = () => finish(undefined);
    const timer = setTimeout(() => finish(undefined), PREREAD_TIMEOUT_MS);
    client.on('data', onData);
    client.once('end', onEnd);
    // Accepted paused (pauseOnConnect): adding a 'data' listener alone does not start reading.
    client.resume();
  });
}

/** Serves one accepted connection until both sides are closed. */
export async function proxyTcpConnection(
  client: net.Socket,
  tlsPassthrough: boolean,
  services: StreamServices,
): Promise<void> {
  client.on('error', () => client.destroy());
  const vars: StreamVars = {
    remote_addr: plainAddress(client.remoteAddress),
    remote_port: client.remotePort ?? 0,
    server_addr: plainAddress(client.localAddress),
    server_port: client.localPort ?? 0,
  };
  let head: Buffer | undefined;
  if (tlsPassthrough) {
    const hello = await readClientHello(client);
    if (!hello) return void client.destroy();
    head = hello.head;
    vars.sni = hello.sni;
  }
  const route = services.routes()?.match(vars);
  if (!route?.upstream || client.destroyed) return void client.destroy();
  const admitted = await services.plugins.preread(route, vars);
  if (admitted === 'refused' || client.destroyed) {
    if (admitted !== 'refused') admitted();
    return void client.destroy();
  }
  const entry = services.upstreams.entry(route.upstream.key, route.upstream.conf);
  const upstream = await dialUpstream(entry, vars, services.log);
  if (!upstream || client.destroyed) {
    upstream?.socket.destroy();
    upstream?.release();
    admitted();
    return void client.destroy();
  }
  const { socket } = upstream;
  let closed = 0;
  const onClose = () => {
    client.destroy();
    socket.destroy();
    if (++closed === 2) {
      upstream.release();
      admitted();
    }
  };
  // A reset on either side ends both; an orderly FIN is passed on by pipe() (half-close).
  socket.on('error', () => socket.destroy());
  socket.once('close', onClose);
  client.once('close', onClose);
  client.setTimeout(idleTimeoutMs(entry), () => {
    client.destroy();
    socket.destroy();
  });
  if (head) socket.write(head);
  client.pipe(socket);
  socket.pipe(client);
}
