/**
 * @module transport/aws-sigv4
 * AWS Signature Version 4 for the JSON 1.1 APIs Tollgate calls (Secrets Manager for `$secret://aws`
 * references, Comprehend for ai-aws-content-moderation): one POST to `/` of a regional endpoint,
 * signed by the AWS SDK's own signer (`@smithy/signature-v4`), so the canonical request follows
 * AWS's rules exactly rather than our reading of them.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials' token, sent (and signed) as `x-amz-security-token`. */
  sessionToken?: string;
}

export interface AwsJsonRequest {
  /** The signing name of the service (`secretsmanager`, `comprehend`). */
  service: string;
  region: string;
  credentials: AwsCredentials;
  /** The endpoint; only its scheme, host and port are used (the request goes to `/`). */
  endpoint: URL;
  /** `X-Amz-Target`, e.g. `Comprehend_20171127.DetectToxicContent`. */
  target: string;
  body: string;
}

/**
 * The AWS SDK's SigV4 signer for `service` in `region` (SHA-256 from `@smithy/hash-node`); one per
 * credentials, so its signing-key cache serves every request it signs.
 */
export function createSigV4(opts: {
  service: string;
  region: string;
  credentials: AwsCredentials;
  /** false: no `x-amz-content-sha256` header (the SDK adds it by default). */
  applyChecksum?: boolean;
}): SignatureV4 {
  return new SignatureV4({
    service: opts.service,
    region: opts.region,
    credentials: opts.credentials,
    sha256: Hash.bind(null, 'sha256'),
    ...(opts.applyChecksum === false ? { applyChecksum: false } : {}),
  });
}

/**
 * The headers of a signed JSON 1.1 POST: `host`, `content-type`, `x-amz-target`, `x-amz-date`,
 * `authorization` (and `x-amz-security-token` with temporary credentials).
 *
 * @example
 * const headers = await signAwsJsonRequest({ service: 'comprehend', region: 'us-east-1',
 *   credentials, endpoint: new URL('https://comprehend.us-east-1.amazonaws.com'),
 *   target: 'Comprehend_20171127.DetectToxicContent', body });
 */
export async function signAwsJsonRequest(request: AwsJsonRequest): Promise<Record<string, string>> {
  const { endpoint } = request;
  const signer = createSigV4(request);
  const signed = await signer.sign({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    port: endpoint.port === '' ? undefined : Number(endpoint.port),
    path: '/',
    query: {},
    headers: {
      host: endpoint.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': request.target,
    },
    body: request.body,
  });
  return signed.headers;
}
