/**
 * @module mock-azure-openai
 * A stand-in Azure OpenAI embeddings deployment for ai-rag and semantic-cache tests, on Azure's
 * wire format: `POST /openai/deployments/<deployment>/embeddings?api-version=<v>` with the key in
 * the `api-key` header, answered with OpenAI's `{"object": "list", "data": [{"object":
 * "embedding", "index", "embedding"}], "model", "usage"}`. As Azure does, a request without
 * `api-version` or to an unknown deployment is 404, a wrong or missing key 401, and a body
 * without `input` 400, each with Azure's `{"error": {...}}` envelope.
 *
 * Vectors are hashed bags of words (see {@link embedText}), so texts that share words are close
 * and a mock search index built with the same function finds them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockAzureOpenaiOptions {
  apiKey: string;
  /** Deployment names served (default `['text-embedding-3-small']`). */
  deployments?: string[];
  /** Vector length when the request names no `dimensions` (default 8). */
  dimensions?: number;
}

/** One request the mock received (control of what the gateway sent). */
export interface AzureRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** The parsed body, or undefined when it was not JSON. */
  json: unknown;
}

export interface MockAzureOpenai {
  readonly url: string;
  readonly requests: AzureRequest[];
  /** The embeddings URL of `deployment`, with `api-version`. */
  endpoint(deployment?: string, apiVersion?: string): string;
  close(): Promise<void>;
}

export const AZURE_OPENAI_API_VERSION = '2024-10-21';

/**
 * A unit vector of `dimensions` from the words of `text`: each lower-cased word adds ±1 at a
 * position chosen by its FNV-1a hash. Deterministic; shared words make vectors close.
 */
export function embedText(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 0x01000193);
    const slot = (hash >>> 0) % dimensions;
    vector[slot] = (vector[slot] ?? 0) + ((hash >>> 31) & 1 ? -1 : 1);
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((v) => v / norm);
}

/** Read a request body and parse it as JSON (undefined when it is not). */
export async function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

const DENIED =
  'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a ' +
  'valid key for an active subscription and use a correct regional API endpoint for your resource.';

/** Start a mock Azure OpenAI resource on 127.0.0.1 (a free port). */
export async function startMockAzureOpenai(
  options: MockAzureOpenaiOptions,
): Promise<MockAzureOpenai> {
  const deployments = new Set(options.deployments ?? ['text-embedding-3-small']);
  const requests: AzureRequest[] = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://mock');
      const json = await readJsonBody(req);
      requests.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        json,
      });
      const route = /^\/openai\/deployments\/([^/]+)\/embeddings$/.exec(url.pathname);
      if (req.method !== 'POST' || !route || !url.searchParams.get('api-version')) {
        send(res, 404, { error: { code: '404', message: 'Resource not found' } });
        return;
      }
      if (req.headers['api-key'] !== options.apiKey) {
        send(res, 401, { error: { code: '401', message: DENIED } });
        return;
      }
      const deployment = decodeURIComponent(route[1] ?? '');
      if (!deployments.has(deployment)) {
        send(res, 404, {
          error: {
            code: 'DeploymentNotFound',
            message: 'The API deployment for this resource does not exist.',
          },
        });
        return;
      }
      const body = json as { input?: unknown; dimensions?: unknown } | undefined;
      const inputs = typeof body?.input === 'string' ? [body.input] : body?.input;
      if (!Array.isArray(inputs) || !inputs.every((i) => typeof i === 'string')) {
        send(res, 400, {
          error: {
            message: "'input' is a required property",
            type: 'invalid_request_error',
            param: null,
            code: null,
          },
        });
        return;
      }
      const dims = typeof body?.dimensions === 'number' ? body.dimensions : options.dimensions;
      const words = inputs.join(' ').split(/\s+/).filter(Boolean).length;
      send(res, 200, {
        object: 'list',
        data: inputs.map((text, index) => ({
          object: 'embedding',
          index,
          embedding: embedText(text, dims ?? 8),
        })),
        model: deployment,
        usage: { prompt_tokens: words, total_tokens: words },
      });
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    endpoint: (deployment = 'text-embedding-3-small', apiVersion = AZURE_OPENAI_API_VERSION) =>
      `${url}/openai/deployments/${deployment}/embeddings?api-version=${apiVersion}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
