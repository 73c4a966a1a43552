/**
 * @module capacity-settings
 * Defaults and validation of the capacity model's settings, given by code (`capacity` option,
 * `setCapacity`) or as JSON (`PATCH /__mock/capacity`). Every value is bounded so a request
 * cannot make the mock allocate or wait without limit. Pure: no I/O.
 */
import { BehaviourError } from './behaviour';
import type { Capacity } from './types';

/** Most tokens one answer may have, whatever `max_tokens` asks for. */
export const MAX_OUTPUT_TOKENS = 32_768;

/** The settings of fields left out: a small GPU server, unbounded queue. */
export const DEFAULT_CAPACITY: Readonly<Capacity> = Object.freeze({
  slots: 8,
  ttftMs: 50,
  tokensPerSecond: 50,
  batchSlowdown: 0.05,
  maxQueue: null,
  outputTokens: 64,
  kvTokens: null,
  slowdown: 1,
});

interface Rule {
  integer: boolean;
  /** Smallest value; `exclusive` when the value must be above it. */
  min: number;
  exclusive?: boolean;
  max: number;
  nullable?: boolean;
}

const RULES: Record<keyof Capacity, Rule> = {
  slots: { integer: true, min: 1, max: 100_000 },
  ttftMs: { integer: false, min: 0, max: 600_000 },
  tokensPerSecond: { integer: false, min: 0, exclusive: true, max: 1_000_000 },
  batchSlowdown: { integer: false, min: 0, max: 1000 },
  maxQueue: { integer: true, min: 0, max: 1_000_000, nullable: true },
  outputTokens: { integer: true, min: 1, max: MAX_OUTPUT_TOKENS },
  kvTokens: { integer: true, min: 1, max: 1_000_000_000, nullable: true },
  slowdown: { integer: false, min: 0, exclusive: true, max: 1000 },
};

function check(field: keyof Capacity, value: unknown): number | null {
  const rule = RULES[field];
  const where = `invalid capacity.${field}`;
  if (value === null && rule.nullable) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new BehaviourError(`${where}: expected a number${rule.nullable ? ' or null' : ''}`);
  }
  if (rule.integer && !Number.isInteger(value)) {
    throw new BehaviourError(`${where}: expected an integer`);
  }
  const tooSmall = rule.exclusive ? value <= rule.min : value < rule.min;
  if (tooSmall || value > rule.max) {
    const low = rule.exclusive ? `> ${rule.min}` : `>= ${rule.min}`;
    throw new BehaviourError(`${where}: expected ${low} and <= ${rule.max}`);
  }
  return value;
}

/**
 * Validate a capacity patch (JSON or code). Unknown fields and out-of-range values are refused.
 * @throws BehaviourError
 * @example
 * parseCapacity({ slowdown: 5 }) // → { slowdown: 5 }
 */
export function parseCapacity(input: unknown): Partial<Capacity> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new BehaviourError('invalid capacity: expected a JSON object');
  }
  const out = new Map<keyof Capacity, number | null>();
  for (const [key, value] of Object.entries(input)) {
    if (!Object.hasOwn(RULES, key)) {
      throw new BehaviourError(`invalid capacity: unknown field "${key}"`);
    }
    const field = key as keyof Capacity;
    if (value !== undefined) out.set(field, check(field, value));
  }
  return Object.fromEntries(out);
}

/**
 * How many tokens a generation request asks for: its `max_completion_tokens`, `max_tokens` or
 * `max_output_tokens` (the first that is a positive integer, at most `MAX_OUTPUT_TOKENS`), else
 * `fallback`.
 */
export function requestedTokens(body: Record<string, unknown>, fallback: number): number {
  for (const field of ['max_completion_tokens', 'max_tokens', 'max_output_tokens']) {
    const value = Object.hasOwn(body, field) ? body[field] : undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) {
      return Math.min(value, MAX_OUTPUT_TOKENS);
    }
  }
  return fallback;
}
