/**
 * @module format-errors
 * APISIX prints the first failure found by api7/jsonschema, with that library's wording and in
 * its keyword order (type, properties, array, string, number, enum, allOf, anyOf, oneOf, if,
 * not, format). ajv decides validity; when it rejects a value, {@link explainFailure} re-walks
 * the schema in api7's order and words the first failure as APISIX would. Like api7, the walk
 * fills defaults as it goes, so later keywords see them (work on a copy).
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { ErrorObject } from 'ajv';
import { ownValue, setOwn } from '@tollgate/core';
import { luaNumber, luaQuote, luaTypeOf } from './lua-format';

/** A JSON Schema node as stored in SCHEMAS. */
export type SchemaNode = Record<string, unknown>;
/** Looks a `$ref` up (our refs are absolute `tollgate:` ids). */
export type RefResolver = (ref: string) => SchemaNode | undefined;

type Obj = Record<string, unknown>;

const patternCache = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'u'); // the flag ajv uses, so both agree on what matches
    patternCache.set(pattern, re);
  }
  return re;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const entries = Object.entries(a);
  if (entries.length !== Object.keys(b).length) return false;
  const other = b as Obj;
  return entries.every(([k, va]) => Object.hasOwn(other, k) && deepEqual(va, other[k]));
}

function matchesType(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return isObj(v);
    case 'array':
      return Array.isArray(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'null':
      return v === null;
    default:
      return typeof v === type;
  }
}

function cloneDefault(v: unknown): unknown {
  return typeof v === 'object' && v !== null ? structuredClone(v) : v;
}

