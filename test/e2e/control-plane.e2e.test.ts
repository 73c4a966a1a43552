/**
 * The control plane as users meet it: `tollgate start` as a real process, `curl` against the Admin
 * API, `etcdctl` on the etcd it writes, config-file mistakes, restarts and an etcd outage.
 */
import { createDecipheriv } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AdminClient,
  freePort,
  loopbackScenarioValues,
  runCommand,
  runTollgate,
  scenarioText,
  startEtcd,
  startTollgate,
  testEtcdEndpoint,
  uniquePrefix,
  type TollgateNode,
} from '@tollgate/testkit';

jest.setTimeout(90_000);

const ADMIN_KEY = 'e2e-admin-key-6f1c2d';
const SCENARIOS: [string, string, string][] = [
  ['scenario1-route.json', 'routes', 'ai-proxy-multi-route'],
  ['scenario2-route.json', 'routes', 'ai-proxy-multi-route'],
  ['scenario2-consumer-a.json', 'consumers', 'consumer_a'],
];

/**
 * `stored` with each string the Admin API shows differently decrypted by APISIX's cipher
 * (AES-128-CBC, the key as IV, base64) with the first key of APISIX's default keyring: secrets
 * (`apisix.data_encryption`) are encrypted in etcd and shown in plain text.
 */
function decryptedAs(stored: unknown, shown: unknown): unknown {
  if (typeof stored === 'string' && typeof shown === 'string' && stored !== shown) {
    const key = Buffer.from('qeddd145sfvddff3');
    const d = createDecipheriv('aes-128-cbc', key, key);
    return Buffer.concat([d.update(Buffer.from(stored, 'base64')), d.final()]).toString();
  }
  if (typeof stored !== 'object' || stored === null || typeof shown !== 'object' || !shown) {
    return stored;
  }
  if (Array.isArray(stored)) return stored.map((s, i) => decryptedAs(s, (shown as unknown[])[i]));
  return Object.fromEntries(
    Object.entries(stored).map(([k, v]) => [
      k,
      decryptedAs(v, (shown as Record<string, unknown>)[k]),
    ]),
  );
}

async function curlPut(adminPort: number, resource: string, body: string, key = ADMIN_KEY) {
  // Exactly the users' command shape: curl -X PUT .../apisix/admin/<resource> -H "X-API-KEY: ..." -d '<json>'.
  const res = await runCommand('curl', [
    '-s',
    '-w',
    '\n%{http_code}',
    `http://127.0.0.1:${adminPort}/apisix/admin/${resource}`,
    '-X',
    'PUT',
    '-H',
    `X-API-KEY: ${key}`,
    '-d',
    body,
  ]);
  const cut = res.stdout.lastIndexOf('\n');
  return { status: Number(res.stdout.slice(cut + 1)), body: res.stdout.slice(0, cut) };
}

describe('tollgate start on etcd', () => {
  let node: TollgateNode;
  let adminPort: number;
  let prefix: string;

  beforeAll(async () => {
    adminPort = await freePort();
    prefix = uniquePrefix('cp');
    node = await startTollgate({
      config: {
        deployment: {
          role: 'control_plane',
          etcd: { host: [testEtcdEndpoint()], prefix, timeout: 5 },
          admin: {
            admin_key: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
            admin_listen: { ip: '127.0.0.1', port: adminPort },
          },
        },
      },
      readyPorts: [adminPort],
    });
  });

  afterAll(async () => {
    await node?.destroy();
    await runCommand('etcdctl', [
      '--endpoints',
      testEtcdEndpoint(),
      'del',
      '--prefix',
      `${prefix}/`,
    ]);
  });

  it.each(SCENARIOS)(
    "accepts %s sent with curl, and stores it in APISIX's etcd layout",
    async (file, resource, id) => {
      const text = scenarioText(file, loopbackScenarioValues(16724));
      const sent = JSON.parse(text) as Record<string, unknown>;
      const first = await curlPut(adminPort, resource, text);
      expect(first.status).toBe(201);
      const second = await curlPut(adminPort, resource, text);
      expect(second.status).toBe(200);

      const admin = new AdminClient(`http://127.0.0.1:${adminPort}`, ADMIN_KEY);
      const got = (await admin.get(`/apisix/admin/${resource}/${id}`)).json as {
        value: Record<string, unknown>;
      };
      const { create_time, update_time, ...rest } = got.value;
      expect(rest).toEqual(sent);
      expect(typeof create_time).toBe('number');
      expect(typeof update_time).toBe('number');

      const etcd = await runCommand('etcdctl', [
        '--endpoints',
        testEtcdEndpoint(),
        'get',
        '--prefix',
        `${prefix}/${resource}/`,
      ]);
      expect(etcd.code).toBe(0);
      const lines = etcd.stdout.trim().split('\n');
      const keyAt = lines.indexOf(`${prefix}/${resource}/${id}`);
      expect(keyAt).toBeGreaterThanOrEqual(0);
      const stored = lines[keyAt + 1] ?? '';
      expect(stored).not.toMatch(/Bearer|consumer_a_key/);
      expect(decryptedAs(JSON.parse(stored), got.value)).toEqual(got.value);
      // Scenarios 1 and 2 share the route id: leave the next case a clean slate.
      expect((await admin.delete(`/apisix/admin/${resource}/${id}`)).status).toBe(200);
    },
  );

  it('answers 401 with APISIX body for a wrong key, via curl', async () => {
    const res = await curlPut(
      adminPort,
      'routes/x',
      '{"uri":"/x","upstream":{"nodes":{"127.0.0.1:1":1}}}',
      'wrong',
    );
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toEqual({
      error_msg: 'failed to check token',
      description: 'wrong apikey',
    });
  });
});

