/**
 * @module behaviour
 * Defaults, validation and per-request `X-Mock-*` header overrides of the mock's behaviour.
 * Pure: no I/O.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Behaviour, UsageOverride } from './types';

/** The behaviour when nothing is configured: answer 200 at once, report estimated usage. */
export const DEFAULT_BEHAVIOUR: Readonly<Behaviour> = Object.freeze({
  status: 200,
  delayMs: 0,
  ttftMs: 0,
  tokensPerSecond: 0,
  reset: false,
  hang: false,
  malformed: false,
  omitUsage: false,
  loop: false,
  waiting: 0,
  embeddingDimensions: 8,
});

/** A behaviour value that cannot be used; the mock answers 400 with its message. */
export class BehaviourError extends Error {
  override name = 'BehaviourError';
}

type Kind = 'status' | 'count' | 'rate' | 'flag' | 'text' | 'usage';

const KINDS: Record<keyof Behaviour, Kind> = {
  status: 'status',
  retryAfter: 'count',
  delayMs: 'count',
  ttftMs: 'count',
  tokensPerSecond: 'rate',
  cutAfterEvents: 'count',
  loop: 'flag',
  reset: 'flag',
  hang: 'flag',
  malformed: 'flag',
  omitUsage: 'flag',
  usage: 'usage',
  content: 'text',
  model: 'text',
  waiting: 'count',
  embeddingDimensions: 'count',
};

const FIELDS = Object.keys(KINDS) as (keyof Behaviour)[];

/** `ttftMs` → `X-Mock-Ttft-Ms`: the header that sets a field for one request (any case). */
export function headerFor(field: keyof Behaviour): string {
  const kebab = field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return `x-mock-${kebab}`;
}

/** Every per-request header, by field (lower case, as Node presents them). */
export const BEHAVIOUR_HEADERS: Readonly<Record<keyof Behaviour, string>> = Object.freeze(
  Object.fromEntries(FIELDS.map((f) => [f, headerFor(f)])) as Record<keyof Behaviour, string>,
);

function fail(where: string, why: string): never {
  throw new BehaviourError(`invalid ${where}: ${why}`);
}

function checkNumber(where: string, kind: Kind, n: number): number {
  if (!Number.isFinite(n) || n < 0) fail(where, 'expected a number >= 0');
  if (kind === 'rate') return n;
  if (!Number.isInteger(n)) fail(where, 'expected an integer');
  if (kind === 'status' && (n < 100 || n > 599)) fail(where, 'expected a status 100-599');
  return n;
}

function checkUsage(where: string, value: unknown): UsageOverride {
  const u = value as Partial<UsageOverride> | null;
  if (typeof u !== 'object' || u === null || Array.isArray(u)) {
    fail(where, 'expected {prompt, completion}');
  }
  return {
    prompt: checkNumber(`${where}.prompt`, 'count', Number(u.prompt)),
    completion: checkNumber(`${where}.completion`, 'count', Number(u.completion)),
  };
}

function fromJson(field: keyof Behaviour, value: unknown): unknown {
  const kind = KINDS[field];
  const where = `behaviour.${field}`;
  if (value === null || value === undefined) return DEFAULT_BEHAVIOUR[field];
  switch (kind) {
    case 'flag':
      if (typeof value !== 'boolean') fail(where, 'expected a boolean');
      return value;
    case 'text':
      if (typeof value !== 'string') fail(where, 'expected a string');
      return value;
    case 'usage':
      return checkUsage(where, value);
    default:
      if (typeof value !== 'number') fail(where, 'expected a number');
      return checkNumber(where, kind, value);
  }
}

/**
 * Validate a behaviour patch given as JSON (`PUT /__mock/behaviour`) or by code. `null` (or
 * `undefined`) puts a field back to its default. Unknown fields are refused.
 * @throws BehaviourError
 */
export function parseBehaviour(input: unknown): Partial<Behaviour> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new BehaviourError('invalid behaviour: expected a JSON object');
  }
  const out = Object.entries(input).map(([key, value]) => {
    if (!Object.hasOwn(KINDS, key)) {
      throw new BehaviourError(`invalid behaviour: unknown field "${key}"`);
    }
    return [key, fromJson(key as keyof Behaviour, value)];
  });
  return Object.fromEntries(out) as Partial<Behaviour>;
}

const TRUE = new Set(['1', 'true', 'yes', 'on', '']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

function fromHeader(field: keyof Behaviour, raw: string): unknown {
  const where = `${BEHAVIOUR_HEADERS[field]} header`;
  const value = raw.trim();
  switch (KINDS[field]) {
    case 'flag': {
      const v = value.toLowerCase();
      if (TRUE.has(v)) return true;
      if (FALSE.has(v)) return false;
      return fail(where, 'expected true or false');
    }
    case 'text':
      // Node reads header bytes as latin1; give UTF-8 text back its characters.
      return Buffer.from(raw, 'latin1').toString('utf8');
    case 'usage': {
      const m = /^(\d+)\s*,\s*(\d+)$/.exec(value);
      if (!m) return fail(where, 'expected "<prompt>,<completion>", e.g. "23,8"');
      return { prompt: Number(m[1]), completion: Number(m[2]) };
    }
    default:
      if (value === '') fail(where, 'expected a number');
      return checkNumber(where, KINDS[field], Number(value));
  }
}

/**
 * The overrides carried by a request's `X-Mock-*` headers.
 * @throws BehaviourError when a header value is invalid
 * @example
 * parseBehaviourHeaders({ 'x-mock-status': '429', 'x-mock-retry-after': '2' })
 * // → { status: 429, retryAfter: 2 }
 */
export function parseBehaviourHeaders(headers: IncomingHttpHeaders): Partial<Behaviour> {
  const out: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const name = BEHAVIOUR_HEADERS[field];
    const raw = Object.hasOwn(headers, name) ? headers[name] : undefined;
    if (raw === undefined) continue;
    out[field] = fromHeader(field, Array.isArray(raw) ? (raw[raw.length - 1] ?? '') : raw);
  }
  return out;
}

/** `base` with `patch` applied; an `undefined` in the patch resets that field to its default. */
export function mergeBehaviour(base: Behaviour, patch: Partial<Behaviour>): Behaviour {
  const changes = Object.entries(patch).map(([key, value]) => {
    if (!Object.hasOwn(KINDS, key)) {
      throw new BehaviourError(`invalid behaviour: unknown field "${key}"`);
    }
    return [key, value === undefined ? DEFAULT_BEHAVIOUR[key as keyof Behaviour] : value];
  });
  return { ...base, ...Object.fromEntries(changes) } as Behaviour;
}
