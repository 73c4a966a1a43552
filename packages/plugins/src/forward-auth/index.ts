/**
 * @module forward-auth
 * APISIX's forward-auth (priority 2002, access phase): each request is first sent to an
 * external authorization service through undici. A 2xx answer lets it through, copying
 * `upstream_headers` from that answer onto the upstream request; any other answer is returned
 * to the client (status, body and `client_headers`). When the service cannot be reached the
 * request passes with `allow_degradation`, else it is answered `status_on_error`.
 */
import {
  BodyTooLargeError,
  definePlugin,
  exit,
  resolveVar,
  type RequestContext,
} from '@tollgate/core';
import type { ForwardAuthConf } from '@tollgate/schema';
import { Agent } from 'undici';

/** Most bytes of a client body forwarded to the service, and of a service body returned. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Most distinct connection settings kept at once (each one an undici Agent). */
const MAX_AGENTS = 64;

const agents = new Map<string, Agent>();

/** The Agent for these connection settings, shared by every request that uses them. */
function agentFor(conf: ForwardAuthConf): Agent {
  const key = `${conf.ssl_verify}|${conf.keepalive}|${conf.keepalive_timeout}`;
  let agent = agents.get(key);
  if (agent) return agent;
  if (agents.size >= MAX_AGENTS) {
    const [oldest] = agents;
    if (oldest) {
      agents.delete(oldest[0]);
      void oldest[1].close();
    }
  }
  agent = new Agent({
    connect: { rejectUnauthorized: conf.ssl_verify },
    keepAliveTimeout: conf.keepalive_timeout,
    keepAliveMaxTimeout: conf.keepalive_timeout,
  });
  agents.set(key, agent);
  return agent;
}

function clientHeader(ctx: RequestContext, name: string): string | undefined {
  const lower = name.toLowerCase();
  const value = Object.hasOwn(ctx.req.headers, lower) ? ctx.req.headers[lower] : undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/**
 * Headers undici writes itself or refuses (it frames the body and manages the connection):
 * never copied from the client or from extra_headers.
 */
const FRAMING = new Set([
  'connection',
  'content-length',
  'expect',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
]);

/** The headers sent to the authorization service, by lower-case name. */
function authHeaders(conf: ForwardAuthConf, ctx: RequestContext): Map<string, string> {
  const headers = new Map<string, string>();
  const put = (name: string, value: string | undefined) => {
    const lower = name.toLowerCase();
    if (value !== undefined && !FRAMING.has(lower)) headers.set(lower, value);
  };
  put('x-forwarded-proto', textOf(ctx.vars.get('scheme')));
  put('x-forwarded-method', ctx.req.method);
  put('x-forwarded-host', textOf(ctx.vars.get('host')));
  put('x-forwarded-uri', textOf(ctx.vars.get('request_uri')));
  put('x-forwarded-for', textOf(ctx.vars.get('remote_addr')));
  if (conf.request_method === 'POST')
    put('content-encoding', clientHeader(ctx, 'content-encoding'));
  for (const [name, template] of Object.entries(conf.extra_headers ?? {})) {
    put(name, resolveVar(template, ctx.vars.lookup));
  }
  for (const name of conf.request_headers) {
    if (!headers.has(name.toLowerCase())) put(name, clientHeader(ctx, name));
  }
  return headers;
}

interface AuthAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

async function askService(conf: ForwardAuthConf, ctx: RequestContext): Promise<AuthAnswer> {
  const body = conf.request_method === 'POST' ? await ctx.readBody(MAX_BODY_BYTES) : undefined;
  const res = await agentFor(conf).request({
    ...splitUri(conf.uri),
    method: conf.request_method,
    headers: Object.fromEntries(authHeaders(conf, ctx)),
    body,
    reset: !conf.keepalive,
    signal: AbortSignal.timeout(conf.timeout),
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > MAX_BODY_BYTES) {
      res.body.destroy();
      throw new Error('authorization service answer too large');
    }
    chunks.push(bytes);
  }
  return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) };
}

function splitUri(uri: string): { origin: string; path: string } {
  const url = new URL(uri);
  return { origin: url.origin, path: `${url.pathname}${url.search}` };
}

function answerHeader(answer: AuthAnswer, name: string): string | undefined {
  const lower = name.toLowerCase();
  const value = Object.hasOwn(answer.headers, lower) ? answer.headers[lower] : undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

export const forwardAuth = definePlugin<ForwardAuthConf>({
  name: 'forward-auth',
  version: '0.1',
  priority: 2002,
  async destroy() {
    const all = [...agents.values()];
    agents.clear();
    await Promise.all(all.map((agent) => agent.close()));
  },
  async access(conf, ctx) {
    let answer: AuthAnswer;
    try {
      answer = await askService(conf, ctx);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return exit(413, { error_msg: err.message });
      if (conf.allow_degradation) return undefined;
      return exit(conf.status_on_error);
    }
    if (answer.status >= 300) {
      // nginx's default_type unless the service's own Content-Type is among client_headers.
      const out = new Map<string, string>([['content-type', 'text/plain']]);
      for (const name of conf.client_headers) {
        const value = answerHeader(answer, name);
        if (value === undefined) continue;
        if (name.toLowerCase() === 'content-type') out.delete('content-type');
        out.set(name, value);
      }
      return exit(answer.status, answer.body, Object.fromEntries(out));
    }
    for (const name of conf.upstream_headers) {
      // An absent header removes the client's header of that name, as APISIX does.
      ctx.upstreamHeaders.set(name.toLowerCase(), answerHeader(answer, name) ?? null);
    }
    return undefined;
  },
});
