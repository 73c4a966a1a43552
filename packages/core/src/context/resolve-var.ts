/**
 * @module context/resolve-var
 * APISIX's `core.utils.resolve_var`: `$name` and `${name}` in a configured string replaced by the
 * request's variables (absent ones by the empty string); `\$` is not a variable.
 *
 * @example
 * resolveVar('/user/$arg_id?from=${host}', ctx.vars.lookup); // '/user/7?from=example.com'
 */
import type { VarLookup } from '../expr';

const VARIABLE = /(?<!\\)\$(?:\{(\w+)\}|(\w+))/g;

/** A variable's value as APISIX's `tostring` writes it ('' when absent). */
export function varToText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/**
 * `template` with every `$name`/`${name}` replaced by `lookup(name)`. `escape`, when given, is
 * applied to each substituted value (proxy-rewrite escapes `?` in values it puts into a path).
 */
export function resolveVar(
  template: string,
  lookup: VarLookup,
  escape?: (value: string) => string,
): string {
  if (!template.includes('$')) return template;
  return template.replace(VARIABLE, (_m, braced: string | undefined, bare: string | undefined) => {
    const text = varToText(lookup(braced ?? bare ?? ''));
    return escape ? escape(text) : text;
  });
}
