/**
 * @module secrets/managers/secret-key
 * How APISIX's `aws` and `gcp` managers address a value: the reference key `<secret>/<field>` is
 * split at its last `/` (the secret's name may hold `/`), the secret is fetched by its name, it is
 * a JSON object and the value is its `<field>`. Error texts are APISIX's, except that a secret that is no JSON is
 * not quoted back (APISIX logs `failed to decode result, res: <secret>`; Tollgate never logs a
 * secret).
 */
import { ownValue } from '@tollgate/core';

/**
 * `main` (the secret's name) and `field` of a key, or APISIX's error for a malformed one; vault.lua
 * splits its keys the same way.
 */
export function splitSecretKey(key: string): { main: string; field: string } {
  const idx = key.lastIndexOf('/');
  if (idx < 0) throw new Error(`error key format, key: ${key}`);
  const main = key.slice(0, idx);
  if (main === '') throw new Error(`can't find main key, key: ${key}`);
  const field = key.slice(idx + 1);
  if (field === '') throw new Error(`can't find sub key, key: ${key}`);
  return { main, field };
}

/**
 * The string `field` of the JSON object `secret`. APISIX hands back whatever the field holds; a
 * value that is no string (or is missing) is an error here, as Tollgate's references resolve to
 * strings only.
 */
function secretField(secret: string, field: string, main: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    throw new Error(`failed to decode result of secret ${main}: not JSON`);
  }
  const value =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? ownValue(parsed as Record<string, unknown>, field)
      : undefined;
  if (typeof value !== 'string') throw new Error(`no string field "${field}" in secret ${main}`);
  return value;
}

/**
 * `<field>` of the JSON secret `fetchSecret` gets for the key's secret name; a failed fetch is
 * APISIX's `failed to retrtive data from <manager> secret manager: <reason>` (its spelling).
 */
export async function readSecretField(
  manager: string,
  key: string,
  fetchSecret: (name: string) => Promise<string>,
): Promise<string> {
  const { main, field } = splitSecretKey(key);
  let secret: string;
  try {
    secret = await fetchSecret(main);
  } catch (err) {
    throw new Error(
      `failed to retrtive data from ${manager} secret manager: ${(err as Error).message}`,
    );
  }
  return secretField(secret, field, main);
}
