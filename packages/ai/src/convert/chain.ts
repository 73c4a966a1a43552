/**
 * @module convert/chain
 * Two converters in a row (`client → middle → target`), for a pair whose middle protocol both
 * sides already convert through: the request goes through `first` then `second`, answers,
 * errors and stream events come back through `second` then `first`. Each stream event of the
 * target is re-framed at once by both, so nothing is held beyond what each of them holds.
 */
import type { ProtocolName } from '../types';
import type { ClientEvent, ConvertContext, ProtocolConverter, StreamConverter } from './types';

/**
 * Compose `first` (client → middle) and `second` (middle → target) into one client → target
 * converter. `headers` applies both converters' header steps, first then second.
 *
 * @example
 * chainConverters(anthropicMessagesToOpenaiChat, openaiChatToGeminiGenerateContent);
 */
export function chainConverters(
  first: ProtocolConverter,
  second: ProtocolConverter,
  headers?: (headers: Record<string, string>, provider?: string) => void,
): ProtocolConverter {
  if (first.to !== second.from) {
    throw new Error(`cannot chain ${first.from}→${first.to} with ${second.from}→${second.to}`);
  }
  const to: ProtocolName = second.to;
  return {
    from: first.from,
    to,
    request: (body) => second.request(first.request(body)),
    response(json, ctx: ConvertContext) {
      return first.response(second.response(json, ctx), ctx);
    },
    error(json, status, text) {
      const middle = second.error(json, status, text);
      return first.error(middle, status, JSON.stringify(middle));
    },
    headers(h, provider) {
      first.headers?.(h, provider);
      second.headers?.(h, provider);
      headers?.(h, provider);
    },
    createStreamConverter(ctx): StreamConverter {
      const inner = second.createStreamConverter(ctx);
      const outer = first.createStreamConverter(ctx);
      // The middle protocol's events, fed to the first converter as its upstream events.
      const through = (events: ClientEvent[]): ClientEvent[] => {
        const out: ClientEvent[] = [];
        for (const e of events) {
          for (const c of outer.push({ event: e.event ?? 'message', data: e.data })) out.push(c);
        }
        return out;
      };
      return {
        push: (event) => through(inner.push(event)),
        end: () => [...through(inner.end()), ...outer.end()],
      };
    },
  };
}
