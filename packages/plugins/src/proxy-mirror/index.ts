/**
 * @module proxy-mirror
 * APISIX's proxy-mirror (priority 1010, rewrite): a `sample_ratio` share of the requests is also
 * sent to `host`, with the client's method, headers (as the plugins left them; Host is the one
 * the upstream gets) and body, at the request's own URI or `path` (`replace`: the path with the
 * request's query; `prefix`: the path followed by the request's URI). The mirror's answers and
 * failures never reach the client: it is fire and forget, with timeouts (`plugin_attr`).
 *
 * The sample is drawn and the URI fixed in the rewrite phase (APISIX); the copy is sent just
 * before the request is proxied (nginx's `mirror` runs after the access phase), so a request
 * refused by a later plugin is not mirrored.
 *
 * @example
 * // route: { "plugins": { "proxy-mirror": { "host": "http://127.0.0.1:9797", "sample_ratio": 0.5 } } }
 * // → about half the requests are also sent to 127.0.0.1:9797
 */
import { createLogger, definePlugin, setOwn, type RequestContext } from '@tollgate/core';
import type { ProxyMirrorConf } from '@tollgate/schema';
import { Mirror, timeoutsFromAttr } from './mirror';

/** Most bytes of a request body that is mirrored; a larger (or unsized chunked) body is not. */
export const MAX_MIRRORED_BODY_BYTES = 16 * 1024 * 1024;

const NAME = 'proxy-mirror';
const logger = createLogger(NAME);
const mirror = new Mirror(undefined, logger);

/** Request headers that describe one connection or the body framing: never copied. */
const NOT_COPIED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'content-length',
  'host',
]);

interface MirrorState {
  /** Path and query the copy is sent to. */
  path: string;
}

/** The URI the copy goes to, as APISIX's `enable_mirror`. */
export function mirrorPath(conf: ProxyMirrorConf, ctx: RequestContext): string {
  const args = ctx.vars.queryString;
  const query = args === '' ? '' : `?${args}`;
  const uri = ctx.upstreamUri ?? `${ctx.vars.uri}${query}`;
  if (conf.path === undefined) return uri;
  return conf.path_concat_mode === 'prefix' ? `${conf.path}${uri}` : `${conf.path}${query}`;
}

function rewrite(conf: ProxyMirrorConf, ctx: RequestContext): void {
  if (conf.sample_ratio !== 1 && !(Math.random() < conf.sample_ratio)) return;
  ctx.pluginState<MirrorState>(NAME, () => ({ path: mirrorPath(conf, ctx) }));
}

/** The client's headers as the upstream gets them, without connection and framing headers. */
function mirrorHeaders(ctx: RequestContext): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = Object.create(null) as Record<
    string,
    string | string[]
  >;
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (value !== undefined && !NOT_COPIED.has(name)) setOwn(headers, name, value);
  }
  for (const [name, value] of ctx.upstreamHeaders) {
    const lower = name.toLowerCase();
    if (NOT_COPIED.has(lower)) continue;
    if (value === null) delete headers[lower];
    else setOwn(headers, lower, value);
  }
  const host = ctx.upstreamHeaders.get('host') ?? ctx.req.headers.host;
  if (host) headers.host = host;
  return headers;
}

/** The body to mirror: null for none, undefined when it cannot be mirrored (too large, chunked). */
async function mirrorBody(ctx: RequestContext): Promise<Buffer | null | undefined> {
  const headers = ctx.req.headers;
  if (!ctx.bodyRead) {
    if (headers['transfer-encoding'] !== undefined) return undefined;
    const declared = Number(headers['content-length'] ?? 0);
    if (!Number.isFinite(declared) || declared > MAX_MIRRORED_BODY_BYTES) return undefined;
    if (declared === 0) return null;
  }
  try {
    const body = await ctx.readBody(MAX_MIRRORED_BODY_BYTES);
    return body.length === 0 && !ctx.bodyRead ? null : body;
  } catch {
    // Too large, or the client went away: the proxy answers for the body, not the mirror.
    return undefined;
  }
}

async function beforeProxy(conf: ProxyMirrorConf, ctx: RequestContext): Promise<void> {
  const state = ctx.pluginState<MirrorState | undefined>(NAME, () => undefined);
  // Not sampled, or the request was already answered (ai-proxy answers in this phase first).
  if (state === undefined || ctx.response.headersSent) return;
  const scheme = conf.host.slice(0, conf.host.indexOf(':'));
  if (scheme !== 'http' && scheme !== 'https') {
    logger.debug('grpc mirroring is not supported; request not mirrored', { host: conf.host });
    return;
  }
  const body = await mirrorBody(ctx);
  if (body === undefined) {
    logger.debug('request body not mirrored (chunked or too large); request not mirrored', {
      request_id: ctx.requestId,
    });
    return;
  }
  mirror.send({
    origin: conf.host,
    path: state.path,
    method: ctx.upstreamMethod ?? ctx.req.method ?? 'GET',
    headers: mirrorHeaders(ctx),
    body,
  });
}

/** The proxy-mirror plugin definition. */
export const proxyMirror = definePlugin<ProxyMirrorConf>({
  name: NAME,
  version: '0.1',
  priority: 1010,
  init(env) {
    mirror.configure(timeoutsFromAttr(env.pluginAttr?.(NAME)));
  },
  async destroy() {
    await mirror.close();
  },
  rewrite,
  beforeProxy,
});
