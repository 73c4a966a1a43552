/**
 * @module @tollgate/schema
 * Validation and types for Tollgate's configuration, generated from the JSON Schemas in
 * `schemas/`: resource bodies (route, upstream, consumer, ...), the plugin catalogue and each
 * plugin's configuration, with APISIX's error texts.
 */
export {
  getResourceSchema,
  SCHEMA_OF_RESOURCE,
  SCHEMA_OF_SECRET_MANAGER,
  validateResource,
  type SchemaName,
} from './resources';
export { listPlugins, getPlugin, checkPluginConf, type PluginCatalogEntry } from './plugins';
export { validateAgainst, type ValidationResult } from './validator';
export { asDraft07 } from './checks/request-validation';
export { metaPreFunctionError } from './checks/plugin-meta';
export { certKeyError, isSecretReference, sslConfError, type KeyReader } from './checks/ssl';
export {
  EXPIRY_WARNING_MS,
  expiryState,
  sslCertificateExpiries,
  sslServerNames,
  type CertificateExpiry,
} from './checks/ssl-expiry';
export {
  checkStreamPlugins,
  STREAM_PLUGIN_NAMES,
  type StreamPluginsResult,
} from './stream-plugins';
export {
  APISIX_DATA_ENCRYPTION,
  APISIX_DEFAULT_KEYRING,
  DataEncryption,
  encryptFieldsOf,
  Keyring,
  type DataEncryptionSettings,
  type PluginSchemaType,
} from './data-encryption';
export { compileCostExpr, type CostExprFn, type CostExprVars } from './cost-expr';
export * from './generated/types';
