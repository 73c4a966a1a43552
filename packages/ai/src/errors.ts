/**
 * @module errors
 * Typed errors of `@tollgate/ai`, in the style of `@tollgate/core`'s catalogue: the export name
 * of each class equals its `code`, and every code is listed in docs/errors.md (both checked
 * by errors.test.ts). Friendly aliases are exported below the classes.
 */
import { GatewayError, isGatewayError } from '@tollgate/core';

/** Which part of the upstream exchange failed. */
export type UpstreamFailureKind = 'connect' | 'timeout' | 'reset';

/** Options shared by the upstream transport errors. */
export interface UpstreamErrorOptions {
  cause?: unknown;
  /**
   * True when the failure happened before any byte of the response arrived, so the LLM produced
   * nothing and another attempt (same or other instance) is safe. Defaults to true.
   */
  beforeResponse?: boolean;
}

/**
 * Base of the transport failures (spec §1.7 step 2). `status` is what the gateway answers with
 * when it cannot retry: 500 for a transport failure, 504 for a timeout.
 */
export abstract class UpstreamTransportError extends GatewayError {
  abstract readonly kind: UpstreamFailureKind;
  override readonly expose = false;
  /** No byte of the response was received (retrying is safe). */
  readonly beforeResponse: boolean;

  constructor(message: string, options: UpstreamErrorOptions = {}) {
    super(String(message), { cause: options.cause });
    this.beforeResponse = options.beforeResponse ?? true;
  }
}

/** The LLM could not be reached: connection refused, DNS failure, TLS handshake or certificate. */
export class TOLLGATE_ERR_UPSTREAM_CONNECT extends UpstreamTransportError {
  readonly code = 'TOLLGATE_ERR_UPSTREAM_CONNECT';
  readonly status = 500;
  readonly kind = 'connect' as const;
}

/** Connecting, waiting for response headers, or waiting between body chunks took too long. */
export class TOLLGATE_ERR_UPSTREAM_TIMEOUT extends UpstreamTransportError {
  readonly code = 'TOLLGATE_ERR_UPSTREAM_TIMEOUT';
  readonly status = 504;
  readonly kind = 'timeout' as const;
}

/** The LLM closed or reset the connection. */
export class TOLLGATE_ERR_UPSTREAM_RESET extends UpstreamTransportError {
  readonly code = 'TOLLGATE_ERR_UPSTREAM_RESET';
  readonly status = 500;
  readonly kind = 'reset' as const;
}

/**
 * Authenticating the request to the provider failed before it was sent: the GCP service-account
 * token exchange (vertex-ai) failed or answered no token, the service account JSON is unusable,
 * or the AWS SigV4 signing (bedrock) failed. A transport failure of kind `connect`: nothing was
 * sent, so ai-proxy-multi falls back to the next instance.
 */
export class TOLLGATE_ERR_PROVIDER_AUTH extends UpstreamTransportError {
  readonly code = 'TOLLGATE_ERR_PROVIDER_AUTH';
  readonly status = 502;
  readonly kind = 'connect' as const;
}

/**
 * The provider is accepted by the schema but Tollgate cannot call it yet (vertex-ai needs GCP
 * token exchange, bedrock needs SigV4 and AWS event streams).
 */
export class TOLLGATE_ERR_PROVIDER_NOT_IMPLEMENTED extends GatewayError {
  readonly code = 'TOLLGATE_ERR_PROVIDER_NOT_IMPLEMENTED';
  readonly status = 501;
  constructor(provider: unknown) {
    super(`provider ${String(provider)} is not implemented yet`);
  }
}

/** The provider has no default host (openai-compatible, azure-openai) and no `override.endpoint`. */
export class TOLLGATE_ERR_PROVIDER_ENDPOINT_MISSING extends GatewayError {
  readonly code = 'TOLLGATE_ERR_PROVIDER_ENDPOINT_MISSING';
  readonly status = 500;
  constructor(provider: unknown) {
    super(`provider ${String(provider)} requires override.endpoint`);
  }
}

/**
 * A provider whose path depends on the instance (vertex-ai: `provider_conf.project_id` and
 * `region`; bedrock: the model) lacks what it needs, and no `override.endpoint` names a path.
 */
export class TOLLGATE_ERR_PROVIDER_PATH_UNRESOLVED extends GatewayError {
  readonly code = 'TOLLGATE_ERR_PROVIDER_PATH_UNRESOLVED';
  readonly status = 500;
  constructor(provider: string) {
    super(
      `could not resolve upstream path: provider ${provider} needs its provider_conf (vertex-ai: project_id and region) or a model (bedrock), else an override.endpoint with a path`,
    );
  }
}

/** `override.endpoint` is not an absolute `scheme://host[:port][/path][?query]` URL. */
export class TOLLGATE_ERR_PROVIDER_ENDPOINT_INVALID extends GatewayError {
  readonly code = 'TOLLGATE_ERR_PROVIDER_ENDPOINT_INVALID';
  readonly status = 500;
  constructor(endpoint: unknown) {
    super(`invalid endpoint: ${String(endpoint)}`);
  }
}

/**
 * The provider supports neither the client protocol nor a conversion of it (spec §1.8 step 1);
 * the message is APISIX's `provider <p> does not support <proto> protocol (supported: ...)`.
 */
export class TOLLGATE_ERR_PROVIDER_PROTOCOL_UNSUPPORTED extends GatewayError {
  readonly code = 'TOLLGATE_ERR_PROVIDER_PROTOCOL_UNSUPPORTED';
  readonly status = 400;
}

/**
 * An SSE event grew past the parser's carry-over cap (1 MiB) without a terminating blank line.
 * The parser drops that event and resynchronises at the next blank line.
 */
export class TOLLGATE_ERR_SSE_EVENT_TOO_LARGE extends GatewayError {
  readonly code = 'TOLLGATE_ERR_SSE_EVENT_TOO_LARGE';
  readonly status = 502;
  override readonly expose = false;
}

/** True for the transport failures (connect, timeout, reset, and a failed provider auth). */
export function isUpstreamTransportError(err: unknown): err is UpstreamTransportError {
  return isGatewayError(err) && TRANSPORT_CODES.has(err.code);
}

const TRANSPORT_CODES: ReadonlySet<string> = new Set([
  'TOLLGATE_ERR_UPSTREAM_CONNECT',
  'TOLLGATE_ERR_UPSTREAM_TIMEOUT',
  'TOLLGATE_ERR_UPSTREAM_RESET',
  'TOLLGATE_ERR_PROVIDER_AUTH',
]);

export {
  TOLLGATE_ERR_UPSTREAM_CONNECT as UpstreamConnectError,
  TOLLGATE_ERR_UPSTREAM_TIMEOUT as UpstreamTimeoutError,
  TOLLGATE_ERR_UPSTREAM_RESET as UpstreamResetError,
  TOLLGATE_ERR_PROVIDER_AUTH as ProviderAuthError,
  TOLLGATE_ERR_PROVIDER_NOT_IMPLEMENTED as ProviderNotImplementedError,
  TOLLGATE_ERR_PROVIDER_ENDPOINT_MISSING as ProviderEndpointMissingError,
  TOLLGATE_ERR_PROVIDER_PATH_UNRESOLVED as ProviderPathUnresolvedError,
  TOLLGATE_ERR_PROVIDER_ENDPOINT_INVALID as ProviderEndpointInvalidError,
  TOLLGATE_ERR_PROVIDER_PROTOCOL_UNSUPPORTED as ProviderProtocolUnsupportedError,
  TOLLGATE_ERR_SSE_EVENT_TOO_LARGE as SseEventTooLargeError,
};
