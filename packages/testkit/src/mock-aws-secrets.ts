/**
 * @module mock-aws-secrets
 * A stand-in for AWS Secrets Manager's JSON API (`X-Amz-Target: secretsmanager.GetSecretValue`)
 * on 127.0.0.1 that checks each request's Signature V4 the way AWS does: the credential scope
 * (access key, date, region, service), the signed headers, the session token, and the signature
 * recomputed here with node:crypto from the known secret key (independently of the signer the
 * gateway uses). A request that fails a check gets AWS's error shape and its reason is recorded.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockAwsSecretsOptions {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests must carry it as `x-amz-security-token` (and sign it). */
  sessionToken?: string;
  region: string;
  /** SecretString by SecretId. */
  secrets: Record<string, string>;
}

export interface MockAwsSecrets {
  /** `http://127.0.0.1:<port>`, for the secret conf's `endpoint_url`. */
  readonly url: string;
  /** GetSecretValue calls answered with a secret. */
  readonly served: number;
  /** Why each refused request was refused. */
  readonly rejections: readonly string[];
  close(): Promise<void>;
}

const SERVICE = 'secretsmanager';
/** Headers a GetSecretValue signature must cover. */
const MUST_SIGN = ['host', 'x-amz-date', 'x-amz-target', 'content-type'];
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
function signatureProblem(
  req: http.IncomingMessage,
  body: Buffer,
  opts: MockAwsSecretsOptions,
): string | undefined {
  const auth = parseAuthorization(req.headers.authorization);
  if (!auth) return 'malformed Authorization header';
  if (auth.accessKeyId !== opts.accessKeyId) return `unknown access key ${auth.accessKeyId}`;
  if (auth.region !== opts.region) return `credential scope region ${auth.region}`;
  if (auth.service !== SERVICE || auth.terminator !== 'aws4_request') return 'credential scope';
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const at = amzDateMs(amzDate);
  if (Number.isNaN(at) || Math.abs(Date.now() - at) > MAX_CLOCK_SKEW_MS) return 'x-amz-date';
  if (amzDate.slice(0, 8) !== auth.date) return 'credential scope date';
  const mustSign = opts.sessionToken ? [...MUST_SIGN, 'x-amz-security-token'] : MUST_SIGN;
  const unsigned = mustSign.find((h) => !auth.signedHeaders.includes(h));
  if (unsigned) return `header ${unsigned} not signed`;
  if (opts.sessionToken && req.headers['x-amz-security-token'] !== opts.sessionToken) {
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
  const scope = `${auth.date}/${auth.region}/${SERVICE}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${opts.secretAccessKey}`, auth.date ?? '');
  for (const part of [auth.region ?? '', SERVICE, 'aws4_request']) key = hmac(key, part);
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(auth.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? undefined
    : 'signature mismatch';
}

/** Starts the stand-in on a free loopback port. */
export async function startMockAwsSecrets(opts: MockAwsSecretsOptions): Promise<MockAwsSecrets> {
  let served = 0;
  const rejections: string[] = [];
  const answer = (res: http.ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const problem =
        req.method !== 'POST' || req.url !== '/'
          ? `unexpected ${req.method} ${req.url}`
          : req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue'
            ? 'x-amz-target'
            : signatureProblem(req, body, opts);
      if (problem) {
        rejections.push(problem);
        answer(res, 403, { __type: 'InvalidSignatureException', message: problem });
        return;
      }
      let input: { SecretId?: unknown; VersionStage?: unknown };
      try {
        input = JSON.parse(body.toString()) as typeof input;
      } catch {
        answer(res, 400, { __type: 'SerializationException' });
        return;
      }
      const id = typeof input.SecretId === 'string' ? input.SecretId : '';
      if (!Object.hasOwn(opts.secrets, id) || input.VersionStage !== 'AWSCURRENT') {
        answer(res, 400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
        return;
      }
      served++;
      answer(res, 200, {
        ARN: `arn:aws:secretsmanager:${opts.region}:000000000000:secret:${id}`,
        Name: id,
        SecretString: opts.secrets[id],
        VersionId: '00000000-0000-0000-0000-000000000001',
        VersionStages: ['AWSCURRENT'],
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get served() {
      return served;
    },
    rejections,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
