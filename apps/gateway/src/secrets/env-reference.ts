/**
 * @module secrets/env-reference
 * `$env://NAME` and `$env://NAME/<field>` references, as APISIX's `core/env.lua`: the prefix is
 * matched case-insensitively (`$ENV://` too), the value is the variable's, and with `/<field>`
 * the variable holds JSON and the value is that field.
 *
 * The environment is read from a snapshot taken when the module loads (the worker's start), as
 * APISIX reads `environ` once per worker. Tollgate decision (docs/secrets.md): Tollgate's own
 * `TOLLGATE_*` variables (the admin key among them) are left out of the snapshot, so a route
 * cannot copy them into a request.
 */
import { environment, ownValue } from '@tollgate/core';

export const ENV_PREFIX = '$ENV://';

const OWN_SETTINGS = /^TOLLGATE_/;

const snapshot: ReadonlyMap<string, string> = new Map(
  Object.entries(environment()).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && !OWN_SETTINGS.test(entry[0]),
  ),
);

/** Whether `value` starts with `$env://` in any case. */
export function isEnvReference(value: string): boolean {
  return (
    value.length > ENV_PREFIX.length &&
    value.slice(0, ENV_PREFIX.length).toUpperCase() === ENV_PREFIX
  );
}

/** The field `name` of the JSON object `json`, when it is a string. */
function jsonField(json: string, name: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('the variable does not hold JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const value = ownValue(parsed as Record<string, unknown>, name);
  return typeof value === 'string' ? value : undefined;
}

/**
 * The value an `$env://` reference names; `undefined` when the variable (or field) is unset or
 * `reference` is no `$env://` reference. Throws when a field is asked of a variable that is not JSON.
 */
export function resolveEnvReference(reference: string): string | undefined {
  if (!isEnvReference(reference)) return undefined;
  const path = reference.slice(ENV_PREFIX.length);
  const slash = path.indexOf('/');
  const name = slash < 0 ? path : path.slice(0, slash);
  const value = snapshot.get(name);
  if (value === undefined || slash < 0) return value;
  const field = path.slice(slash + 1);
  return field === '' ? value : jsonField(value, field);
}
