/**
 * @module secrets/managers
 * The secret managers by the name used in `$secret://<manager>/...` and in the Admin API path
 * `/apisix/admin/secrets/<manager>/<id>`: one line per manager.
 */
import type { SecretManager } from '../manager';
import { awsManager } from './aws';
import { gcpManager } from './gcp';
import { vaultManager } from './vault';

export const SECRET_MANAGERS: ReadonlyMap<string, SecretManager> = new Map<string, SecretManager>([
  ['vault', vaultManager],
  ['aws', awsManager],
  ['gcp', gcpManager],
]);
