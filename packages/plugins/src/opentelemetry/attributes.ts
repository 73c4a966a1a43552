/**
 * @module opentelemetry/attributes
 * The request span's name and attributes as APISIX 3.18 sets them, and the extra ones a route
 * asks for (`additional_attributes` from variables, `additional_header_prefix_attributes` from
 * request headers). Header names come from the request: looked up as own keys only, and bounded
 * by the number of headers Node accepts.
 */
import type { Attributes } from '@opentelemetry/api';
import { ownValue, setOwn, type RequestContext } from '@tollgate/core';
import type { OpentelemetryConf } from '@tollgate/schema';

/** `GET /route/uri/pattern`, or just the method when no route matched (a global rule). */
export function spanName(ctx: RequestContext): string {
  const method = ctx.req.method ?? 'GET';
  return ctx.route ? `${method} ${ctx.route.matchedUri}` : method;
}

/** A variable's value as span text; undefined for absent (and Lua-falsy `false`) values. */
export function varText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || value === true) return String(value);
  return undefined;
}

function put(attributes: Attributes, key: string, value: unknown): void {
  const text = varText(value);
  if (text !== undefined) setOwn(attributes, key, text);
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The request span's attributes at rewrite. */
export function requestAttributes(conf: OpentelemetryConf, ctx: RequestContext): Attributes {
  const vars = ctx.vars;
  const attributes: Attributes = Object.create(null) as Attributes;
  put(attributes, 'net.host.name', vars.get('host'));
  put(attributes, 'http.method', ctx.req.method);
  put(attributes, 'http.scheme', vars.get('scheme'));
  put(attributes, 'http.target', vars.get('request_uri'));
  put(attributes, 'http.user_agent', headerText(ctx.req.headers['user-agent']));
  const route = ctx.route;
  if (route) {
    put(attributes, 'apisix.route_id', route.id);
    put(attributes, 'apisix.route_name', route.name);
    put(attributes, 'http.route', route.matchedUri);
    if (route.serviceId !== undefined) {
      put(attributes, 'apisix.service_id', route.serviceId);
      put(attributes, 'apisix.service_name', vars.get('service_name'));
    }
  }
  for (const name of conf.additional_attributes ?? []) put(attributes, name, vars.get(name));
  const wanted = conf.additional_header_prefix_attributes;
  if (wanted) {
    const headers = ctx.req.headers;
    for (const key of wanted) {
      if (key.length >= 2 && key.endsWith('*')) {
        const prefix = key.slice(0, -1).toLowerCase();
        for (const name of Object.keys(headers)) {
          if (name.startsWith(prefix)) put(attributes, name, headerText(ownValue(headers, name)));
        }
      } else {
        put(attributes, key, headerText(ownValue(headers, key.toLowerCase())));
      }
    }
  }
  return attributes;
}
