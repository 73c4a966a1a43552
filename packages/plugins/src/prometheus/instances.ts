/**
 * @module prometheus/instances
 * This worker's passive view of LLM instances, read when metrics are collected: health (an open
 * breaker or a Retry-After rest counts as unhealthy) and breaker state, from the breakers of
 * `aiRuntime().passive` (keys `<owner>#<plugin>#<instance>`).
 */
import type { BreakerState } from '../ai-proxy-multi/health';

/** Breaker states as numbers: 0 closed, 1 half-open, 2 open. */
export const BREAKER_STATE_VALUE: Record<BreakerState, number> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

/** The passive side as the metrics read it (`PassiveHealth`). */
export interface PassiveSource {
  keys(): string[];
  isOpen(targetKey: string): boolean;
  state(targetKey: string): BreakerState;
}

/** Owner and instance of a health target key (`routes/1#ai-proxy-multi#openai-a`). */
export function splitTargetKey(key: string): { owner: string; instance: string } {
  const first = key.indexOf('#');
  const second = first === -1 ? -1 : key.indexOf('#', first + 1);
  if (second === -1) return { owner: '', instance: key };
  return { owner: key.slice(0, first), instance: key.slice(second + 1) };
}

/** One `tollgate_ai_instance_health{source="passive"}` value per known instance. */
export function passiveHealth(
  passive: PassiveSource,
  set: (labels: { owner: string; instance: string; source: string }, value: number) => void,
): void {
  for (const key of passive.keys()) {
    const { owner, instance } = splitTargetKey(key);
    set({ owner, instance, source: 'passive' }, passive.isOpen(key) ? 0 : 1);
  }
}

/** One `tollgate_ai_instance_breaker_state` value per known instance. */
export function breakerStates(
  passive: PassiveSource,
  set: (labels: { owner: string; instance: string }, value: number) => void,
): void {
  for (const key of passive.keys()) {
    set(splitTargetKey(key), BREAKER_STATE_VALUE[passive.state(key)]);
  }
}
