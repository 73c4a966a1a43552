// Renders the two generated files. Output depends only on the schema files, so it is
// deterministic; both files live in src/generated/ (excluded from prettier).
import jsonToTs from 'json-schema-to-typescript';
import { buildTypeRoot } from './type-schema.mjs';

const BANNER =
  '// generated — do not edit. Source: schemas/**/*.json; run `pnpm gen` to regenerate.\n';

function literal(value) {
  return JSON.stringify(value, null, 2);
}

/** src/generated/schemas.ts: every schema object plus the plugin → schema id table. */
export function renderSchemasModule(schemas, plugins, resourceNames) {
  const ids = schemas.map((s) => s.$id);
  const table = Object.fromEntries(
    Object.keys(plugins)
      .sort()
      .map((n) => [n, plugins[n]]),
  );
  const resources = Object.fromEntries(resourceNames.map((r) => [r, `tollgate:resources/${r}`]));
  return [
    BANNER,
    '/** Id of a schema under schemas/ (`tollgate:<dir>/<file>`). */',
    `export type SchemaId =\n${ids.map((id) => `  | ${JSON.stringify(id)}`).join('\n')};`,
    '',
    '/** Every schema, keyed by $id. */',
    `export const SCHEMAS: Readonly<Record<SchemaId, Record<string, unknown>>> = ${literal(
      Object.fromEntries(schemas.map((s) => [s.$id, s])),
    )};`,
    '',
    '/** Schema ids of each plugin, found from the schemas/plugins file names. */',
    'export const PLUGIN_SCHEMA_IDS: Readonly<',
    '  Record<string, { schema: SchemaId; consumerSchema?: SchemaId; metadataSchema?: SchemaId }>',
    `> = ${literal(table)};`,
    '',
    '/** Resource name → schema id. */',
    `export const RESOURCE_SCHEMA_IDS = ${literal(resources)} as const;`,
    '',
  ].join('\n');
}

const TS_OPTIONS = {
  bannerComment: '',
  additionalProperties: false,
  declareExternallyReferenced: true,
  unreachableDefinitions: false,
  strictIndexSignatures: false,
  enableConstEnums: false,
  // Arrays bounded above 16 items are typed as plain arrays, not unions of every tuple length.
  maxItems: 16,
  format: true,
  style: { singleQuote: true, printWidth: 100, trailingComma: 'all', semi: true },
};

/** src/generated/types.ts: input types (`XInput`) and resolved types (`X`, defaults filled). */
export async function renderTypesModule(schemas, plugins, resourceNames) {
  const compile = jsonToTs.compile ?? jsonToTs.default?.compile;
  const parts = [BANNER];
  for (const mode of ['resolved', 'input']) {
    const root = buildTypeRoot(schemas, plugins, resourceNames, mode);
    const heading =
      mode === 'input'
        ? '// Input types: configurations as written by users.\n'
        : '// Resolved types: configurations after validation filled the schema defaults.\n';
    parts.push(heading, await compile(root, root.title, TS_OPTIONS));
  }
  return parts.join('\n');
}
