/**
 * @module secrets/references
 * Which strings are secret references and where they sit in a plugin conf. As APISIX's
 * `secret.fetch_secrets` does, only a whole string value is a reference (`"Bearer $env://K"`
 * is a literal), found by walking every table of the conf; `$secret://` is case-sensitive,
 * `$env://` is not. The walk is bounded (depth, count) since confs come from the Admin API.
 */
import { ownValue } from '@tollgate/core';

export const SECRET_PREFIX = '$secret://';
const ENV_PREFIX_UPPER = '$ENV://';
/** Deeper than any plugin schema nests; a conf deeper than this is not searched further. */
const MAX_DEPTH = 32;
/** References in one plugin conf beyond this are left unresolved (and reported by the caller). */
export const MAX_REFERENCES_PER_CONF = 64;

/** Whether `value` is a whole-value reference (`$secret://...` or `$env://...`, any case). */
export function isReference(value: string): boolean {
  if (value.charCodeAt(0) !== 36 /* $ */) return false;
  return (
    value.startsWith(SECRET_PREFIX) ||
    value.slice(0, ENV_PREFIX_UPPER.length).toUpperCase() === ENV_PREFIX_UPPER
  );
}

/** Where a reference sits: the keys (object keys or array indexes) from the conf's root. */
export interface ReferenceSite {
  path: readonly (string | number)[];
  reference: string;
}

/** Every reference in `conf`, in walk order, at most {@link MAX_REFERENCES_PER_CONF}. */
export function findReferences(conf: unknown): ReferenceSite[] {
  const sites: ReferenceSite[] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (sites.length >= MAX_REFERENCES_PER_CONF || path.length > MAX_DEPTH) return;
    if (typeof node === 'string') {
      if (isReference(node)) sites.push({ path: [...path], reference: node });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, [...path, i]));
      return;
    }
    if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) walk(value, [...path, key]);
    }
  };
  walk(conf, []);
  return sites;
}

/** The member `key` of a node the walk went through (an own key or an array index). */
function child(node: unknown, key: string | number): unknown {
  if (Array.isArray(node) && typeof key === 'number') return node[key];
  return typeof key === 'string' && typeof node === 'object' && node !== null
    ? ownValue(node as Record<string, unknown>, key)
    : undefined;
}

/** A deep copy of `conf` with the string at each site replaced by its value, in site order. */
export function substitute(
  conf: unknown,
  sites: readonly ReferenceSite[],
  values: readonly string[],
): unknown {
  const copy: unknown = structuredClone(conf);
  sites.forEach((site, i) => {
    let parent: unknown = copy;
    for (const key of site.path.slice(0, -1)) parent = child(parent, key);
    const last = site.path.at(-1);
    if (last === undefined) return;
    Object.defineProperty(parent, last, {
      value: values[i],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  return copy;
}
