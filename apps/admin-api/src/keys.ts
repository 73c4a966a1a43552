/**
 * @module keys
 * APISIX's etcd key layout under a configurable prefix (default `/apisix`):
 * `<prefix>/<resource>/<id>`, consumer credentials under `<prefix>/consumers/<user>/credentials/<id>`.
 */

export class KeyLayout {
  constructor(readonly prefix: string) {}

  /** `/apisix/routes/1` */
  item(resource: string, id: string): string {
    return `${this.prefix}/${resource}/${id}`;
  }

  /** `/apisix/routes/` — the range that lists a resource. */
  dir(resource: string): string {
    return `${this.prefix}/${resource}/`;
  }

  /** `/apisix/gen_id`, the POST id counter. */
  get genId(): string {
    return `${this.prefix}/gen_id`;
  }

  /** `/apisix/plugins`, the list of enabled plugins written by the control plane. */
  get plugins(): string {
    return `${this.prefix}/plugins`;
  }
}
