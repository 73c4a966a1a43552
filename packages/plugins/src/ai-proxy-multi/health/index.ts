/**
 * @module ai-proxy-multi/health
 * Worker-side passive health of LLM instances.
 */
export type * from './passive-health';
export { PassiveHealth } from './passive-health';
