/**
 * @module registry
 * Lookup of the generated schemas by id, and their self-contained ("inlined") form served by the
 * Admin API, where every `$ref` is replaced by the schema it points to, as APISIX's are.
 */
import { setOwn } from '@tollgate/core';
import { SCHEMAS, type SchemaId } from './generated/schemas';
import type { SchemaNode } from './format-errors';

/** The stored schema for an id, or undefined. */
export function schemaById(id: string): SchemaNode | undefined {
  return Object.hasOwn(SCHEMAS, id) ? SCHEMAS[id as SchemaId] : undefined;
}

function inline(node: unknown, seen: readonly string[]): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, seen));
  if (typeof node !== 'object' || node === null) return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (typeof src.$ref === 'string' && !seen.includes(src.$ref)) {
    const target = schemaById(src.$ref);
    if (target) {
      const { $id: _id, $schema: _schema, ...rest } = target;
      Object.assign(out, inline(rest, [...seen, src.$ref]));
    }
  }
  for (const [key, value] of Object.entries(src)) {
    if (key === '$ref' && Object.keys(out).length > 0) continue;
    setOwn(out, key, key === 'enum' || key === 'default' ? value : inline(value, seen));
  }
  return out;
}

const inlined = new Map<string, SchemaNode>();

/** A deep, self-contained copy of a schema (no `$ref`s), safe for callers to keep or mutate. */
export function inlinedSchema(id: string): SchemaNode | undefined {
  let cached = inlined.get(id);
  if (!cached) {
    if (!schemaById(id)) return undefined;
    cached = inline(schemaById(id), [id]) as SchemaNode;
    inlined.set(id, cached);
  }
  return structuredClone(cached);
}
