/**
 * @module mock-comprehend
 * A stand-in for Amazon Comprehend's `DetectToxicContent` (JSON 1.1 protocol, `X-Amz-Target:
 * Comprehend_20171127.DetectToxicContent`) on 127.0.0.1, with the semantics of APISIX's test
 * server for ai-aws-content-moderation (`t/plugin/ai-aws-content-moderation.t`):
 * - one `ResultList` item per text segment, in order, looked up by the segment's exact text in
 *   the canned scores below (APISIX's `t/assets/content-moderation-responses.json`); a text not
 *   listed is toxic when it contains "kill", else scored like `good_request`;
 * - Comprehend's size limits: more than 10 segments, more than 10 KiB in all, or a segment over
 *   1 KiB is a 400 `TextSizeLimitExceededException`;
 * - every request's Signature V4 is checked as AWS checks it (`aws-sigv4-check`); a bad one is a
 *   403 `InvalidSignatureException` with its reason recorded.
 * It records each call (segments, the n-th request on its connection, as nginx's
 * `connection_requests`), and can be slowed, made to hang, to fail, or stopped (refusing
 * connections) to show how the gateway behaves when the service is slow or down.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { awsSignatureProblem } from './aws-sigv4-check';

export interface ComprehendLabel {
  Name: string;
  Score: number;
}

export interface ComprehendResult {
  Labels: ComprehendLabel[];
  Toxicity: number;
}

function scores(toxicity: number, label: Record<string, number>): ComprehendResult {
  return {
    Toxicity: toxicity,
    Labels: Object.entries(label).map(([Name, Score]) => ({ Name, Score })),
  };
}

const LOW_LABELS = {
  PROFANITY: 0.0059,
  HATE_SPEECH: 0.0173,
  INSULT: 0.0052,
  GRAPHIC: 0.0052,
  HARASSMENT_OR_ABUSE: 0.0009,
  SEXUAL: 0.0081,
  VIOLENCE_OR_THREAT: 0.0057,
};
const PROFANE_LABELS = {
  PROFANITY: 0.5559,
  HATE_SPEECH: 0.2173,
  INSULT: 0.2552,
  GRAPHIC: 0.1252,
  HARASSMENT_OR_ABUSE: 0.2709,
  SEXUAL: 0.4481,
  VIOLENCE_OR_THREAT: 0.2757,
};

/** The scores of APISIX's fixture, by exact segment text. */
export const COMPREHEND_CANNED: Readonly<Record<string, ComprehendResult>> = {
  good_request: scores(0.0215, LOW_LABELS),
  profane: scores(0.6215, PROFANE_LABELS),
  profane_but_not_toxic: scores(0.1215, PROFANE_LABELS),
  very_profane: scores(0.7215, { ...PROFANE_LABELS, PROFANITY: 0.8559, SEXUAL: 0.9481 }),
  toxic: scores(0.7215, { ...PROFANE_LABELS, PROFANITY: 0.2559, INSULT: 0.7552, SEXUAL: 0.6481 }),
  very_toxic: scores(0.9215, { ...PROFANE_LABELS, PROFANITY: 0.2559 }),
};

export interface ComprehendCall {
  /** The texts of `TextSegments`, in order. */
  segments: string[];
  /** 1 for the first request on its connection, 2 for the second... */
  connectionRequest: number;
  /** HTTP status answered (undefined while pending or when the caller left first). */
  status?: number;
  /** True when the caller closed the connection before the answer was sent. */
  aborted: boolean;
}

export interface ComprehendBehaviour {
  /** Wait this long before answering (ms). */
  delayMs?: number;
  /** Never answer (the socket stays open until the caller gives up or the mock stops). */
  hang?: boolean;
  /** Answer this status with an `InternalServerException` body instead of scores. */
  status?: number;
}

export interface MockComprehendOptions {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  sessionToken?: string;
}

