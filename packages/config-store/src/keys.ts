/**
 * @module keys
 * Key ordering and prefix ranges with etcd's byte semantics: keys are compared as UTF-8 bytes,
 * and a prefix covers `[prefix, prefixEnd(prefix))`.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Compare two keys in UTF-8 byte order (etcd's order). UTF-16 code-unit order, which `<` uses,
 * agrees with it except around surrogate pairs, so only those take the slow path.
 */
export function compareKeys(a: string, b: string): number {
  if (SURROGATE.test(a) || SURROGATE.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The exclusive end of the range of keys starting with `prefix`, as etcd computes it: the prefix
 * with its last byte below 0xff incremented. An empty prefix, or one of only 0xff bytes, covers
 * every key, which etcd spells `range_end = "\0"`.
 */
export function prefixRangeEnd(prefix: Buffer): Buffer {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const byte = prefix[i] as number;
    if (byte < 0xff) {
      const end = Buffer.from(prefix.subarray(0, i + 1));
      end[i] = byte + 1;
      return end;
    }
  }
  return Buffer.from([0]);
}
