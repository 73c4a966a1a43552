/**
 * @module openid-connect/provider-http
 * Every call to the OpenID provider (discovery document, JWKS, introspection) goes through one
 * undici Agent per TLS setting, bounded by the plugin's `timeout` and by a size limit on the
 * answer. Failures are worded as lua-resty-openidc words them (`accessing <what> (<url>)
 * failed: <reason>`), because that text reaches the client in `WWW-Authenticate`.
 */
import { Agent } from 'undici';

/** Largest answer read from the provider. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

const agents = new Map<boolean, Agent>();

function agentFor(sslVerify: boolean): Agent {
  let agent = agents.get(sslVerify);
  if (!agent) {
    agent = new Agent({ connect: { rejectUnauthorized: sslVerify }, keepAliveTimeout: 10_000 });
    agents.set(sslVerify, agent);
  }
  return agent;
}

/** Close the shared agents (plugin destroy). */
export async function closeAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((agent) => agent.close()));
}

/** Connection settings of one call. */
export interface CallOptions {
  /** Milliseconds for the whole call. */
  timeoutMs: number;
  sslVerify: boolean;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/** The provider's answer. */
export interface ProviderAnswer {
  status: number;
  body: string;
}

/** A call to the provider failed before an answer came back. */
export class ProviderUnreachableError extends Error {}

function reason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset by peer';
  if (code === 'ENOTFOUND') return 'no resolver defined to resolve host';
  if ((err as Error).name === 'TimeoutError' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return 'timeout';
  }
  return (err as Error).message;
}

/**
 * One call to `url`; throws ProviderUnreachableError worded `accessing <what> (<url>) failed:
 * <reason>` when no answer came back in time.
 */
export async function callProvider(
  what: string,
  url: string,
  options: CallOptions,
): Promise<ProviderAnswer> {
  try {
    const target = new URL(url);
    const res = await agentFor(options.sslVerify).request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: options.method ?? 'GET',
      headers: options.headers,
      body: options.body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      const bytes = chunk as Buffer;
      size += bytes.length;
      if (size > MAX_ANSWER_BYTES) {
        res.body.destroy();
        throw new Error('answer too large');
      }
      chunks.push(bytes);
    }
    return { status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') };
  } catch (err) {
    throw new ProviderUnreachableError(`accessing ${what} (${url}) failed: ${reason(err)}`);
  }
}

/**
 * A provider answer as a JSON object: lua-resty-openidc's texts for a non-200 status
 * (`response indicates failure, status=..., body=...`) and for a body that is not JSON.
 */
export function answerJson(answer: ProviderAnswer): Record<string, unknown> {
  if (answer.status !== 200) {
    throw new Error(`response indicates failure, status=${answer.status}, body=${answer.body}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    throw new Error('JSON decoding failed');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('JSON decoding failed');
  }
  return parsed as Record<string, unknown>;
}
