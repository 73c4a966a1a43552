import { checkPluginConf } from '../plugins';

function check(conf: unknown, schemaType: 'route' | 'consumer' = 'consumer') {
  return checkPluginConf('ai-consumer-rate-limiting', conf, schemaType);
}

const instance = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  limit_strategy: 'total_tokens',
  limit: 10000,
  time_window: 3600,
  ...extra,
});

describe('ai-consumer-rate-limiting (tollgate-decisions.md D3)', () => {
  it('accepts the scenario 2 consumer config and fills defaults', () => {
    const conf = {
      instances: [instance('qwen2.5-32b-instruct-ali-bailian'), instance('qwen2.5-32b-instruct-b')],
      rejected_code: 429,
      rejected_msg: 'Insufficient token, try in one hour',
    };
    const r = check(conf);
    expect(r.valid && r.value).toEqual({
      ...conf,
      limit_strategy: 'total_tokens',
      show_limit_quota_header: true,
      reserve_tokens: true,
      reserve_completion_tokens: 256,
      policy: 'local',
      allow_degradation: false,
    });
  });

  it('defaults rejected_code to 429 and bounds it to 200..599', () => {
    const r = check({ limit: 100, time_window: 60 });
    expect(r.valid && r.value).toMatchObject({ rejected_code: 429 });
    expect(check({ limit: 100, time_window: 60, rejected_code: 600 })).toEqual({
      valid: false,
      message: 'property "rejected_code" validation failed: expected 600 to be at most 599',
    });
  });

  it('needs instances or limit + time_window, both-or-neither', () => {
    expect(check({})).toEqual({
      valid: false,
      message: 'object matches none of the required: ["limit","time_window"] or ["instances"]',
    });
    expect(check({ limit: 10 })).toEqual({
      valid: false,
      message: 'property "time_window" is required when "limit" is set',
    });
    expect(check({ time_window: 10, instances: [instance('a')] })).toEqual({
      valid: false,
      message: 'property "limit" is required when "time_window" is set',
    });
  });

  it('validates instance items and the policy enum', () => {
    expect(check({ instances: [{ name: 'a', limit: 1 }] })).toEqual({
      valid: false,
      message:
        'property "instances" validation failed: failed to validate item 1: property "time_window" is required',
    });
    expect(check({ instances: [instance('a', { limit_strategy: 'tokens' })] })).toEqual({
      valid: false,
      message:
        'property "instances" validation failed: failed to validate item 1: property "limit_strategy" validation failed: matches none of the enum values',
    });
    expect(check({ instances: [instance('a')], policy: 'redis-sentinel' })).toEqual({
      valid: false,
      message: 'property "policy" validation failed: matches none of the enum values',
    });
    expect(check({ instances: [instance('a')], policy: 'redis' }).valid).toBe(false);
  });

  it('rejects duplicate instance names', () => {
    expect(check({ instances: [instance('a'), instance('b'), instance('a')] })).toEqual({
      valid: false,
      message: "duplicate instance name 'a' at instances[1] and instances[3]",
    });
  });

  it('needs a compilable cost_expr wherever the effective strategy is expression', () => {
    const expression = { limit_strategy: 'expression' };
    expect(check({ instances: [instance('a', expression)] })).toEqual({
      valid: false,
      message: "instance 'a': cost_expr is required when limit_strategy is 'expression'",
    });
    expect(check({ instances: [instance('a', expression)], cost_expr: 'total_tokens' }).valid).toBe(
      true,
    );
    expect(check({ instances: [instance('a', { ...expression, cost_expr: 'a ++' })] })).toEqual({
      valid: false,
      message: `instance 'a': invalid cost_expr: [string "cost_expr"]:1: unexpected symbol near '+'`,
    });
    expect(check({ limit: 1, time_window: 1, limit_strategy: 'expression' })).toEqual({
      valid: false,
      message: "cost_expr is required when limit_strategy is 'expression'",
    });
  });
});
