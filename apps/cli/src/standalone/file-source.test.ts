import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@tollgate/core';
import { EnabledPlugins } from '@tollgate/admin-api';
import { MemoryStore } from '@tollgate/config-store';
import { DataEncryption } from '@tollgate/schema';
import { readStandaloneFile, StandaloneFile, StandaloneFileError } from './file-source';

const log = createLogger('standalone-test');
const options = {
  prefix: '/apisix',
  plugins: new EnabledPlugins(),
  streamProxy: false,
  encryption: new DataEncryption(),
  log,
};
const ROUTE = `routes:
  - id: r1
    uri: \${{ROUTE_URI:=/default}}
    upstream:
      type: roundrobin
      nodes:
        - host: 127.0.0.1
          port: \${{UPSTREAM_PORT}}
          weight: 1
`;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'standalone-file-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const routeOf = (entries: Map<string, string>) =>
  JSON.parse(entries.get('/apisix/routes/r1') ?? 'null') as Record<string, unknown>;

describe('standalone config files', () => {
  it('reads apisix.yaml ending with #END, with ${{VAR}} and ${{VAR:=default}} values from the environment', async () => {
    const file = write('apisix.yaml', `${ROUTE}#END\n`);
    const entries = await readStandaloneFile(file, 'yaml', options, { UPSTREAM_PORT: '1980' });
    expect(routeOf(entries)).toMatchObject({
      uri: '/default',
      upstream: { nodes: [{ host: '127.0.0.1', port: 1980, weight: 1 }] },
    });
  });

  it('does not read a YAML file without its #END line (still being written)', async () => {
    const file = write('apisix.yaml', ROUTE);
    await expect(readStandaloneFile(file, 'yaml', options, { UPSTREAM_PORT: '1' })).rejects.toThrow(
      StandaloneFileError,
    );
  });

  it('reads apisix.json without a marker; refuses a missing variable and broken JSON', async () => {
    const route = { id: 'r1', uri: '/j', upstream: { type: 'roundrobin', nodes: { 'a:1': 1 } } };
    const file = write('apisix.json', JSON.stringify({ routes: [route] }));
    expect(routeOf(await readStandaloneFile(file, 'json', options, {}))).toMatchObject({
      uri: '/j',
    });
    const missing = write('missing.yaml', `${ROUTE}#END\n`);
    await expect(readStandaloneFile(missing, 'yaml', options, {})).rejects.toThrow(/UPSTREAM_PORT/);
    const broken = write('broken.json', '{"routes": [');
    await expect(readStandaloneFile(broken, 'json', options, {})).rejects.toThrow(/cannot parse/);
  });

  it('refuses prototype keys anywhere in the file, as the Admin API refuses them in a body', async () => {
    const file = write(
      'apisix.yaml',
      'routes:\n  - id: r1\n    uri: /a\n    __proto__:\n      plugins: {}\n#END\n',
    );
    await expect(readStandaloneFile(file, 'yaml', options, {})).rejects.toThrow(
      StandaloneFileError,
    );
    const json = write('apisix.json', '{"routes":[{"id":"r1","uri":"/a","constructor":{}}]}');
    await expect(readStandaloneFile(json, 'json', options, {})).rejects.toThrow(/constructor/);
  });

  it('keeps the last good configuration when the file turns bad', async () => {
    process.env.UPSTREAM_PORT = '1980';
    const file = write('apisix.yaml', `${ROUTE}#END\n`);
    const store = new MemoryStore();
    const source = new StandaloneFile(file, 'yaml', store, options, log);
    expect(await source.load()).toBe(true);
    const revision = await store.revision();
    fs.writeFileSync(file, 'routes:\n  - id: r1\n    uri: 42\n#END\n');
    expect(await source.load()).toBe(false);
    expect(await store.revision()).toBe(revision);
    expect((await store.range('/apisix/routes/')).items).toHaveLength(1);
    delete process.env.UPSTREAM_PORT;
  });
});
