/**
 * @module checks/request-validation
 * request-validation's check beyond its schema (APISIX `check_schema`): `body_schema` and
 * `header_schema` are themselves valid JSON Schemas (compiled with the runtime ajv, so a schema
 * that passes here is one the data plane can use).
 */
import { validateAgainst } from '../validator';

/** The `$schema` URIs of the drafts APISIX's jsonschema library understands. */
const DRAFTS = /^https?:\/\/json-schema\.org\/draft-0[467]\/schema#?$/;

/**
 * A user schema as the runtime ajv (draft-07) compiles it: a draft-04/06/07 `$schema` marker
 * is dropped (ajv would look it up as a meta-schema); the input is not mutated.
 */
export function asDraft07(schema: Record<string, unknown>): Record<string, unknown> {
  const marker = schema.$schema;
  if (typeof marker !== 'string' || !DRAFTS.test(marker)) return schema;
  const copy: Record<string, unknown> = { ...schema };
  delete copy.$schema;
  return copy;
}

function compileError(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  try {
    validateAgainst(asDraft07(schema as Record<string, unknown>), null);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** First failure of a schema-valid request-validation config, or undefined. */
export function checkRequestValidation(conf: Record<string, unknown>): string | undefined {
  return compileError(conf.body_schema) ?? compileError(conf.header_schema);
}
