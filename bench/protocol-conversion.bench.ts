/**
 * Protocol conversion cost per streamed event (issue 16), in one run, in process: the relay's
 * work on an OpenAI chat stream passed through (SSE parse + usage reader on the upstream bytes)
 * against the same stream converted for an Anthropic client (SSE parse + converter + framing +
 * the client protocol's reader on the converted bytes), and an Anthropic stream converted for an
 * OpenAI client. Network and socket writes are the same in both cases and left out.
 *   pnpm bench protocol-conversion
 */
import {
  anthropicMessages,
  converterFor,
  createSseParser,
  createStreamReframer,
  openaiChat,
  type ProtocolModule,
} from '@tollgate/ai';
import { printTable } from './lib';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const ROUNDS = 5;

function openaiStream(n: number): Buffer[] {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'qwen', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const out = [chunk({ role: 'assistant', content: '' })];
  for (let i = 0; i < n; i++) out.push(chunk({ content: ' token' }));
  out.push(chunk({}, 'stop'));
  out.push(
    `data: ${JSON.stringify({ id: 'chatcmpl-1', choices: [], usage: { prompt_tokens: 9, completion_tokens: n, total_tokens: n + 9 } })}\n\n`,
    'data: [DONE]\n\n',
  );
  return out.map((s) => Buffer.from(s));
}

function anthropicStream(n: number): Buffer[] {
  const ev = (type: string, body: object) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
  const out = [
    ev('message_start', {
      message: { id: 'msg_1', model: 'claude', usage: { input_tokens: 9, output_tokens: 1 } },
    }),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ];
  for (let i = 0; i < n; i++) {
    out.push(
      ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: ' token' } }),
    );
  }
  out.push(
    ev('content_block_stop', { index: 0 }),
    ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: n } }),
    ev('message_stop', {}),
  );
  return out.map((s) => Buffer.from(s));
}

function reading(protocol: ProtocolModule): (chunk: Buffer) => void {
  const reader = protocol.createStreamReader();
  const parser = createSseParser((e) => void reader.onEvent(e));
  return (chunk) => parser.push(chunk);
}

function timeIt(run: () => void): number {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - t));
  }
  return best / EVENTS;
}

const oa = openaiStream(EVENTS);
const an = anthropicStream(EVENTS);
const toAnthropic = converterFor('anthropic-messages', 'openai-chat');
const toOpenai = converterFor('openai-chat', 'anthropic-messages');
if (!toAnthropic || !toOpenai) throw new Error('converters missing');

const passOpenai = timeIt(() => {
  const read = reading(openaiChat);
  for (const c of oa) read(c);
});
const passAnthropic = timeIt(() => {
  const read = reading(anthropicMessages);
  for (const c of an) read(c);
});
const convToAnthropic = timeIt(() => {
  const r = createStreamReframer(toAnthropic, {});
  const read = reading(anthropicMessages);
  for (const c of oa) read(r.push(c));
  read(r.end());
});
const convToOpenai = timeIt(() => {
  const r = createStreamReframer(toOpenai, {});
  const read = reading(openaiChat);
  for (const c of an) read(r.push(c));
  read(r.end());
});

const us = (ns: number) => (ns / 1000).toFixed(2);
const row = (stream: string, pass: number, conv: number) => ({
  stream,
  'passed through (µs/event)': us(pass),
  'converted (µs/event)': us(conv),
  'added (µs/event)': us(conv - pass),
});
printTable([
  row('OpenAI chunks → Anthropic client', passOpenai, convToAnthropic),
  row('Anthropic events → OpenAI client', passAnthropic, convToOpenai),
]);
