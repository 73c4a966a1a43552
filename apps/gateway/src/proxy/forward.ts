/**
 * @module proxy/forward
 * One request through the retry loop: pick a node, send, stream the answer back; on a failure
 * that allows it, pick another node (nginx `proxy_next_upstream error timeout` with APISIX's
 * `retries` and `retry_timeout`); when nothing was received, answer 502 or 504.
 */
import type { Dispatcher } from 'undici';
import type { Logger, RequestContext } from '@tollgate/core';
import { Attempt, type AttemptOutcome, type AttemptSink } from './attempt';
import { hashKeyOf } from '@tollgate/core';
import type { PickInput } from './balancer';
import { errorCode, errorPage, failureStatus, mayRetry } from './failures';
import type { UpstreamEntry, UpstreamRegistry } from './registry';
import { bodySource, type RequestBody } from './request-body';
import { upstreamHeaders, upstreamPath, withoutHopByHop } from './request-head';
import type { UpstreamNode } from './upstream-conf';

/** The error an attempt is aborted with when the client goes away. */
export class ClientClosedError extends Error {
  readonly code = 'TOLLGATE_CLIENT_CLOSED';
  constructor() {
    super('client closed the connection');
  }
}

/** Answers with nginx's error page for `status`. */
export function sendErrorPage(ctx: RequestContext, status: number): void {
  if (ctx.response.headersSent || ctx.response.clientGone) return;
  ctx.response.send(status, errorPage(status), { 'content-type': 'text/html' });
}

/** Seconds with millisecond resolution, as nginx prints `$upstream_*_time`. */
function seconds(from: number, to: number | undefined): string | undefined {
  return to === undefined ? undefined : (Math.max(0, to - from) / 1000).toFixed(3);
}

function responseSink(ctx: RequestContext): AttemptSink {
  const response = ctx.response;
  return {
    head(status, headers) {
      ctx.vars.set('upstream_status', status);
      response.begin(status, withoutHopByHop(headers));
    },
    data: (chunk) => response.write(chunk),
  };
}

/** Runs the request of `ctx` against the nodes of `entry`. Never throws for upstream faults. */
export class Forwarder {
  private readonly tried = new Set<UpstreamNode>();
  private current: Attempt | undefined;
  private clientClosed = false;
  private readonly method: string;

  constructor(
    private readonly ctx: RequestContext,
    private readonly entry: UpstreamEntry,
    private readonly registry: UpstreamRegistry,
    private readonly body: RequestBody,
    private readonly logger: Logger,
    private readonly upstreamKey: string,
  ) {
    this.method = ctx.upstreamMethod ?? ctx.req.method ?? 'GET';
  }

  async run(): Promise<void> {
    const { ctx } = this;
    const res = ctx.response.res;
    const onClose = () => {
      if (res.writableFinished) return;
      this.clientClosed = true;
      this.current?.abort(new ClientClosedError());
    };
    res.on('close', onClose);
    try {
      await this.loop();
    } finally {
      res.off('close', onClose);
    }
  }

  private async loop(): Promise<void> {
    const { conf, balancer } = this.entry;
    let hashKey: string | undefined;
    const input: PickInput = {
      tried: this.tried,
      hashKey: () => (hashKey ??= hashKeyOf(this.ctx, conf.hashOn, conf.key)),
    };
    const deadline = conf.retryTimeoutMs > 0 ? performance.now() + conf.retryTimeoutMs : Infinity;
    let status = 502;
    for (let tries = 0; tries <= conf.retries; tries++) {
      if (this.clientClosed || this.ctx.response.clientGone) return;
      // APISIX answers 502 once retry_timeout has passed, whatever the last failure was.
      if (tries > 0 && performance.now() > deadline) {
        status = 502;
        break;
      }
      const node = balancer.pick(input);
      if (!node) break;
      this.tried.add(node);
      const outcome = await this.attempt(node);
      if (outcome.ok || this.clientClosed) return;
      if (outcome.stage === 'response') {
        // Part of the response is out: a truncated body must not look complete.
        this.ctx.response.res.destroy();
        return;
      }
      status = failureStatus(outcome.error);
      this.ctx.vars.set('upstream_status', status);
      if (!mayRetry(outcome.stage, outcome.error, this.method, this.body.kind === 'buffer')) break;
    }
    sendErrorPage(this.ctx, status);
  }

  private dispatchOptions(node: UpstreamNode): Dispatcher.DispatchOptions {
    const { conf } = this.entry;
    const headers = upstreamHeaders(this.ctx, conf, node);
    let body: Dispatcher.DispatchOptions['body'];
    if (this.body.kind === 'buffer') {
      body = this.body.data;
      if (body) headers['content-length'] = String(body.length);
      else delete headers['content-length'];
    } else {
      body = bodySource(this.ctx);
      if (this.body.contentLength !== undefined)
        headers['content-length'] = this.body.contentLength;
      else delete headers['content-length'];
    }
    return {
      path: upstreamPath(this.ctx),
      method: this.method,
      headers,
      body,
      headersTimeout: conf.readTimeoutMs,
      bodyTimeout: conf.readTimeoutMs,
      reset: conf.keepalive.idleTimeoutMs === 0,
    };
  }

  private async attempt(node: UpstreamNode): Promise<AttemptOutcome> {
    const { ctx, entry } = this;
    ctx.vars.set('balancer_ip', node.host);
    ctx.vars.set('balancer_port', node.port);
    ctx.vars.set('upstream_addr', node.addr);
    const release = entry.balancer.acquire(node);
    const attempt = new Attempt(responseSink(ctx));
    this.current = attempt;
    try {
      this.registry.dispatch(entry, node, this.dispatchOptions(node), attempt);
    } catch (err) {
      attempt.fail(err instanceof Error ? err : new Error(String(err)));
    }
    const outcome = await attempt.outcome;
    release();
    this.current = undefined;
    const { times } = attempt;
    ctx.vars.set('upstream_connect_time', seconds(times.start, times.connected));
    ctx.vars.set('upstream_header_time', seconds(times.start, times.header));
    ctx.vars.set('upstream_response_time', seconds(times.start, times.end));
    if (outcome.ok) {
      ctx.response.end();
    } else if (!this.clientClosed) {
      this.logger.warn('upstream attempt failed', {
        request_id: ctx.requestId,
        upstream_key: this.upstreamKey,
        node: node.addr,
        stage: outcome.stage,
        code: errorCode(outcome.error),
        err: outcome.error.message,
      });
    }
    return outcome;
  }
}
