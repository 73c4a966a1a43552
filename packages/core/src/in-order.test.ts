import { eachInOrder } from './in-order';

describe('eachInOrder', () => {
  it('runs synchronous steps in order without a promise, past a failing one', () => {
    const ran: number[] = [];
    const failures: number[] = [];
    const result = eachInOrder(
      [1, 2, 3],
      (n) => {
        if (n === 2) throw new Error('two');
        ran.push(n);
      },
      (n) => failures.push(n),
    );
    expect(result).toBeUndefined();
    expect(ran).toEqual([1, 3]);
    expect(failures).toEqual([2]);
  });

  it('goes on after an asynchronous step, and after a rejected one, in order', async () => {
    const ran: number[] = [];
    const failures: number[] = [];
    const result = eachInOrder(
      [1, 2, 3, 4],
      async (n) => {
        await new Promise((r) => setImmediate(r));
        if (n === 2) throw new Error('two');
        ran.push(n);
      },
      (n) => failures.push(n),
    );
    expect(result).toBeInstanceOf(Promise);
    expect(ran).toEqual([]);
    await result;
    expect(ran).toEqual([1, 3, 4]);
    expect(failures).toEqual([2]);
  });
});
