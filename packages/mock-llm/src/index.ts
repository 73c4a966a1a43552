/**
 * @module @tollgate/mock-llm
 * An OpenAI/Anthropic-compatible fake LLM server (dependency-free, `node:http`) for Tollgate's
 * tests and the quick start. See `docs/mock-llm.md`.
 */
export { startMockLlm } from './server';
export type {
  Behaviour,
  Capacity,
  CapacityReport,
  CapacityStats,
  MockLlm,
  MockLlmOptions,
  RecordedRequest,
  UsageOverride,
} from './types';
export { DEFAULT_CAPACITY, MAX_OUTPUT_TOKENS, parseCapacity } from './capacity-settings';
export {
  BEHAVIOUR_HEADERS,
  BehaviourError,
  DEFAULT_BEHAVIOUR,
  parseBehaviour,
  parseBehaviourHeaders,
} from './behaviour';
export { FIXTURES_DIR, FIXTURE_HEADER, FIXTURE_STATUS_HEADER } from './fixtures';
export { embeddingFor } from './protocols';
