import { isPrototypeKey, ownValue, setOwn } from './json';

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
});
