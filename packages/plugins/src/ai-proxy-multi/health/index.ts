/**
 * @module ai-proxy-multi/health
 * Worker-side passive health of LLM instances.
 */
export * from './passive-health';
