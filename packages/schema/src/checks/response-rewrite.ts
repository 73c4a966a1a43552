/**
 * @module checks/response-rewrite
 * response-rewrite's check beyond its schema (APISIX `check_schema`): plain-form headers have a
 * name and a text value, a base64 body decodes, `vars` compiles and every filter regex compiles.
 */
import { compileExpr, compilePcre } from '@tollgate/core';
import { isOperationHeaders } from './proxy-rewrite';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function plainHeadersError(headers: Record<string, unknown>): string | undefined {
  for (const [field, value] of Object.entries(headers)) {
    if (typeof value !== 'string' && typeof value !== 'number')
      return 'invalid type as header value';
    if (field.length === 0) return 'invalid field length in header';
  }
  return undefined;
}

function filtersError(filters: unknown): string | undefined {
  if (!Array.isArray(filters)) return undefined;
  for (const filter of filters as { regex?: unknown; options?: unknown }[]) {
    const regex = String(filter.regex);
    try {
      compilePcre(regex, typeof filter.options === 'string' ? filter.options : '');
    } catch (err) {
      return `regex "${regex}" validation failed: ${(err as Error).message}`;
    }
  }
  return undefined;
}

/** First cross-field failure of a schema-valid response-rewrite config, or undefined. */
export function checkResponseRewrite(conf: Record<string, unknown>): string | undefined {
  const headers = conf.headers;
  if (typeof headers === 'object' && headers !== null && !Array.isArray(headers)) {
    const table = headers as Record<string, unknown>;
    const error = isOperationHeaders(table) ? undefined : plainHeadersError(table);
    if (error) return error;
  }
  if (conf.body_base64 === true) {
    const body = conf.body;
    if (typeof body !== 'string' || body.length === 0 || !BASE64.test(body)) {
      return 'invalid base64 content';
    }
  }
  if (conf.vars !== undefined) {
    try {
      compileExpr(conf.vars);
    } catch (err) {
      return `failed to validate the 'vars' expression: ${(err as Error).message}`;
    }
  }
  return filtersError(conf.filters);
}
