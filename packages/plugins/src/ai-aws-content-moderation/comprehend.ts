/**
 * @module ai-aws-content-moderation/comprehend
 * One `DetectToxicContent` call over undici, signed with AWS Signature V4 (the shared signer of
 * `@tollgate/ai`). Connections are pooled per TLS and keepalive setting and reused across calls
 * and requests, as APISIX's keepalive pool does (`keepalive: false` closes each one after its
 * answer). A call is abandoned when its `signal` aborts (the client left) or after `timeout` ms.
 * Failures are {@link ComprehendError}s whose message is what the client is answered with.
 */
import { signAwsJsonRequest } from '@tollgate/ai';
import type { AiAwsContentModerationConf } from '@tollgate/schema';
import { Agent } from 'undici';

/** One item of `ResultList`: the scores of one segment. */
export interface ToxicityResult {
  Toxicity: number;
  Labels: { Name: string; Score: number }[];
}

/** Comprehend could not score the text; `message` is the plugin's answer (APISIX's wording). */
export class ComprehendError extends Error {
  constructor(
    message: string,
    /** What went wrong in more detail, for the log only. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ComprehendError';
  }
}

/** The call was abandoned because the client left: nothing to answer. */
export class ComprehendAbandoned extends Error {
  constructor() {
    super('the client left while Comprehend was being asked');
    this.name = 'ComprehendAbandoned';
  }
}

const TARGET = 'Comprehend_20171127.DetectToxicContent';
const NO_RESULTS = 'failed to get moderation results from response';
/** Most answer bytes read (a ResultList of 10 items is about 3 KiB). */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** Most distinct connection settings kept at once (each one an undici Agent). */
const MAX_AGENTS = 64;

const agents = new Map<string, Agent>();

function agentFor(conf: AiAwsContentModerationConf): Agent {
  const key = `${conf.comprehend.ssl_verify}|${conf.keepalive}|${conf.keepalive_timeout}`;
  let agent = agents.get(key);
  if (agent) return agent;
  if (agents.size >= MAX_AGENTS) {
    const [oldest] = agents;
    if (oldest) {
      agents.delete(oldest[0]);
      void oldest[1].close();
    }
  }
  agent = new Agent({
    connect: { rejectUnauthorized: conf.comprehend.ssl_verify },
    keepAliveTimeout: conf.keepalive_timeout,
    keepAliveMaxTimeout: conf.keepalive_timeout,
  });
  agents.set(key, agent);
  return agent;
}

/** Close every pooled connection (plugin destroy). */
export async function closeComprehendAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((agent) => agent.close()));
}

/** The endpoint the calls go to: only scheme, host and port count (the path is always `/`). */
export function comprehendEndpoint(conf: AiAwsContentModerationConf): URL {
  const { endpoint, region } = conf.comprehend;
  const url = new URL(endpoint ?? `https://comprehend.${region}.amazonaws.com`);
  return new URL(`${url.protocol}//${url.host}/`);
}

/** `failed to send request to <scheme>://<host>: Comprehend:detectToxicContent() ...`. */
function sendFailure(endpoint: URL, what: string): ComprehendError {
  const origin = `${endpoint.protocol}//${endpoint.hostname}`;
  return new ComprehendError(
    `failed to send request to ${origin}: Comprehend:detectToxicContent() ${what}`,
  );
}

function transportFailure(endpoint: URL, err: unknown, timedOut: boolean): ComprehendError {
  const target = `'${endpoint.origin}'`;
  if (timedOut) return sendFailure(endpoint, `failed to read from ${target}: timeout`);
  const code = (err as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') {
    return sendFailure(endpoint, `failed to connect to ${target}: connection refused`);
  }
  const reason = err instanceof Error ? err.message : String(err);
  return sendFailure(endpoint, `failed to talk to ${target}: ${reason}`);
}

function isResult(value: unknown): value is ToxicityResult {
  if (typeof value !== 'object' || value === null) return false;
  const { Toxicity, Labels } = value as { Toxicity?: unknown; Labels?: unknown };
  return typeof Toxicity === 'number' && (Labels === undefined || Array.isArray(Labels));
}

async function readAnswer(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) throw new ComprehendError(NO_RESULTS, 'answer too large');
    chunks.push(chunk);
  }
  // undici hands the connection back to its pool a turn after the body ends: a call dispatched
  // before that opens a second connection (measured: two sockets alternate). Yielding once lets
  // the next call of this request reuse this one, as APISIX's keepalive client does.
  await new Promise((resolve) => setImmediate(resolve));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Score `segments` (one call: at most 10 segments, 10 000 bytes). Resolves with one result per
 * segment; rejects with a {@link ComprehendError}, or {@link ComprehendAbandoned} once `signal`
 * aborted.
 */
export async function detectToxicContent(
  conf: AiAwsContentModerationConf,
  segments: readonly string[],
  signal: AbortSignal,
): Promise<ToxicityResult[]> {
  const endpoint = comprehendEndpoint(conf);
  const body = JSON.stringify({
    LanguageCode: 'en',
    TextSegments: segments.map((Text) => ({ Text })),
  });
  const { comprehend } = conf;
  const headers = await signAwsJsonRequest({
    service: 'comprehend',
    region: comprehend.region,
    credentials: {
      accessKeyId: comprehend.access_key_id,
      secretAccessKey: comprehend.secret_access_key,
      sessionToken: comprehend.session_token,
    },
    endpoint,
    target: TARGET,
    body,
  });
  const timeout = AbortSignal.timeout(conf.timeout);
  let status: number;
  let text: string;
  try {
    const res = await agentFor(conf).request({
      origin: endpoint.origin,
      path: '/',
      method: 'POST',
      headers,
      body,
      reset: !conf.keepalive,
      signal: AbortSignal.any([signal, timeout]),
    });
    status = res.statusCode;
    text = await readAnswer(res.body as AsyncIterable<Buffer>);
  } catch (err) {
    if (signal.aborted) throw new ComprehendAbandoned();
    if (err instanceof ComprehendError) throw err;
    throw transportFailure(endpoint, err, timeout.aborted);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const results = (json as { ResultList?: unknown } | undefined)?.ResultList;
  if (status !== 200 || !Array.isArray(results) || results.length === 0) {
    const type = (json as { __type?: unknown } | undefined)?.__type;
    const named = typeof type === 'string' ? ` ${type}` : '';
    throw new ComprehendError(NO_RESULTS, `status ${status}${named}`);
  }
  if (!results.every(isResult)) throw new ComprehendError(NO_RESULTS, 'malformed ResultList');
  return results;
}
