/**
 * @module etcd/client
 * The etcd3 client as the store uses it, and `EtcdCaller`, which gives every unary call one
 * deadline and turns every failure into `StoreUnavailableError`.
 *
 * etcd3's default fault handling (three global retries plus a per-host circuit breaker) is
 * replaced by a pass-through policy: a retried put may be applied twice and a retried
 * compare-and-swap may report a conflict with itself, and an open breaker keeps failing calls
 * for seconds after etcd is back. Retries happen here instead, only where they are safe.
 */
import { Etcd3, isRecoverableError, type IOptions } from 'etcd3';
import { StoreUnavailableError, isGatewayError } from '@tollgate/core';

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

/** Build an etcd3 client configured for the store (no hidden retries, fast reconnects). */
export function createEtcdClient(options: EtcdConnectionOptions, timeoutMs: number): Etcd3 {
  if (options.hosts.length === 0)
    throw new StoreUnavailableError('etcd unreachable: no etcd hosts configured');
  return new Etcd3({
    hosts: options.hosts,
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

/** Map any etcd3/grpc failure to the store's error. */
export function toStoreError(err: unknown, operation: string): Error {
  if (isGatewayError(err)) return err;
  const recoverable =
    err instanceof Error &&
    (isRecoverableError(err) || /UNAVAILABLE|DEADLINE|closed/i.test(err.message));
  const prefix = recoverable ? 'etcd unreachable' : 'etcd error';
  return new StoreUnavailableError(`${prefix}: ${operation}: ${errorText(err)}`, { cause: err });
}

/** What a call may be retried on. `read`: any transient failure; `write`: only unsent requests. */
export type CallKind = 'read' | 'write';

/**
 * Runs unary etcd calls under one overall deadline. A call settles within `timeoutMs` whatever
 * etcd does (down, frozen, unreachable): the gRPC deadline cancels it, and a timer backs that up
 * for the parts of etcd3 that do not honour it.
 */
export class EtcdCaller {
  private readonly attempts: number;

  constructor(
    private readonly timeoutMs: number,
    hostCount: number,
  ) {
    // One extra attempt lets a call succeed on a fresh channel right after etcd came back.
    this.attempts = Math.max(2, hostCount);
  }

  /** Run `fn(deadline)`; retry per `kind`; reject with StoreUnavailableError on failure or timeout. */
  async call<T>(operation: string, kind: CallKind, fn: (deadline: Date) => Promise<T>): Promise<T> {
    const deadline = new Date(Date.now() + this.timeoutMs);
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
      for (let i = 0; i < this.attempts; i++) {
        try {
          return await fn(deadline);
        } catch (err) {
          lastError = err;
          const retryable =
            kind === 'read' ? err instanceof Error && isRecoverableError(err) : neverSent(err);
          if (!retryable || Date.now() >= deadline.getTime()) break;
        }
      }
      throw toStoreError(lastError, operation);
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