describe('tollgate start with the embedded store (no etcd configured)', () => {
  it('generates an owner-only admin key, and keeps every route across a restart', async () => {
    const adminPort = await freePort();
    const config = {
      apisix: { node_listen: [{ ip: '127.0.0.1', port: await freePort() }] },
      nginx_config: { worker_processes: 1 },
      deployment: { admin: { admin_listen: { ip: '127.0.0.1', port: adminPort } } },
    };
    let node = await startTollgate({ config, readyPorts: [adminPort] });
    const keyFile = path.join(node.dataDir, 'admin_key');
    try {
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      const key = fs.readFileSync(keyFile, 'utf8').trim();
      expect(key).toMatch(/^[0-9a-f]{32}$/);
      const text = scenarioText('scenario1-route.json', loopbackScenarioValues(16724));
      expect((await curlPut(adminPort, 'routes', text, key)).status).toBe(201);
      const before = await new AdminClient(`http://127.0.0.1:${adminPort}`, key).get(
        '/apisix/admin/routes/ai-proxy-multi-route',
      );

      const { dataDir } = node;
      await node.process.stop();
      node = await startTollgate({ config, readyPorts: [adminPort], dataDir });
      expect(fs.readFileSync(keyFile, 'utf8').trim()).toBe(key);
      const after = await new AdminClient(`http://127.0.0.1:${adminPort}`, key).get(
        '/apisix/admin/routes/ai-proxy-multi-route',
      );
      expect(after.status).toBe(200);
      expect(after.json).toEqual(before.json);
      const wrong = await new AdminClient(
        `http://127.0.0.1:${adminPort}`,
        'edd1c9f034335f136f87ad84b625c8f1',
      ).get('/apisix/admin/routes');
      expect(wrong.status).toBe(401);
    } finally {
      await node.destroy();
      fs.rmSync(path.dirname(keyFile), { recursive: true, force: true });
    }
  });
});