/** Returns api7/jsonschema's message for the first failure of `value`, or undefined if valid. */
export function explainFailure(
  schema: unknown,
  value: unknown,
  resolve: RefResolver,
): string | undefined {
  const walk = (s: unknown, v: unknown): string | undefined => {
    if (s === true || s === undefined) return undefined;
    if (s === false) return 'expect false always';
    if (!isObj(s)) return undefined;
    if (typeof s.$ref === 'string') {
      const target = resolve(s.$ref);
      return target ? walk(target, v) : `unresolved $ref ${s.$ref}`;
    }
    return (
      typeErr(s, v) ?? objectErr(s, v) ?? arrayErr(s, v) ?? scalarErr(s, v) ?? composedErr(s, v)
    );
  };

  const typeErr = (s: Obj, v: unknown): string | undefined => {
    const t = s.type;
    if (typeof t === 'string' && !matchesType(t, v)) {
      return `wrong type: expected ${t}, got ${luaTypeOf(v)}`;
    }
    if (Array.isArray(t) && !t.some((x) => matchesType(String(x), v))) {
      return `wrong type: expected one of ${t.join(', ')}, got ${luaTypeOf(v)}`;
    }
    return undefined;
  };

  const objectErr = (s: Obj, v: unknown): string | undefined => {
    if (!isObj(v)) return undefined;
    const props = isObj(s.properties) ? s.properties : {};
    const required = Array.isArray(s.required) ? (s.required as string[]) : [];
    const deps = isObj(s.dependencies) ? s.dependencies : {};
    const depErr = (prop: string): string | undefined => {
      const d = ownValue(deps, prop);
      if (Array.isArray(d)) {
        const missing = (d as string[]).find((p) => ownValue(v, p) === undefined);
        return missing === undefined
          ? undefined
          : `property "${missing}" is required when "${prop}" is set`;
      }
      if (d === undefined) return undefined;
      const err = walk(d, v);
      return err && `failed to validate dependent schema for "${prop}": ${err}`;
    };
    for (const [prop, sub] of Object.entries(props)) {
      const value = ownValue(v, prop);
      const present = value !== undefined;
      if (present) {
        const err = walk(sub, value);
        if (err) return `property "${prop}" validation failed: ${err}`;
        const dErr = depErr(prop);
        if (dErr) return dErr;
      } else if (required.includes(prop)) {
        return `property "${prop}" is required`;
      }
      if (!present && isObj(sub) && sub.default !== undefined) {
        setOwn(v, prop, cloneDefault(sub.default));
      }
    }
    const missing = required.find((p) => !Object.hasOwn(props, p) && ownValue(v, p) === undefined);
    if (missing !== undefined) return `property "${missing}" is required`;
    for (const prop of Object.keys(deps)) {
      if (!Object.hasOwn(props, prop) && ownValue(v, prop) !== undefined) {
        const dErr = depErr(prop);
        if (dErr) return dErr;
      }
    }
    const additional = s.additionalProperties;
    const patterns = isObj(s.patternProperties) ? Object.entries(s.patternProperties) : [];
    const checkExtra = additional !== undefined && additional !== true;
    if (patterns.length > 0 || checkExtra) {
      for (const [key, item] of Object.entries(v)) {
        let matched = false;
        for (const [pattern, sub] of patterns) {
          if (!regex(pattern).test(key)) continue;
          const err = walk(sub, item);
          if (err) return `failed to validate ${key} (matching "${pattern}"): ${err}`;
          matched = true;
        }
        if (!checkExtra || matched || Object.hasOwn(props, key)) continue;
        if (isObj(additional)) {
          const err = walk(additional, item);
          if (err) return `failed to validate additional property ${key}: ${err}`;
        } else {
          return `additional properties forbidden, found ${key}`;
        }
      }
    }
    const count = Object.keys(v).length;
    if (typeof s.minProperties === 'number' && count < s.minProperties) {
      return `expect object to have at least ${s.minProperties} properties`;
    }
    if (typeof s.maxProperties === 'number' && count > s.maxProperties) {
      return `expect object to have at most ${s.maxProperties} properties`;
    }
    return undefined;
  };

  const arrayErr = (s: Obj, v: unknown): string | undefined => {
    if (!Array.isArray(v)) return undefined;
    if (typeof s.minItems === 'number' && v.length < s.minItems) {
      return `expect array to have at least ${s.minItems} items`;
    }
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) {
      return `expect array to have at most ${s.maxItems} items`;
    }
    if (s.items !== undefined && !Array.isArray(s.items)) {
      for (let i = 0; i < v.length; i++) {
        const err = walk(s.items, v[i]);
        if (err) return `failed to validate item ${i + 1}: ${err}`;
      }
    }
    if (s.uniqueItems === true) {
      for (let j = 1; j < v.length; j++) {
        const i = v.findIndex((x, k) => k < j && deepEqual(x, v[j]));
        if (i >= 0) return `expected unique items but items ${i + 1} and ${j + 1} are equal`;
      }
    }
    return undefined;
  };

  const scalarErr = (s: Obj, v: unknown): string | undefined => {
    if (typeof v === 'string') {
      const len = [...v].length;
      if (typeof s.minLength === 'number' && len < s.minLength) {
        return `string too short, expected at least ${s.minLength}, got ${len}`;
      }
      if (typeof s.maxLength === 'number' && len > s.maxLength) {
        return `string too long, expected at most ${s.maxLength}, got ${len}`;
      }
      if (typeof s.pattern === 'string' && !regex(s.pattern).test(v)) {
        return `failed to match pattern ${luaQuote(s.pattern)} with ${luaQuote(v)}`;
      }
    }
    if (typeof v === 'number') {
      const n = luaNumber(v);
      const bound = (
        key: string,
        fails: (b: number) => boolean,
        words: string,
      ): string | undefined => {
        const b = ownValue(s, key);
        return typeof b === 'number' && fails(b)
          ? `expected ${n} to be ${words} ${luaNumber(b)}`
          : undefined;
      };
      const err =
        bound('minimum', (b) => v < b, 'at least') ??
        bound('exclusiveMinimum', (b) => v <= b, 'greater than') ??
        bound('maximum', (b) => v > b, 'at most') ??
        bound('exclusiveMaximum', (b) => v >= b, 'smaller than');
      if (err) return err;
      const m = s.multipleOf;
      if (typeof m === 'number' && !Number.isInteger(v / m)) {
        return `expected ${n} to be a multiple of ${luaNumber(m)}`;
      }
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, v))) {
      return 'matches none of the enum values';
    }
    return undefined;
  };

  const composedErr = (s: Obj, v: unknown): string | undefined => {
    if (Array.isArray(s.allOf)) {
      for (let i = 0; i < s.allOf.length; i++) {
        const err = walk(s.allOf[i], v);
        if (err) return `allOf ${i + 1} failed: ${err}`;
      }
    }
    if (Array.isArray(s.anyOf) && !s.anyOf.some((sub) => walk(sub, v) === undefined)) {
      const lists = s.anyOf
        .filter((sub): sub is Obj => isObj(sub) && Array.isArray(sub.required))
        .map((sub) => JSON.stringify(sub.required));
      return `object matches none of the required${lists.length ? `: ${lists.join(' or ')}` : ''}`;
    }
    if (Array.isArray(s.oneOf)) {
      let matched = 0;
      for (let i = 0; i < s.oneOf.length; i++) {
        if (walk(s.oneOf[i], v) !== undefined) continue;
        if (matched) {
          return `value should match only one schema, but matches both schemas ${matched} and ${i + 1}`;
        }
        matched = i + 1;
      }
      if (!matched) return 'value should match only one schema, but matches none';
    }
    if (s.if !== undefined) {
      const branch = walk(s.if, v) === undefined ? s.then : s.else;
      if (branch !== undefined && walk(branch, v) !== undefined) {
        return branch === s.then ? 'then clause did not match' : 'else clause did not match';
      }
    }
    if (s.not !== undefined && walk(s.not, v) === undefined) {
      return "value wasn't supposed to match schema";
    }
    if (typeof v === 'string' && s.format === 'ipv4' && !isIPv4(v)) {
      return `expect valid ipv4 address but got: ${v}`;
    }
    if (typeof v === 'string' && s.format === 'ipv6' && !isIPv6(v)) {
      return `expect valid ipv6 address but got: ${v}`;
    }
    if (s.const !== undefined && !deepEqual(s.const, v)) return 'failed to check const value';
    return undefined;
  };

  return walk(schema, value);
}

/**
 * Fallback wording of ajv's first error, used only if {@link explainFailure} finds nothing
 * (the two validators disagree); shaped like api7's nested `property "x" validation failed:`.
 */
export function formatAjvError(error: ErrorObject | undefined): string {
  if (!error) return 'invalid configuration';
  const segments = error.instancePath.split('/').slice(1);
  const prefix = segments
    .map((seg) =>
      /^\d+$/.test(seg)
        ? `failed to validate item ${Number(seg) + 1}: `
        : `property "${seg.replace(/~1/g, '/').replace(/~0/g, '~')}" validation failed: `,
    )
    .join('');
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${prefix}property "${String(p.missingProperty)}" is required`;
    case 'additionalProperties':
      return `${prefix}additional properties forbidden, found ${String(p.additionalProperty)}`;
    case 'enum':
      return `${prefix}matches none of the enum values`;
    case 'type':
      return `${prefix}wrong type: expected ${String(p.type)}`;
    default:
      return `${prefix}${error.message ?? 'invalid'}`;
  }
}
