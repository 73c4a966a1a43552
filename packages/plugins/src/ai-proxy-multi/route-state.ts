/**
 * @module ai-proxy-multi/route-state
 * What ai-proxy-multi computes once per configuration (picker, fallback policy) and keeps per
 * request (instances tried, retries made).
 */
import { ownerOf, type RequestContext } from '@tollgate/core';
import type { AiInstanceConf } from '../ai-common/instance';
import { aiRuntime } from '../ai-common/runtime';
import {
  fallbackPolicy,
  healthTargetKey,
  InstancePicker,
  retryOnTransportError,
  type FallbackPolicy,
} from './selection';

/** The part of the resolved ai-proxy-multi configuration this plugin reads. */
export interface AiProxyMultiConfLike {
  instances: AiInstanceConf[];
  balancer?: { algorithm?: string; hash_on?: string; key?: string };
  fallback_strategy?: string | string[];
  fallback_http_statuses?: number[];
  max_retries?: number;
  retry_on_failure_within_ms?: number;
  timeout?: number;
  max_req_body_size?: number;
}

export interface ConfigState {
  /** The resource the configuration belongs to (`routes/1`): health keys and pools live under it. */
  owner: string;
  pluginName: string;
  picker: InstancePicker<AiInstanceConf>;
  policy: FallbackPolicy;
  /** Decision D4: retry pre-byte transport failures on another instance. */
  transportRetry: boolean;
}

export interface RequestState {
  tried: Set<string>;
  retries: number;
}

const configs = new WeakMap<object, ConfigState>();

/** Per-configuration state, built on first use and kept while the configuration object lives. */
export function configState(
  conf: AiProxyMultiConfLike,
  pluginName = 'ai-proxy-multi',
): ConfigState {
  let state = configs.get(conf);
  if (!state) {
    const owner = ownerOf(conf) ?? 'unbound';
    const passive = aiRuntime().passive;
    for (const instance of conf.instances) {
      passive.configure(
        healthTargetKey(owner, pluginName, instance.name),
        instance.checks?.passive,
      );
    }
    state = {
      owner,
      pluginName,
      picker: new InstancePicker(conf.instances, conf.balancer as never),
      policy: fallbackPolicy(conf as never),
      transportRetry: retryOnTransportError(conf as never),
    };
    configs.set(conf, state);
  }
  return state;
}

/** Per-request state. */
export function requestState(ctx: RequestContext): RequestState {
  return ctx.pluginState('ai-proxy-multi', () => ({ tried: new Set<string>(), retries: 0 }));
}

/** The node-wide key of an instance: its health verdicts, breaker and connection pool. */
export function instanceKey(state: ConfigState, name: string): string {
  return healthTargetKey(state.owner, state.pluginName, name);
}
