/**
 * @module admin-key
 * No well-known admin key (decision D2): when the config names none, the first start generates a
 * random key, stores it in `<data_dir>/admin_key` (mode 0600) and reuses it afterwards.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AdminKey } from '@tollgate/admin-api';

export interface ResolvedAdminKeys {
  keys: AdminKey[];
  /** Set when the key came from (or was written to) the data directory. */
  generatedFile?: string;
}

/** Keys from the config; an empty `key` or no key at all falls back to the generated one. */
export function resolveAdminKeys(configured: AdminKey[], dataDir: string): ResolvedAdminKeys {
  const usable = configured.filter((k) => k.key !== '');
  if (usable.length > 0 && usable.length === configured.length) return { keys: usable };
  const file = path.join(dataDir, 'admin_key');
  let key: string;
  if (fs.existsSync(file)) {
    key = fs.readFileSync(file, 'utf8').trim();
  } else {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    key = crypto.randomBytes(16).toString('hex');
    fs.writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  }
  const generatedFor = configured.find((k) => k.key === '');
  const generated: AdminKey = {
    name: generatedFor?.name ?? 'admin',
    key,
    role: generatedFor?.role ?? 'admin',
  };
  return { keys: [...usable, generated], generatedFile: file };
}
