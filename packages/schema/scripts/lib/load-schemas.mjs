// Reads schemas/**/*.json and enforces the authoring conventions of schemas/README.md:
// $id matches the file, a title and description on every file, a description on every property,
// plugin files named after a catalogue entry. Returns the schemas sorted by $id.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const RESOURCE_NAMES = [
  'route',
  'service',
  'upstream',
  'consumer',
  'credential',
  'plugin_config',
  'global_rule',
  'consumer_group',
  'plugin_metadata',
  'ssl',
  'stream_route',
  'proto',
  'secret.vault',
  'secret.aws',
  'secret.gcp',
];

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
const PLUGIN_SUFFIXES = { '': 'Conf', '.consumer': 'ConsumerConf', '.metadata': 'MetadataConf' };

/** `ai-proxy-multi` / `plugin_config` → `AiProxyMulti` / `PluginConfig`. */
export function pascal(name) {
  return name
    .split(/[-_.]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function lintProperties(schema, where, errors, inIf = false) {
  if (schema === null || typeof schema !== 'object') return;
  if (Array.isArray(schema)) {
    schema.forEach((s, i) => lintProperties(s, `${where}/${i}`, errors, inIf));
    return;
  }
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && !inIf) {
      for (const [prop, sub] of Object.entries(value)) {
        if (typeof sub?.description !== 'string' || sub.description === '') {
          errors.push(`${where}/properties/${prop}: missing description`);
        }
      }
    }
    if (key === 'enum' || key === 'default' || key === 'required') continue;
    lintProperties(value, `${where}/${key}`, errors, inIf || key === 'if');
  }
}

/** Plugin names listed in src/catalog.ts (`name: '...'`). */
export function readCatalogNames(packageDir) {
  const text = readFileSync(join(packageDir, 'src', 'catalog.ts'), 'utf8');
  return [...text.matchAll(/\bname: '([a-z0-9-]+)'/g)].map((m) => m[1]);
}

/**
 * @returns {{ schemas: object[], plugins: Record<string, Record<string, string>>, errors: string[] }}
 */
export function loadSchemas(schemasDir, catalogNames) {
  const errors = [];
  const schemas = [];
  const plugins = {};
  for (const dir of ['common', 'resources', 'plugins']) {
    const files = readdirSync(join(schemasDir, dir))
      .filter((f) => f.endsWith('.json'))
      .sort();
    for (const file of files) {
      const base = file.slice(0, -'.json'.length);
      const where = `schemas/${dir}/${file}`;
      let schema;
      try {
        schema = JSON.parse(readFileSync(join(schemasDir, dir, file), 'utf8'));
      } catch (err) {
        errors.push(`${where}: ${err.message}`);
        continue;
      }
      if (schema.$schema !== DRAFT_07) errors.push(`${where}: $schema must be ${DRAFT_07}`);
      if (schema.$id !== `tollgate:${dir}/${base}`) {
        errors.push(`${where}: $id must be tollgate:${dir}/${base}`);
      }
      if (typeof schema.title !== 'string') errors.push(`${where}: missing title`);
      if (typeof schema.description !== 'string') errors.push(`${where}: missing description`);
      lintProperties(schema, where, errors);
      if (dir === 'resources') {
        if (!RESOURCE_NAMES.includes(base)) errors.push(`${where}: unknown resource ${base}`);
        if (schema.title !== `${pascal(base)}Conf`) {
          errors.push(`${where}: title must be ${pascal(base)}Conf`);
        }
      }
      if (dir === 'plugins') {
        const m = /^([a-z0-9-]+)((?:\.consumer|\.metadata)?)$/.exec(base);
        if (!m) {
          errors.push(`${where}: plugin file must be <name>[.consumer|.metadata].json`);
        } else {
          const [, name, suffix] = m;
          if (!catalogNames.includes(name)) {
            errors.push(`${where}: plugin ${name} is not in src/catalog.ts`);
          }
          const title = `${pascal(name)}${PLUGIN_SUFFIXES[suffix]}`;
          if (schema.title !== title) errors.push(`${where}: title must be ${title}`);
          const kind = {
            '': 'schema',
            '.consumer': 'consumerSchema',
            '.metadata': 'metadataSchema',
          };
          (plugins[name] ??= {})[kind[suffix]] = schema.$id;
        }
      }
      schemas.push(schema);
    }
  }
  for (const name of catalogNames) {
    if (!plugins[name]?.schema)
      errors.push(`src/catalog.ts: plugin ${name} has no schemas/plugins/${name}.json`);
  }
  for (const name of RESOURCE_NAMES) {
    if (!schemas.some((s) => s.$id === `tollgate:resources/${name}`)) {
      errors.push(`schemas/resources/${name}.json is missing`);
    }
  }
  schemas.sort((a, b) => (a.$id < b.$id ? -1 : a.$id > b.$id ? 1 : 0));
  return { schemas, plugins, errors };
}
