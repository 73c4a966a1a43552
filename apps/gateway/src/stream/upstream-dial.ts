/**
 * @module stream/upstream-dial
 * Opens the TCP connection to a stream route's upstream: a node from the upstream's balancer
 * (the HTTP proxy's, so `roundrobin`/`chash`/`least_conn`, weights and priorities behave the
 * same), `timeout.connect` per try, and on failure the next node, up to `retries` more tries
 * (APISIX's balancer in the stream subsystem).
 */
import net from 'node:net';
import type { Logger } from '@tollgate/core';
import type { UpstreamEntry } from '../proxy/registry';
import type { UpstreamNode } from '../proxy/upstream-conf';
import type { StreamVars } from './stream-routes';

/** nginx's stream `proxy_timeout` (idle time between two reads or writes) when none is set. */
export const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60_000;

/** A connected upstream socket; `release` ends its count in the balancer's in-flight table. */
export interface DialedUpstream {
  socket: net.Socket;
  node: UpstreamNode;
  release: () => void;
}

/** The chash key of a connection: the variable the upstream's `key` names, else the client. */
export function streamHashKey(entry: UpstreamEntry, vars: StreamVars): string {
  const name = entry.conf.key;
  const value =
    name !== '' && Object.hasOwn(vars, name) ? vars[name as keyof StreamVars] : undefined;
  return value === undefined ? vars.remote_addr : String(value);
}

/** Idle timeout of a connection: the upstream's `timeout.read` when it sets one. */
export function idleTimeoutMs(entry: UpstreamEntry): number {
  return entry.source.timeout === undefined ? DEFAULT_IDLE_TIMEOUT_MS : entry.conf.readTimeoutMs;
}

function connect(node: UpstreamNode, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: node.host, port: node.port, allowHalfOpen: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}

/** Connects to a node of `entry`, trying others on failure; undefined when every try failed. */
export async function dialUpstream(
  entry: UpstreamEntry,
  vars: StreamVars,
  log: Logger,
): Promise<DialedUpstream | undefined> {
  const tried = new Set<UpstreamNode>();
  for (let attempt = 0; attempt <= entry.conf.retries; attempt++) {
    const node = entry.balancer.pick({ tried, hashKey: () => streamHashKey(entry, vars) });
    if (!node) break;
    tried.add(node);
    const release = entry.balancer.acquire(node);
    try {
      const socket = await connect(node, entry.conf.connectTimeoutMs);
      return { socket, node, release };
    } catch (err) {
      release();
      log.warn('stream upstream connect failed', {
        upstream_addr: node.addr,
        attempt: attempt + 1,
        err: (err as Error).message,
      });
    }
  }
  return undefined;
}
