import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { RequestContext, exit, type Logger } from '@tollgate/core';
import { cleanReason, failMode } from './fail-mode';

function context(): RequestContext {
  const req = Object.assign(Readable.from([]), {
    headers: {},
    rawHeaders: [],
    url: '/v1/chat/completions',
    method: 'POST',
    httpVersion: '1.1',
    socket: new net.Socket(),
  }) as unknown as http.IncomingMessage;
  return new RequestContext(req, new http.ServerResponse(req));
}

/** A logger that keeps what was logged, by level. */
function recordingLogger() {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => {
    lines.push({ level, message });
  };
  return { lines, log: { info: at('info'), warn: at('warn') } as unknown as Logger };
}

describe('cleanReason', () => {
  it('turns control characters into spaces, so a reason cannot start a new log line', () => {
    expect(cleanReason('bad\r\nline\u0000\u001b[31m\u007f')).toBe('bad  line  [31m ');
  });

  it('keeps a reason of 256 bytes whole and cuts a longer one at 256 bytes', () => {
    expect(cleanReason('a'.repeat(256))).toBe('a'.repeat(256));
    expect(cleanReason('a'.repeat(1000))).toBe('a'.repeat(256));
  });

  it('cuts before a UTF-8 character that would straddle byte 256', () => {
    // 255 ASCII bytes, then 'é' (2 bytes): the cut falls inside it, so it is left out.
    const cut = cleanReason(`${'a'.repeat(255)}é and more`);
    expect(cut).toBe('a'.repeat(255));
    // 254 + 'é' ends exactly at byte 256 and stays.
    expect(cleanReason(`${'a'.repeat(254)}é and more`)).toBe(`${'a'.repeat(254)}é`);
    // A 4-byte character across the boundary.
    expect(Buffer.byteLength(cleanReason(`${'a'.repeat(254)}😀😀`))).toBe(254);
  });
});

describe('failMode', () => {
  const refusal = () => exit(400, { message: 'Request format not recognized' });

  it('skip: passes the request on, logs at info and notes a skipped check', () => {
    const { lines, log } = recordingLogger();
    const ctx = context();
    expect(failMode(log, ctx, 'ai-prompt-guard', 'skip', 'no protocol', refusal)).toBeUndefined();
    expect(lines).toEqual([{ level: 'info', message: 'ai-prompt-guard skipped: no protocol' }]);
    expect(ctx.ai?.contentChecks).toEqual([
      { plugin: 'ai-prompt-guard', side: 'request', ms: 0, outcome: 'skip' },
    ]);
  });

  it('warn: passes the request on and logs a warning with the cleaned, cut reason', () => {
    const { lines, log } = recordingLogger();
    const reason = `body\nis ${'x'.repeat(400)}`;
    expect(failMode(log, context(), 'ai-lakera-guard', 'warn', reason, refusal)).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe('warn');
    expect(lines[0]?.message).toBe(`ai-lakera-guard skipped: ${cleanReason(reason)}`);
    expect(lines[0]?.message).not.toContain('\n');
    expect(Buffer.byteLength(lines[0]?.message ?? '')).toBe(
      'ai-lakera-guard skipped: '.length + 256,
    );
  });

  it('error: answers with the refusal and notes a denying check', () => {
    const { lines, log } = recordingLogger();
    const ctx = context();
    const refused = failMode(log, ctx, 'ai-prompt-guard', 'error', 'not JSON', refusal);
    expect(refused).toEqual(refusal());
    expect(lines).toEqual([{ level: 'warn', message: 'ai-prompt-guard refused: not JSON' }]);
    expect(ctx.ai?.contentChecks).toEqual([
      { plugin: 'ai-prompt-guard', side: 'request', ms: 0, outcome: 'deny' },
    ]);
  });

  it('no mode set: behaves as skip, the default', () => {
    const { lines, log } = recordingLogger();
    expect(failMode(log, context(), 'p', undefined, 'r', refusal)).toBeUndefined();
    expect(lines[0]?.level).toBe('info');
  });
});
