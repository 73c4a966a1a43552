/**
 * @module cloud/sigv4
 * Verifies AWS Signature Version 4 on the requests the mock receives for Bedrock, as AWS does:
 * the canonical request is rebuilt from what arrived (method, path escaped again per segment,
 * sorted query, the signed headers, the body's SHA-256), signed with the configured secret, and
 * compared with the `Authorization` header. An independent implementation (node:crypto only), so
 * it checks the gateway's signer rather than repeating it.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Credentials the mock accepts. */
export interface MockAwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Why a signature was refused: AWS's exception name and message. */
export interface SigV4Problem {
  type:
    | 'MissingAuthenticationTokenException'
    | 'UnrecognizedClientException'
    | 'InvalidSignatureException';
  message: string;
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer =>
  createHmac('sha256', key).update(data).digest();

/** RFC 3986 escaping, as SigV4 wants it. */
function escape(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const v = Object.hasOwn(headers, name) ? headers[name] : undefined;
  return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim().replace(/\s+/g, ' ');
}

/**
 * Check the request's signature; undefined when valid.
 *
 * @example
 * verifySigV4({ method: 'POST', rawPath: '/model/m/converse', query, headers, body }, creds);
 */
export function verifySigV4(
  req: {
    method: string;
    /** The path as received (still percent-encoded). */
    rawPath: string;
    query: URLSearchParams;
    headers: IncomingHttpHeaders;
    body: Buffer;
  },
  credentials: MockAwsCredentials,
  service = 'bedrock',
): SigV4Problem | undefined {
  const m = AUTH_RE.exec(header(req.headers, 'authorization'));
  if (!m)
    return { type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const [, keyId, day, region, signedService, signedHeaders, signature] = m as unknown as string[];
  if (keyId !== credentials.accessKeyId) {
    return {
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    };
  }
  const amzDate = header(req.headers, 'x-amz-date');
  const names = (signedHeaders ?? '').split(';');
  if (!amzDate.startsWith(day ?? '-') || signedService !== service || !names.includes('host')) {
    return { type: 'InvalidSignatureException', message: 'Credential should be scoped correctly.' };
  }
  const canonicalPath =
    req.rawPath
      .split('/')
      .map((seg) => escape(seg))
      .join('/') || '/';
  const canonicalQuery = [...req.query]
    .map(([k, v]) => [escape(k), escape(v)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = names.map((n) => `${n}:${header(req.headers, n)}\n`).join('');
  const canonical = [
    req.method,
    canonicalPath,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    sha256(req.body),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let key = hmac(`AWS4${credentials.secretAccessKey}`, day ?? '');
  for (const part of [region ?? '', service, 'aws4_request']) key = hmac(key, part);
  const expected = Buffer.from(hmac(key, toSign).toString('hex'));
  const got = Buffer.from(signature ?? '');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
    return {
      type: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. ' +
        'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    };
  }
  return undefined;
}
