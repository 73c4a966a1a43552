/**
 * @module etcd/client
 * The etcd3 clients as the store uses them (one per member, see `etcd/endpoints`), and
 * `EtcdCaller`, which gives every unary call one deadline, sends it to a member that answers, and
 * turns every failure into `StoreUnavailableError`.
 *
 * etcd3's default fault handling (three global retries plus a per-host circuit breaker) is
 * replaced by a pass-through policy: a retried put may be applied twice and a retried
 * compare-and-swap may report a conflict with itself, and an open breaker keeps failing calls
 * for seconds after etcd is back. Retries happen here instead, only where they are safe.
 */
import { Etcd3, isRecoverableError, type IOptions } from 'etcd3';
import { StoreUnavailableError, isGatewayError } from '@tollgate/core';
import { StoreValueTooLargeError } from '../errors';
import { EtcdEndpoints, type EtcdEndpoint } from './endpoints';

/** Connection options of the etcd backend. */
export interface EtcdConnectionOptions {
  /** Endpoints, `http://host:port` or `https://host:port` (one protocol for all). */
  hosts: string[];
  /** Deadline of every unary operation in ms (default 5000). */
  timeoutMs?: number;
  username?: string;
  password?: string;
}

type Policy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;

const passThrough = {
  execute: (fn: (context: { signal: AbortSignal }) => unknown) =>
    Promise.resolve().then(() => fn({ signal: new AbortController().signal })),
} as unknown as Policy;

/** An etcd3 client for one member, configured for the store (no hidden retries, fast reconnects). */
function createMemberClient(
  host: string,
  options: EtcdConnectionOptions,
  timeoutMs: number,
): Etcd3 {
  return new Etcd3({
    hosts: [host],
    ...(options.username !== undefined
      ? { auth: { username: options.username, password: options.password ?? '' } }
      : {}),
    faultHandling: { host: () => passThrough, global: passThrough },
    // Covers the auth token exchange too, which etcd3 runs before the first call.
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeoutMs }),
    grpcOptions: {
      // A private subchannel pool: a channel recreated after a failure must not inherit the
      // reconnect backoff of the shared pool's dead subchannel.
      'grpc.use_local_subchannel_pool': 1,
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 2000,
      // Detects a dead peer on an idle watch stream (etcd permits pings every 5 s by default).
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.max_receive_message_length': -1,
    },
  });
}

/** One client per configured member, for the store (no hidden retries, fast reconnects). */
export function createEtcdEndpoints(
  options: EtcdConnectionOptions,
  timeoutMs: number,
): EtcdEndpoints {
  if (options.hosts.length === 0)
    throw new StoreUnavailableError('etcd unreachable: no etcd hosts configured');
  if (new Set(options.hosts.map((h) => h.startsWith('https:'))).size > 1)
    throw new StoreUnavailableError('etcd hosts mix http and https');
  return new EtcdEndpoints(
    options.hosts.map((host) => ({ host, client: createMemberClient(host, options, timeoutMs) })),
  );
}

