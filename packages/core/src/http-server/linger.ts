/**
 * @module http-server/linger
 * Reading and throwing away what a client still sends after we answered, within bounds.
 *
 * A server that closes a TCP connection while request bytes are still arriving or unread makes
 * the kernel send a reset, and a reset makes the client's kernel drop the answer it had not read
 * yet: a client still uploading a 50 MB body never sees the 413. nginx avoids this with
 * `lingering_close`: after the answer it keeps reading and discarding for up to
 * `lingering_time` (30 s), giving up when nothing arrives for `lingering_timeout` (5 s). We do
 * the same, and also stop after a number of bytes so one client cannot keep a connection busy
 * forever at full speed.
 */
import type { Readable } from 'node:stream';

/** Bounds of one linger; whichever is reached first ends it. */
export interface LingerLimits {
  /** Bytes read and discarded at most. */
  maxBytes: number;
  /** Milliseconds in all (nginx `lingering_time`). */
  maxMs: number;
  /** Milliseconds without any data (nginx `lingering_timeout`). */
  idleMs: number;
}

/**
 * nginx's lingering times, and 64 MiB: what a body as large as the default
 * `max_req_body_size` can still bring after its limit was hit.
 */
export const DEFAULT_LINGER_LIMITS: Readonly<LingerLimits> = {
  maxBytes: 64 * 1024 * 1024,
  maxMs: 30_000,
  idleMs: 5_000,
};

/** Why a linger ended: the input ended or failed, or a bound was reached. */
export type LingerEnd = 'ended' | 'bytes' | 'time' | 'idle';

/**
 * Reads `input` and discards the data until it ends or a bound of `limits` is reached, then calls
 * `done` once. The timers do not keep the process alive.
 */
export function discardInput(
  input: Readable,
  limits: LingerLimits,
  done: (end: LingerEnd) => void,
): void {
  let bytes = 0;
  let finished = false;
  const finish = (end: LingerEnd) => {
    if (finished) return;
    finished = true;
    clearTimeout(total);
    clearTimeout(idle);
    input.off('data', onData);
    input.off('end', onEnd);
    input.off('close', onEnd);
    input.off('error', onEnd);
    done(end);
  };
  const onEnd = () => finish('ended');
  const onData = (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > limits.maxBytes) finish('bytes');
    else idle.refresh();
  };
  const total = setTimeout(() => finish('time'), limits.maxMs).unref();
  const idle = setTimeout(() => finish('idle'), limits.idleMs).unref();
  input.on('data', onData);
  input.once('end', onEnd);
  input.once('close', onEnd);
  input.once('error', onEnd);
  input.resume();
}
