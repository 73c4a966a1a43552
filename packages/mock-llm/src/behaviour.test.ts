import {
  BEHAVIOUR_HEADERS,
  BehaviourError,
  DEFAULT_BEHAVIOUR,
  mergeBehaviour,
  parseBehaviour,
  parseBehaviourHeaders,
} from './behaviour';

describe('behaviour headers', () => {
  it('names one X-Mock-* header per field', () => {
    expect(BEHAVIOUR_HEADERS).toMatchObject({
      status: 'x-mock-status',
      retryAfter: 'x-mock-retry-after',
      delayMs: 'x-mock-delay-ms',
      ttftMs: 'x-mock-ttft-ms',
      tokensPerSecond: 'x-mock-tokens-per-second',
      cutAfterEvents: 'x-mock-cut-after-events',
      reset: 'x-mock-reset',
      hang: 'x-mock-hang',
      malformed: 'x-mock-malformed',
      omitUsage: 'x-mock-omit-usage',
      loop: 'x-mock-loop',
      usage: 'x-mock-usage',
      content: 'x-mock-content',
      model: 'x-mock-model',
    });
  });

  it('parses numbers, flags, usage and text', () => {
    expect(
      parseBehaviourHeaders({
        'x-mock-status': '429',
        'x-mock-retry-after': '2',
        'x-mock-tokens-per-second': '12.5',
        'x-mock-cut-after-events': '0',
        'x-mock-reset': 'true',
        'x-mock-omit-usage': '1',
        'x-mock-loop': 'on',
        'x-mock-hang': 'false',
        'x-mock-usage': '23, 8',
        'x-mock-content': 'hi there',
        'x-other': 'ignored',
      }),
    ).toEqual({
      status: 429,
      retryAfter: 2,
      tokensPerSecond: 12.5,
      cutAfterEvents: 0,
      reset: true,
      omitUsage: true,
      loop: true,
      hang: false,
      usage: { prompt: 23, completion: 8 },
      content: 'hi there',
    });
  });

  it('reads UTF-8 text sent as header bytes', () => {
    const latin1 = Buffer.from('héllo ✓', 'utf8').toString('latin1');
    expect(parseBehaviourHeaders({ 'x-mock-content': latin1 }).content).toBe('héllo ✓');
  });

  it.each([
    ['x-mock-status', '99'],
    ['x-mock-status', 'abc'],
    ['x-mock-delay-ms', '-1'],
    ['x-mock-delay-ms', '1.5'],
    ['x-mock-delay-ms', ''],
    ['x-mock-reset', 'maybe'],
    ['x-mock-usage', '23'],
  ])('refuses %s: %j', (name, value) => {
    expect(() => parseBehaviourHeaders({ [name]: value })).toThrow(BehaviourError);
  });
});

describe('parseBehaviour (JSON)', () => {
  it('accepts known fields and resets null ones to the default', () => {
    expect(
      parseBehaviour({ status: 503, retryAfter: null, usage: { prompt: 1, completion: 2 } }),
    ).toEqual({ status: 503, retryAfter: undefined, usage: { prompt: 1, completion: 2 } });
    expect(parseBehaviour({ delayMs: null })).toEqual({ delayMs: 0 });
  });

  it.each([
    [{ nope: 1 }, 'unknown field "nope"'],
    [{ status: '500' }, 'behaviour.status: expected a number'],
    [{ hang: 1 }, 'behaviour.hang: expected a boolean'],
    [{ usage: { prompt: -1, completion: 0 } }, 'behaviour.usage.prompt'],
    [[], 'expected a JSON object'],
  ])('refuses %j', (input, message) => {
    expect(() => parseBehaviour(input)).toThrow(message);
  });
});

describe('mergeBehaviour', () => {
  it('applies a patch and resets undefined fields', () => {
    const b = mergeBehaviour({ ...DEFAULT_BEHAVIOUR, retryAfter: 3 }, { status: 500 });
    expect(b).toMatchObject({ status: 500, retryAfter: 3, delayMs: 0 });
    expect(mergeBehaviour(b, { retryAfter: undefined, status: undefined })).toMatchObject({
      status: 200,
      retryAfter: undefined,
    });
  });
});