/** Whether a failed call certainly never reached etcd (so it is safe to retry even a write). */
function neverSent(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /No connection established|ECONNREFUSED|Failed to connect|Channel closed before call started/i.test(
    message,
  );
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * etcd's refusals of a request over its `--max-request-bytes` (checked by etcd) or over the gRPC
 * message limit derived from it (checked by gRPC before etcd sees the request).
 */
const TOO_LARGE = /request is too large|received message larger than max/i;

/**
 * Map any etcd3/grpc failure to the store's error: a request too large for etcd is bad input
 * (`StoreValueTooLargeError`), anything else an outage (`StoreUnavailableError`).
 */
export function toStoreError(err: unknown, operation: string): Error {
  if (isGatewayError(err)) return err;
  if (err instanceof Error && TOO_LARGE.test(err.message)) {
    return new StoreValueTooLargeError(`etcd refused the ${operation}: ${err.message}`, {
      cause: err,
    });
  }
  const recoverable =
    err instanceof Error &&
    (isRecoverableError(err) || /UNAVAILABLE|DEADLINE|closed/i.test(err.message));
  const prefix = recoverable ? 'etcd unreachable' : 'etcd error';
  return new StoreUnavailableError(`${prefix}: ${operation}: ${errorText(err)}`, { cause: err });
}

/**
 * What a call may be retried on, on the next member:
 * - `read`: any transient failure (reads change nothing);
 * - `idempotent`: any transient failure, including one after the request may have reached etcd:
 *   writing the same whole value again leaves the same state (a put; a `gen_id` bump, whose every
 *   revision is unique). A put retried after its first try was applied reports that value as its
 *   own previous value;
 * - `write`: only a request that certainly never left (a compare-and-swap or a delete tried
 *   twice could report a conflict with itself or a wrong count).
 */
export type CallKind = 'read' | 'idempotent' | 'write';

/** The first try of a retryable call gets this long; each next try twice as long. */
const FIRST_TRY_MS = 1000;

/**
 * Runs unary etcd calls under one overall deadline. A call settles within `timeoutMs` whatever
 * etcd does (down, frozen, unreachable): the gRPC deadline cancels it, and a timer backs that up
 * for the parts of etcd3 that do not honour it.
 *
 * A call goes to the member that answered last; when it fails in a way that is safe to retry
 * (see {@link CallKind}), the member is marked failed and the call moves on to the next member,
 * so a dead member of a cluster with quorum costs a refused connection, not a failed call. A try
 * of a retryable call gets a shorter deadline of its own (1 s, then doubling; the last try gets
 * what is left): a member whose leader just died holds a write until the deadline without ever
 * applying it, and the call should rather go on to a member that has a leader again.
 */
export class EtcdCaller {
  private readonly attempts: number;

  constructor(
    private readonly timeoutMs: number,
    private readonly endpoints: EtcdEndpoints,
  ) {
    // Every member once, plus one extra attempt: it lets a call succeed on a fresh channel right
    // after a lone etcd came back.
    this.attempts = endpoints.size + 1;
  }

  /** Run `fn(client, deadline)`; retry per `kind`; reject with StoreUnavailableError on failure or timeout. */
  async call<T>(
    operation: string,
    kind: CallKind,
    fn: (client: Etcd3, deadline: Date) => Promise<T>,
  ): Promise<T> {
    const end = Date.now() + this.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new StoreUnavailableError(
              `etcd unreachable: ${operation} timed out after ${this.timeoutMs} ms`,
            ),
          ),
        this.timeoutMs,
      );
    });
    const attempt = async (): Promise<T> => {
      let lastError: unknown;
      // What a member that was reached said: when every try fails, that is the cause to report
      // (a leader election, a full disk), not the refused connection of a member known dead.
      let reachedError: unknown;
      for (let i = 0; i < this.attempts; i++) {
        const endpoint: EtcdEndpoint | undefined = this.endpoints.order()[0];
        if (!endpoint) break;
        const last = i === this.attempts - 1 || kind === 'write';
        const tryEnd = last ? end : Math.min(end, Date.now() + FIRST_TRY_MS * 2 ** i);
        try {
          const result = await fn(endpoint.client, new Date(tryEnd));
          this.endpoints.succeeded(endpoint);
          return result;
        } catch (err) {
          lastError = err;
          const recoverable = err instanceof Error && isRecoverableError(err);
          const unsent = neverSent(err);
          if (!unsent) reachedError = err;
          if (recoverable || unsent) this.endpoints.failed(endpoint);
          const retryable = kind === 'write' ? unsent : recoverable || unsent;
          if (!retryable || Date.now() >= end) break;
        }
      }
      throw toStoreError(reachedError ?? lastError, operation);
    };
    const work = attempt();
    // The timer may win the race; the loser's rejection must not become an unhandled one.
    work.catch(() => undefined);
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
