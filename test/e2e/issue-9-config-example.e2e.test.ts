/**
 * Issue 9: the README's `tollgate start -c deploy/conf/config.example.yaml` starts a node on etcd
 * as shipped. The file's comments mention `${{NAME}}` and its viewer key is `${{...:=}}` (empty
 * when unset); both used to stop the start. Only the fixed ports are changed in a copy (tests run
 * side by side); every `${{...}}` stays as shipped. Needs `pnpm build`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AdminClient,
  freePort,
  ManagedProcess,
  runCommand,
  TOLLGATE_BIN,
  testEtcdEndpoint,
  uniquePrefix,
  waitForPort,
} from '@tollgate/testkit';

jest.setTimeout(90_000);

const EXAMPLE = path.resolve(__dirname, '../../deploy/conf/config.example.yaml');

interface Node {
  proc: ManagedProcess;
  admin: (key: string | undefined) => AdminClient;
  dataDir: string;
}

/** The example with its fixed listeners moved to free loopback ports, one gateway worker. */
async function exampleWithFreePorts(): Promise<{ text: string; adminPort: number }> {
  const gateway = await freePort();
  const control = await freePort();
  const metrics = await freePort();
  const adminPort = await freePort();
  const replacements: [string, string][] = [
    ['node_listen: 9080', `node_listen: [{ ip: 127.0.0.1, port: ${gateway} }]`],
    ['port: 9090', `port: ${control}`],
    ['port: 9091', `port: ${metrics}`],
    ['port: 9180', `port: ${adminPort}`],
    ['worker_processes: auto', 'worker_processes: 1'],
  ];
  let text = fs.readFileSync(EXAMPLE, 'utf8');
  for (const [from, to] of replacements) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  return { text, adminPort };
}

const prefix = uniquePrefix('issue9-example');
const workDirs: string[] = [];
const running: ManagedProcess[] = [];

/** `tollgate start -c <copy>` with only `vars` of the example's variables set. */
async function startExample(vars: Record<string, string>): Promise<Node> {
  const { text, adminPort } = await exampleWithFreePorts();
  // The point of the test: the copy still has the references and the comment that broke it.
  expect(text).toContain('# `${{NAME}}`');
  expect(text).toContain('${{TOLLGATE_VIEWER_KEY:=}}');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-example-'));
  workDirs.push(workDir);
  const configFile = path.join(workDir, 'config.yaml');
  fs.writeFileSync(configFile, text);
  const dataDir = path.join(workDir, 'data');
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('TOLLGATE_') || name.startsWith('TOLLGATE_TEST_'),
    ),
  );
  delete env.NAME;
  const proc = new ManagedProcess({
    command: process.execPath,
    args: [TOLLGATE_BIN, 'start', '-c', configFile],
    env: {
      ...env,
      ...vars,
      TOLLGATE_LOG_LEVEL: 'info',
      TOLLGATE_ETCD_HOST: testEtcdEndpoint(),
      TOLLGATE_ETCD_PREFIX: prefix,
      TOLLGATE_DATA_DIR: dataDir,
    },
    cwd: workDir,
    ready: () => waitForPort(adminPort, '127.0.0.1', 30_000),
  });
  running.push(proc);
  await proc.start();
  return {
    proc,
    dataDir,
    admin: (key) => new AdminClient(`http://127.0.0.1:${adminPort}`, key),
  };
}

afterEach(async () => {
  for (const proc of running.splice(0)) await proc.stop();
});

afterAll(async () => {
  for (const dir of workDirs) fs.rmSync(dir, { recursive: true, force: true });
  await runCommand('etcdctl', ['--endpoints', testEtcdEndpoint(), 'del', '--prefix', `${prefix}/`]);
});

const route = { uri: '/example', upstream: { type: 'roundrobin', nodes: { '127.0.0.1:1': 1 } } };

it('starts with only TOLLGATE_ADMIN_KEY set; the Admin API takes that key', async () => {
  const node = await startExample({ TOLLGATE_ADMIN_KEY: 'issue-9-example-key' });
  expect((await node.admin(undefined).get('/apisix/admin/routes')).status).toBe(401);
  const admin = node.admin('issue-9-example-key');
  expect((await admin.put('/apisix/admin/routes/example', route)).status).toBe(201);
  expect((await admin.get('/apisix/admin/routes/example')).json).toMatchObject({ value: route });
});

it('starts with nothing set: a generated admin key, no viewer key, empty keys refused', async () => {
  const node = await startExample({});
  const generated = fs.readFileSync(path.join(node.dataDir, 'admin_key'), 'utf8').trim();
  expect(generated).toMatch(/^[0-9a-f]{32}$/);
  expect((await node.admin(generated).get('/apisix/admin/routes')).status).toBe(200);
  expect((await node.admin(undefined).get('/apisix/admin/routes?api_key=')).status).toBe(401);
  expect(node.proc.recentOutput()).toContain('admin key entry has an empty key, left out');
});
