/**
 * @module config/env-vars
 * APISIX's `${{NAME}}` and `${{NAME:=default}}` references (apisix/cli/file.lua,
 * `resolve_conf_var`), resolved in the parsed file: in string values only, never in keys or
 * comments, anywhere inside a value and any number of times. A value with a reference that then
 * reads as a number or `true`/`false` becomes that number or boolean, as in APISIX, except where
 * Tollgate reads a string (keys, passwords, paths): there the text stays as it is, so that a key
 * `0123` is not turned into the number 123.
 */

/** A problem with one value; the caller adds the file name. */
export class ConfigValueError extends Error {}

/** The parts of a JSON Schema that say what a value must be. */
interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly anyOf?: readonly SchemaNode[];
}

/** APISIX's config nests a few levels; anything far deeper is refused, not recursed into. */
export const MAX_DEPTH = 64;

/** `${{` then a name first (APISIX: `[%w_]+`), anything up to the first `}}`. */
const REFERENCE = /\$\{\{\s*([A-Za-z0-9_]+[^]*?)\s*\}\}/g;
const NAME_ONLY = /^[A-Za-z0-9_]+$/;
const WITH_DEFAULT = /^([A-Za-z0-9_]+)\s*:=([^]*)$/;
/** What Lua's `tonumber` reads: decimal (optional fraction and exponent) or hexadecimal. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]+)$/;

function branches(schema: SchemaNode | undefined): SchemaNode[] {
  return schema ? [schema, ...(schema.anyOf ?? [])] : [];
}

function propertySchema(schema: SchemaNode | undefined, key: string): SchemaNode | undefined {
  for (const branch of branches(schema)) {
    if (branch.properties && Object.hasOwn(branch.properties, key)) return branch.properties[key];
  }
  return undefined;
}

function itemSchema(schema: SchemaNode | undefined): SchemaNode | undefined {
  return branches(schema).find((branch) => branch.items)?.items;
}

function readsString(schema: SchemaNode | undefined): boolean {
  return schema?.type !== undefined && [schema.type].flat().includes('string');
}

/** The number Lua's `tonumber` would make of `text`, if any. */
function luaNumber(text: string): number | undefined {
  const trimmed = text.trim();
  const hex = HEX.exec(trimmed);
  const value = hex
    ? (hex[1] === '-' ? -1 : 1) * Number.parseInt(hex[2] ?? '', 16)
    : DECIMAL.test(trimmed)
      ? Number(trimmed)
      : undefined;
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

function lookup(env: NodeJS.ProcessEnv, body: string, where: string): string {
  const named = NAME_ONLY.test(body) ? [body, undefined] : WITH_DEFAULT.exec(body)?.slice(1, 3);
  const [name, fallback] = named ?? [];
  if (name === undefined) {
    throw new ConfigValueError(
      `${where}: \${{${body}}} is not a reference: use \${{NAME}} or \${{NAME:=default}}`,
    );
  }
  // Own variables only: `${{constructor}}` must not find a method of Object.prototype.
  const value = Object.hasOwn(env, name) ? env[name] : undefined;
  if (value !== undefined) return value;
  if (fallback !== undefined) return fallback.trim();
  throw new ConfigValueError(
    `environment variable ${name} is not set (referenced as \${{${name}}}) at ${where}`,
  );
}

function resolveString(
  text: string,
  env: NodeJS.ProcessEnv,
  where: string,
  keepString: boolean,
): unknown {
  let used = false;
  const replaced = text.replace(REFERENCE, (_match, body: string) => {
    used = true;
    return lookup(env, body, where);
  });
  if (!used || keepString) return replaced;
  if (replaced === 'true') return true;
  if (replaced === 'false') return false;
  return luaNumber(replaced) ?? replaced;
}

function resolveNode(
  node: unknown,
  schema: SchemaNode | undefined,
  env: NodeJS.ProcessEnv,
  where: string,
  depth: number,
): unknown {
  if (typeof node === 'string') return resolveString(node, env, where, readsString(schema));
  if (typeof node !== 'object' || node === null) return node;
  if (depth >= MAX_DEPTH) {
    throw new ConfigValueError(`${where}: nested deeper than ${MAX_DEPTH} levels`);
  }
  if (Array.isArray(node)) {
    const items = itemSchema(schema);
    return node.map((item, i) => resolveNode(item, items, env, `${where}[${i}]`, depth + 1));
  }
  // A fresh object of the parsed one's own keys: a key `__proto__` stays a plain own key here
  // (defineProperty, not assignment), and an alias that YAML shares is resolved once per use.
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    const resolved = resolveNode(
      value,
      propertySchema(schema, key),
      env,
      where === '(root)' ? key : `${where}.${key}`,
      depth + 1,
    );
    Object.defineProperty(out, key, {
      value: resolved,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * A copy of the parsed file with every reference replaced from `env`. `schema` tells which values
 * Tollgate reads as strings. Throws ConfigValueError naming the key for a variable that is not set
 * and has no default, a malformed reference, or nesting deeper than MAX_DEPTH.
 */
export function resolveEnvVars(tree: unknown, env: NodeJS.ProcessEnv, schema: unknown): unknown {
  return resolveNode(tree, schema as SchemaNode, env, '(root)', 0);
}
