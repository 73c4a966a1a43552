/**
 * @module handler
 * The request pipeline. After recording the request:
 *   1. resolve the behaviour (default + `X-Mock-*` headers; a bad header is a 400);
 *   2. `delayMs`, then `reset` or `hang`;
 *   3. API keys (LLM endpoints and fixtures only) → 401 `Unauthorized`;
 *   4. `status` >= 400 → the provider's error body;
 *   5. `malformed`, then the `X-AI-Fixture` file, then the protocol's own answer (paced by the
 *      capacity model when it is on: queued, or 429 when its queue is full); any other path
 *      answers `/status_<N>`'s N, else the behaviour's status (health-check targets).
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { isAuthorised } from './auth';
import { GCP_UNAUTHENTICATED, hasIssuedToken, issueToken } from './cloud/gcp';
import { verifySigV4 } from './cloud/sigv4';
import { BehaviourError, mergeBehaviour, parseBehaviourHeaders } from './behaviour';
import { requestedTokens } from './capacity-settings';
import { handleControl } from './control';
import { Exchange, MAX_BODY_BYTES } from './exchange';
import {
  FIXTURE_HEADER,
  FIXTURE_STATUS_HEADER,
  applyModel,
  fixtureNameProblem,
  fixtureReply,
  loadFixture,
} from './fixtures';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics';
import {
  googleErrorBody,
  malformedReply,
  openAiErrorBody,
  protocolFor,
  type Protocol,
  type Refusal,
} from './protocols';
import { sendPaced } from './paced';
import { commonHeaders, sendReply } from './send';
import { estimateTokens, splitTokens } from './text';
import type { MockState } from './state';
import type { Behaviour, RecordedRequest } from './types';

const TEXT = 'text/plain; charset=utf-8';

function headerText(req: IncomingMessage, name: string): string | undefined {
  const v = Object.hasOwn(req.headers, name) ? req.headers[name] : undefined;
  return Array.isArray(v) ? v[0] : v;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers).flatMap(([k, v]) =>
      v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v]],
    ),
  );
}

/**
 * Deepest nesting of arrays and objects the mock accepts in a body: above the gateway's own limit
 * (1000, lua-cjson's), so whatever the gateway forwards reaches the mock; below the few thousand
 * levels at which listing the recorded requests (`JSON.stringify`) overflows the stack.
 */
const MAX_JSON_DEPTH = 2000;

/** Whether JSON `text` nests arrays and objects deeper than `limit`. */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (++depth > limit) return true;
    } else if (c === ']' || c === '}') depth--;
  }
  return false;
}

