/**
 * @module in-order
 * Steps run one after the other without a promise while they are synchronous (issue 14: a
 * promise and a microtask per step add up on every request), through their promises once one
 * is not.
 */

/**
 * Calls `step` on each of `items` in order. From the first call that returns a promise, the
 * rest run once it settles. A failure, thrown or rejected, goes to `failed` and the next item
 * runs. Undefined when every call was synchronous; otherwise a promise that never rejects
 * (unless `failed` throws).
 *
 * @example
 * const settling = eachInOrder(settlers, (settle) => settle(), (_, err) => log.error('…', { err }));
 * if (settling) await settling;
 */
export function eachInOrder<T>(
  items: readonly T[],
  step: (item: T) => void | Promise<void>,
  failed: (item: T, err: unknown) => void,
  from = 0,
): Promise<void> | undefined {
  for (let index = from; index < items.length; index++) {
    const item = items[index] as T;
    try {
      const pending = step(item);
      if (pending instanceof Promise) {
        const next = () => eachInOrder(items, step, failed, index + 1);
        return pending.then(next, (err: unknown) => {
          failed(item, err);
          return next();
        });
      }
    } catch (err) {
      failed(item, err);
    }
  }
  return undefined;
}
