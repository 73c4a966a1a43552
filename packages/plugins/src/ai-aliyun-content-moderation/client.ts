/**
 * @module ai-aliyun-content-moderation/client
 * One TextModerationPlus call (spec A.6): a signed `application/x-www-form-urlencoded`
 * `POST <endpoint>/` through undici, answered with `Data.RiskLevel` and, for risky text,
 * `Data.Advice[0].Answer`. Anything else (no connection, a status other than 200, a body that is
 * not JSON or has no risk level) is an error text in APISIX's words, which the caller logs and
 * lets pass (the service fails open).
 */
import { randomUUID } from 'node:crypto';
import { Agent } from 'undici';
import { formBody, sign } from './sign';

export interface ModerationCallConf {
  endpoint: string;
  region_id: string;
  access_key_id: string;
  access_key_secret: string;
  timeout: number;
  keepalive: boolean;
  keepalive_timeout: number;
  ssl_verify: boolean;
}

export interface ModerationVerdict {
  riskLevel: string;
  /** The service's readable refusal (`Data.Advice[0].Answer`), when it gave one. */
  advice?: string;
}

export type ModerationResult =
  { ok: true; verdict: ModerationVerdict } | { ok: false; error: string };

/** Most bytes of a service answer read; a verdict is well under a kilobyte. */
export const MAX_ANSWER_BYTES = 1024 * 1024;
/** Most bytes of an unexpected answer quoted in the error text (and so in the log). */
const QUOTED_BODY_BYTES = 512;
/** Most distinct connection settings kept at once (each one an undici Agent). */
const MAX_AGENTS = 64;

const agents = new Map<string, Agent>();

/** The keep-alive Agent for these connection settings, shared by every route that uses them. */
function agentFor(conf: ModerationCallConf): Agent {
  const key = `${conf.ssl_verify}|${conf.keepalive_timeout}`;
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
    connect: { rejectUnauthorized: conf.ssl_verify },
    keepAliveTimeout: conf.keepalive_timeout,
    keepAliveMaxTimeout: conf.keepalive_timeout,
  });
  agents.set(key, agent);
  return agent;
}

/** Close the shared Agents (plugin destroy). */
export async function closeModerationClients(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((agent) => agent.close()));
}

/** `Timestamp`: UTC ISO 8601 to the second, as Alibaba Cloud documents it. */
function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The signed form parameters of one call. */
export function moderationParams(
  conf: Pick<ModerationCallConf, 'region_id' | 'access_key_id' | 'access_key_secret'>,
  service: string,
  sessionId: string,
  content: string,
  now = new Date(),
): Record<string, string> {
  const params: Record<string, string> = {
    AccessKeyId: conf.access_key_id,
    Action: 'TextModerationPlus',
    Format: 'JSON',
    RegionId: conf.region_id,
    Service: service,
    ServiceParameters: JSON.stringify({ sessionId, content }),
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: randomUUID(),
    SignatureVersion: '1.0',
    Timestamp: timestamp(now),
    Version: '2022-03-02',
  };
  params.Signature = sign(params, conf.access_key_secret);
  return params;
}

async function readAnswer(body: AsyncIterable<unknown> & { destroy(): void }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy();
      throw new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

function quoted(raw: Buffer): string {
  const text = raw.subarray(0, QUOTED_BODY_BYTES).toString('utf8');
  return raw.length > QUOTED_BODY_BYTES ? `${text}...` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Data.RiskLevel` and `Data.Advice[0].Answer` of a decoded answer. */
function verdictOf(answer: unknown): ModerationVerdict | undefined {
  const data = isObject(answer) ? answer.Data : undefined;
  if (!isObject(data) || typeof data.RiskLevel !== 'string') return undefined;
  const first: unknown = Array.isArray(data.Advice) ? data.Advice[0] : undefined;
  const advice = isObject(first) && typeof first.Answer === 'string' ? first.Answer : undefined;
  return { riskLevel: data.RiskLevel, advice };
}

/**
 * Ask the service about `content`.
 *
 * @example
 * const result = await moderateText(conf, 'llm_query_moderation', sessionId, 'hello', signal);
 * if (result.ok && result.verdict.riskLevel === 'high') ...
 */
export async function moderateText(
  conf: ModerationCallConf,
  service: string,
  sessionId: string,
  content: string,
  clientSignal?: AbortSignal,
): Promise<ModerationResult> {
  const timeout = AbortSignal.timeout(conf.timeout);
  const signal = clientSignal ? AbortSignal.any([timeout, clientSignal]) : timeout;
  let status: number;
  let requestId: string;
  let raw: Buffer;
  try {
    const url = new URL(conf.endpoint);
    const res = await agentFor(conf).request({
      origin: url.origin,
      path: '/',
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody(moderationParams(conf, service, sessionId, content)),
      // Without keepalive the connection is closed after the answer, as APISIX does.
      reset: !conf.keepalive,
      signal,
    });
    status = res.statusCode;
    const id = res.headers['x-acs-request-id'];
    requestId = typeof id === 'string' ? id : '';
    raw = await readAnswer(res.body);
  } catch (err) {
    const why = timeout.aborted ? 'timeout' : (err as Error).message;
    return { ok: false, error: `failed to request: ${why}` };
  }
  if (status !== 200) {
    return {
      ok: false,
      error:
        `failed to request aliyun text moderation service, status: ${status}, ` +
        `x-acs-request-id: ${requestId}, body: ${quoted(raw)}`,
    };
  }
  let answer: unknown;
  try {
    answer = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return {
      ok: false,
      error:
        `failed to decode response, x-acs-request-id: ${requestId}, ` +
        `err: ${(err as Error).message}, body: ${quoted(raw)}`,
    };
  }
  const verdict = verdictOf(answer);
  if (!verdict) return { ok: false, error: `failed to get risk level: ${quoted(raw)}` };
  return { ok: true, verdict };
}
