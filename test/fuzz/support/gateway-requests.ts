/**
 * @module gateway-requests
 * Generated data-plane requests: AI protocol bodies (valid, mutated, deep, not JSON, not UTF-8,
 * too large) under the AI routes, plain proxying, key-auth, and paths no route serves, with
 * hostile methods, content types and headers.
 */
import http from 'node:http';
import fc from 'fast-check';
import { bodyArb, extraHeadersArb, queryArb, segmentArb, type Json } from './arbitraries';
import { printable } from './fuzz';
import type { RawRequest } from './raw-http';

/** The key of the fuzz consumer on the key-auth route. */
export const CONSUMER_KEY = 'fuzz-consumer-key';
/** `max_req_body_size` of the AI routes, so an oversized body costs one megabyte, not 64. */
export const AI_MAX_BODY_BYTES = 1024 * 1024;

const messages: Json = [{ role: 'user', content: 'What is 1+1?' }];
/** One valid body per client protocol the AI routes detect. */
export const AI_BODIES: Json[] = [
  { model: 'gpt-4', messages },
  { model: 'gpt-4', messages, stream: true, stream_options: { include_usage: true } },
  { model: 'claude-3', max_tokens: 16, messages },
  { model: 'gpt-4o', input: 'What is 1+1?' },
  { model: 'text-embedding-3-small', input: ['a', 'b'] },
];

const AI_PATHS = [
  '/v1/chat/completions',
  '/v1/messages',
  '/v1/responses',
  '/v1/embeddings',
  '/v1/models',
  '/multi/v1/chat/completions',
  '/multi/v1/messages',
];
const OTHER_PATHS = ['/plain/echo', '/plain/', '/auth/x', '/nowhere', '/', '/v1'];

const METHODS = http.METHODS.filter((m) => m !== 'CONNECT');

/** The mock reads behaviour from `x-mock-*` and fixtures from `x-ai-fixture*` headers. */
const steersTheMock = (name: string) =>
  name.startsWith('x-mock') || name.startsWith('x-ai-fixture');

const headersArb: fc.Arbitrary<[string, string][]> = fc
  .tuple(
    fc.option(
      fc.constantFrom(
        'application/json',
        'application/json',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        '',
      ),
      { nil: undefined },
    ),
    fc.option(fc.constantFrom(CONSUMER_KEY, 'wrong', '', `${CONSUMER_KEY} `), { nil: undefined }),
    extraHeadersArb(
      ['accept', 'authorization', 'x-forwarded-for', 'user-agent', 'cookie', 'apikey'],
      steersTheMock,
    ),
  )
  .map(([type, key, extra]) => [
    ...(type === undefined ? [] : ([['content-type', type]] as [string, string][])),
    ...(key === undefined ? [] : ([['apikey', key]] as [string, string][])),
    ...extra,
  ]);

const pathArb = fc
  .tuple(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...AI_PATHS) },
      { weight: 2, arbitrary: fc.constantFrom(...OTHER_PATHS) },
    ),
    fc.array(segmentArb(['v1', 'chat', 'completions']), { maxLength: 2 }),
    queryArb(['stream', 'api-version', 'model', 'key']),
  )
  .map(([base, extra, query]) => {
    const path = [base, ...extra].join('/');
    return query === '' ? path : `${path}?${query}`;
  })
  // Paths the mock answers with a chosen status (`/status_503`) or its control API.
  .filter((path) => !/status_|__mock/i.test(path));

/** A body above the AI routes' limit. */
const oversizedArb = fc
  .integer({ min: AI_MAX_BODY_BYTES + 1, max: 2 * AI_MAX_BODY_BYTES })
  .map((n) => Buffer.from(JSON.stringify({ model: 'gpt-4', messages, pad: 'x'.repeat(n) })));

export const gatewayRequestArb: fc.Arbitrary<RawRequest> = fc
  .record({
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constant('POST') },
      { weight: 2, arbitrary: fc.constantFrom(...METHODS) },
    ),
    path: pathArb,
    headers: headersArb,
    body: fc.oneof(
      { weight: 30, arbitrary: bodyArb(AI_BODIES) },
      { weight: 1, arbitrary: oversizedArb },
    ),
  })
  .map((req) => {
    if (req.method === 'HEAD') delete req.body;
    return printable(req);
  });
