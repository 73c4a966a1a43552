/**
 * @module router/conditions
 * Compiles the non-URI, non-host conditions of a route (methods, remote addresses, vars) into one
 * predicate, once per config change.
 */
import net from 'node:net';
import { addCidr, compileExpr, type ExprMatcher } from '../expr';
import { type MatchRequest, type RouteInput } from './types';

/** A compiled route condition; true when the request satisfies it. */
export type RequestPredicate = (req: MatchRequest) => boolean;

/** Thrown when a route's conditions cannot be compiled; the message is APISIX-like. */
export class RouteCompileError extends Error {}

const ALWAYS: RequestPredicate = () => true;
const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/**
 * Compiles `methods`, `remote_addr(s)` and `vars` into a predicate, checked in lua-resty-radixtree's
 * order. Throws RouteCompileError on a malformed address or expression.
 */
export function compileConditions(route: RouteInput): RequestPredicate {
  const checks: RequestPredicate[] = [];
  const methods = route.methods;
  if (methods && methods.length > 0) {
    const allowed = new Set(methods);
    checks.push((req) => allowed.has(req.method));
  }
  const addrs = route.remote_addrs ?? (route.remote_addr === undefined ? [] : [route.remote_addr]);
  if (addrs.length > 0) checks.push(compileRemoteAddrs(addrs));
  if (route.vars !== undefined && route.vars !== null) checks.push(compileVars(route.vars));
  if (checks.length === 0) return ALWAYS;
  if (checks.length === 1) return checks[0] ?? ALWAYS;
  return (req) => checks.every((check) => check(req));
}

function compileVars(vars: unknown): RequestPredicate {
  let expr: ExprMatcher;
  try {
    expr = compileExpr(vars);
  } catch (err) {
    throw new RouteCompileError(
      `failed to validate the 'vars' expression: ${(err as Error).message}`,
    );
  }
  return (req) => expr(req.vars);
}

function compileRemoteAddrs(addrs: string[]): RequestPredicate {
  const list = new net.BlockList();
  for (const addr of addrs) {
    try {
      addCidr(list, addr);
    } catch (err) {
      throw new RouteCompileError((err as Error).message);
    }
  }
  return (req) => {
    const ip = normalizeAddr(req.remoteAddr);
    const family = net.isIP(ip);
    return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * Node reports IPv4 clients of a dual-stack listener as `::ffff:a.b.c.d`; nginx's `$remote_addr`,
 * which APISIX matches against, is the plain IPv4 form.
 */
function normalizeAddr(addr: string): string {
  const mapped = IPV4_MAPPED.exec(addr);
  return mapped?.[1] ?? addr;
}
