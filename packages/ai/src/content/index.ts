/**
 * @module content
 * What the AI content plugins share about a request's text: its conversation per protocol, and
 * refusals shaped as completions.
 */
export type * from './messages';
export { flattenContent, extractMessages } from './messages';
export type * from './deny';
export { buildDenyResponse } from './deny';
