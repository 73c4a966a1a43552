/**
 * @module auth/aws
 * SigV4 signing of Bedrock requests (`auth.aws`, APISIX `ai-transport/auth-aws.lua`'s job), done
 * by the AWS SDK's own signer (`@smithy/signature-v4`) so the canonical request follows AWS's
 * rules (path segments escaped again, as for every service but S3) rather than our reading of
 * them. Only `host`, `content-type` and the `x-amz-*` headers are signed: the forwarded client
 * headers may be rewritten by proxies on the way and must not break the signature.
 */
import { ownValue, setOwn } from '@tollgate/core';
import { ProviderAuthError } from '../errors';
import type { RequestSigner } from '../transport/http';
import { createSigV4, type AwsCredentials } from '../transport/aws-sigv4';

/** `auth.aws` as configured (APISIX's field names). */
export interface AwsAuthConf {
  access_key_id: string;
  secret_access_key: string;
  session_token?: string;
}

/** What {@link awsSigV4Signer} signs for. */
export interface AwsSignerOptions {
  /** The signing name: `bedrock` for bedrock-runtime. */
  service: string;
  region: string;
  credentials: AwsCredentials;
  /** Signing time; defaults to now (tests pin it). */
  now?: () => Date;
}

const SIGNED_HEADER = /^(host|content-type|x-amz-.*)$/;

function queryObject(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    const prev = ownValue(out, k);
    setOwn(out, k, prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]);
  }
  return out;
}

/**
 * A {@link RequestSigner} that adds `authorization` and `x-amz-date` (and
 * `x-amz-security-token` with temporary credentials) for the request as sent.
 *
 * @example
 * const sign = awsSigV4Signer({ service: 'bedrock', region: 'us-east-1', credentials });
 * await transport.send({ ...request, sign });
 */
export function awsSigV4Signer(opts: AwsSignerOptions): RequestSigner {
  const signer = createSigV4({ ...opts, applyChecksum: false });
  return async (req) => {
    const url = new URL(req.origin);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name]) => SIGNED_HEADER.test(name)),
    );
    try {
      const signed = await signer.sign(
        {
          method: req.method,
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port === '' ? undefined : Number(url.port),
          path: req.path,
          query: queryObject(req.query),
          headers,
          body: req.body,
        },
        { signingDate: opts.now?.() ?? new Date() },
      );
      return Object.fromEntries(
        Object.entries(signed.headers)
          .map(([name, value]) => [name.toLowerCase(), value] as const)
          .filter(([name]) => name === 'authorization' || name.startsWith('x-amz-')),
      );
    } catch (cause) {
      throw new ProviderAuthError('failed to sign AWS request', { cause });
    }
  };
}

/** The credentials of an `auth.aws` block. */
export function awsCredentialsOf(conf: AwsAuthConf): AwsCredentials {
  return {
    accessKeyId: conf.access_key_id,
    secretAccessKey: conf.secret_access_key,
    ...(conf.session_token ? { sessionToken: conf.session_token } : {}),
  };
}
