/**
 * @module ai-content-common
 * What the AI content plugins share: `fail_mode`, completion-shaped refusals, and the notes
 * they leave on `ctx.ai` for logs and metrics.
 */
export * from './fail-mode';
export * from './notes';
export * from './deny';
export * from './annotate-stream';
export * from './final-packet-tail';
export * from './request-json';
