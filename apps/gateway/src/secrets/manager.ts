/**
 * @module secrets/manager
 * The one interface every secret manager (`vault`, `aws`, `gcp`) implements, as APISIX's
 * `apisix/secret/<manager>.lua` modules each expose `get(conf, key)`. The resolver
 * (`$secret://<manager>/<id>/<key>`) looks the stored `secrets/<manager>/<id>` conf up and hands
 * it, with the rest of the reference, to the manager registered under `<manager>`.
 */

/** Fetches one secret value from a secret store. */
export interface SecretManager {
  /**
   * The value stored under `key` for the secret conf `conf`.
   * @param conf the stored `secrets/<manager>/<id>` value (validated against its schema)
   * @param key the rest of the reference after `<manager>/<id>/`; each manager splits it as APISIX does
   * @param signal aborts the fetch (timeouts, shutdown)
   * @throws Error whose message names no secret value (it may be logged)
   */
  get(conf: Readonly<Record<string, unknown>>, key: string, signal: AbortSignal): Promise<string>;
}
