/**
 * @module validator
 * The runtime ajv instance (draft-07, defaults on, first error only) over every generated
 * schema, and {@link validateAgainst}: validate a deep copy, fill defaults on it, and word a
 * failure as APISIX does. The schemas were compiled in strict mode by scripts/generate.mjs, so
 * strict checks are off here.
 */
import { isIPv4, isIPv6 } from 'node:net';
import Ajv, { type ValidateFunction } from 'ajv';
import { SCHEMAS, type SchemaId } from './generated/schemas';
import { explainFailure, formatAjvError } from './format-errors';
import { schemaById } from './registry';

/** Outcome of a validation: the defaults-filled copy, or APISIX's error text. */
export type ValidationResult<T = unknown> =
  | { valid: true; value: T }
  | {
      valid: false;
      message: string;
      /**
       * True when APISIX returns `message` as the whole `error_msg`, without the
       * `invalid configuration: ` prefix (code-level resource checks such as `missing key`).
       */
      verbatim?: boolean;
    };

let ajv: Ajv | undefined;
const adHoc = new WeakMap<object, ValidateFunction>();

function instance(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ strict: false, useDefaults: true, allErrors: false });
    ajv.addFormat('ipv4', { type: 'string', validate: (s: string) => isIPv4(s) });
    ajv.addFormat('ipv6', { type: 'string', validate: (s: string) => isIPv6(s) });
    for (const schema of Object.values(SCHEMAS)) ajv.addSchema(schema);
  }
  return ajv;
}

/** Deep copy of a JSON value (the input is never mutated). */
export function deepCopy<T>(value: T): T {
  return structuredClone(value);
}

/**
 * Validates `value` against the schema `id` (or an ad-hoc schema object). On success `value` is
 * a defaults-filled deep copy; on failure `message` is api7/jsonschema's wording.
 */
export function validateAgainst(id: SchemaId | object, value: unknown): ValidationResult {
  const a = instance();
  let validate: ValidateFunction | undefined;
  if (typeof id === 'string') {
    validate = a.getSchema(id);
  } else {
    validate = adHoc.get(id) ?? a.compile(id);
    adHoc.set(id, validate);
  }
  if (!validate) throw new Error(`unknown schema ${typeof id === 'string' ? id : 'object'}`);
  const copy = deepCopy(value);
  if (validate(copy)) return { valid: true, value: copy };
  const schema = typeof id === 'string' ? schemaById(id) : id;
  const message =
    explainFailure(schema, deepCopy(value), schemaById) ?? formatAjvError(validate.errors?.[0]);
  return { valid: false, message };
}
