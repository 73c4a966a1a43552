/**
 * @module request-validation
 * APISIX's request-validation (priority 2800, rewrite): the request headers must satisfy
 * `header_schema` and the body `body_schema` (JSON, or a form when Content-Type says so);
 * otherwise the request is answered `rejected_code` (400) with `rejected_msg` or the
 * validation error. Each schema is compiled once per config object.
 *
 * The body is read through `ctx.readBody`, which keeps the bytes: ai-proxy reads the same
 * body afterwards, and the plain proxy forwards it. A JSON body that passes is replaced by its
 * re-encoding, schema defaults filled in, as APISIX does.
 *
 * @example
 * // route: { "plugins": { "request-validation": { "body_schema": { "type": "object", "required": ["a"] } } } }
 * // POST /hello with {"b":1} → 400 `property "a" is required`
 */
import {
  BodyTooLargeError,
  definePlugin,
  exit,
  ownValue,
  setOwn,
  type Exit,
  type RequestContext,
} from '@tollgate/core';
import { asDraft07, validateAgainst, type RequestValidationConf } from '@tollgate/schema';
import { parseBody } from './parse-body';

/** Largest body checked (ai-proxy's default `max_req_body_size`, 64 MiB); larger ones get 413. */
export const MAX_VALIDATED_BODY_BYTES = 67_108_864;

/** Config schema object → the draft-07 form ajv compiles (its compiled validator is cached on it). */
const prepared = new WeakMap<object, object>();

/** Validate `value`: the error, or the defaults-filled copy that passed. */
function check(
  schema: Record<string, unknown>,
  value: unknown,
): { error: string } | { error?: undefined; value: unknown } {
  let ready = prepared.get(schema);
  if (ready === undefined) {
    ready = asDraft07(schema);
    prepared.set(schema, ready);
  }
  const result = validateAgainst(ready, value);
  return result.valid ? { value: result.value } : { error: result.message };
}

/** Request headers as ngx.req.get_headers() gives them: lower-case names, repeats as arrays. */
function headersOf(ctx: RequestContext): Record<string, string | string[]> {
  const out = Object.create(null) as Record<string, string | string[]>;
  const raw = ctx.req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const prev = ownValue(out, name);
    if (prev === undefined) setOwn(out, name, value);
    else if (Array.isArray(prev)) prev.push(value);
    else setOwn(out, name, [prev, value]);
  }
  return out;
}

async function rewrite(
  conf: RequestValidationConf,
  ctx: RequestContext,
): Promise<Exit | undefined> {
  const code = conf.rejected_code ?? 400;
  const refuse = (err: string): Exit => exit(code, conf.rejected_msg ?? err);
  const headers = headersOf(ctx);
  if (conf.header_schema) {
    const checked = check(conf.header_schema, headers);
    if (checked.error !== undefined) return refuse(checked.error);
  }
  if (conf.body_schema) {
    let raw: Buffer;
    try {
      raw = await ctx.readBody(MAX_VALIDATED_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        return exit(413, {
          message: `request size is greater than the maximum size ${MAX_VALIDATED_BODY_BYTES} allowed`,
        });
      }
      throw err;
    }
    const ct = headers['content-type'];
    // Two Content-Type headers could make the upstream read the body other than as checked.
    if (Array.isArray(ct)) return refuse('duplicated Content-Type header');
    const parsed = parseBody(raw, ct);
    if (!parsed.ok) return refuse(parsed.error);
    const checked = check(conf.body_schema, parsed.value);
    if (checked.error !== undefined) return refuse(checked.error);
    // As APISIX: the upstream gets the JSON that was checked (re-encoded, schema defaults
    // filled), never bytes another parser could read differently (duplicate keys, say).
    if (parsed.json) ctx.replaceBody(Buffer.from(JSON.stringify(checked.value)));
  }
  return undefined;
}

/** The request-validation plugin definition. */
export const requestValidation = definePlugin<RequestValidationConf>({
  name: 'request-validation',
  version: '0.1',
  priority: 2800,
  rewrite,
});
