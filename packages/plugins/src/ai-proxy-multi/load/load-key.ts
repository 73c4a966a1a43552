/**
 * @module ai-proxy-multi/load/load-key
 * The name one LLM backend is known by to the node's load view (`InstanceLoadView`): several
 * routes, and several instances of one route, may point at the same server, and its in-flight
 * count must be one number whoever sends to it.
 */
import { getProvider } from '@tollgate/ai';

/** What the load key is built from. */
export interface LoadKeyedInstance {
  readonly provider: string;
  readonly options?: Readonly<Record<string, unknown>>;
  readonly override?: { readonly endpoint?: string };
}

/**
 * The instance's load key: its `override.endpoint` URL as configured (a self-hosted server), or,
 * without one, the provider's default origin and the instance's model (`options.model`), so two
 * models of one cloud are balanced apart: `https://api.openai.com:443#gpt-4o`.
 *
 * @example
 * loadKeyOf({ provider: 'openai-compatible', override: { endpoint: 'http://10.0.0.5:8000' } });
 * // 'http://10.0.0.5:8000'
 */
export function loadKeyOf(instance: LoadKeyedInstance): string {
  const endpoint = instance.override?.endpoint;
  if (endpoint !== undefined) return endpoint;
  const provider = getProvider(instance.provider);
  const origin = provider?.host
    ? `${provider.scheme}://${provider.host}:${provider.port}`
    : instance.provider;
  const model = instance.options?.model;
  return `${origin}#${typeof model === 'string' ? model : ''}`;
}
