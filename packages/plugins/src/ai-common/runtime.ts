/**
 * @module ai-common/runtime
 * What the AI proxy plugins share within one worker: the LLM transport (keep-alive pools per
 * instance), the passive health breakers, and the node's active health verdicts.
 */
import { AiTransport } from '@tollgate/ai';
import { createLogger, type HealthView, type PluginEnv } from '@tollgate/core';
import { PassiveHealth } from '../ai-proxy-multi/health';

export interface AiRuntime {
  transport: AiTransport;
  passive: PassiveHealth;
  active: HealthView;
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
  runtime = { transport: new AiTransport({ logger }), passive, active: env.health };
}

/** The runtime; plugins used without init (unit tests) get one with no active checks. */
export function aiRuntime(): AiRuntime {
  runtime ??= {
    transport: new AiTransport({ logger: createLogger('ai-proxy') }),
    passive: new PassiveHealth(),
    active: ALWAYS_HEALTHY,
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
