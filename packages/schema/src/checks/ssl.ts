/**
 * @module checks/ssl
 * Certificates and private keys checked with node:crypto, with APISIX's error texts
 * (apisix/ssl.lua `validate` and `check_ssl_conf`, which print OpenSSL's failing function:
 * `failed to parse cert: PEM_read_bio_X509_AUX() failed`). The one place PEM text is parsed
 * for checking: the Admin API (ssls, upstream `tls.client_cert`), the data plane's loader and the
 * gateway's HTTPS listener all use it.
 *
 * Tollgate decision: a key that does not belong to its certificate is refused (APISIX leaves a
 * `TODO: check if key & cert match` and accepts it, failing later at handshake time).
 * Values given as `$secret://` / `$env://` references are not checked, as in APISIX.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';

const SECRET_REFERENCE = /^\$(secret|env|ENV):\/\//;

/** Whether a field holds a `$secret://` or `$env://` reference instead of PEM text. */
export function isSecretReference(value: unknown): boolean {
  return typeof value === 'string' && SECRET_REFERENCE.test(value);
}

/** The parsed certificate, or undefined when the text is not a PEM certificate. */
function parseCertificate(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

/** The parsed private key, or undefined when the text is not an unencrypted PEM private key. */
function parsePrivateKey(pem: string): KeyObject | undefined {
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    return undefined;
  }
}

/**
 * Turns a stored key into PEM text before it is parsed (the keys APISIX stores encrypted);
 * undefined when it cannot be decrypted.
 */
export type KeyReader = (stored: string) => string | undefined;

/**
 * APISIX's `validate(cert, key)`: the certificate parses, and the key (when given) parses and,
 * as a Tollgate decision, belongs to the certificate. Resolves the error text, or undefined.
 */
export function certKeyError(
  cert: string,
  key: string | undefined,
  readKey: KeyReader = (stored) => stored,
): string | undefined {
  const certificate = parseCertificate(cert);
  if (!certificate) return 'failed to parse cert: PEM_read_bio_X509_AUX() failed';
  if (key === undefined) return undefined;
  const pem = key.startsWith('---') ? key : readKey(key);
  if (pem === undefined) return 'failed to decrypt previous encrypted key';
  const privateKey = parsePrivateKey(pem);
  if (!privateKey) return 'failed to parse key: PEM_read_bio_PrivateKey() failed';
  if (!certificate.checkPrivateKey(privateKey)) {
    return 'failed to match key: the private key does not belong to the certificate';
  }
  return undefined;
}

/** `certKeyError` unless either side is a secret reference (checked once resolved). */
function pairError(cert: unknown, key: unknown, readKey?: KeyReader): string | undefined {
  if (isSecretReference(cert) || isSecretReference(key)) return undefined;
  if (typeof cert !== 'string') return undefined;
  return certKeyError(cert, typeof key === 'string' ? key : undefined, readKey);
}

/**
 * APISIX's `check_ssl_conf` after the schema: the main pair, then (server certificates only) the
 * `certs`/`keys` pairs and the client CA. Resolves the error text, or undefined.
 */
export function sslConfError(
  conf: Record<string, unknown>,
  readKey?: KeyReader,
): string | undefined {
  const main = pairError(conf.cert, conf.key, readKey);
  if (main !== undefined) return main;
  if (conf.type === 'client') return undefined;
  const certs = Array.isArray(conf.certs) ? (conf.certs as unknown[]) : [];
  const keys = Array.isArray(conf.keys) ? (conf.keys as unknown[]) : [];
  if (certs.length !== keys.length) return 'mismatched number of certs and keys';
  for (const [i, cert] of certs.entries()) {
    const err = pairError(cert, keys[i], readKey);
    if (err !== undefined) return `failed to handle cert-key pair[${i + 1}]: ${err}`;
  }
  const client = conf.client as Record<string, unknown> | undefined;
  if (client && typeof client.ca === 'string' && !isSecretReference(client.ca)) {
    const err = certKeyError(client.ca, undefined);
    if (err !== undefined) return `failed to validate client_cert: ${err}`;
  }
  return undefined;
}
