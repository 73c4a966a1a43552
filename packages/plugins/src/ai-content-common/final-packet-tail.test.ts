import type { AiStreamChunk } from '@tollgate/core';
import { FinalPacketTail, MAX_HELD_BYTES } from './final-packet-tail';

const chunk = (bytes: string, texts: string[] = []): AiStreamChunk =>
  ({ bytes: Buffer.from(bytes), texts }) as unknown as AiStreamChunk;

describe('FinalPacketTail', () => {
  it('holds text-less chunks until text or the final chunk; text never waits', () => {
    const tail = new FinalPacketTail();
    expect(tail.hold(chunk('start;'))?.toString()).toBe('');
    expect(tail.hold(chunk('hello;', ['hello']))?.toString()).toBe('start;hello;');
    expect(tail.hold(chunk('world;', ['world']))).toBeUndefined();
    expect(tail.hold(chunk('finish;'))?.toString()).toBe('');
    expect(tail.hold(chunk('usage;'))?.toString()).toBe('');
    expect(tail.release(chunk('[DONE];')).toString()).toBe('finish;usage;[DONE];');
  });

  it('an empty answer is held whole until its final chunk', () => {
    const tail = new FinalPacketTail();
    tail.hold(chunk('message_start;'));
    tail.hold(chunk('message_delta;'));
    expect(tail.release(chunk('message_stop;')).toString()).toBe(
      'message_start;message_delta;message_stop;',
    );
  });

  it(`lets chunks through once ${MAX_HELD_BYTES} bytes are held`, () => {
    const tail = new FinalPacketTail();
    const big = 'x'.repeat(MAX_HELD_BYTES);
    expect(tail.hold(chunk(big))?.length).toBe(0);
    expect(tail.hold(chunk('more;'))?.toString()).toBe(`${big}more;`);
  });
});
