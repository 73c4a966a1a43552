/**
 * @module ai-lakera-guard/client
 * One Lakera Guard v2 call (`POST /v2/guard`, spec A.7): `{messages, breakdown: true,
 * project_id?}` with `Authorization: Bearer <api_key>`, through undici. Anything but a 200 with
 * a JSON object is an error the caller settles with `fail_open`; the error text names what went
 * wrong (never the key).
 */
import { Agent } from 'undici';

/** One message of the conversation Lakera scans. */
export interface GuardMessage {
  role: string;
  content: string;
}

/** One detector's verdict in Lakera's `breakdown`. */
export interface BreakdownEntry {
  detector_type?: string;
  detected?: boolean;
  /** Lakera's confidence label for a detection (`l1_confident`, ...), when it sends one. */
  result?: string;
  [field: string]: unknown;
}

export interface GuardVerdict {
  flagged: boolean;
  /** Every detector's entry, detected or not (logged whole on a flag). */
  breakdown: BreakdownEntry[];
  requestUuid?: string;
}

export type GuardResult = { ok: true; verdict: GuardVerdict } | { ok: false; error: string };

export interface GuardCallOptions {
  endpoint: string;
  apiKey: string;
  projectId?: string;
  timeoutMs: number;
  sslVerify: boolean;
  /** Aborts the call (the client left); the timeout is added to it. */
  signal?: AbortSignal;
}

/** Most bytes of a Lakera answer read; a verdict is a few kilobytes. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

const agents = new Map<boolean, Agent>();

/** One keep-alive Agent per `ssl_verify` value, shared by every route. */
function agentFor(sslVerify: boolean): Agent {
  let agent = agents.get(sslVerify);
  if (!agent) {
    agent = new Agent({ connect: { rejectUnauthorized: sslVerify } });
    agents.set(sslVerify, agent);
  }
  return agent;
}

/** Close the shared Agents (plugin destroy). */
export async function closeGuardClients(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((agent) => agent.close()));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function verdictOf(data: Record<string, unknown>): GuardVerdict {
  const breakdown = Array.isArray(data.breakdown)
    ? data.breakdown.filter((entry): entry is BreakdownEntry => isObject(entry))
    : [];
  const metadata = data.metadata;
  const uuid = isObject(metadata) ? metadata.request_uuid : undefined;
  return {
    flagged: data.flagged === true,
    breakdown,
    requestUuid: typeof uuid === 'string' ? uuid : undefined,
  };
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

/**
 * Ask Lakera about `messages`.
 *
 * @example
 * const result = await scan([{ role: 'user', content: 'hi' }], { endpoint, apiKey, timeoutMs: 5000, sslVerify: true });
 * if (result.ok && result.verdict.flagged) ...
 */
export async function scan(
  messages: GuardMessage[],
  options: GuardCallOptions,
): Promise<GuardResult> {
  const payload: Record<string, unknown> = { messages, breakdown: true };
  if (options.projectId !== undefined) payload.project_id = options.projectId;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let status: number;
  let raw: Buffer;
  try {
    const url = new URL(options.endpoint);
    const res = await agentFor(options.sslVerify).request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${options.apiKey}`,
      },
      body: JSON.stringify(payload),
      signal,
    });
    status = res.statusCode;
    raw = await readAnswer(res.body);
  } catch (err) {
    const why = timeout.aborted ? 'timeout' : (err as Error).message;
    return { ok: false, error: `failed to request Lakera Guard: ${why}` };
  }
  if (status !== 200) return { ok: false, error: `Lakera Guard returned status ${status}` };
  let data: unknown;
  try {
    data = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return {
      ok: false,
      error: `failed to decode Lakera Guard response: ${(err as Error).message}`,
    };
  }
  if (!isObject(data)) {
    return { ok: false, error: 'unexpected Lakera Guard response: expected a JSON object' };
  }
  return { ok: true, verdict: verdictOf(data) };
}
