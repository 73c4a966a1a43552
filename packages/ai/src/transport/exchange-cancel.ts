/**
 * @module transport/exchange-cancel
 * Ends an upstream exchange early from outside: the client left, or a caller's own signal
 * fired. An AbortController per proxied request cost some 10 µs (an AbortSignal is an
 * EventTarget, and the transport listened on it); this holds the transport's one listener and
 * makes an AbortSignal only for a request signer that takes one (issue 14).
 */

/** What an exchange ends with when cancelled without a reason: what AbortController.abort() gives. */
export function abortError(): DOMException {
  return new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Cancels one upstream exchange (`AiSendRequest.cancel`).
 *
 * @example
 * const cancel = new ExchangeCancel();
 * res.once('close', () => cancel.cancel());
 * await transport.send({ ...request, cancel }); // rejects with the AbortError once cancelled
 */
export class ExchangeCancel {
  private reason: Error | undefined;
  private listener: ((reason: Error) => void) | undefined;
  private controller: AbortController | undefined;

  /** One that cancels when `signal` aborts (with its reason). */
  static following(signal: AbortSignal): ExchangeCancel {
    const cancel = new ExchangeCancel();
    const follow = (): void => cancel.cancel(errorOf(signal.reason));
    if (signal.aborted) follow();
    else signal.addEventListener('abort', follow, { once: true });
    return cancel;
  }

  get cancelled(): boolean {
    return this.reason !== undefined;
  }

  /** Cancel (idempotent): the exchange ends with `reason`, an AbortError by default. */
  cancel(reason: Error = abortError()): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller?.abort(reason);
    this.listener?.(reason);
  }

  /** Throws the reason once cancelled. */
  throwIfCancelled(): void {
    if (this.reason) throw this.reason;
  }

  /**
   * Call `listener` on cancel, at once when already cancelled. One listener at a time (the
   * transport's, for the exchange in flight); returns what removes it.
   */
  onCancel(listener: (reason: Error) => void): () => void {
    if (this.reason) {
      listener(this.reason);
      return () => undefined;
    }
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }

  /** An AbortSignal that follows this one, for APIs that take a signal (made on first use). */
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.reason && !this.controller.signal.aborted) this.controller.abort(this.reason);
    return this.controller.signal;
  }
}

function errorOf(reason: unknown): Error {
  return reason instanceof Error ? reason : abortError();
}
