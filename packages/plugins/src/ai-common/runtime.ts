/**
 * @module ai-common/runtime
 * What the AI proxy plugins share within one worker: the LLM transport (keep-alive pools per
 * instance), the passive health breakers, the node's active health verdicts, and the node's
 * load view of the LLM instances (issue 12; this worker's own counts where the host has none).
 */
import { AiTransport } from '@tollgate/ai';
import {
  createLogger,
  type HealthView,
  type InstanceLoadView,
  type PluginEnv,
} from '@tollgate/core';
import { PassiveHealth } from '../ai-proxy-multi/health';
import { LocalInstanceLoad } from '../ai-proxy-multi/load/local-instance-load';

export interface AiRuntime {
  transport: AiTransport;
  passive: PassiveHealth;
  active: HealthView;
  instanceLoad: InstanceLoadView;
}

const ALWAYS_HEALTHY: HealthView = { isHealthy: () => true, onChange: () => undefined };
let runtime: AiRuntime | undefined;

/** Create the worker's AI runtime once (both ai-proxy plugins call this from init). */
export function initAiRuntime(env: PluginEnv): void {
  if (runtime) return;
  const logger = createLogger('ai-proxy');
  const passive = new PassiveHealth({ logger, disabled: env.health.disabled });
  // A passing active probe ends the passive rest of that instance too (decision D4).
  env.health.onChange((key, healthy) => {
    if (healthy) passive.markHealthy(key);
  });
  runtime = {
    transport: new AiTransport({ logger }),
    passive,
    active: env.health,
    instanceLoad: env.instanceLoad ?? new LocalInstanceLoad(),
  };
}

/** The runtime; plugins used without init (unit tests) get one with no active checks. */
export function aiRuntime(): AiRuntime {
  runtime ??= {
    transport: new AiTransport({ logger: createLogger('ai-proxy') }),
    passive: new PassiveHealth(),
    active: ALWAYS_HEALTHY,
    instanceLoad: new LocalInstanceLoad(),
  };
  return runtime;
}

/** Release pools and timers (worker shutdown). */
export async function closeAiRuntime(): Promise<void> {
  const current = runtime;
  runtime = undefined;
  if (!current) return;
  current.passive.close();
  await current.transport.close();
}
