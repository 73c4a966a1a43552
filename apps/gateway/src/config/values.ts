/**
 * @module config/values
 * Readers for fields of validated config values, shared by the snapshot builders.
 */
import { isPlainObject } from '@tollgate/core';
import type { ConfigValue } from './update';

/** An id field (`service_id`, `group_id`) as text; undefined when absent. */
export function idOf(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** A value's `plugins` map; undefined when it has none. */
export function pluginsOf(value: ConfigValue | undefined): Record<string, unknown> | undefined {
  const plugins = value?.plugins;
  return isPlainObject(plugins) ? plugins : undefined;
}

/** A nested object field (`upstream`); undefined when absent or not an object. */
export function objectOf(value: unknown): ConfigValue | undefined {
  return isPlainObject(value) ? value : undefined;
}
