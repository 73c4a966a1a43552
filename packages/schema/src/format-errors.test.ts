import { explainFailure, formatAjvError } from './format-errors';
import { luaNumber, luaQuote, luaTypeOf } from './lua-format';

const noRefs = () => undefined;
const explain = (schema: Record<string, unknown>, value: unknown) =>
  explainFailure(schema, value, noRefs);

describe('lua-format', () => {
  it('formats numbers like LuaJIT tostring', () => {
    expect(
      [199, 0.5, -3, 1e20, 1e-5, 123456789012346, 0.1 + 0.2, NaN, Infinity].map(luaNumber),
    ).toEqual(['199', '0.5', '-3', '1e+20', '1e-05', '1.2345678901235e+14', '0.3', 'nan', 'inf']);
  });

  it('quotes like %q and names types like Lua', () => {
    expect(luaQuote('a"b\\c\nd')).toBe('"a\\"b\\\\c\\\nd"');
    expect([1, 's', true, null, {}, []].map(luaTypeOf)).toEqual([
      'number',
      'string',
      'boolean',
      'userdata',
      'table',
      'table',
    ]);
  });
});

describe('explainFailure (api7/jsonschema texts)', () => {
  it('words each keyword as api7/jsonschema does', () => {
    expect(explain({ type: ['string', 'integer'] }, true)).toBe(
      'wrong type: expected one of string, integer, got boolean',
    );
    expect(explain({ type: 'string', maxLength: 2 }, 'abc')).toBe(
      'string too long, expected at most 2, got 3',
    );
    expect(explain({ type: 'array', maxItems: 1 }, [1, 2])).toBe(
      'expect array to have at most 1 items',
    );
    expect(explain({ type: 'object', minProperties: 1 }, {})).toBe(
      'expect object to have at least 1 properties',
    );
    expect(explain({ type: 'number', exclusiveMaximum: 1 }, 1)).toBe(
      'expected 1 to be smaller than 1',
    );
    expect(explain({ type: 'number', multipleOf: 3 }, 4)).toBe('expected 4 to be a multiple of 3');
    expect(explain({ const: 1 }, 2)).toBe('failed to check const value');
    expect(explain({ type: 'string', format: 'ipv4' }, 'x')).toBe(
      'expect valid ipv4 address but got: x',
    );
    expect(explain({ type: 'object', additionalProperties: { type: 'string' } }, { a: 1 })).toBe(
      'failed to validate additional property a: wrong type: expected string, got number',
    );
    expect(explain({ type: 'object', dependencies: { a: { required: ['b'] } } }, { a: 1 })).toBe(
      'failed to validate dependent schema for "a": property "b" is required',
    );
  });

  it('checks properties before compound keywords, like api7', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'integer' } },
      oneOf: [{ required: ['a'] }, { required: ['b'] }],
    };
    expect(explain(schema, { a: 'x' })).toBe(
      'property "a" validation failed: wrong type: expected integer, got string',
    );
    expect(explain(schema, { a: 1, b: 1 })).toBe(
      'value should match only one schema, but matches both schemas 1 and 2',
    );
  });

  it('fills defaults while walking, so later keywords see them', () => {
    const schema = {
      type: 'object',
      properties: { policy: { type: 'string', default: 'local' } },
      if: { properties: { policy: { enum: ['local'] } } },
      then: { required: ['x'] },
    };
    expect(explain(schema, {})).toBe('then clause did not match');
  });

  it('returns undefined for a valid value', () => {
    expect(explain({ type: 'object', required: ['a'] }, { a: 1 })).toBeUndefined();
  });
});

describe('formatAjvError', () => {
  it('nests the instance path like api7', () => {
    expect(
      formatAjvError({
        instancePath: '/instances/1',
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty: 'name' },
      }),
    ).toBe(
      'property "instances" validation failed: failed to validate item 2: property "name" is required',
    );
  });
});
