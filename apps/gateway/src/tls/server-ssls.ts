/**
 * @module tls/server-ssls
 * The HTTPS listener's view of the `ssls` items at one config revision: one `tls.SecureContext`
 * per served SSL and the SNI match over them, swapped as a whole when the config changes, so a
 * new handshake sees the new certificate at once and an open connection keeps the one it
 * negotiated. Served, as APISIX's SNI router: `type: server` (the default) with `status` 1;
 * `type: client` SSLs (for upstreams) and disabled ones are not.
 *
 * Contexts are cached by the item's value object: the config sync hands a new object for every
 * changed item and keeps the unchanged ones, so an unchanged SSL keeps its context across
 * revisions and a changed one (new cert, `update_time`) is built again exactly once.
 */
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { compilePcre } from '@tollgate/core';
import type { ConfigValue } from '../config/update';
import { SniMatcher } from './sni-match';

/** TLS versions by APISIX's names (`ssl_protocols`). */
export type TlsProtocol = 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/** One certificate of an SSL and the signature algorithms (by name prefix) its key makes. */
export interface CertContext {
  context: tls.SecureContext;
  signs: RegExp;
}

/** Signature algorithm names (node:tls `getSharedSigalgs`) by the key type that makes them. */
const SIGALGS_OF_KEY: ReadonlyMap<string, RegExp> = new Map([
  ['rsa', /^RSA/],
  ['rsa-pss', /^RSA-PSS/],
  ['ec', /^ECDSA/],
  ['ed25519', /^Ed25519$/],
  ['ed448', /^Ed448$/],
]);

/**
 * The context to serve a client whose signature algorithms (shared with us) are `sigalgs`: the
 * first certificate whose key can sign with one of them, else the first (the handshake then
 * fails as it would on nginx). node:tls serves one certificate per SNI context, so the choice
 * among an SSL's `certs` (e.g. ECDSA next to RSA) is made here.
 */
export function contextFor(ssl: ServerSsl, sigalgs: readonly string[]): tls.SecureContext {
  const usable = ssl.pairs.find(({ signs }) => sigalgs.some((alg) => signs.test(alg)));
  return (usable ?? ssl.pairs[0]).context;
}

/** One served SSL, ready for handshakes. */
export interface ServerSsl {
  id: string;
  /**
   * One context per certificate, `cert`/`key` first, then the `certs`/`keys` pairs. Never empty:
   * a context without a certificate would let node:tls serve the listener's default one.
   */
  pairs: [CertContext, ...CertContext[]];
  /**
   * All pairs in one context's options: the listener's default context when this SSL is the
   * fallback (no SNI callback then, so OpenSSL picks among the pairs itself).
   */
  contextOptions: tls.SecureContextOptions;
  /** The SSL's own `ssl_protocols`, which replace the listener's (narrower or wider); absent = the listener's. */
  protocols?: ReadonlySet<string>;
  /** `client`: client certificates are requested and checked against `ca`. */
  client?: {
    /** No `skip_mtls_uri_regex`: a missing or bad client certificate fails the handshake. */
    rejectInHandshake: boolean;
    /** `skip_mtls_uri_regex`: URIs served without a verified client certificate. */
    skipUris: readonly RegExp[];
  };
}

/** Something in an SSL item the listener cannot serve (reported once per item). */
export interface SslProblem {
  key: string;
  message: string;
}

/** The SSLs of one revision. */
export interface SslTable {
  match(serverName: string): ServerSsl | undefined;
  /** The SSL for clients that send no server name (`apisix.ssl.fallback_sni`), if any. */
  readonly fallback: ServerSsl | undefined;
  /** Every version some SSL lists in its own `ssl_protocols`. */
  readonly ownProtocols: ReadonlySet<string>;
  readonly size: number;
}

const SECRET_REFERENCE = /^\$(secret|env|ENV):\/\//;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function isServed(value: ConfigValue): boolean {
  return (value.type ?? 'server') === 'server' && (value.status ?? 1) === 1;
}

/** The contexts of one SSL: `cert`/`key`, every `certs`/`keys` pair, and the client CA. */
function buildSsl(id: string, value: ConfigValue): ServerSsl {
  const certs = [value.cert, ...strings(value.certs)];
  const keys = [value.key, ...strings(value.keys)];
  const client = value.client as { ca?: string; skip_mtls_uri_regex?: string[] } | undefined;
  const pems = [...certs, ...keys, ...(client?.ca === undefined ? [] : [client.ca])];
  if (pems.some((v) => typeof v !== 'string' || SECRET_REFERENCE.test(v))) {
    throw new Error('a certificate, key or CA is a secret reference not resolved (yet)');
  }
  const ca = client?.ca ? { ca: client.ca } : {};
  const pairOf = (cert: string, key: string): CertContext => {
    const keyType = new X509Certificate(cert).publicKey.asymmetricKeyType ?? '';
    return {
      context: tls.createSecureContext({ cert, key, ...ca }),
      signs: SIGALGS_OF_KEY.get(keyType) ?? /^$/,
    };
  };
  const pairs: ServerSsl['pairs'] = [
    pairOf(value.cert as string, value.key as string),
    ...strings(value.certs).map((cert, i) => pairOf(cert, strings(value.keys)[i] ?? '')),
  ];
  const contextOptions = { cert: certs as string[], key: keys as string[], ...ca };
  const protocols = strings(value.ssl_protocols);
  const skip = client?.skip_mtls_uri_regex ?? [];
  return {
    id,
    pairs,
    contextOptions,
    protocols: protocols.length > 0 ? new Set(protocols) : undefined,
    client: client?.ca
      ? { rejectInHandshake: skip.length === 0, skipUris: skip.map((p) => compilePcre(p)) }
      : undefined,
  };
}

function snisOf(value: ConfigValue): string[] {
  const snis = strings(value.snis);
  return snis.length > 0 ? snis : typeof value.sni === 'string' ? [value.sni] : [];
}

/** Builds each revision's table, reusing the contexts of unchanged SSL items. */
export class SslTableBuilder {
  private cache = new WeakMap<ConfigValue, ServerSsl | Error>();

  constructor(private readonly fallbackSni: string | undefined) {}

  /**
   * The table for `items` (relative key → value; keys outside `ssls/` are skipped) and the SSLs
   * that could not be built. SSLs are taken in id order, so the first to claim an SNI is stable.
   */
  build(items: ReadonlyMap<string, ConfigValue>): { table: SslTable; problems: SslProblem[] } {
    const matcher = new SniMatcher<ServerSsl>();
    const ownProtocols = new Set<string>();
    const problems: SslProblem[] = [];
    const next = new WeakMap<ConfigValue, ServerSsl | Error>();
    const ssls = [...items]
      .filter(([key]) => key.startsWith('ssls/'))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [key, value] of ssls) {
      if (!isServed(value)) continue;
      let built = this.cache.get(value);
      if (built === undefined) {
        try {
          built = buildSsl(key.slice('ssls/'.length), value);
        } catch (err) {
          built = err instanceof Error ? err : new Error(String(err));
        }
      }
      next.set(value, built);
      if (built instanceof Error) {
        problems.push({ key, message: `not served: ${built.message}` });
        continue;
      }
      for (const sni of snisOf(value)) matcher.add(sni, built);
      for (const version of built.protocols ?? []) ownProtocols.add(version);
    }
    this.cache = next;
    const fallback = this.fallbackSni === undefined ? undefined : matcher.match(this.fallbackSni);
    return {
      table: { match: (name) => matcher.match(name), fallback, ownProtocols, size: matcher.size },
      problems,
    };
  }
}
