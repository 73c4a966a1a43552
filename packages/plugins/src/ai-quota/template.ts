/**
 * @module ai-quota/template
 * APISIX's variable templates in quota settings (3.16+): `${http_count ?? 10}` reads request
 * variable `http_count`, falling back to `10`; `$remote_addr` and `${name}` read a variable.
 * A template resolves when at least one variable it names is present.
 */
import type { RequestContext } from '@tollgate/core';

const TOKEN = /\$\{\s*([A-Za-z0-9_]+)\s*(?:\?\?\s*([^}]*?)\s*)?\}|\$([A-Za-z0-9_]+)/g;

export interface Resolved {
  value: string;
  /** True when some variable of the template had a value (a default alone does not count). */
  anyVariable: boolean;
}

/** Resolve `template` against the request's variables. Plain strings resolve to themselves. */
export function resolveTemplate(template: string, ctx: RequestContext): Resolved {
  let anyVariable = false;
  const value = template.replace(TOKEN, (_m, braced?: string, fallback?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    const found = ctx.vars.get(name);
    if (typeof found === 'string' ? found !== '' : typeof found === 'number') {
      anyVariable = true;
      return String(found);
    }
    return fallback ?? '';
  });
  return { value, anyVariable };
}

/** True when `text` contains a variable reference. */
export function isTemplate(text: string): boolean {
  TOKEN.lastIndex = 0;
  return TOKEN.test(text);
}

/**
 * A number setting: an integer as is, or a template that must resolve to a positive integer
 * (at most 2^53-1). Undefined when it does not.
 */
export function resolveCount(setting: number | string, ctx: RequestContext): number | undefined {
  if (typeof setting === 'number') return setting;
  const n = Number(resolveTemplate(setting, ctx).value);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
