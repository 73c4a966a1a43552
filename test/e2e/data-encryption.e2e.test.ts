/**
 * `apisix.data_encryption` through real `tollgate start` nodes on etcd, as an APISIX cluster
 * sharing that etcd would see it:
 * - a consumer written straight into etcd by an APISIX-shaped writer, its key-auth key encrypted
 *   with APISIX's cipher and default keyring (the ciphertext is the one APISIX's docs show for
 *   `auth-one`), authenticates on the gateway and reads in plain text through the Admin API;
 * - what Tollgate's Admin API writes decrypts with the same keyring (this test decrypts the raw
 *   etcd value with its own AES code);
 * - keyring rotation: after a restart with a new first key, old values still authenticate and new
 *   writes use the new key;
 * - `enable_encrypt_fields: false` stores plain text.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import {
  AdminClient,
  freePort,
  httpRequest,
  startEchoServer,
  startTollgate,
  testEtcdEndpoint,
  uniquePrefix,
  waitFor,
  type EchoServer,
  type TollgateNode,
} from '@tollgate/testkit';

jest.setTimeout(120_000);

const DEFAULT_FIRST_KEY = 'qeddd145sfvddff3';
const APISIX_DEFAULT_KEYRING = [DEFAULT_FIRST_KEY, 'edd1c9f0985e76a2'];
const NEW_KEY = '0123456789abcdef';
const ADMIN_KEY = 'data-encryption-e2e-admin-key';

/** APISIX's aes_encrypt_pkey: AES-128-CBC, the key as IV, base64. */
function apisixEncrypt(plain: string, key: string): string {
  const k = Buffer.from(key);
  const c = createCipheriv('aes-128-cbc', k, k);
  return Buffer.concat([c.update(plain), c.final()]).toString('base64');
}

function apisixDecrypt(stored: string, key: string): string {
  const k = Buffer.from(key);
  const d = createDecipheriv('aes-128-cbc', k, k);
  return Buffer.concat([d.update(Buffer.from(stored, 'base64')), d.final()]).toString();
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

let echo: EchoServer;
let node: TollgateNode | undefined;
let admin: AdminClient;
let gatewayPort: number;
const prefix = uniquePrefix('data-encryption');

async function putEtcd(key: string, value: unknown): Promise<void> {
  const res = await httpRequest('POST', `${testEtcdEndpoint()}/v3/kv/put`, {
    body: { key: b64(`${prefix}/${key}`), value: b64(JSON.stringify(value)) },
  });
  if (res.status !== 200) throw new Error(`etcd put ${key}: ${res.status} ${res.text}`);
}

async function rawEtcd(key: string): Promise<Record<string, any>> {
  const res = await httpRequest('POST', `${testEtcdEndpoint()}/v3/kv/range`, {
    body: { key: b64(`${prefix}/${key}`) },
  });
  const [kv, ...more] = (res.json as { kvs?: { value: string }[] }).kvs ?? [];
  if (!kv || more.length > 0) throw new Error(`etcd ${key}: ${res.text}`);
  return JSON.parse(Buffer.from(kv.value, 'base64').toString()) as Record<string, any>;
}

/** (Re)start the one node with `apisix.data_encryption` as given (absent: APISIX's defaults). */
async function startNode(dataEncryption?: Record<string, unknown>): Promise<void> {
  await node?.destroy();
  gatewayPort = await freePort();
  const adminPort = await freePort();
  node = await startTollgate({
    config: {
      apisix: {
        node_listen: [{ ip: '127.0.0.1', port: gatewayPort }],
        ...(dataEncryption ? { data_encryption: dataEncryption } : {}),
      },
      nginx_config: { worker_processes: 1 },
      deployment: {
        role: 'traditional',
        etcd: { host: [testEtcdEndpoint()], prefix, timeout: 3 },
        admin: {
          admin_key: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    readyPorts: [gatewayPort, adminPort],
  });
  admin = new AdminClient(`http://127.0.0.1:${adminPort}`, ADMIN_KEY);
}

const get = (apikey: string) =>
  httpRequest('GET', `http://127.0.0.1:${gatewayPort}/hello`, { headers: { apikey } });

async function waitStatus(apikey: string, status: number): Promise<void> {
  await waitFor(
    `apikey ${apikey} to answer ${status}`,
    async () => (await get(apikey)).status === status,
  );
}

async function putConsumer(username: string, key: string): Promise<void> {
  const res = await admin.put('/apisix/admin/consumers', {
    username,
    plugins: { 'key-auth': { key } },
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`PUT ${username}: ${res.text}`);
}

beforeAll(async () => {
  echo = await startEchoServer('upstream');
  await startNode();
  const route = await admin.put('/apisix/admin/routes/1', {
    uri: '/hello',
    plugins: { 'key-auth': {} },
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
  });
  expect(route.status).toBe(201);
});

afterAll(async () => {
  await node?.destroy();
  await echo?.close();
});

describe('data encryption shared with APISIX nodes (default keyring)', () => {
  it('an APISIX-encrypted key written to etcd authenticates and reads in plain text', async () => {
    const stored = apisixEncrypt('auth-one', DEFAULT_FIRST_KEY);
    // The ciphertext APISIX's docs show for key-auth key `auth-one` with the default keyring.
    expect(stored).toBe('4y+JvURBE6ZwRbbgaryrhg==');
    await putEtcd('consumers/jack', {
      username: 'jack',
      plugins: { 'key-auth': { key: stored } },
      create_time: 1700000000,
      update_time: 1700000000,
    });
    await waitStatus('auth-one', 200);
    expect((await get(stored)).status).toBe(401);
    const shown = await admin.get('/apisix/admin/consumers/jack');
    expect((shown.json as any).value.plugins['key-auth'].key).toBe('auth-one');
  });

  it("what Tollgate writes decrypts with APISIX's cipher and the same keyring", async () => {
    await putConsumer('rose', 'auth-rose');
    const stored = (await rawEtcd('consumers/rose')).plugins['key-auth'].key as string;
    expect(stored).not.toBe('auth-rose');
    expect(apisixDecrypt(stored, DEFAULT_FIRST_KEY)).toBe('auth-rose');
    await waitStatus('auth-rose', 200);
  });
});

describe('keyring rotation and enable_encrypt_fields: false', () => {
  it('after a new first key, old values still authenticate and new writes use the new key', async () => {
    await startNode({
      enable_encrypt_fields: true,
      keyring: [NEW_KEY, ...APISIX_DEFAULT_KEYRING],
    });
    await waitStatus('auth-one', 200);
    await waitStatus('auth-rose', 200);
    await putConsumer('lily', 'auth-lily');
    const stored = (await rawEtcd('consumers/lily')).plugins['key-auth'].key as string;
    expect(apisixDecrypt(stored, NEW_KEY)).toBe('auth-lily');
    await waitStatus('auth-lily', 200);
    const shown = await admin.get('/apisix/admin/consumers/rose');
    expect((shown.json as any).value.plugins['key-auth'].key).toBe('auth-rose');
  });

  it('enable_encrypt_fields: false stores plain text', async () => {
    await startNode({ enable_encrypt_fields: false, keyring: [NEW_KEY] });
    await putConsumer('tom', 'auth-tom');
    expect((await rawEtcd('consumers/tom')).plugins['key-auth'].key).toBe('auth-tom');
    await waitStatus('auth-tom', 200);
  });
});
