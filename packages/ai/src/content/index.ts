/**
 * @module content
 * What the AI content plugins share about a request's text: its conversation per protocol, and
 * refusals shaped as completions.
 */
export * from './messages';
export * from './deny';