describe('bad config files: a clear message naming the key, and a non-zero exit', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-conf-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cases: [string, string, RegExp][] = [
    [
      'YAML syntax error',
      'deployment:\n  admin: [unclosed\n',
      /YAML syntax error at line \d+, column \d+/,
    ],
    [
      'a port out of range',
      'deployment:\n  admin:\n    admin_listen:\n      port: 70000\n',
      /deployment\.admin\.admin_listen\.port: must be <= 65535 \(got 70000\)/,
    ],
    [
      'an unknown role',
      'deployment:\n  role: gateway\n',
      /deployment\.role: must be one of "traditional", "control_plane", "data_plane" \(got "gateway"\)/,
    ],
    ['a wrong type', 'nginx_config:\n  worker_processes: lots\n', /nginx_config\.worker_processes/],
    [
      'etcd without hosts',
      'deployment:\n  etcd:\n    prefix: /apisix\n',
      /deployment\.etcd\.host: is required/,
    ],
    [
      'a missing environment variable',
      'deployment:\n  etcd:\n    host: ["${{NO_SUCH_VAR_FOR_TOLLGATE}}"]\n',
      /environment variable NO_SUCH_VAR_FOR_TOLLGATE is not set/,
    ],
    [
      'data_plane without etcd',
      'deployment:\n  role: data_plane\n',
      /deployment\.etcd: is required for role data_plane/,
    ],
    [
      'an admin key with a bad role',
      'deployment:\n  admin:\n    admin_key:\n      - name: a\n        key: k\n        role: root\n',
      /deployment\.admin\.admin_key\[0\]\.role/,
    ],
  ];

  it.each(cases)('%s', async (_label, yaml, message) => {
    const file = path.join(dir, `${_label.replace(/\W+/g, '-')}.yaml`);
    fs.writeFileSync(file, yaml);
    const res = await runTollgate(['start', '-c', file], { cwd: dir });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).toContain(file);
  });

  it('a missing file', async () => {
    const res = await runTollgate(['start', '-c', path.join(dir, 'nope.yaml')], { cwd: dir });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/nope\.yaml: cannot read it: ENOENT/);
  });

  it('unknown APISIX keys are accepted with a warning', async () => {
    const adminPort = await freePort();
    const node = await startTollgate({
      config: {
        apisix: {
          show_upstream_status_in_response_header: true,
          ssl: { enable: true },
          node_listen: [{ ip: '127.0.0.1', port: await freePort() }],
        },
        nginx_config: { worker_processes: 1 },
        deployment: { admin: { admin_listen: { ip: '127.0.0.1', port: adminPort } } },
      },
      readyPorts: [adminPort],
    });
    try {
      expect(node.process.recentOutput()).toMatch(
        /config key not supported yet, ignored.*apisix\.show_upstream_status_in_response_header|apisix\.show_upstream_status_in_response_header.*config key not supported yet, ignored/,
      );
    } finally {
      await node.destroy();
    }
  });

  it('--help lists the commands', async () => {
    const res = await runTollgate(['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/tollgate <command>/);
    expect(res.stdout).toMatch(/start \[-c FILE\]/);
  });
});

describe('etcd unreachable', () => {
  it('answers 503 with error_msg, writes nothing, stays up and recovers when etcd returns', async () => {
    const etcd = await startEtcd();
    const adminPort = await freePort();
    const node = await startTollgate({
      config: {
        deployment: {
          role: 'control_plane',
          etcd: { host: [etcd.endpoint], prefix: '/apisix', timeout: 2 },
          admin: {
            admin_key: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
            admin_listen: { ip: '127.0.0.1', port: adminPort },
          },
        },
      },
      readyPorts: [adminPort],
    });
    const admin = new AdminClient(`http://127.0.0.1:${adminPort}`, ADMIN_KEY);
    const route = { uri: '/a', upstream: { nodes: { '127.0.0.1:1980': 1 } } };
    try {
      expect((await admin.put('/apisix/admin/routes/before', route)).status).toBe(201);
      await etcd.process.stop();

      for (const attempt of [
        () => admin.put('/apisix/admin/routes/during', route),
        () => admin.post('/apisix/admin/routes', route),
        () => admin.patch('/apisix/admin/routes/before', { desc: 'x' }),
        () => admin.delete('/apisix/admin/routes/before'),
        () => admin.get('/apisix/admin/routes/before'),
        () => admin.get('/apisix/admin/routes'),
      ]) {
        const started = Date.now();
        const res = await attempt();
        expect(res.status).toBe(503);
        expect(res.json).toEqual({ error_msg: expect.stringMatching(/etcd/) });
        expect(Date.now() - started).toBeLessThan(10_000);
      }
      expect(node.process.running).toBe(true);

      await etcd.process.start();
      const deadline = Date.now() + 20_000;
      let list = await admin.get('/apisix/admin/routes');
      while (list.status !== 200 && Date.now() < deadline)
        list = await admin.get('/apisix/admin/routes');
      expect(list.status).toBe(200);
      const ids = (list.json as { list: { value: { id: string } }[] }).list.map((i) => i.value.id);
      expect(ids).toEqual(['before']);
      expect((await admin.get('/apisix/admin/routes/before')).json).toMatchObject({
        value: { uri: '/a' },
      });
      expect((await admin.put('/apisix/admin/routes/after', route)).status).toBe(201);
    } finally {
      await node.destroy();
      await etcd.destroy();
    }
  });
});
