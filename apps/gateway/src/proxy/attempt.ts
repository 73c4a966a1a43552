/**
 * @module proxy/attempt
 * One try of one node, as an undici dispatch handler (the `onRequestStart` / `onResponse*`
 * interface). It records how far the exchange got, which decides whether a failure may be
 * retried, streams the response to a sink with back-pressure (pausing undici while the client
 * drains) and can be aborted at any point.
 */
import type { Dispatcher } from 'undici';

/** How far an attempt got: `connect` (nothing written), `sent` (request written), `response`. */
export type AttemptStage = 'connect' | 'sent' | 'response';

/** How an attempt ended: completely, or failed at `stage`. */
export type AttemptOutcome = { ok: true } | { ok: false; stage: AttemptStage; error: Error };

/** Where the response goes. */
export interface AttemptSink {
  /** The final (non-1xx) status and headers. */
  head(status: number, headers: Record<string, string | string[]>): void;
  /** Writes a chunk; returns a promise when the client must drain before more is sent. */
  data(chunk: Buffer): Promise<void> | undefined;
}

/** Millisecond marks of an attempt, relative to `performance.now()`. */
export interface AttemptTimes {
  start: number;
  connected?: number;
  header?: number;
  end?: number;
}

/** The handler for one dispatch; `outcome` settles once, however the exchange ends. */
export class Attempt implements Dispatcher.DispatchHandler {
  readonly outcome: Promise<AttemptOutcome>;
  readonly times: AttemptTimes = { start: performance.now() };
  stage: AttemptStage = 'connect';
  status: number | undefined;
  private controller: Dispatcher.DispatchController | undefined;
  private pendingAbort: Error | undefined;
  private settle!: (outcome: AttemptOutcome) => void;
  private settled = false;

  constructor(private readonly sink: AttemptSink) {
    this.outcome = new Promise((resolve) => (this.settle = resolve));
  }

  /** Stops the exchange (client gone); the outcome settles with `error` at once. */
  abort(error: Error): void {
    if (this.controller) this.controller.abort(error);
    else this.pendingAbort = error;
    this.fail(error);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // An abort that came while connecting takes effect as soon as undici hands us control.
    if (this.pendingAbort) {
      controller.abort(this.pendingAbort);
      return;
    }
    this.stage = 'sent';
    this.times.connected = performance.now();
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200 || this.settled) return;
    this.stage = 'response';
    this.status = statusCode;
    this.times.header = performance.now();
    // fromEntries defines own properties: a `__proto__` header name stays a header.
    const clean = Object.fromEntries(
      Object.entries(headers).filter((e): e is [string, string | string[]] => e[1] !== undefined),
    );
    this.sink.head(statusCode, clean);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    const drained = this.sink.data(chunk);
    if (!drained) return;
    controller.pause();
    void drained.then(() => controller.resume());
  }

  onResponseEnd(): void {
    this.finish({ ok: true });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** Settles as failed at the current stage (also for errors thrown by `dispatch` itself). */
  fail(error: Error): void {
    this.finish({ ok: false, stage: this.stage, error });
  }

  private finish(outcome: AttemptOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.times.end = performance.now();
    this.settle(outcome);
  }
}
