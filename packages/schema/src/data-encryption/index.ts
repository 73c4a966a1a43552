/**
 * @module data-encryption
 * APISIX's encryption of config fields at rest (`apisix.data_encryption`): the keyring cipher,
 * the `encrypt_fields` the plugin schemas declare, and both applied to stored resources.
 */
export { APISIX_DEFAULT_KEYRING, Keyring } from './keyring';
export { encryptFieldsOf, type PluginSchemaType } from './encrypt-fields';
export {
  APISIX_DATA_ENCRYPTION,
  DataEncryption,
  type DataEncryptionSettings,
} from './data-encryption';
