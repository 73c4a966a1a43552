import { asOneMessage, isIpcBatch, unbatch } from './ipc';

describe('IPC batches (several messages in one write)', () => {
  const handled = (msg: unknown): unknown[] => {
    const out: unknown[] = [];
    unbatch(msg, (m) => out.push(m));
    return out;
  };

  it('one message travels as itself, several as one batch that hands each on in order', () => {
    const a = { t: 'load-report', inFlight: [], sent: [] };
    const b = { t: 'lease', op: 'report', usages: [] };
    expect(asOneMessage([a])).toBe(a);
    const batch = asOneMessage([a, b]);
    expect(batch).toEqual({ t: 'batch', messages: [a, b] });
    expect(handled(batch)).toEqual([a, b]);
    expect(handled(a)).toEqual([a]);
  });

  it('a batch inside a batch is dropped, and an oversized one is not a batch', () => {
    const inner = { t: 'batch', messages: [{ t: 'hello' }] };
    expect(handled({ t: 'batch', messages: [inner, { t: 'listening' }] })).toEqual([
      { t: 'listening' },
    ]);
    const big = { t: 'batch', messages: Array.from({ length: 17 }, () => ({ t: 'hello' })) };
    expect(isIpcBatch(big)).toBe(false);
    // Handed on whole, it matches no message type, so the primary ignores it.
    expect(handled(big)).toEqual([big]);
  });
});
