/**
 * @module aws-sigv4-check
 * Checks a request's AWS Signature V4 the way AWS does, for the mocks of AWS services
 * (Secrets Manager, Comprehend): the `Authorization` header's shape, the credential scope
 * (access key, date, region, service), the headers that must be signed, the session token, and
 * the signature recomputed with node:crypto from the known secret key, independently of the
 * signer the gateway uses. Only POSTs to `/` with an empty query, as AWS's JSON APIs take.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';

export interface AwsSignatureExpectation {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests must carry it as `x-amz-security-token` (and sign it). */
  sessionToken?: string;
  region: string;
  /** The service's signing name (`secretsmanager`, `comprehend`). */
  service: string;
  /** Headers the signature must cover (besides the session token's). */
  mustSign: readonly string[];
}

const MAX_CLOCK_SKEW_MS = 5 * 60_000;

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) =>
  createHmac('sha256', key).update(data).digest();

/** Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
function parseAuthorization(header: string | undefined) {
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      header ?? '',
    );
  if (!m) return undefined;
  const [accessKeyId, date, region, service, terminator] = (m[1] ?? '').split('/');
  return {
    accessKeyId,
    date,
    region,
    service,
    terminator,
    signedHeaders: (m[2] ?? '').split(';'),
    signature: m[3] ?? '',
  };
}

/** X-Amz-Date (`20261205T073000Z`) as epoch ms, or NaN. */
function amzDateMs(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return NaN;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = m.slice(1).map(Number);
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** The reason the request's signature is not AWS's, or undefined when it is. */
export function awsSignatureProblem(
  req: http.IncomingMessage,
  body: Buffer,
  expect: AwsSignatureExpectation,
): string | undefined {
  const auth = parseAuthorization(req.headers.authorization);
  if (!auth) return 'malformed Authorization header';
  if (auth.accessKeyId !== expect.accessKeyId) return `unknown access key ${auth.accessKeyId}`;
  if (auth.region !== expect.region) return `credential scope region ${auth.region}`;
  if (auth.service !== expect.service || auth.terminator !== 'aws4_request') {
    return 'credential scope';
  }
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const at = amzDateMs(amzDate);
  if (Number.isNaN(at) || Math.abs(Date.now() - at) > MAX_CLOCK_SKEW_MS) return 'x-amz-date';
  if (amzDate.slice(0, 8) !== auth.date) return 'credential scope date';
  const mustSign = expect.sessionToken
    ? [...expect.mustSign, 'x-amz-security-token']
    : expect.mustSign;
  const unsigned = mustSign.find((h) => !auth.signedHeaders.includes(h));
  if (unsigned) return `header ${unsigned} not signed`;
  if (expect.sessionToken && req.headers['x-amz-security-token'] !== expect.sessionToken) {
    return 'session token';
  }
  const sorted = [...auth.signedHeaders].sort();
  if (sorted.join(';') !== auth.signedHeaders.join(';')) return 'signed headers not sorted';
  const canonicalHeaders = sorted
    .map(
      (name) =>
        `${name}:${String(req.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const canonicalRequest = [
    req.method,
    '/',
    '',
    canonicalHeaders,
    sorted.join(';'),
    sha256Hex(body),
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${expect.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${expect.secretAccessKey}`, auth.date ?? '');
  for (const part of [auth.region ?? '', expect.service, 'aws4_request']) key = hmac(key, part);
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(auth.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? undefined
    : 'signature mismatch';
}
