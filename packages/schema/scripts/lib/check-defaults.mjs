// Every `default` must itself be valid for the property it belongs to; otherwise the validator
// would fill configurations with values their own schema rejects.

function* defaults(node, path) {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* defaults(item, `${path}/${i}`);
    return;
  }
  if ('default' in node) yield [path, node];
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'default' && key !== 'enum' && key !== 'const') {
      yield* defaults(value, `${path}/${key}`);
    }
  }
}

/** @returns {string[]} one line per default that fails its own schema */
export function checkDefaults(ajv, schemas) {
  const errors = [];
  for (const schema of schemas) {
    for (const [path, node] of defaults(schema, schema.$id)) {
      const { default: value, ...rest } = node;
      // A copy: useDefaults would otherwise write into the schema itself.
      if (!ajv.validate(rest, structuredClone(value))) {
        errors.push(`${path}: default ${JSON.stringify(value)} is invalid: ${ajv.errorsText()}`);
      }
    }
  }
  return errors;
}
