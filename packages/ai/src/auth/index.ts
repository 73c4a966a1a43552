/**
 * @module auth
 * Provider authentication beyond static headers: which {@link RequestSigner} an instance needs.
 * `auth.aws` on a bedrock instance signs every request with SigV4 (service `bedrock`, region
 * `provider_conf.region`); `auth.gcp` on any instance (vertex-ai in practice, as in APISIX, which
 * fetches the token for whichever provider has it) sets a bearer token from the service account.
 */
import type { RequestSigner } from '../transport/http';
import { ProviderAuthError } from '../errors';
import { awsCredentialsOf, awsSigV4Signer, type AwsAuthConf } from './aws';
import { gcpBearerSigner, type GcpAuthConf } from './gcp';

export * from './aws';
export * from './gcp';

/** The parts of an instance {@link upstreamSigner} reads. */
export interface SignedInstanceLike {
  auth?: { header?: unknown; query?: unknown; gcp?: GcpAuthConf; aws?: AwsAuthConf };
  provider_conf?: { region?: string };
}

const signers = new WeakMap<object, RequestSigner | null>();

/**
 * The signer of requests to `instance` of `provider`, or undefined when static `auth.header` /
 * `auth.query` are all it needs. Memoised per instance object (configs are immutable snapshots),
 * so the SigV4 signing key and the token cache entry are reused across requests.
 *
 * @example
 * await transport.send({ ...request, sign: upstreamSigner(instance.provider, instance) });
 */
export function upstreamSigner(
  provider: string,
  instance: SignedInstanceLike,
): RequestSigner | undefined {
  const known = signers.get(instance);
  if (known !== undefined) return known ?? undefined;
  const signer = makeSigner(provider, instance);
  signers.set(instance, signer ?? null);
  return signer;
}

function makeSigner(provider: string, instance: SignedInstanceLike): RequestSigner | undefined {
  const { aws, gcp } = instance.auth ?? {};
  if (provider === 'bedrock' && aws) {
    const region = instance.provider_conf?.region;
    if (!region) {
      return () =>
        Promise.reject(
          new ProviderAuthError(
            'missing region for AWS SigV4 signing (provider_conf.region required for bedrock)',
          ),
        );
    }
    return awsSigV4Signer({ service: 'bedrock', region, credentials: awsCredentialsOf(aws) });
  }
  if (gcp) return gcpBearerSigner(gcp);
  return undefined;
}
