/**
 * The LLM of APISIX's t/plugin/ai-request-rewrite{,2}.t (their server on :6724), as a scripted
 * OpenAI-compatible fake:
 * - `/v1/chat/completions`: 401 `Unauthorized` unless `Authorization: Bearer token` or
 *   `?api_key=apikey`; else a completion whose content is the system prompt, a space and the user
 *   message;
 * - `/random`: the content `return by random endpoint`;
 * - `/bad_request`, `/internalservererror`: 400 and 500;
 * - `/check_extra_options`: 400 unless the body has `extra_option: "extra option"`, else as
 *   `/v1/chat/completions`;
 * - `/check_query`: 400 unless the query has `api-version=2024-10-21` (parameters written in
 *   `override.endpoint`), else as `/v1/chat/completions`.
 * It records every request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RewriteLlmRequest {
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  json: { messages?: { role: string; content: string }[]; [key: string]: unknown };
}

export interface RewriteLlm {
  readonly url: string;
  readonly requests: RewriteLlmRequest[];
  close(): Promise<void>;
}

const completion = (content: string) =>
  JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] });

function answer(req: RewriteLlmRequest): { status: number; body: string } {
  const echo = () => {
    const [system, user] = req.json.messages ?? [];
    return { status: 200, body: completion(`${system?.content} ${user?.content}`) };
  };
  switch (req.path) {
    case '/v1/chat/completions': {
      const authorized =
        req.headers.authorization === 'Bearer token' || req.query.get('api_key') === 'apikey';
      return authorized ? echo() : { status: 401, body: 'Unauthorized\n' };
    }
    case '/random':
      return { status: 200, body: completion('return by random endpoint') };
    case '/bad_request':
      return { status: 400, body: 'Bad Request\n' };
    case '/internalservererror':
      return { status: 500, body: 'Internal Server Error\n' };
    case '/check_extra_options':
      return req.json.extra_option === 'extra option'
        ? echo()
        : { status: 400, body: 'extra option not match\n' };
    case '/check_query':
      return req.query.get('api-version') === '2024-10-21'
        ? echo()
        : { status: 400, body: 'query not match\n' };
    default:
      return { status: 404, body: 'Not Found\n' };
  }
}

/** Start the fake on 127.0.0.1 (a free port). */
export async function startRewriteLlm(): Promise<RewriteLlm> {
  const requests: RewriteLlmRequest[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://llm');
      let json: RewriteLlmRequest['json'] = {};
      try {
        json = JSON.parse(text) as RewriteLlmRequest['json'];
      } catch {
        // Not JSON: answered like a body without messages.
      }
      const seen = { path: url.pathname, query: url.searchParams, headers: req.headers, json };
      requests.push(seen);
      const { status, body } = answer(seen);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
