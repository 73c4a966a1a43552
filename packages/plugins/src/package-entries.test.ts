/**
 * Issue 14: the package entries the plugins call into on every request keep V8's fast
 * properties. tsc compiles a re-export by name (`export { a } from './x'`, or re-exporting an
 * import) to `exports.a = void 0` followed by a getter defined over it; turning a data property
 * into an accessor makes V8 move the whole exports object to dictionary mode, and every
 * `(0, ai_1.fn)(...)` of every importer then looks its function up by hash: 16–25 ns a read
 * against 4–7 for the same entry in fast mode (measured on @tollgate/ai). `export * from` adds
 * its getters fresh and keeps the object fast.
 */
import v8 from 'node:v8';
import * as core from '@tollgate/core';
import * as ai from '@tollgate/ai';
import * as limiter from '@tollgate/limiter';

// V8's own test, compiled after the flag is set (as in core's json.test.ts).
v8.setFlagsFromString('--allow-natives-syntax');
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- %-syntax cannot be written in TypeScript
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (
  o: object,
) => boolean;

// With esModuleInterop, `import * as` of a compiled module is its exports object itself.
test.each([
  ['@tollgate/core', core],
  ['@tollgate/ai', ai],
  ['@tollgate/limiter', limiter],
])('%s keeps fast properties', (_name, entry) => {
  expect(hasFastProperties(entry)).toBe(true);
});

test('the check tells a dictionary-mode exports object apart', () => {
  const exports: Record<string, unknown> = {};
  Object.defineProperty(exports, '__esModule', { value: true });
  exports.fn = undefined;
  Object.defineProperty(exports, 'fn', { enumerable: true, get: () => core.isPlainObject });
  expect(hasFastProperties(exports)).toBe(false);
});

test('the entries still export what the plugins import', () => {
  expect(typeof ai.canonicalJson).toBe('function');
  expect(typeof ai.deepMerge).toBe('function');
  expect(typeof limiter.throttledWarn).toBe('function');
});
