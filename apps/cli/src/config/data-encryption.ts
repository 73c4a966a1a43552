/**
 * @module config/data-encryption
 * `apisix.data_encryption`: whether plugin `encrypt_fields` are stored encrypted
 * (`enable_encrypt_fields`, APISIX default true) and the keyring (APISIX's default: its two
 * public keys, which a production deployment must replace). A keyring entry is 16 characters
 * (AES-128) or 32 (AES-256); a single string is a keyring of one, as APISIX reads it.
 */
import { APISIX_DATA_ENCRYPTION, type DataEncryptionSettings } from '@tollgate/schema';

type Raw = Record<string, unknown>;

const key = { type: 'string', pattern: '^(.{16}|.{32})$' };

/** JSON Schema of the keys (merged into CONFIG_SCHEMA's `apisix`). */
export const DATA_ENCRYPTION_SCHEMA = {
  data_encryption: {
    type: 'object',
    properties: {
      enable_encrypt_fields: {
        type: 'boolean',
        description:
          'plugin fields marked `encrypt_fields` stored encrypted ([security.md](security.md#encrypted-fields))',
        default: APISIX_DATA_ENCRYPTION.enableEncryptFields,
      },
      keyring: {
        anyOf: [key, { type: 'array', minItems: 1, items: key }],
        description:
          "16- (AES-128) or 32-char (AES-256) keys: the first encrypts, any decrypts; APISIX's are public",
        default: APISIX_DATA_ENCRYPTION.keyring,
        'x-default-text': "APISIX's two keys",
      },
    },
  },
} as const;

/** The key paths read (SUPPORTED_KEYS). */
export const DATA_ENCRYPTION_KEYS = [
  'apisix.data_encryption.enable_encrypt_fields',
  'apisix.data_encryption.keyring',
] as const;

/** The settings from the file's `apisix` block (already schema-checked), defaults applied. */
export function dataEncryptionOf(apisix: Raw): DataEncryptionSettings {
  const conf = (apisix.data_encryption ?? {}) as Raw;
  const keyring = conf.keyring as string | string[] | undefined;
  return {
    enableEncryptFields:
      (conf.enable_encrypt_fields as boolean | undefined) ??
      APISIX_DATA_ENCRYPTION.enableEncryptFields,
    keyring:
      keyring === undefined
        ? APISIX_DATA_ENCRYPTION.keyring
        : typeof keyring === 'string'
          ? [keyring]
          : keyring,
  };
}
