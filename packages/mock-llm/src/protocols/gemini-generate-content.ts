/**
 * @module protocols/gemini-generate-content
 * Google's native API, as the Gemini API (`POST /v1beta/models/<m>:generateContent`) and Vertex
 * AI (`POST /v1/projects/<p>/locations/<r>/publishers/google/models/<m>:generateContent`) serve
 * it: a `GenerateContentResponse` (`candidates[0].content.parts[].text`, `finishReason: "STOP"`,
 * `usageMetadata {promptTokenCount, candidatesTokenCount, totalTokenCount}`, `modelVersion`).
 * `:streamGenerateContent` streams one `GenerateContentResponse` per piece: as SSE `data:`
 * events with `?alt=sse`, else as one JSON array (Google's default). The last piece carries
 * `finishReason` and the usage. Errors are Google's `{"error":{"code","message","status"}}`.
 */
import { textOf } from '../text';
import {
  dataEvent,
  generationFor,
  jsonReply,
  loopingReply,
  newId,
  sseReply,
  type Protocol,
  type ProtocolRequest,
  type Refusal,
  type Reply,
  type SseEvent,
} from './common';

const PATH_RE = /\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

interface Content {
  role?: unknown;
  parts?: unknown;
}

/** Text of Gemini parts (function calls and responses count as their JSON). */
function partsText(parts: unknown): string {
  if (!Array.isArray(parts)) return '';
  let out = '';
  for (const part of parts as Record<string, unknown>[]) {
    if (typeof part?.text === 'string') out += part.text;
    else if (part?.functionCall) out += JSON.stringify(part.functionCall);
    else if (part?.functionResponse) out += JSON.stringify(part.functionResponse);
  }
  return out;
}

function generationOf(req: ProtocolRequest) {
  const contents = Array.isArray(req.body.contents) ? (req.body.contents as Content[]) : [];
  const system = partsText((req.body.systemInstruction as Content | undefined)?.parts);
  const turns = contents.map((c) => ({ role: c.role, content: partsText(c.parts) }));
  const promptChars = turns.reduce((n, t) => n + textOf(t.content).length, system.length);
  return generationFor(req, turns, promptChars);
}

function modelOfPath(req: ProtocolRequest): string {
  const m = PATH_RE.exec(req.path ?? '');
  return req.behaviour.model ?? (m?.[1] ? decodeURIComponent(m[1]) : 'mock-model');
}

function usage(prompt: number, completion: number) {
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: completion,
    totalTokenCount: prompt + completion,
  };
}

function piece(text: string, finish?: string, meta?: Record<string, number>) {
  return {
    candidates: [
      {
        content: { role: 'model', parts: [{ text }] },
        ...(finish ? { finishReason: finish, index: 0 } : {}),
      },
    ],
    ...(meta ? { usageMetadata: meta } : {}),
  };
}

function streamReply(req: ProtocolRequest): Reply {
  const gen = generationOf(req);
  const base = { modelVersion: modelOfPath(req), responseId: newId('') };
  const meta = req.behaviour.omitUsage ? undefined : usage(gen.promptTokens, gen.completionTokens);
  const pieces = gen.pieces.length > 0 ? gen.pieces : [''];
  const payloads = pieces.map((p, i) => ({
    ...piece(
      p,
      i === pieces.length - 1 ? 'STOP' : undefined,
      i === pieces.length - 1 ? meta : undefined,
    ),
    ...base,
  }));
  if (req.query?.get('alt') !== 'sse') {
    // Google's default framing: one JSON array of responses.
    return { kind: 'json', status: 200, body: JSON.stringify(payloads) };
  }
  if (req.behaviour.loop) {
    const events: SseEvent[] = payloads.slice(0, -1).map((p) => dataEvent(p, true));
    const last = pieces[pieces.length - 1] ?? '';
    events.push(dataEvent({ ...piece(last), ...base }, true));
    return loopingReply(events, (t) => dataEvent({ ...piece(t), ...base }, true), gen.text);
  }
  return sseReply(payloads.map((p) => dataEvent(p, true)));
}

function complete(req: ProtocolRequest): Reply {
  const gen = generationOf(req);
  return jsonReply({
    ...piece(gen.text, 'STOP'),
    ...(req.behaviour.omitUsage
      ? {}
      : { usageMetadata: usage(gen.promptTokens, gen.completionTokens) }),
    modelVersion: modelOfPath(req),
    responseId: newId(''),
  });
}

/** Google's `status` for an HTTP status. */
/** Google's `error.status` for an HTTP status. */
export function googleStatus(status: number): string {
  if (status === 400) return 'INVALID_ARGUMENT';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RESOURCE_EXHAUSTED';
  if (status === 503) return 'UNAVAILABLE';
  return 'INTERNAL';
}

/** The generateContent protocol (Gemini API and Vertex AI). */
export const geminiGenerateContent: Protocol = {
  name: 'gemini-generate-content',
  matches: (path) => PATH_RE.test(path),
  invalid: (body) =>
    Array.isArray(body.contents) && body.contents.length > 0
      ? undefined
      : { message: '* GenerateContentRequest.contents: contents is not specified' },
  reply: (req) => (req.path?.endsWith(':streamGenerateContent') ? streamReply(req) : complete(req)),
  errorBody: googleErrorBody,
};

/** Google's error body: `{"error": {code, message, status}}`. */
export function googleErrorBody(status: number, refusal: Refusal): string {
  return JSON.stringify({
    error: { code: status, message: refusal.message, status: googleStatus(status) },
  });
}