export interface MockComprehend {
  /** `http://127.0.0.1:<port>`, for the plugin's `comprehend.endpoint`. */
  readonly url: string;
  readonly port: number;
  /** Every DetectToxicContent call whose signature passed, in arrival order. */
  readonly calls: readonly ComprehendCall[];
  /** Why each refused request was refused (bad signature, wrong target...). */
  readonly rejections: readonly string[];
  /** Segments that held U+FFFD, the mark of a UTF-8 character torn when segmenting. */
  readonly tornSegments: number;
  /** Calls under way now (received, not yet answered or abandoned). */
  readonly pending: number;
  setBehaviour(behaviour: ComprehendBehaviour): void;
  /** Forget calls and rejections, and go back to answering at once. */
  reset(): void;
  /** Stop listening (connections are refused) and drop open connections. */
  stop(): Promise<void>;
  /** Listen again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const TARGET = 'Comprehend_20171127.DetectToxicContent';
const SERVICE = 'comprehend';
const MUST_SIGN = ['host', 'x-amz-date', 'x-amz-target', 'content-type'];
const MAX_SEGMENTS = 10;
const MAX_SEGMENT_BYTES = 1024;
const MAX_LIST_BYTES = 10 * 1024;

/** The score of one segment (APISIX's fixture, then its "kill" rule). */
export function scoreSegment(text: string): ComprehendResult {
  const canned = Object.hasOwn(COMPREHEND_CANNED, text) ? COMPREHEND_CANNED[text] : undefined;
  if (canned) return canned;
  return (
    text.includes('kill') ? COMPREHEND_CANNED.toxic : COMPREHEND_CANNED.good_request
  ) as ComprehendResult;
}

function segmentsOf(json: unknown): string[] | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const list = (json as { TextSegments?: unknown }).TextSegments;
  if (!Array.isArray(list)) return undefined;
  const out: string[] = [];
  for (const item of list) {
    const text = (item as { Text?: unknown } | null)?.Text;
    if (typeof text !== 'string') return undefined;
    out.push(text);
  }
  return out;
}

/** Start the stand-in on a free loopback port. */
export async function startMockComprehend(opts: MockComprehendOptions): Promise<MockComprehend> {
  const calls: ComprehendCall[] = [];
  const rejections: string[] = [];
  const perSocket = new WeakMap<Socket, number>();
  let behaviour: ComprehendBehaviour = {};
  let torn = 0;
  let pending = 0;

  const answer = (res: http.ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(body));
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => {
    const problem =
      req.method !== 'POST' || req.url !== '/'
        ? `unexpected ${req.method} ${req.url}`
        : req.headers['x-amz-target'] !== TARGET
          ? `x-amz-target ${String(req.headers['x-amz-target'])}`
          : awsSignatureProblem(req, body, { ...opts, service: SERVICE, mustSign: MUST_SIGN });
    if (problem) {
      rejections.push(problem);
      answer(res, 403, { __type: 'InvalidSignatureException', Message: problem });
      return;
    }
    let segments: string[] | undefined;
    try {
      segments = segmentsOf(JSON.parse(body.toString('utf8')));
    } catch {
      segments = undefined;
    }
    if (!segments) {
      answer(res, 400, { __type: 'SerializationException' });
      return;
    }
    const call: ComprehendCall = {
      segments,
      connectionRequest: perSocket.get(req.socket) ?? 1,
      aborted: false,
    };
    calls.push(call);
    torn += segments.filter((s) => s.includes('\uFFFD')).length;
    const bytes = segments.map((s) => Buffer.byteLength(s));
    const total = bytes.reduce((a, b) => a + b, 0);
    const reply = () => {
      if (res.destroyed) return;
      if (behaviour.status !== undefined) {
        call.status = behaviour.status;
        answer(res, behaviour.status, {
          __type: 'InternalServerException',
          Message: 'mock failure',
        });
        return;
      }
      if (
        segments.length > MAX_SEGMENTS ||
        total > MAX_LIST_BYTES ||
        bytes.some((n) => n > MAX_SEGMENT_BYTES)
      ) {
        call.status = 400;
        answer(res, 400, {
          __type: 'TextSizeLimitExceededException',
          Message: 'Input text size exceeds limit.',
        });
        return;
      }
      call.status = 200;
      answer(res, 200, { ResultList: segments.map(scoreSegment) });
    };
    pending += 1;
    res.once('close', () => {
      pending -= 1;
      if (!res.writableFinished) call.aborted = true;
    });
    if (behaviour.hang) return;
    if (!behaviour.delayMs) {
      reply();
      return;
    }
    const timer = setTimeout(reply, behaviour.delayMs);
    res.once('close', () => clearTimeout(timer));
  };

  const server = http.createServer((req, res) => {
    perSocket.set(req.socket, (perSocket.get(req.socket) ?? 0) + 1);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    rejections,
    get tornSegments() {
      return torn;
    },
    get pending() {
      return pending;
    },
    setBehaviour(next) {
      behaviour = { ...next };
    },
    reset() {
      calls.length = 0;
      rejections.length = 0;
      torn = 0;
      behaviour = {};
    },
    stop,
    start: () => listen(port),
    close: async () => {
      if (server.listening) await stop();
    },
  };
}
