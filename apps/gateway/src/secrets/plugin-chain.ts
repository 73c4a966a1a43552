/**
 * @module secrets/plugin-chain
 * Plugin confs with their references resolved, for the request that runs them (APISIX resolves
 * a plugin's conf with `fetch_secrets` before running it). A chain none of whose confs holds a
 * reference is returned as it is, synchronously: the answer is computed once per chain and per
 * bound instance and kept in WeakMaps, so configs without references cost one lookup.
 *
 * A resolved instance is rebuilt only when a resolved value changes, so plugins that keep state
 * per conf object (pools, counters by owner) keep it while the secret stays the same.
 */
import { bindPlugins, type PluginInstance } from '@tollgate/core';
import { findReferences, type ReferenceSite, substitute } from './references';
import { SecretReferenceError, type SecretResolver } from './resolver';

type Chain = readonly PluginInstance[];

/** A plugin's conf holds a reference that could not be resolved: the request cannot run it. */
export class PluginSecretError extends Error {
  constructor(
    readonly plugin: string,
    readonly owner: string,
    readonly failure: SecretReferenceError,
  ) {
    super(`plugin ${plugin} of ${owner}: ${failure.message}`);
  }
}

interface ResolvedInstance {
  values: readonly string[];
  instance: PluginInstance;
}

/** Resolves the references of plugin chains with one {@link SecretResolver}. */
export class PluginChainResolver {
  private readonly chainHasReferences = new WeakMap<Chain, boolean>();
  private readonly sitesOf = new WeakMap<PluginInstance, readonly ReferenceSite[]>();
  private readonly resolved = new WeakMap<PluginInstance, ResolvedInstance>();

  constructor(private readonly resolver: SecretResolver) {}

  /** `chain` itself when it holds no reference, else a promise of the chain with values in. */
  resolve(chain: Chain): Chain | Promise<Chain> {
    let has = this.chainHasReferences.get(chain);
    if (has === undefined) {
      has = chain.some((instance) => this.sites(instance).length > 0);
      this.chainHasReferences.set(chain, has);
    }
    return has ? Promise.all(chain.map((instance) => this.resolveInstance(instance))) : chain;
  }

  private sites(instance: PluginInstance): readonly ReferenceSite[] {
    let sites = this.sitesOf.get(instance);
    if (sites === undefined) {
      sites = findReferences(instance.conf);
      this.sitesOf.set(instance, sites);
    }
    return sites;
  }

  private async resolveInstance(instance: PluginInstance): Promise<PluginInstance> {
    const sites = this.sites(instance);
    if (sites.length === 0) return instance;
    const values = await Promise.all(
      sites.map((site) => this.resolver.resolve(site.reference)),
    ).catch((err: unknown) => {
      throw err instanceof SecretReferenceError
        ? new PluginSecretError(instance.plugin.name, instance.owner, err)
        : err;
    });
    const previous = this.resolved.get(instance);
    if (previous && previous.values.every((value, i) => value === values[i]))
      return previous.instance;
    const conf = substitute(instance.conf, sites, values);
    const { plugin, owner } = instance;
    const [rebound] = bindPlugins(
      Object.fromEntries([[plugin.name, conf]]),
      owner,
      new Map([[plugin.name, plugin]]),
      () => undefined,
    );
    // bindPlugins accepted this conf once; the same conf with strings swapped binds the same way.
    if (!rebound) throw new Error(`plugin ${plugin.name} could not be bound with its secrets`);
    this.resolved.set(instance, { values, instance: rebound });
    return rebound;
  }
}
