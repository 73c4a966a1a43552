import { checkPluginConf } from '../plugins';

function check(conf: unknown) {
  return checkPluginConf('ai-rate-limiting', conf, 'route');
}

const instances = [{ name: 'openai', limit: 10, time_window: 60 }];

describe('ai-rate-limiting schema (spec §3.1, §8.2)', () => {
  it('#41 check_schema cases of ai-rate-limiting.t TEST 1, in order', () => {
    const cases: Array<[unknown, string | null]> = [
      [{ time_window: 60 }, 'property "limit" is required when "time_window" is set'],
      [{ limit: 30 }, 'property "time_window" is required when "limit" is set'],
      [
        { limit: 30, time_window: 60, rejected_code: 199 },
        'property "rejected_code" validation failed: expected 199 to be at least 200',
      ],
      [
        { limit: 30, time_window: 60, limit_strategy: 'invalid' },
        'property "limit_strategy" validation failed: matches none of the enum values',
      ],
      [
        { instances: [instances[0], { limit: 10, time_window: 60 }] },
        'property "instances" validation failed: failed to validate item 2: property "name" is required',
      ],
      [{ time_window: 60, instances }, 'property "limit" is required when "time_window" is set'],
      [{ limit: 30, instances }, 'property "time_window" is required when "limit" is set'],
      [{ instances }, null],
      [
        {
          limit: 30,
          time_window: 60,
          rejected_code: 403,
          rejected_msg: 'rate limit exceeded',
          limit_strategy: 'completion_tokens',
          show_limit_quota_header: false,
        },
        null,
      ],
      [{ limit: 30, time_window: 60, instances }, null],
    ];
    const got = cases.map(([conf]) => {
      const r = check(conf);
      return r.valid ? null : r.message;
    });
    expect(got).toEqual(cases.map(([, expected]) => expected));
  });

  it('#54 rejects limit/instances together with rules', () => {
    const rules = [{ count: 10, time_window: 60, key: '${http_user}' }];
    expect(check({ limit: 30, time_window: 60, instances, rules })).toEqual({
      valid: false,
      message: 'value should match only one schema, but matches both schemas 1 and 2',
    });
    expect(check({ rules }).valid).toBe(true);
  });

  it('needs one of limit+time_window, instances or rules', () => {
    expect(check({})).toEqual({
      valid: false,
      message: 'value should match only one schema, but matches none',
    });
  });

  it('accepts variable templates for limit and time_window', () => {
    const conf = { limit: '${http_count ?? 10}', time_window: '${http_time_window ?? 60}' };
    expect(check(conf).valid).toBe(true);
    expect(check({ limit: 0, time_window: 60 })).toEqual({
      valid: false,
      message:
        'property "limit" validation failed: value should match only one schema, but matches none',
    });
  });

  it('fills defaults on a copy', () => {
    const conf = { instances };
    const r = check(conf);
    expect(r.valid && r.value).toEqual({
      instances,
      show_limit_quota_header: true,
      reserve_tokens: false,
      reserve_completion_tokens: 256,
      limit_strategy: 'total_tokens',
      rejected_code: 503,
      policy: 'local',
      allow_degradation: false,
    });
    expect(conf).toEqual({ instances });
  });

  it('validates redis policy fields only for redis policies', () => {
    expect(check({ instances, policy: 'redis' })).toEqual({
      valid: false,
      message: 'then clause did not match',
    });
    const r = check({ instances, policy: 'redis', redis_host: '127.0.0.1' });
    expect(r.valid && r.value).toMatchObject({ redis_port: 6379, redis_timeout: 1000 });
    expect(check({ instances, policy: 'redis-cluster' }).valid).toBe(false);
    const cluster = { redis_cluster_nodes: ['127.0.0.1:7000'], redis_cluster_name: 'c' };
    expect(check({ instances, policy: 'redis-cluster', ...cluster }).valid).toBe(true);
    expect(check({ instances, policy: 'local' }).valid).toBe(true);
  });
});

describe('ai-rate-limiting cost_expr (spec §3.1)', () => {
  it('requires cost_expr for the expression strategy', () => {
    expect(check({ instances, limit_strategy: 'expression' })).toEqual({
      valid: false,
      message: "cost_expr is required when limit_strategy is 'expression'",
    });
  });

  it('reports compile errors as invalid cost_expr', () => {
    const r = check({ instances, limit_strategy: 'expression', cost_expr: 'input_tokens +' });
    expect(r).toEqual({
      valid: false,
      message: 'invalid cost_expr: [string "cost_expr"]:1: unexpected symbol near <eof>',
    });
  });

  it('accepts a valid expression, and ignores cost_expr for other strategies', () => {
    const expr = 'input_tokens + cache_creation_input_tokens * 1.25 + output_tokens';
    expect(check({ instances, limit_strategy: 'expression', cost_expr: expr }).valid).toBe(true);
    expect(check({ instances, cost_expr: 'not compiled +' }).valid).toBe(true);
  });
});
