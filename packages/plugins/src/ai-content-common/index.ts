/**
 * @module ai-content-common
 * What the AI content plugins share: `fail_mode`, completion-shaped refusals, and the notes
 * they leave on `ctx.ai` for logs and metrics.
 */
export type * from './fail-mode';
export { cleanReason, failMode } from './fail-mode';
export type * from './notes';
export { aiSlot, noteContentCheck, noteDenial, noteRiskLevel } from './notes';
export type * from './deny';
export { denyRequest, denyAnswer } from './deny';
export type * from './annotate-stream';
export { annotateStreamChunk } from './annotate-stream';
export type * from './final-packet-tail';
export { MAX_HELD_BYTES, FinalPacketTail } from './final-packet-tail';
export type * from './request-json';
export { readRequestBody, parseJsonBody } from './request-json';
