/**
 * @module ai-content-common/fail-mode
 * `fail_mode` of the AI content plugins (spec A.0, APISIX's ai-protocols/binding): what a plugin
 * does with traffic it cannot inspect (no AI instance picked, a body that is not JSON, no
 * protocol, no messages). `skip` passes it on with an info log, `warn` with a warning, `error`
 * refuses it with the plugin's own answer. The logged reason is cleaned of control characters
 * and cut at 256 bytes, so a client cannot forge log lines through it.
 */
import { type Exit, type Logger, type RequestContext } from '@tollgate/core';
import { noteContentCheck } from './notes';

export type FailMode = 'skip' | 'warn' | 'error';

const MAX_REASON_BYTES = 256;

/**
 * `reason` safe for a log line: control characters become spaces, and it is cut at 256 bytes
 * without splitting a UTF-8 character.
 *
 * @example
 * cleanReason('bad\nline'); // 'bad line'
 */
export function cleanReason(reason: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = reason.replace(/[\u0000-\u001f\u007f]/g, ' ');
  const bytes = Buffer.from(clean, 'utf8');
  if (bytes.length <= MAX_REASON_BYTES) return clean;
  let end = MAX_REASON_BYTES;
  // Step back over continuation bytes (10xxxxxx) to a character boundary.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}

/**
 * Apply `mode` to traffic `plugin` cannot inspect: the Exit to answer with (`error`), or
 * undefined to let the request go on unchecked (`skip`, `warn`), logged either way.
 *
 * @example
 * const refused = failMode(log, ctx, 'ai-prompt-guard', conf.fail_mode, 'no protocol matched',
 *   () => exit(400, { message: 'Request format not recognized by ai-prompt-guard' }));
 * if (refused) return refused;
 */
export function failMode(
  log: Logger,
  ctx: RequestContext,
  plugin: string,
  mode: FailMode | undefined,
  reason: string,
  refusal: () => Exit,
): Exit | undefined {
  const line = `${plugin} skipped: ${cleanReason(reason)}`;
  if (mode === 'error') {
    log.warn(`${plugin} refused: ${cleanReason(reason)}`, { request_id: ctx.requestId });
    noteContentCheck(ctx, { plugin, side: 'request', ms: 0, outcome: 'deny' });
    return refusal();
  }
  if (mode === 'warn') log.warn(line, { request_id: ctx.requestId });
  else log.info(line, { request_id: ctx.requestId });
  noteContentCheck(ctx, { plugin, side: 'request', ms: 0, outcome: 'skip' });
  return undefined;
}
