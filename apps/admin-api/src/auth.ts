/**
 * @module auth
 * Admin API access: the `allow_admin` IP list, then the admin key from the `api_key` query
 * argument, the `X-API-KEY` header or the `x_api_key` cookie (APISIX's order), compared in
 * constant time. Viewers may only GET. Nothing a client sends makes the check throw: the query
 * is parsed leniently (`querystring`), a repeated header arrives joined, and the cookie is used
 * as sent.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import type { Request } from 'express';
import { addCidr } from '@tollgate/core';

export interface AdminKey {
  name: string;
  key: string;
  role: 'admin' | 'viewer';
}

export type AuthVerdict = { ok: true } | { ok: false; reason: string };

function digest(value: string): Buffer {
  return crypto.createHash('sha256').update(value).digest();
}

/**
 * The value of cookie `name` exactly as sent, like nginx's `$cookie_<name>` that APISIX checks:
 * not percent-decoded, so no cookie can make the check throw (`x_api_key=%zz` used to answer
 * 500, issue 9); such a value is simply a wrong key.
 */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** Checks admin keys; built once from the config, used per request. */
export class KeyChecker {
  private readonly keys: { digest: Buffer; role: AdminKey['role'] }[];

  constructor(keys: AdminKey[]) {
    this.keys = keys.map((k) => ({ digest: digest(k.key), role: k.role }));
  }

  /** APISIX's check_token: missing apikey, wrong apikey, invalid method for role viewer. */
  check(req: Request): AuthVerdict {
    const token =
      firstString(req.query.api_key) ??
      firstString(req.headers['x-api-key']) ??
      cookieValue(req.headers.cookie, 'x_api_key');
    if (token === undefined || token === '') return { ok: false, reason: 'missing apikey' };
    const presented = digest(token);
    // Compare against every key so the time taken says nothing about which (if any) matched.
    let role: AdminKey['role'] | undefined;
    for (const key of this.keys) {
      if (crypto.timingSafeEqual(key.digest, presented) && role === undefined) role = key.role;
    }
    if (role === undefined) return { ok: false, reason: 'wrong apikey' };
    if (role === 'viewer' && req.method !== 'GET')
      return { ok: false, reason: 'invalid method for role viewer' };
    return { ok: true };
  }
}

/** The `allow_admin` list. An empty list allows every address (APISIX's behaviour). */
export class AddressFilter {
  private readonly list = new net.BlockList();
  private readonly allowAll: boolean;

  constructor(cidrs: string[]) {
    this.allowAll = cidrs.length === 0;
    for (const cidr of cidrs) addCidr(this.list, cidr);
  }

  allows(address: string | undefined): boolean {
    if (this.allowAll) return true;
    if (!address) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    const ip = mapped?.[1] ?? address;
    return this.list.check(ip, net.isIPv6(ip) ? 'ipv6' : 'ipv4');
  }
}
