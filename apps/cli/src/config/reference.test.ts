import fs from 'node:fs';
import path from 'node:path';
import { keyDescriptions, referenceRows, renderConfigReference } from './reference';
import { SUPPORTED_KEYS } from './schema';

const DOCS = path.resolve(__dirname, '../../../../docs');

it('docs/configuration-reference.md is what the generator writes from the schema', () => {
  const configurationMd = fs.readFileSync(path.join(DOCS, 'configuration.md'), 'utf8');
  const committed = fs.readFileSync(path.join(DOCS, 'configuration-reference.md'), 'utf8');
  // On failure: pnpm exec tsx docs/tools/gen-config-reference.ts
  expect(committed).toBe(renderConfigReference(configurationMd));
});

it('lists every key Tollgate reads', () => {
  const keys = new Set(referenceRows().map((r) => r.key));
  const missing = SUPPORTED_KEYS.filter(
    (k) => !keys.has(k) && !(k.startsWith('plugin_attr.') && keys.has('plugin_attr.<name>')),
  );
  expect(missing).toEqual([]);
});

it('walks arrays of objects as key[] and maps as key.<name>', () => {
  const rows = referenceRows({
    type: 'object',
    properties: {
      list: {
        type: 'array',
        items: { type: 'object', required: ['a'], properties: { a: { type: 'string' } } },
      },
      map: { type: 'object', additionalProperties: { type: 'object' } },
      mode: { enum: ['x', 'y'] },
    },
  });
  expect(rows).toEqual([
    { key: 'list', type: 'array of object {a}', rules: '' },
    { key: 'list[]', type: 'object', rules: 'requires `a`' },
    { key: 'list[].a', type: 'string', rules: '' },
    { key: 'map', type: 'object', rules: '' },
    { key: 'map.<name>', type: 'object', rules: '' },
    { key: 'mode', type: 'string', rules: 'one of `"x"`, `"y"`' },
  ]);
});

it('reads sibling keys, placeholders and array keys from the Supported keys table', () => {
  const md = [
    '## Supported keys',
    '',
    '| key | default | meaning |',
    '| --- | --- | --- |',
    '| `a.listen.ip` / `.port` | `1` | where, see [x](#x) |',
    '| `role_<role>.provider` | `etcd` | which \\| what |',
    '| `keys[]` | none | keys |',
    '',
    '## Next',
    '| `b` | no | not in the table |',
  ].join('\n');
  const found = (key: string) => keyDescriptions(md).find((d) => d.pattern.test(key));
  expect(found('a.listen.port')).toMatchObject({ defaultValue: '`1`' });
  expect(found('a.listen.ip')?.meaning).toBe('where, see [x](configuration.md#x)');
  expect(found('role_data_plane.provider')?.meaning).toBe('which \\| what');
  expect(found('keys')).toBeDefined();
  expect(found('keys[]')).toBeDefined();
  expect(found('b')).toBeUndefined();
  expect(found('role_a.b.provider')).toBeUndefined();
});
