// `encrypt_fields`: APISIX's schema keyword naming the fields stored encrypted (plugin.lua
// `encrypt_conf`). Registered with ajv so strict mode accepts it, and each dotted path checked
// against the schema it sits in, so a list never names a field the plugin does not have.

/** Registers the keyword: an array of dotted field paths, only at a schema's top level. */
export function addEncryptFieldsKeyword(ajv) {
  ajv.addKeyword({
    keyword: 'encrypt_fields',
    metaSchema: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', pattern: '^[a-z0-9_]+(\\.[a-z0-9_]+)*$' },
    },
  });
}

const BRANCHES = ['allOf', 'anyOf', 'oneOf', 'then', 'else'];

/** The schemas a property `name` may have in `node` (through $ref, branches and arrays). */
function propertySchemas(node, name, byId, seen = new Set()) {
  if (node === null || typeof node !== 'object' || seen.has(node)) return [];
  seen.add(node);
  const found = [];
  if (typeof node.$ref === 'string' && byId.has(node.$ref)) {
    found.push(...propertySchemas(byId.get(node.$ref), name, byId, seen));
  }
  if (node.items) found.push(...propertySchemas(node.items, name, byId, seen));
  if (node.properties && Object.hasOwn(node.properties, name)) found.push(node.properties[name]);
  for (const [pattern, sub] of Object.entries(node.patternProperties ?? {})) {
    if (new RegExp(pattern).test(name)) found.push(sub);
  }
  for (const branch of BRANCHES) {
    const sub = node[branch];
    for (const s of Array.isArray(sub) ? sub : sub ? [sub] : []) {
      found.push(...propertySchemas(s, name, byId, seen));
    }
  }
  return found;
}

/** @returns {string[]} one line per `encrypt_fields` path that names no property */
export function checkEncryptFields(schemas) {
  const byId = new Map(schemas.map((s) => [s.$id, s]));
  const errors = [];
  for (const schema of schemas) {
    for (const path of schema.encrypt_fields ?? []) {
      let nodes = [schema];
      for (const segment of path.split('.')) {
        nodes = nodes.flatMap((n) => propertySchemas(n, segment, byId));
      }
      if (nodes.length === 0)
        errors.push(`${schema.$id}: encrypt_fields names ${path}, no such field`);
    }
  }
  return errors;
}
