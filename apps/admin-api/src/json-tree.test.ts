import { mergePatch, replaceAtPath, subPathRefusal } from './json-tree';

// JSON.parse makes `__proto__` an own key, as a body that skipped parseBody's check would be.
const parse = (text: string) => JSON.parse(text) as Record<string, unknown>;

afterEach(() => {
  delete (Object.prototype as Record<string, unknown>).polluted;
});

describe('mergePatch (issue 9)', () => {
  it('merges a __proto__ key as data, never into Object.prototype', () => {
    const target = parse('{"a":{"b":1}}');
    mergePatch(target, parse('{"__proto__":{"polluted":1},"a":{"__proto__":{"polluted":2}}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(JSON.stringify(target)).toBe(
      '{"a":{"b":1,"__proto__":{"polluted":2}},"__proto__":{"polluted":1}}',
    );
  });

  it('does not merge into an inherited member (constructor)', () => {
    const target = parse('{}');
    mergePatch(target, parse('{"constructor":{"prototype":{"polluted":1}}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(target)).toBe('{"constructor":{"prototype":{"polluted":1}}}');
  });
});

describe('replaceAtPath (issue 9)', () => {
  it.each(['__proto__/polluted', 'constructor/prototype/polluted', 'a/__proto__/polluted'])(
    'refuses %s and writes nothing',
    (path) => {
      const target = parse('{"a":{}}');
      expect(replaceAtPath(target, path, 'x')).toMatch(/^invalid sub-path: forbidden key "/);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(target).toEqual({ a: {} });
    },
  );

  it('creates missing objects as own properties, even where a prototype has a member', () => {
    const target = parse('{}');
    expect(replaceAtPath(target, 'toString/x', 1)).toBeUndefined();
    expect(JSON.stringify(target)).toBe('{"toString":{"x":1}}');
  });

  it('refuses empty segments', () => {
    expect(subPathRefusal('a//b')).toBe('invalid sub-path: "a//b"');
    expect(subPathRefusal('plugins/key-auth')).toBeUndefined();
  });
});
