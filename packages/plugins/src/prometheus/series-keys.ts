/**
 * @module prometheus/series-keys
 * Short series keys standing for a tuple of label values (`0|`, `1|`, ...), interned through one
 * map per label: label values are mostly the same string objects request after request (route
 * ids, instance names, model names), whose hashes V8 keeps, so no long key is built and hashed
 * per observation. A key never contains `:`, so it cannot meet a length-prefixed key
 * (`SeriesCounter.keyFor`), nor a `~` key of disabled labels.
 */

interface KeyNode {
  readonly next: Map<string, KeyNode>;
  key?: string;
}

/** Interns label value tuples of one fixed length into short keys. */
export class SeriesKeys {
  private readonly root: KeyNode = { next: new Map() };
  private size = 0;

  /**
   * The key of `values` (always given in the same order): the same key for equal values, a new
   * one for a tuple not seen before.
   *
   * @example
   * const keys = new SeriesKeys();
   * keys.keyOf(['route1', 'gpt-4o']); // '0|'
   * keys.keyOf(['route1', 'gpt-4o']); // '0|'
   */
  keyOf(values: readonly string[]): string {
    let node = this.root;
    for (const value of values) {
      let next = node.next.get(value);
      if (!next) {
        next = { next: new Map() };
        node.next.set(value, next);
      }
      node = next;
    }
    node.key ??= `${this.size++}|`;
    return node.key;
  }
}

const keysByOwner = new WeakMap<object, SeriesKeys>();

/** The keys interned for `owner` (a metrics set, a gauge), made on first use. */
export function seriesKeysOf(owner: object): SeriesKeys {
  let keys = keysByOwner.get(owner);
  if (!keys) {
    keys = new SeriesKeys();
    keysByOwner.set(owner, keys);
  }
  return keys;
}
