import {
  fallbackPolicy,
  retryOnTransportError,
  shouldRetry,
  type FallbackConf,
} from './fallback-policy';

type Strategy = FallbackConf['fallback_strategy'];

describe('fallbackPolicy', () => {
  // spec §1.6: configured value → [rate-limit aware pick, retry on 429, retry on 5xx]
  const matrix: [string, Strategy, boolean, boolean, boolean][] = [
    ['unset', undefined, false, false, false],
    [
      '"instance_health_and_rate_limiting"',
      'instance_health_and_rate_limiting',
      true,
      false,
      false,
    ],
    ['"http_429"', 'http_429', false, true, false],
    ['"http_5xx"', 'http_5xx', false, false, true],
    ['["rate_limiting"]', ['rate_limiting'], true, false, false],
    ['["http_429","http_5xx"]', ['http_429', 'http_5xx'], false, true, true],
    [
      '["rate_limiting","http_429","http_5xx"]',
      ['rate_limiting', 'http_429', 'http_5xx'],
      true,
      true,
      true,
    ],
    ['[] (empty array)', [], false, false, false],
  ];

  it.each(matrix)('%s', (_label, strategy, rateLimitAware, on429, on5xx) => {
    const policy = fallbackPolicy({ fallback_strategy: strategy });
    expect(policy.rateLimitAware).toBe(rateLimitAware);
    expect(policy.retryOnStatus(429)).toBe(on429);
    for (const status of [500, 502, 503, 504, 599])
      expect(policy.retryOnStatus(status)).toBe(on5xx);
    for (const status of [200, 400, 401, 404, 499, 600])
      expect(policy.retryOnStatus(status)).toBe(false);
  });

  it('uses has(): a string must equal the value, an array must contain it', () => {
    // Not schema-valid, but shows has() is exact: the string form never matches array words.
    expect(fallbackPolicy({ fallback_strategy: 'rate_limiting' as Strategy }).rateLimitAware).toBe(
      false,
    );
    expect(
      fallbackPolicy({
        fallback_strategy: ['instance_health_and_rate_limiting'] as unknown as Strategy,
      }).rateLimitAware,
    ).toBe(false);
  });

  it('fallback_http_statuses retries exact statuses, with or without a strategy', () => {
    const alone = fallbackPolicy({ fallback_http_statuses: [401, 503] });
    expect(alone.retryOnStatus(401)).toBe(true);
    expect(alone.retryOnStatus(503)).toBe(true);
    expect(alone.retryOnStatus(500)).toBe(false);
    expect(alone.retryOnStatus(429)).toBe(false);
    expect(alone.rateLimitAware).toBe(false);

    const combined = fallbackPolicy({
      fallback_strategy: 'http_429',
      fallback_http_statuses: [401],
    });
    expect(combined.retryOnStatus(429)).toBe(true);
    expect(combined.retryOnStatus(401)).toBe(true);
    expect(combined.retryOnStatus(500)).toBe(false);
    expect(fallbackPolicy({ fallback_strategy: 'http_5xx' }).retryOnStatus(401)).toBe(false);
  });

  it('carries max_retries and retry_on_failure_within_ms', () => {
    expect(fallbackPolicy({}).maxRetries).toBeUndefined();
    expect(fallbackPolicy({}).retryWithinMs).toBeUndefined();
    const policy = fallbackPolicy({ max_retries: 0, retry_on_failure_within_ms: 250 });
    expect(policy.maxRetries).toBe(0);
    expect(policy.retryWithinMs).toBe(250);
  });
});

describe('retryOnTransportError', () => {
  const two = [{}, {}];
  it.each<[string, FallbackConf, boolean]>([
    ['no strategy', { instances: two }, false],
    ['one instance', { instances: [{}], fallback_strategy: 'http_5xx' }, false],
    [
      'rate-limit strategy',
      { instances: two, fallback_strategy: 'instance_health_and_rate_limiting' },
      true,
    ],
    ['http_429 only', { instances: two, fallback_strategy: 'http_429' }, true],
    ['array strategy', { instances: two, fallback_strategy: ['rate_limiting'] }, true],
    ['empty array', { instances: two, fallback_strategy: [] }, false],
    ['statuses only', { instances: two, fallback_http_statuses: [401] }, true],
  ])('%s', (_label, conf, expected) => {
    expect(retryOnTransportError(conf)).toBe(expected);
  });
});

