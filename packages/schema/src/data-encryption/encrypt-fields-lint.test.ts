import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const scripts = join(__dirname, '..', '..', 'scripts', 'lib');
const repo = join(__dirname, '..', '..', '..', '..');

/** Runs the generator's `encrypt_fields` check on schemas/ with `extra` paths added to a schema. */
function lint(id: string, extra: string[]): string[] {
  const program = `
    const { checkEncryptFields } = await import(${JSON.stringify(join(scripts, 'encrypt-fields.mjs'))});
    const { loadSchemas, readCatalogNames } = await import(${JSON.stringify(join(scripts, 'load-schemas.mjs'))});
    const { schemas } = loadSchemas(${JSON.stringify(join(repo, 'schemas'))}, readCatalogNames(${JSON.stringify(join(repo, 'packages', 'schema'))}));
    const target = schemas.find((s) => s.$id === ${JSON.stringify(id)});
    target.encrypt_fields = [...(target.encrypt_fields ?? []), ...${JSON.stringify(extra)}];
    process.stdout.write(JSON.stringify(checkEncryptFields(schemas)));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', program], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as string[];
}

describe('the generator checks encrypt_fields paths against their schema', () => {
  it('accepts every list in schemas/', () => {
    expect(lint('tollgate:plugins/key-auth.consumer', [])).toEqual([]);
  });

  it('follows $ref, arrays and pattern properties (ai-proxy-multi instances.auth.header)', () => {
    expect(lint('tollgate:plugins/ai-proxy-multi', ['instances.auth.gcp.max_ttl'])).toEqual([]);
  });

  it('refuses a path naming no field', () => {
    expect(lint('tollgate:plugins/key-auth.consumer', ['secret', 'auth.nope'])).toEqual([
      'tollgate:plugins/key-auth.consumer: encrypt_fields names secret, no such field',
      'tollgate:plugins/key-auth.consumer: encrypt_fields names auth.nope, no such field',
    ]);
  });
});
