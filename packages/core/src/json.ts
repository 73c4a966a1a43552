/**
 * @module json
 * The one test for "a JSON object" (not an array, not null) that config, admin and log code use.
 */

export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object. */
export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
