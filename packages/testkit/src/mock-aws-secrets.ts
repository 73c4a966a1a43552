/**
 * @module mock-aws-secrets
 * A stand-in for AWS Secrets Manager's JSON API (`X-Amz-Target: secretsmanager.GetSecretValue`)
 * on 127.0.0.1 that checks each request's Signature V4 the way AWS does: the credential scope
 * (access key, date, region, service), the signed headers, the session token, and the signature
 * recomputed with node:crypto from the known secret key (`aws-sigv4-check`, independently of the
 * signer the gateway uses). A request that fails a check gets AWS's error shape and its reason
 * is recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { awsSignatureProblem } from './aws-sigv4-check';

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
            : awsSignatureProblem(req, body, { ...opts, service: SERVICE, mustSign: MUST_SIGN });
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
