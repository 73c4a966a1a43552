/**
 * @module data-encryption/data-encryption
 * `apisix.data_encryption` applied to stored resources, in APISIX's layout, so that what one
 * node writes the other reads:
 * - plugin `encrypt_fields` (see encrypt-fields) of every plugin map: routes, services,
 *   plugin_configs, global_rules, consumer_groups (route schemas), consumers and credentials
 *   (consumer schemas), and a plugin_metadata value (metadata schema), while
 *   `enable_encrypt_fields` is on;
 * - private keys, whenever the keyring has a key (APISIX's `aes_encrypt_pkey` is not switched by
 *   `enable_encrypt_fields`): ssls `key` and `keys`, upstream `tls.client_key` (upstreams, and
 *   the inline `upstream` of routes and services). Only PEM text (`---…`) is encrypted, and a
 *   value that still reads as PEM is not decrypted, as APISIX does, so `$secret://` references
 *   pass through.
 * A value no key decrypts is kept as stored (APISIX logs it and carries on).
 */
import { isPlainObject, ownValue, setOwn } from '@tollgate/core';
import { mapPluginConfSecrets, mapPluginSecrets, type ValueMapper } from './encrypt-fields';
import { APISIX_DEFAULT_KEYRING, Keyring } from './keyring';

/** config.yaml `apisix.data_encryption`. */
export interface DataEncryptionSettings {
  /** `enable_encrypt_fields` (APISIX default: true). */
  enableEncryptFields: boolean;
  /** `keyring` (APISIX default: its two public keys). */
  keyring: readonly string[];
}

/** APISIX's defaults (apisix/cli/config.lua). */
export const APISIX_DATA_ENCRYPTION: DataEncryptionSettings = {
  enableEncryptFields: true,
  keyring: APISIX_DEFAULT_KEYRING,
};

/** What holds secrets in one resource's stored value. */
interface SecretLayout {
  plugins?: 'route' | 'consumer';
  /** The value is the metadata of the plugin its id names. */
  metadata?: true;
  privateKeys?: 'ssl' | 'upstream' | 'inline-upstream';
}

/** By etcd directory (a credential's is `credentials`); other resources hold no secrets. */
const LAYOUT_OF: ReadonlyMap<string, SecretLayout> = new Map<string, SecretLayout>([
  ['routes', { plugins: 'route', privateKeys: 'inline-upstream' }],
  ['services', { plugins: 'route', privateKeys: 'inline-upstream' }],
  ['upstreams', { privateKeys: 'upstream' }],
  ['consumers', { plugins: 'consumer' }],
  ['credentials', { plugins: 'consumer' }],
  ['plugin_configs', { plugins: 'route' }],
  ['global_rules', { plugins: 'route' }],
  ['consumer_groups', { plugins: 'route' }],
  ['plugin_metadata', { metadata: true }],
  ['ssls', { privateKeys: 'ssl' }],
]);

const PEM_START = '---';

type Value = Record<string, unknown>;

function mapAt(holder: unknown, field: string, map: (value: string) => string): void {
  if (!isPlainObject(holder)) return;
  const value = ownValue(holder, field);
  if (typeof value === 'string') setOwn(holder, field, map(value));
  else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (typeof item === 'string') value[i] = map(item);
    });
  }
}

/** Encrypts and decrypts the secrets of stored resource values, in place. */
export class DataEncryption {
  private readonly keyring: Keyring;
  private readonly fieldsOn: boolean;

  /**
   * `onUndecryptable` hears where a value no key decrypts sits (`plugin [key-auth] key [key]`,
   * `ssl key`), never the value.
   */
  constructor(
    settings: DataEncryptionSettings = APISIX_DATA_ENCRYPTION,
    private readonly onUndecryptable: (field: string) => void = () => undefined,
  ) {
    this.keyring = new Keyring(settings.keyring);
    this.fieldsOn = settings.enableEncryptFields && !this.keyring.empty;
  }

  /** Before a write: the value as it is stored. `id` names a plugin_metadata's plugin. */
  encryptStored(resource: string, value: Value, id?: string): void {
    this.mapPlugins(resource, value, id, (plain) => this.keyring.encrypt(plain));
    this.mapPrivateKeys(resource, value, (text) =>
      text.startsWith(PEM_START) ? this.keyring.encrypt(text) : text,
    );
  }

  /** Everything decrypted: what the data plane loads, and what a PATCH merges onto. */
  decryptStored(resource: string, value: Value, id?: string): void {
    this.mapPlugins(resource, value, id, (stored, field) => this.decryptField(stored, field));
    this.mapPrivateKeys(resource, value, (text) =>
      text.startsWith(PEM_START) ? text : (this.decryptField(text, 'private key') ?? text),
    );
  }

  /** What an Admin API GET shows: plugin fields decrypted, private keys as stored (APISIX). */
  revealPluginFields(resource: string, value: Value, id?: string): void {
    this.mapPlugins(resource, value, id, (stored, field) => this.decryptField(stored, field));
  }

  private decryptField(stored: string, field: string): string | undefined {
    const plain = this.keyring.decrypt(stored);
    if (plain === undefined) this.onUndecryptable(field);
    return plain;
  }

  private mapPlugins(
    resource: string,
    value: Value,
    id: string | undefined,
    map: ValueMapper,
  ): void {
    const layout = LAYOUT_OF.get(resource);
    if (!this.fieldsOn || !layout) return;
    if (layout.plugins) mapPluginSecrets(value.plugins, layout.plugins, map);
    if (layout.metadata) {
      const plugin = id ?? value.id;
      if (typeof plugin === 'string') mapPluginConfSecrets(plugin, value, 'metadata', map);
    }
  }

  private mapPrivateKeys(resource: string, value: Value, map: (text: string) => string): void {
    const where = LAYOUT_OF.get(resource)?.privateKeys;
    if (this.keyring.empty || !where) return;
    if (where === 'ssl') {
      mapAt(value, 'key', map);
      mapAt(value, 'keys', map);
    } else {
      const upstream = where === 'upstream' ? value : value.upstream;
      mapAt(isPlainObject(upstream) ? upstream.tls : undefined, 'client_key', map);
    }
  }
}
