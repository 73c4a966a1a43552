/**
 * @module config/consumer-directory
 * Consumers of one snapshot: by username, and by auth credential (`key-auth` key) across
 * consumers and their credentials. Each consumer's plugins are its group's with its own on top.
 * A credential whose conf holds `$secret://`/`$env://` references is indexed as written and listed
 * in `withReferences`; the worker indexes it again under its resolved conf (`addResolved`).
 */
import {
  bindPlugins,
  isPlainObject,
  mergeChains,
  ownValue,
  type ConsumerDirectory,
  type ConsumerInfo,
  type CredentialMatch,
  type PluginInstance,
  type PluginRegistry,
} from '@tollgate/core';
import { findReferences } from '../secrets/references';
import type { ConfigValue } from './update';
import { idOf, pluginsOf } from './values';

/** The field that identifies a consumer, per auth plugin. */
const CREDENTIAL_FIELDS: Record<string, string> = {
  'key-auth': 'key',
  'basic-auth': 'username',
  'jwt-auth': 'key',
  'hmac-auth': 'key_id',
};

export type BindError = (owner: string, plugin: string, message: string) => void;

/** An auth plugin conf of a consumer or credential that holds secret references. */
export interface CredentialWithReferences {
  plugin: string;
  field: string;
  conf: Record<string, unknown>;
  consumer: ConsumerInfo;
}

/**
 * The consumer as matched by one of its credentials, read on every request it authenticates.
 * Named member by member: `{ ...consumer, credentialId }` would give each one a map of its own.
 */
function withCredential(consumer: ConsumerInfo, credentialId: string): ConsumerInfo {
  return {
    username: consumer.username,
    groupId: consumer.groupId,
    labels: consumer.labels,
    plugins: consumer.plugins,
    credentialId,
  };
}

export class SnapshotConsumers implements ConsumerDirectory {
  private readonly byName = new Map<string, ConsumerInfo>();
  private readonly byCredential = new Map<string, CredentialMatch>();
  private readonly referencing: CredentialWithReferences[] = [];

  constructor(
    consumers: Map<string, ConfigValue>,
    credentials: Map<string, { username: string; id: string; value: ConfigValue }>,
    groups: Map<string, ConfigValue>,
    registry: PluginRegistry,
    onError: BindError,
  ) {
    const groupChains = new Map<string, PluginInstance[]>();
    const groupChain = (id: string): PluginInstance[] => {
      let chain = groupChains.get(id);
      if (!chain) {
        const owner = `consumer_groups/${id}`;
        chain = bindPlugins(pluginsOf(groups.get(id)), owner, registry, (p, m) =>
          onError(owner, p, m),
        );
        groupChains.set(id, chain);
      }
      return chain;
    };
    for (const [username, value] of consumers) {
      const owner = `consumers/${username}`;
      const own = bindPlugins(pluginsOf(value), owner, registry, (p, m) => onError(owner, p, m));
      const groupId = idOf(value.group_id);
      const info: ConsumerInfo = {
        username,
        groupId,
        labels: value.labels as Record<string, string> | undefined,
        plugins: groupId === undefined ? own : mergeChains(groupChain(groupId), own),
      };
      this.byName.set(username, info);
      this.index(pluginsOf(value), info);
    }
    for (const { username, id, value } of credentials.values()) {
      const consumer = this.byName.get(username);
      if (consumer) this.index(pluginsOf(value), withCredential(consumer, id));
    }
  }

  private index(plugins: Record<string, unknown> | undefined, info: ConsumerInfo): void {
    for (const [plugin, field] of Object.entries(CREDENTIAL_FIELDS)) {
      const conf = plugins && ownValue(plugins, plugin);
      const secret = isPlainObject(conf) ? ownValue(conf, field) : undefined;
      if (typeof secret === 'string' && isPlainObject(conf)) {
        this.byCredential.set(`${plugin}\0${field}\0${secret}`, { consumer: info, conf });
        if (findReferences(conf).length > 0) {
          this.referencing.push({ plugin, field, conf, consumer: info });
        }
      }
    }
  }

  /** The auth confs that hold references, to be resolved and indexed with `addResolved`. */
  get withReferences(): readonly CredentialWithReferences[] {
    return this.referencing;
  }

  /** Index `credential` under `resolved`, its conf with the references' values in. */
  addResolved(credential: CredentialWithReferences, resolved: Record<string, unknown>): void {
    const secret = ownValue(resolved, credential.field);
    if (typeof secret !== 'string') return;
    this.byCredential.set(`${credential.plugin}\0${credential.field}\0${secret}`, {
      consumer: credential.consumer,
      conf: resolved,
    });
  }

  findByCredential(plugin: string, field: string, value: string): ConsumerInfo | undefined {
    return this.findCredential(plugin, field, value)?.consumer;
  }

  findCredential(plugin: string, field: string, value: string): CredentialMatch | undefined {
    return this.byCredential.get(`${plugin}\0${field}\0${value}`);
  }

  get(username: string): ConsumerInfo | undefined {
    return this.byName.get(username);
  }

  get size(): number {
    return this.byName.size;
  }
}
