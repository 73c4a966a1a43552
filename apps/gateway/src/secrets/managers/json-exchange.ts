/**
 * @module secrets/managers/json-exchange
 * One bounded HTTP exchange with a cloud secret store (AWS Secrets Manager, GCP's OAuth token
 * endpoint and Secret Manager): undici, a deadline, an answer read up to a size limit and parsed
 * as JSON. Errors name the host and status, never a header or body, so they can be logged.
 */
import { Agent, type Dispatcher } from 'undici';

/** APISIX's HTTP client default (resty.http), in ms. */
export const SECRET_STORE_TIMEOUT_MS = 5_000;
/** A secret store's answer larger than this is refused rather than parsed. */
const MAX_ANSWER_BYTES = 1024 * 1024;

const verifying = new Agent({ connections: 16, keepAliveTimeout: 4_000 });
const notVerifying = new Agent({
  connections: 16,
  keepAliveTimeout: 4_000,
  connect: { rejectUnauthorized: false },
});

export interface JsonRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** false: the server's TLS certificate is not verified (gcp `ssl_verify: false`). */
  verifyTls?: boolean;
}

export interface JsonAnswer {
  status: number;
  /** The parsed answer; undefined when it is no JSON. */
  json: unknown;
}

async function readBounded(body: Dispatcher.ResponseData['body'], host: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy();
      throw new Error(`${host} answered with a body over ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends `request` and reads its JSON answer, within `SECRET_STORE_TIMEOUT_MS`. */
export async function exchangeJson(request: JsonRequest, signal: AbortSignal): Promise<JsonAnswer> {
  const { url } = request;
  const dispatcher = request.verifyTls === false ? notVerifying : verifying;
  const res = await dispatcher.request({
    origin: url.origin,
    path: url.pathname + url.search,
    method: request.method,
    headers: request.headers,
    body: request.body,
    headersTimeout: SECRET_STORE_TIMEOUT_MS,
    bodyTimeout: SECRET_STORE_TIMEOUT_MS,
    signal: AbortSignal.any([signal, AbortSignal.timeout(SECRET_STORE_TIMEOUT_MS)]),
  });
  const text = await readBounded(res.body, url.host);
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, json };
}
