/**
 * `apisix.lru.secret` in config.yaml: APISIX's defaults (300 s success, 60 s failure, 512 entries),
 * `ttl` as the fallback of both, `success.ttl`/`failure.ttl` first, and the refusals.
 */
import { readEnv } from '@tollgate/core';
import { parseConfig } from './load';

const parse = (text: string) =>
  parseConfig(text, 'test.yaml', { ...readEnv({}), configFile: undefined }, {});

describe('apisix.lru.secret', () => {
  it("defaults to APISIX's: 300 s for values, 60 s for failures, 512 entries", () => {
    expect(parse('').secretCache).toEqual({
      successTtlMs: 300_000,
      failureTtlMs: 60_000,
      count: 512,
    });
  });

  it('takes ttl for both, success.ttl and failure.ttl before it, and count', () => {
    const both = parse('apisix:\n  lru:\n    secret:\n      ttl: 10\n      count: 8\n');
    expect(both.secretCache).toEqual({ successTtlMs: 10_000, failureTtlMs: 10_000, count: 8 });
    const split = parse(
      'apisix:\n  lru:\n    secret:\n      ttl: 10\n      success:\n        ttl: 0.5\n      failure:\n        ttl: 2\n',
    );
    expect(split.secretCache).toMatchObject({ successTtlMs: 500, failureTtlMs: 2000 });
    expect(split.unsupportedKeys).toEqual([]);
  });

  it.each(['ttl: 0', 'ttl: -1', 'ttl: soon', 'count: 0', 'count: 1.5'])('refuses %s', (entry) => {
    expect(() => parse(`apisix:\n  lru:\n    secret:\n      ${entry}\n`)).toThrow(/lru/);
  });
});
