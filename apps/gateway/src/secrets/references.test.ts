import { findReferences, isReference, substitute } from './references';

describe('secret references in plugin confs (APISIX secret.lua fetch_secrets)', () => {
  it.each([
    ['$secret://vault/1/llm/key', true],
    ['$env://LLM_KEY', true],
    ['$ENV://LLM_KEY', true],
    ['$Env://LLM_KEY/field', true],
    ['$SECRET://vault/1/llm/key', false],
    ['Bearer $env://LLM_KEY', false],
    ['plain', false],
    ['', false],
  ])('%s is a reference: %s', (value, expected) => {
    expect(isReference(value)).toBe(expected);
  });

  it('finds whole-value references at any depth, in arrays too, and substitutes a copy', () => {
    const conf = {
      instances: [
        { auth: { header: { Authorization: '$env://A' }, query: { key: 'literal' } } },
        { auth: { header: { 'x-api-key': '$secret://vault/1/p/k' } } },
      ],
      keys: ['$env://B', 1, null],
    };
    const sites = findReferences(conf);
    expect(sites).toEqual([
      { path: ['instances', 0, 'auth', 'header', 'Authorization'], reference: '$env://A' },
      { path: ['instances', 1, 'auth', 'header', 'x-api-key'], reference: '$secret://vault/1/p/k' },
      { path: ['keys', 0], reference: '$env://B' },
    ]);
    const resolved = substitute(conf, sites, ['a', 'k', 'b']) as typeof conf;
    expect(resolved.instances[0]?.auth.header).toEqual({ Authorization: 'a' });
    expect(resolved.instances[1]?.auth.header).toEqual({ 'x-api-key': 'k' });
    expect(resolved.keys).toEqual(['b', 1, null]);
    expect(conf.keys[0]).toBe('$env://B');
  });

  it('stops at a bounded depth and count', () => {
    let deep: unknown = '$env://DEEP';
    for (let i = 0; i < 40; i++) deep = { next: deep };
    expect(findReferences(deep)).toEqual([]);
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, '$env://X']));
    expect(findReferences(many)).toHaveLength(64);
  });
});