describe('shouldRetry', () => {
  interface Row {
    conf: FallbackConf;
    transport: boolean;
    status?: number;
    elapsedMs: number;
    retriesDone: number;
    retry: boolean;
  }
  // spec §1.7 step 4 as data
  const rows: [string, Row][] = [
    [
      '5xx with http_5xx',
      {
        conf: { fallback_strategy: 'http_5xx' },
        transport: false,
        status: 500,
        elapsedMs: 5,
        retriesDone: 0,
        retry: true,
      },
    ],
    [
      '429 without http_429',
      {
        conf: { fallback_strategy: 'http_5xx' },
        transport: false,
        status: 429,
        elapsedMs: 5,
        retriesDone: 0,
        retry: false,
      },
    ],
    [
      '401 via statuses',
      {
        conf: { fallback_http_statuses: [401] },
        transport: false,
        status: 401,
        elapsedMs: 5,
        retriesDone: 0,
        retry: true,
      },
    ],
    [
      'max_retries 0 never retries',
      {
        conf: { fallback_strategy: 'http_5xx', max_retries: 0 },
        transport: false,
        status: 500,
        elapsedMs: 5,
        retriesDone: 0,
        retry: false,
      },
    ],
    [
      'max_retries 1: first failure retried',
      {
        conf: { fallback_strategy: 'http_5xx', max_retries: 1 },
        transport: false,
        status: 500,
        elapsedMs: 5,
        retriesDone: 0,
        retry: true,
      },
    ],
    [
      'max_retries 1: second failure returned',
      {
        conf: { fallback_strategy: 'http_5xx', max_retries: 1 },
        transport: false,
        status: 500,
        elapsedMs: 5,
        retriesDone: 1,
        retry: false,
      },
    ],
    [
      'no cap: many retries',
      {
        conf: { fallback_strategy: 'http_5xx' },
        transport: false,
        status: 503,
        elapsedMs: 5,
        retriesDone: 50,
        retry: true,
      },
    ],
    [
      'within: fast failure retried',
      {
        conf: { fallback_strategy: 'http_5xx', retry_on_failure_within_ms: 100 },
        transport: false,
        status: 500,
        elapsedMs: 100,
        retriesDone: 0,
        retry: true,
      },
    ],
    [
      'within: slow failure returned',
      {
        conf: { fallback_strategy: 'http_5xx', retry_on_failure_within_ms: 100 },
        transport: false,
        status: 500,
        elapsedMs: 101,
        retriesDone: 0,
        retry: false,
      },
    ],
    [
      'transport failure, D4 on',
      { conf: {}, transport: true, elapsedMs: 5, retriesDone: 0, retry: true },
    ],
    [
      'transport failure, D4 off',
      { conf: {}, transport: false, elapsedMs: 5, retriesDone: 0, retry: false },
    ],
    [
      'transport failure capped by max_retries',
      { conf: { max_retries: 0 }, transport: true, elapsedMs: 5, retriesDone: 0, retry: false },
    ],
    [
      'slow transport failure',
      {
        conf: { retry_on_failure_within_ms: 10 },
        transport: true,
        elapsedMs: 50,
        retriesDone: 0,
        retry: false,
      },
    ],
  ];

  it.each(rows)('%s', (_label, row) => {
    const attempt = {
      ...(row.status !== undefined ? { status: row.status } : {}),
      elapsedMs: row.elapsedMs,
      retriesDone: row.retriesDone,
    };
    expect(shouldRetry(fallbackPolicy(row.conf), row.transport, attempt)).toBe(row.retry);
  });
});
