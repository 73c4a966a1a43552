/**
 * @module @tollgate/plugins
 * Every plugin the data plane runs, by name. One folder per plugin; this file is the registry.
 */
import type { PluginDefinition, PluginRegistry } from '@tollgate/core';
import { keyAuth } from './key-auth';

const ALL: PluginDefinition<never>[] = [keyAuth];

/** Plugin definitions by name. */
export const PLUGINS: PluginRegistry = new Map(
  ALL.map((p) => [p.name, p as PluginDefinition<unknown>]),
);
