/**
 * createConfigStore picks etcd when it is configured, else the embedded store (decision D2).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testEtcdEndpoint } from '@tollgate/testkit';
import { createConfigStore } from '../src';

describe('createConfigStore', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-create-'));
  });

  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens the embedded store in dataDir without etcd', async () => {
    const store = await createConfigStore({ dataDir });
    try {
      expect(store.kind).toBe('embedded');
      expect(await store.revision()).toBe(1);
      expect(fs.existsSync(path.join(dataDir, 'store.log'))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('uses etcd as soon as it is configured, and leaves dataDir alone', async () => {
    const store = await createConfigStore({
      etcd: { hosts: [testEtcdEndpoint()], timeoutMs: 5000 },
      dataDir,
    });
    try {
      expect(store.kind).toBe('etcd');
      expect(await store.revision()).toBeGreaterThanOrEqual(1);
      expect(fs.readdirSync(dataDir)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
