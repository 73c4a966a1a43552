/**
 * @module mock-azure-ai-search
 * A stand-in Azure AI Search service for ai-rag tests, on Azure's wire format: `POST
 * /indexes/<index>/docs/search?api-version=<v>` with the key in the `api-key` header and a body
 * `{"vectorQueries": [{"kind": "vector", "vector": [...], "fields": "<vector field>", "k"?}]}`,
 * answered with `{"@odata.context": ..., "value": [{"@search.score": s, ...document}]}`: the k
 * nearest documents (default 50) by cosine similarity, scored as Azure scores cosine
 * (`1 / (1 + (1 - cos))`), vector fields left out as Azure leaves them out by default.
 *
 * As the service does, a request without `api-version` is 400, a wrong or missing key 403 with an
 * empty body, an unknown index 404, and a query on an unknown vector field or with a vector of
 * the wrong length 400, each error in the `{"error": {"code", "message"}}` envelope.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { embedText, readJsonBody, type AzureRequest } from './mock-azure-openai';

export interface MockSearchIndex {
  /** The vector field (`contentVector`), filled with `embedText(content, dimensions)`. */
  vectorField: string;
  dimensions: number;
  documents: { id: string; content: string }[];
}

export interface MockAzureAiSearchOptions {
  apiKey: string;
  indexes: Record<string, MockSearchIndex>;
}

export interface MockAzureAiSearch {
  readonly url: string;
  readonly requests: AzureRequest[];
  /** The search URL of `index`, with `api-version`. */
  endpoint(index: string, apiVersion?: string): string;
  close(): Promise<void>;
}

export const AZURE_SEARCH_API_VERSION = '2024-07-01';

function send(res: http.ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status, { 'content-length': '0' });
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal' });
  res.end(JSON.stringify(body));
}

const error = (message: string) => ({ error: { code: '', message } });

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  });
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

interface VectorQuery {
  kind?: unknown;
  vector?: unknown;
  fields?: unknown;
  k?: unknown;
}

/** Start a mock Azure AI Search service on 127.0.0.1 (a free port). */
export async function startMockAzureAiSearch(
  options: MockAzureAiSearchOptions,
): Promise<MockAzureAiSearch> {
  const requests: AzureRequest[] = [];
  let url = '';
  const search = (name: string, index: MockSearchIndex, query: VectorQuery) => {
    if (query.kind !== 'vector' || !Array.isArray(query.vector)) {
      return { status: 400, body: error("The 'vectorQueries' parameter is invalid.") };
    }
    if (query.fields !== index.vectorField) {
      return {
        status: 400,
        body: error(`Unknown field '${String(query.fields)}' in vector field list.`),
      };
    }
    const vector = query.vector as number[];
    if (vector.length !== index.dimensions || !vector.every((x) => typeof x === 'number')) {
      return {
        status: 400,
        body: error(
          `The vector field '${index.vectorField}' dimensionality must match the field definition's ` +
            `'dimensions' property. Expected: '${index.dimensions}'. Actual: '${vector.length}'.`,
        ),
      };
    }
    const k = typeof query.k === 'number' ? query.k : 50;
    const value = index.documents
      .map((doc) => ({
        doc,
        score: 1 / (2 - cosine(vector, embedText(doc.content, index.dimensions))),
      }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k)
      .map(({ doc, score }) => ({ '@search.score': score, ...doc }));
    return {
      status: 200,
      body: { '@odata.context': `${url}/indexes('${name}')/$metadata#docs(*)`, value },
    };
  };
  const server = http.createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://mock');
      const json = await readJsonBody(req);
      requests.push({
        method: req.method ?? '',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        json,
      });
      if (!u.searchParams.get('api-version')) {
        send(res, 400, error('Invalid or missing api-version query string parameter.'));
        return;
      }
      if (req.headers['api-key'] !== options.apiKey) {
        send(res, 403);
        return;
      }
      const route = /^\/indexes\/([^/]+)\/docs\/search$/.exec(u.pathname);
      const name = decodeURIComponent(route?.[1] ?? '');
      const index = route && req.method === 'POST' ? options.indexes[name] : undefined;
      if (!index) {
        send(res, 404, error(`The index '${name}' for service 'mock' was not found.`));
        return;
      }
      const queries = (json as { vectorQueries?: unknown } | undefined)?.vectorQueries;
      const first: unknown = Array.isArray(queries) ? queries[0] : undefined;
      const answer = search(name, index, first ?? {});
      send(res, answer.status, answer.body);
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    endpoint: (index, apiVersion = AZURE_SEARCH_API_VERSION) =>
      `${url}/indexes/${index}/docs/search?api-version=${apiVersion}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
