// Turns the validation schemas into one schema that json-schema-to-typescript renders well:
// $refs are inlined as shared objects (so each titled schema becomes one named type), and
// keywords that only constrain (required-only allOf/anyOf/oneOf/not, dependencies) are dropped.
// Fields that exist only inside if/then/else (the redis policy fields) become optional properties.
// In 'resolved' mode every property with a default is required, because the validator fills it.

const COMPOSITES = ['allOf', 'anyOf', 'oneOf', 'not'];
/** `allOf: [{ $ref }, ...]`: fragments whose fields the schema takes over. */
const isRefMerge = (key, value) =>
  key === 'allOf' && Array.isArray(value) && value.some((v) => typeof v?.$ref === 'string');

const DROPPED = ['$schema', '$id', 'dependencies', 'format', 'default', 'if', 'then', 'else'];

/**
 * @param {object[]} schemas every schema, with $id
 * @param {'input'|'resolved'} mode
 */
export function createTypeBuilder(schemas, mode) {
  const byId = new Map(schemas.map((s) => [s.$id, s]));
  const built = new Map();
  const suffix = mode === 'input' ? 'Input' : '';

  function conditionalProperties(node) {
    const out = {};
    const visit = (branch) => {
      if (!branch || typeof branch !== 'object') return;
      const source = typeof branch.$ref === 'string' ? byId.get(branch.$ref) : branch;
      if (!source) return;
      for (const [k, v] of Object.entries(source.properties ?? {})) if (!(k in out)) out[k] = v;
      visit(source.then);
      visit(source.else);
    };
    visit(node.then);
    visit(node.else);
    return out;
  }

  function fromId(id) {
    if (built.has(id)) return built.get(id);
    const source = byId.get(id);
    if (!source) throw new Error(`unresolved $ref ${id}`);
    const target = {};
    built.set(id, target);
    Object.assign(target, transform(source, true));
    return target;
  }

  function propertySchema(sub) {
    if (sub && typeof sub === 'object' && typeof sub.$ref === 'string') {
      const target = fromId(sub.$ref);
      // A single-element allOf keeps the shared named type and lets the property's own text be
      // its doc comment.
      return sub.description ? { allOf: [target], description: sub.description } : target;
    }
    return transform(sub, false);
  }

  function mapValues(entries) {
    const list = Array.isArray(entries) ? entries : Object.entries(entries);
    return Object.fromEntries(list.map(([k, v]) => [k, propertySchema(v)]));
  }

  function transform(node, isRoot) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
    if (typeof node.$ref === 'string') return propertySchema(node);
    const out = {};
    const singleType = typeof node.type === 'string';
    const extra = conditionalProperties(node);
    for (const [key, value] of Object.entries(node)) {
      if (DROPPED.includes(key)) continue;
      // An allOf of $refs merges shared fragments (the loggers' common fields): kept as an
      // intersection; other composites on an object only constrain.
      if (COMPOSITES.includes(key) && singleType && !isRefMerge(key, value)) continue;
      if (key === 'title') {
        if (isRoot || node.properties) out.title = `${value}${suffix}`;
        continue;
      }
      if (key === 'properties') {
        out.properties = { ...out.properties, ...mapValues(value) };
      } else if (key === 'patternProperties') {
        // APISIX writes some fixed names as patterns (ai auth: header, query, gcp, aws).
        const literal = Object.entries(value).filter(([k]) => /^[A-Za-z0-9_]+$/.test(k));
        const patterns = Object.entries(value).filter(([k]) => !/^[A-Za-z0-9_]+$/.test(k));
        if (literal.length > 0) out.properties = { ...out.properties, ...mapValues(literal) };
        if (patterns.length > 0) out.patternProperties = mapValues(patterns);
      } else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) {
        out[key] = propertySchema(value);
      } else if (COMPOSITES.includes(key)) {
        out[key] = Array.isArray(value)
          ? value.map((v) => propertySchema(v))
          : propertySchema(value);
      } else {
        out[key] = value;
      }
    }
    const freeForm = !node.properties && !node.patternProperties;
    if (node.type === 'object' && freeForm && node.additionalProperties === undefined) {
      out.additionalProperties = true;
    }
    for (const [k, v] of Object.entries(extra)) {
      out.properties ??= {};
      if (!(k in out.properties)) out.properties[k] = propertySchema(v);
    }
    if (mode === 'resolved' && node.properties) {
      const withDefault = Object.entries(node.properties)
        .filter(([, v]) => v && typeof v === 'object' && 'default' in v)
        .map(([k]) => k);
      const required = [...new Set([...(node.required ?? []), ...withDefault])];
      if (required.length > 0) out.required = required;
    }
    // json-schema-to-typescript drops the own properties of a schema that also has an allOf:
    // they become one more member of the intersection.
    if (Array.isArray(out.allOf) && out.properties) {
      const own = { type: 'object', properties: out.properties };
      if (out.required) own.required = out.required;
      delete out.properties;
      delete out.required;
      out.allOf = [...out.allOf, own];
    }
    return out;
  }

  return { fromId };
}

/**
 * The single root rendered by json-schema-to-typescript: maps from resource name and plugin name
 * to their types, so every named type is emitted exactly once.
 */
export function buildTypeRoot(schemas, plugins, resourceNames, mode) {
  const { fromId } = createTypeBuilder(schemas, mode);
  const suffix = mode === 'input' ? 'Input' : '';
  const map = (title, description, entries) => ({
    title: `${title}${suffix}`,
    description,
    type: 'object',
    properties: Object.fromEntries(entries),
    required: entries.map(([k]) => k),
    additionalProperties: false,
  });
  const names = Object.keys(plugins).sort();
  const resources = map(
    'ResourceConfMap',
    'Resource name to its configuration type.',
    resourceNames.map((r) => [r, fromId(`tollgate:resources/${r}`)]),
  );
  const pluginMap = map(
    'PluginConfMap',
    'Plugin name to the type of its route/service configuration.',
    names.map((n) => [n, fromId(plugins[n].schema)]),
  );
  const consumerMap = map(
    'PluginConsumerConfMap',
    'Plugin name to the type of its consumer/credential configuration.',
    names.map((n) => [n, fromId(plugins[n].consumerSchema ?? plugins[n].schema)]),
  );
  return {
    title: `TollgateConfMaps${suffix}`,
    description: 'Root of the generated types; use the maps it references.',
    type: 'object',
    properties: { resources, plugins: pluginMap, consumerPlugins: consumerMap },
    required: ['resources', 'plugins', 'consumerPlugins'],
    additionalProperties: false,
  };
}
