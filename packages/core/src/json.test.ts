import v8 from 'node:v8';
import { isPrototypeKey, ownValue, setOwn, shallowCopy } from './json';

// V8's own test of whether two objects share a hidden class (map), compiled after the flag is set.
v8.setFlagsFromString('--allow-natives-syntax');
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- %-syntax cannot be written in TypeScript
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (
  a: object,
  b: object,
) => boolean;

describe('prototype-free helpers (issue 9)', () => {
  it('ownValue finds own keys only', () => {
    const table = { routes: 1 };
    expect(ownValue(table, 'routes')).toBe(1);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(ownValue(table, name)).toBeUndefined();
    }
  });

  it('setOwn defines __proto__ as a property, leaving the prototype alone', () => {
    const target: Record<string, unknown> = {};
    setOwn(target, '__proto__', { polluted: true });
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(JSON.stringify(target)).toBe('{"__proto__":{"polluted":true}}');
  });

  it('isPrototypeKey names the three keys that reach a prototype', () => {
    expect(['__proto__', 'constructor', 'prototype', 'toString'].map(isPrototypeKey)).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('shallowCopy copies own keys (__proto__ as data) into objects that share one map', () => {
    const source = JSON.parse('{"a":1,"__proto__":{"polluted":true},"b":"x"}') as object;
    const copy = shallowCopy(source);
    expect(copy).not.toBe(source);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(JSON.stringify(copy)).toBe('{"a":1,"__proto__":{"polluted":true},"b":"x"}');

    const headers = { 'content-type': 'application/json', authorization: 'Bearer k' };
    const extended = () => {
      const copied = shallowCopy(headers) as Record<string, string>;
      copied.host = 'llm.example.com';
      return copied;
    };
    // What it replaces: once its call site is warm, a spread copy given one more property gets a
    // map of its own every time.
    const spread = () => ({ ...headers, host: 'llm.example.com' });
    for (let warm = 0; warm < 10; warm++) [extended(), spread()].forEach(Object.keys);
    expect(haveSameMap(extended(), extended())).toBe(true);
    expect(haveSameMap(spread(), spread())).toBe(false);
  });
});
