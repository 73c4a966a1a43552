/**
 * @module log-fields
 * Errors as log fields. winston serialises an Error nested in the metadata as `{}`, so errors
 * are flattened to the fixed `err{name,code,message,stack}` shape of the style guide.
 */

/** The `err` field of a log entry. */
export function errorFields(err: unknown): {
  name: string;
  code?: string;
  message: string;
  stack?: string;
} {
  if (!(err instanceof Error)) return { name: 'NonError', message: String(err) };
  const code = (err as { code?: unknown }).code;
  return {
    name: err.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
    message: err.message,
    ...(err.stack !== undefined ? { stack: err.stack } : {}),
  };
}
