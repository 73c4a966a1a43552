/**
 * @module router/prefix-tree
 * A compressed (radix) trie over the characters of string keys. Lookup cost depends on the length
 * of the input, not on the number of keys.
 */

interface TreeNode<V> {
  edge: string;
  value: V | undefined;
  children: Map<number, TreeNode<V>>;
}

function newNode<V>(edge: string, value?: V): TreeNode<V> {
  return { edge, value, children: new Map() };
}

/** Radix trie mapping string keys to values, answering "which keys are prefixes of this input". */
export class PrefixTree<V> {
  private readonly root: TreeNode<V> = newNode('');

  /** Returns the value stored at `key`, creating it with `create` when absent. */
  upsert(key: string, create: () => V): V {
    let node = this.root;
    let i = 0;
    while (i < key.length) {
      const first = key.charCodeAt(i);
      let child = node.children.get(first);
      if (!child) {
        child = newNode<V>(key.slice(i));
        node.children.set(first, child);
        node = child;
        break;
      }
      const common = commonLength(child.edge, key, i);
      if (common < child.edge.length) {
        const mid = newNode<V>(child.edge.slice(0, common));
        child.edge = child.edge.slice(common);
        mid.children.set(child.edge.charCodeAt(0), child);
        node.children.set(first, mid);
        child = mid;
      }
      node = child;
      i += common;
    }
    node.value ??= create();
    return node.value;
  }

  /**
   * Visits the values whose key is a prefix of `input` (the empty key included), longest key
   * first, and returns the first non-undefined result of `visit`.
   */
  findPrefix<R>(input: string, visit: (value: V) => R | undefined): R | undefined {
    const hits: V[] = [];
    let node = this.root;
    if (node.value !== undefined) hits.push(node.value);
    let i = 0;
    while (i < input.length) {
      const child = node.children.get(input.charCodeAt(i));
      if (!child || !input.startsWith(child.edge, i)) break;
      i += child.edge.length;
      node = child;
      if (node.value !== undefined) hits.push(node.value);
    }
    for (let k = hits.length - 1; k >= 0; k--) {
      const result = visit(hits[k] as V);
      if (result !== undefined) return result;
    }
    return undefined;
  }
}

/** Length of the common prefix of `edge` and `key.slice(from)`. */
function commonLength(edge: string, key: string, from: number): number {
  const max = Math.min(edge.length, key.length - from);
  let n = 0;
  while (n < max && edge.charCodeAt(n) === key.charCodeAt(from + n)) n++;
  return n;
}
