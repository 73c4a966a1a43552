/**
 * A loopback OTLP/HTTP trace receiver for the opentelemetry e2e tests: `POST /v1/traces` with a
 * binary protobuf ExportTraceServiceRequest (decoded with protobufjs from `otlp-trace.proto`
 * beside this file), every span kept in arrival order with its resource's attributes and the
 * export request's headers. Bodies are bounded; anything else is answered 404.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import protobuf from 'protobufjs';

export type AttrValue = string | number | boolean | null;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 1 internal, 2 server, 3 client. */
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Map<string, AttrValue>;
  status: { code: number; message: string };
  resource: Map<string, AttrValue>;
  scope: string;
  /** Headers of the export request that carried the span. */
  headers: http.IncomingHttpHeaders;
}

export interface OtlpReceiver {
  readonly port: number;
  readonly spans: ReceivedSpan[];
  /** Export requests received. */
  readonly exports: number;
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;

interface KeyValue {
  key: string;
  value?: {
    stringValue?: string;
    boolValue?: boolean;
    intValue?: number | string;
    doubleValue?: number;
  };
}
interface DecodedSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId?: Uint8Array;
  name: string;
  kind?: number;
  startTimeUnixNano?: number | string;
  endTimeUnixNano?: number | string;
  attributes?: KeyValue[];
  status?: { code?: number; message?: string };
}
interface Decoded {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { scope?: { name?: string }; spans?: DecodedSpan[] }[];
  }[];
}

function attributes(list: KeyValue[] | undefined): Map<string, AttrValue> {
  const out = new Map<string, AttrValue>();
  for (const kv of list ?? []) {
    const v = kv.value ?? {};
    const value =
      v.stringValue ??
      v.boolValue ??
      (v.intValue !== undefined ? Number(v.intValue) : undefined) ??
      v.doubleValue ??
      null;
    out.set(kv.key, value);
  }
  return out;
}

const hex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('hex');
const ms = (nanos: number | string | undefined) => Number(BigInt(nanos ?? 0) / 1000n) / 1000;

/** Start a receiver on 127.0.0.1 (a free port unless `port` is given). */
export async function startOtlpReceiver(port = 0): Promise<OtlpReceiver> {
  const root = await protobuf.load(path.join(__dirname, 'otlp-trace.proto'));
  const Request = root.lookupType('tollgate.test.otlp.ExportTraceServiceRequest');
  const spans: ReceivedSpan[] = [];
  let exports = 0;
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/traces') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY) {
        res.writeHead(413).end();
        return;
      }
      let decoded: Decoded;
      try {
        decoded = Request.toObject(Request.decode(Buffer.concat(chunks)), {
          longs: String,
          enums: Number,
        });
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(err));
        return;
      }
      exports++;
      for (const rs of decoded.resourceSpans ?? []) {
        const resource = attributes(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              traceId: hex(s.traceId),
              spanId: hex(s.spanId),
              parentSpanId: hex(s.parentSpanId),
              name: s.name,
              kind: s.kind ?? 0,
              startMs: ms(s.startTimeUnixNano),
              endMs: ms(s.endTimeUnixNano),
              attributes: attributes(s.attributes),
              status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
              resource,
              scope: ss.scope?.name ?? '',
              headers: req.headers,
            });
          }
        }
      }
      // An empty ExportTraceServiceResponse.
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    spans,
    get exports() {
      return exports;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