/** The body as JSON; undefined when empty, not JSON, or nested too deep to handle. */
function parseJson(text: string): unknown {
  try {
    const json = text === '' ? undefined : (JSON.parse(text) as unknown);
    return nestsDeeperThan(text, MAX_JSON_DEPTH) ? undefined : json;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function record(state: MockState, req: IncomingMessage, url: URL): RecordedRequest {
  const rec: RecordedRequest = {
    id: state.nextId++,
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: flatHeaders(req),
    body: '',
    receivedAt: Date.now(),
    aborted: false,
  };
  state.records.push(rec);
  if (state.records.length > state.maxRecorded) state.records.shift();
  state.requestsTotal++;
  return rec;
}

function errorText(state: MockState, status: number): string {
  return `${STATUS_CODES[status] ?? 'Error'} (status ${status} simulated by mock-llm "${state.name}")`;
}

const VERTEX_PATH = /^\/v1(beta1)?\/projects\//;

/**
 * Cloud authentication (step 3, before API keys): the OAuth token endpoint, SigV4 on Bedrock
 * paths, issued bearer tokens on Vertex paths. `answered`: the exchange got its answer (a token,
 * or a refusal); `passed`: the request is authenticated (API keys do not apply); `none`: not a
 * cloud-authenticated request.
 */
function cloudAuth(
  state: MockState,
  ex: Exchange,
  url: URL,
  rec: RecordedRequest,
  protocol: Protocol | undefined,
): 'answered' | 'passed' | 'none' {
  const json = 'application/json';
  if (state.gcp && rec.method === 'POST' && rec.path === '/token') {
    const tokenUrl = `http://${headerText(ex.req, 'host') ?? ''}/token`;
    const answer = issueToken(
      new URLSearchParams(rec.body),
      tokenUrl,
      state.gcp,
      state.issuedTokens,
      Date.now(),
    );
    ex.send(answer.status, { 'content-type': json }, JSON.stringify(answer.body));
    return 'answered';
  }
  if (state.aws && protocol?.name === 'bedrock-converse') {
    const rawPath = (ex.req.url ?? '/').split('?')[0] ?? '/';
    const problem = verifySigV4(
      {
        method: rec.method,
        rawPath,
        query: url.searchParams,
        headers: ex.req.headers,
        body: Buffer.from(rec.body),
      },
      state.aws,
    );
    if (!problem) return 'passed';
    ex.send(
      403,
      {
        'content-type': json,
        'x-amzn-errortype': `${problem.type}:http://internal.amazon.com/coral/com.amazon.coral.service/`,
      },
      JSON.stringify({ message: problem.message }),
    );
    return 'answered';
  }
  if (state.gcp && protocol && VERTEX_PATH.test(rec.path)) {
    if (hasIssuedToken(headerText(ex.req, 'authorization'), state.issuedTokens, Date.now()))
      return 'passed';
    ex.send(
      401,
      { 'content-type': json, 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
      googleErrorBody(401, { message: GCP_UNAUTHENTICATED }),
    );
    return 'answered';
  }
  return 'none';
}

/** Steps 3-5 of the pipeline, once the behaviour's faults have been applied. */
async function answer(
  state: MockState,
  ex: Exchange,
  url: URL,
  rec: RecordedRequest,
  b: Behaviour,
): Promise<void> {
  const headers = commonHeaders(state.name, b);
  const text = (status: number, body: string) =>
    ex.send(status, { ...headers, 'content-type': TEXT }, body);
  const protocol: Protocol | undefined = protocolFor(rec.method, rec.path);
  const fixture = headerText(ex.req, FIXTURE_HEADER);
  const cloud = cloudAuth(state, ex, url, rec, protocol);
  if (cloud === 'answered') return;
  if (
    cloud === 'none' &&
    (protocol || fixture !== undefined) &&
    !isAuthorised(state.apiKeys, ex.req.headers, url.searchParams)
  ) {
    return text(401, 'Unauthorized');
  }
  const errorBody = protocol?.errorBody ?? openAiErrorBody;
  const fail = (status: number, refusal: Refusal) =>
    sendReply(ex, { kind: 'json', status, body: errorBody(status, refusal) }, b, headers);
  // A fixed `content` doubles as the error message, so tests can recognise which failure came back.
  if (b.status >= 400) {
    return fail(b.status, { message: b.content ?? errorText(state, b.status) });
  }
  const body = isObject(rec.json) ? rec.json : undefined;
  if (b.malformed) return sendReply(ex, malformedReply(body?.stream === true), b, headers);
  if (fixture !== undefined) {
    const problem = fixtureNameProblem(fixture);
    if (problem) return text(400, problem);
    const content = loadFixture(fixture, state.fixtureDirs);
    if (content === undefined) return text(404, `fixture not found: ${fixture}`);
    const status = Number(headerText(ex.req, FIXTURE_STATUS_HEADER) ?? b.status);
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      return text(400, 'invalid X-AI-Fixture-Status header');
    }
    const model = b.model ?? (typeof body?.model === 'string' ? body.model : 'unknown');
    return sendReply(ex, fixtureReply(fixture, applyModel(content, model), status), b, headers);
  }
  if (!protocol) {
    const m = /^\/status_([1-5]\d\d)$/.exec(rec.path);
    const status = m ? Number(m[1]) : b.status;
    return text(status, status < 400 ? 'ok' : errorText(state, status));
  }
  if (!body) {
    return fail(400, {
      message: 'We could not parse the JSON body of your request: send a JSON object.',
    });
  }
  const refusal = protocol.invalid(body);
  if (refusal) return fail(400, refusal);
  const model = state.capacity;
  // A looping stream never finishes: it is not queued for a slot of the capacity model.
  if (!model || (b.loop && body.stream === true)) {
    const generated = protocol.reply({
      name: state.name,
      behaviour: b,
      body,
      path: rec.path,
      query: url.searchParams,
    });
    return sendReply(ex, { ...generated, status: b.status }, b, headers);
  }
  const embeddings = protocol.name === 'openai-embeddings';
  const wanted = embeddings ? 0 : requestedTokens(body, model.current.outputTokens);
  const generated = protocol.reply({
    name: state.name,
    behaviour: b,
    body,
    outputTokens: wanted,
    path: rec.path,
    query: url.searchParams,
  });
  const output = b.content === undefined || embeddings ? wanted : splitTokens(b.content).length;
  const tokens = { output, prompt: estimateTokens(rec.body.length) };
  const reply = { ...generated, status: b.status };
  if (!(await sendPaced(ex, model, reply, tokens, b, headers))) {
    const waiting = model.stats().waiting;
    return fail(429, {
      message: `mock-llm "${state.name}" is overloaded: ${waiting} requests waiting`,
    });
  }
}

async function handleRecorded(
  state: MockState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) {
  const rec = record(state, req, url);
  state.running++;
  const ex = new Exchange(req, res, (end) => {
    rec.closedAt = Date.now();
    rec.aborted = end.aborted;
    rec.status = end.status;
    state.running--;
    state.live.delete(ex);
  });
  state.live.add(ex);
  const body = await ex.readBody();
  if (body === undefined) {
    return ex.send(413, { 'content-type': TEXT }, `request body over ${MAX_BODY_BYTES} bytes`);
  }
  rec.body = body;
  rec.json = parseJson(rec.body);
  if (ex.closed) return;
  let b: Behaviour;
  try {
    b = mergeBehaviour(state.behaviour, parseBehaviourHeaders(req.headers));
  } catch (err) {
    if (!(err instanceof BehaviourError)) throw err;
    return ex.send(400, { 'content-type': TEXT }, err.message);
  }
  await ex.sleep(b.delayMs);
  if (ex.closed) return;
  if (b.reset) return ex.reset();
  if (b.hang) return ex.untilClosed();
  await answer(state, ex, url, rec, b);
}

async function handle(state: MockState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://mock.invalid');
  const path = url.pathname;
  if (path.startsWith('/__mock/')) return handleControl(state, req, res, path);
  if (req.method === 'GET' && path === '/metrics') {
    const capacity = state.capacity?.stats();
    const body = renderMetrics({
      name: state.name,
      modelName: state.behaviour.model ?? state.name,
      running: capacity?.running ?? state.running,
      waiting: capacity?.waiting ?? state.behaviour.waiting,
      kvCacheUsage: capacity?.kvCacheUsage ?? 0,
      requestsTotal: state.requestsTotal,
      capacity,
    });
    res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(body);
    return;
  }
  if (req.method === 'GET' && path === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', name: state.name }));
    return;
  }
  await handleRecorded(state, req, res, url);
}

/** The `node:http` request listener of a mock. */
export function createHandler(state: MockState) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(state, req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(500, { 'content-type': TEXT });
      res.end(`mock-llm internal error: ${err instanceof Error ? err.message : String(err)}`);
    });
  };
}
