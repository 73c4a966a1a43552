/**
 * @module enabled-plugins
 * The plugins this Admin API offers: config.yaml's `plugins` list (APISIX's allow list), or every
 * plugin Tollgate has when the list is absent. A plugin left out is unknown to the Admin API, as
 * in APISIX: configs naming it are refused and it is not listed.
 */
import { getPlugin, listPlugins, type PluginCatalogEntry } from '@tollgate/schema';

export class EnabledPlugins {
  private readonly names: ReadonlySet<string> | undefined;

  /** `names` undefined enables every plugin; unknown names are the caller's to refuse. */
  constructor(names?: readonly string[]) {
    this.names = names && new Set(names);
  }

  /** The catalogue entry of an enabled plugin, else undefined. */
  get(name: string): PluginCatalogEntry | undefined {
    return this.names && !this.names.has(name) ? undefined : getPlugin(name);
  }

  /** Enabled plugins by descending priority (APISIX's plugins/list order). */
  list(): PluginCatalogEntry[] {
    const names = this.names;
    return names ? listPlugins().filter((p) => names.has(p.name)) : listPlugins();
  }
}
