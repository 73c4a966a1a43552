/**
 * @module health/prober
 * Sends one active health probe and says what happened, never throwing. HTTP(S) probes go through
 * a small undici Client per target, each on a fresh connection (`reset`, as lua-resty-healthcheck
 * sends `Connection: close`), so a dead listener cannot hide behind a kept-alive socket; only the
 * status line matters and the body is discarded. tcp probes only connect (node:net). Every probe
 * is bounded by `timeout`.
 */
import net from 'node:net';
import { Client } from 'undici';
import type { ProbeSpec } from './probe-spec';
import type { ProbeOutcome } from './target-verdict';

/** undici and node error codes that mean "too slow" rather than "refused". */
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
/** Errors in what we asked undici to send: a config problem, not the target's. */
const REQUEST_ERROR_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

class ProbeDeadline extends Error {}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The TLS server name for a Host header value: its host part, unless that is an IP. */
function serverName(hostHeader: string): string | undefined {
  const host = hostHeader.startsWith('[')
    ? hostHeader.slice(1, hostHeader.indexOf(']'))
    : hostHeader.replace(/:\d*$/, '');
  return host === '' || net.isIP(host) !== 0 ? undefined : host;
}

/** Probes one target; holds its HTTP client until `close`. */
export class Prober {
  private client: Client | undefined;

  constructor(private readonly spec: ProbeSpec) {}

  /** Run one probe. `stop` aborts it (the outcome is then meaningless). */
  probe(stop: AbortSignal): Promise<ProbeOutcome> {
    return this.spec.type === 'tcp' ? this.tcp(stop) : this.http(stop);
  }

  /** Release the HTTP client (aborting a probe in flight). */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.destroy().catch(() => undefined);
  }

  private httpClient(): Client {
    if (this.client) return this.client;
    const { spec } = this;
    const host = net.isIPv6(spec.host) ? `[${spec.host}]` : spec.host;
    const servername = spec.type === 'https' ? serverName(spec.hostHeader) : undefined;
    this.client = new Client(`${spec.type}://${host}:${spec.port}`, {
      connect: {
        timeout: spec.timeoutMs,
        rejectUnauthorized: spec.verifyCertificate,
        ...(servername ? { servername } : {}),
      },
      headersTimeout: spec.timeoutMs,
      bodyTimeout: spec.timeoutMs,
      pipelining: 1,
    });
    return this.client;
  }

  private async http(stop: AbortSignal): Promise<ProbeOutcome> {
    const { spec } = this;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new ProbeDeadline()), spec.timeoutMs);
    timer.unref();
    const onStop = (): void => controller.abort(new Error('probe stopped'));
    stop.addEventListener('abort', onStop, { once: true });
    try {
      const res = await this.httpClient().request({
        path: spec.path,
        method: spec.method,
        headers: { ...spec.headers, host: spec.hostHeader },
        ...(spec.body !== '' ? { body: spec.body } : {}),
        reset: true,
        signal: controller.signal,
      });
      res.body.on('error', () => undefined);
      res.body.destroy();
      return { kind: 'status', status: res.statusCode };
    } catch (err) {
      return classify(err, controller.signal.reason instanceof ProbeDeadline, spec.timeoutMs);
    } finally {
      clearTimeout(timer);
      stop.removeEventListener('abort', onStop);
    }
  }

  private tcp(stop: AbortSignal): Promise<ProbeOutcome> {
    const { spec } = this;
    return new Promise((resolve) => {
      const socket = net.connect({ host: spec.host, port: spec.port });
      let settled = false;
      const done = (outcome: ProbeOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stop.removeEventListener('abort', onStop);
        socket.destroy();
        resolve(outcome);
      };
      const timer = setTimeout(
        () => done({ kind: 'timeout', error: `connect timed out after ${spec.timeoutMs} ms` }),
        spec.timeoutMs,
      );
      timer.unref();
      const onStop = (): void => done({ kind: 'error', error: 'probe stopped' });
      stop.addEventListener('abort', onStop, { once: true });
      socket.once('connect', () => done({ kind: 'connected' }));
      socket.once('error', (err) =>
        done(
          TIMEOUT_CODES.has(errorCode(err) ?? '')
            ? { kind: 'timeout', error: describe(err) }
            : { kind: 'tcp_failure', error: describe(err) },
        ),
      );
    });
  }
}

/**
 * What a failed HTTP probe means: too slow → timeout; an unparsable response → status 0 (an HTTP
 * failure, as lua-resty-healthcheck reports a bad status line); a request undici refused to build
 * → error (not counted); anything else (refused, reset, DNS, TLS) → TCP failure.
 */
function classify(err: unknown, deadline: boolean, timeoutMs: number): ProbeOutcome {
  const code = errorCode(err) ?? '';
  if (deadline) return { kind: 'timeout', error: `probe timed out after ${timeoutMs} ms` };
  if (TIMEOUT_CODES.has(code)) return { kind: 'timeout', error: describe(err) };
  if (code.startsWith('HPE_')) return { kind: 'status', status: 0 };
  if (REQUEST_ERROR_CODES.has(code)) return { kind: 'error', error: describe(err) };
  return { kind: 'tcp_failure', error: describe(err) };
}
