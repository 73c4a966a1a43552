/**
 * @module protocols/passthrough
 * Any other non-empty JSON object: proxied untouched. Only the model rewrite (`options`), auth
 * and `override.endpoint` apply; no usage or text is extracted, so nothing is charged from the
 * response (an estimate may still apply, decision D5).
 */
import type { ProtocolModule } from './types';

/** The passthrough protocol module. */
export const passthrough: ProtocolModule = {
  name: 'passthrough',
  matches: (_uri, body) => Object.keys(body).length > 0,
  isStream: (body) => body.stream === true,
  prepareTarget: () => undefined,
  usageFromResponse: () => ({}),
  responseText: () => '',
  createStreamReader: () => ({ onEvent: () => ({}) }),
};
