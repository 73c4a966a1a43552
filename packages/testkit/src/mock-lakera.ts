/**
 * @module mock-lakera
 * A stand-in Lakera Guard v2 (`POST /v2/guard`) for the ai-lakera-guard tests, answering in
 * Lakera's shape: `{flagged, breakdown: [{project_id, policy_id, detector_id, detector_type,
 * detected, message_id, result?}], metadata: {request_uuid}}` (a breakdown only when the
 * request asked for one). The verdict is scripted by the text it receives, as APISIX's test
 * mock does:
 * - a message containing a `flagWords` entry (default `injection`) is flagged as
 *   `prompt_attack (l1_confident)` on that message; the other detectors are listed undetected;
 * - `errorWord` (default `lakera-error`) answers 500 `{"error": ...}`;
 * - `delayWord` (default `lakera-timeout`) waits `delayMs` (default 500) before answering.
 * `setBehaviour` forces a status, a delay or an invalid body for every request. A request
 * without `Authorization: Bearer <apiKey>` (when `apiKey` is set) is 401, as Lakera answers.
 * Every request is recorded: headers, the body, the messages, and whether the caller left
 * before the answer (`aborted`).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockLakeraOptions {
  /** The API key required as `Authorization: Bearer <key>`; any key is accepted when unset. */
  apiKey?: string;
  flagWords?: string[];
  errorWord?: string;
  delayWord?: string;
  delayMs?: number;
}

/** Forced behaviour for every request, on top of the scripted words. */
export interface MockLakeraBehaviour {
  /** Answer this status (non-200: `{"error": ...}`). */
  status?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Answer 200 with a body that is not JSON. */
  malformed?: boolean;
}

export interface LakeraRecord {
  headers: http.IncomingHttpHeaders;
  /** The request body, parsed (undefined when it is not JSON). */
  body?: { messages?: { role: string; content: string }[]; [field: string]: unknown };
  /** `body.messages`, or [] when absent. */
  messages: { role: string; content: string }[];
  /** The verdict answered (undefined when it answered an error or nothing). */
  flagged?: boolean;
  /** True when the caller closed the connection before the answer was sent. */
  aborted: boolean;
}

export interface MockLakera {
  /** `http://127.0.0.1:<port>/v2/guard`. */
  readonly endpoint: string;
  readonly port: number;
  /** Every request, oldest first (a live array). */
  readonly requests: LakeraRecord[];
  setBehaviour(behaviour: MockLakeraBehaviour): void;
  /** Forget the records and the forced behaviour. */
  reset(): void;
  close(): Promise<void>;
}

/** The detectors a policy runs, reported in every breakdown. */
const DETECTORS = [
  { detector_type: 'prompt_attack', detector_id: 'detector-lakera-pinj-input' },
  { detector_type: 'moderated_content/hate', detector_id: 'detector-lakera-moderation-hate' },
  { detector_type: 'pii/email', detector_id: 'detector-lakera-pii-email' },
];

function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

/** Start a mock Lakera Guard on 127.0.0.1 (a free port). */
export async function startMockLakera(options: MockLakeraOptions = {}): Promise<MockLakera> {
  const flagWords = options.flagWords ?? ['injection'];
  const errorWord = options.errorWord ?? 'lakera-error';
  const delayWord = options.delayWord ?? 'lakera-timeout';
  const scriptedDelay = options.delayMs ?? 500;
  const requests: LakeraRecord[] = [];
  let behaviour: MockLakeraBehaviour = {};

  const verdict = (body: NonNullable<LakeraRecord['body']>, messages: LakeraRecord['messages']) => {
    const hit = messages.findIndex((m) => flagWords.some((w) => String(m.content).includes(w)));
    const projectId = typeof body.project_id === 'string' ? body.project_id : 'project-default';
    const answer: Record<string, unknown> = {
      flagged: hit >= 0,
      metadata: { request_uuid: crypto.randomUUID() },
    };
    if (body.breakdown === true) {
      answer.breakdown = DETECTORS.map((d, i) => {
        const detected = hit >= 0 && i === 0;
        return {
          project_id: projectId,
          policy_id: 'policy-default',
          ...d,
          detected,
          message_id: detected ? hit : 0,
          ...(detected ? { result: 'l1_confident' } : {}),
        };
      });
    }
    return answer;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: LakeraRecord['body'];
      try {
        body = JSON.parse(text) as LakeraRecord['body'];
      } catch {
        body = undefined;
      }
      const messages = Array.isArray(body?.messages) ? body.messages : [];
      const record: LakeraRecord = { headers: req.headers, body, messages, aborted: false };
      requests.push(record);
      res.on('close', () => {
        if (!res.writableFinished) record.aborted = true;
      });
      const answer = () => {
        if (res.destroyed) return;
        if (
          options.apiKey !== undefined &&
          req.headers.authorization !== `Bearer ${options.apiKey}`
        )
          return send(res, 401, JSON.stringify({ error: 'Unauthorized' }));
        if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://l').pathname !== '/v2/guard')
          return send(res, 404, JSON.stringify({ error: 'Not Found' }));
        const status = behaviour.status ?? (text.includes(errorWord) ? 500 : 200);
        if (status !== 200)
          return send(res, status, JSON.stringify({ error: 'simulated lakera error' }));
        if (behaviour.malformed) return send(res, 200, '<html>not json</html>');
        if (!body) return send(res, 400, JSON.stringify({ error: 'invalid JSON body' }));
        const out = verdict(body, messages);
        record.flagged = out.flagged as boolean;
        send(res, 200, JSON.stringify(out));
      };
      const delay = behaviour.delayMs ?? (text.includes(delayWord) ? scriptedDelay : 0);
      if (delay > 0) {
        const timer = setTimeout(answer, delay);
        res.on('close', () => clearTimeout(timer));
      } else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}/v2/guard`,
    port,
    requests,
    setBehaviour(b) {
      behaviour = { ...b };
    },
    reset() {
      requests.length = 0;
      behaviour = {};
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
