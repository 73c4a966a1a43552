/**
 * @module mock-aliyun-moderation
 * A stand-in for Alibaba Cloud's content moderation RPC endpoint (`POST /`, form-encoded,
 * `Action=TextModerationPlus`, `Version=2022-03-02`) on 127.0.0.1, answering as APISIX's test
 * server does (t/fixtures/aliyun/moderation-{risk,safe}.json): text containing "kill" is
 * `RiskLevel: high` with an `Advice[0].Answer`, anything else `none`.
 *
 * Every request's signature is checked the way Alibaba Cloud does (SignatureVersion 1.0,
 * HMAC-SHA1 over `POST&%2F&` + the encoded, sorted parameters), recomputed here with
 * node:crypto independently of the gateway's signer; a request that fails a check gets Alibaba's
 * error shape with status 400 and the reason is recorded. Calls are counted and recorded, so a
 * test can assert how many checks a request made (realtime stream batching).
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockAliyunModerationOptions {
  accessKeyId: string;
  accessKeySecret: string;
}

/** One TextModerationPlus call the mock answered. */
export interface AliyunModerationCall {
  service: string;
  content: string;
  sessionId: string;
  regionId: string;
  riskLevel: string;
  receivedAt: number;
}

export interface MockAliyunModeration {
  /** `http://127.0.0.1:<port>`, for the plugin's `endpoint`. */
  readonly url: string;
  /** Calls answered with a verdict, oldest first (a live array). */
  readonly calls: readonly AliyunModerationCall[];
  /** Why each refused request was refused. */
  readonly rejections: readonly string[];
  /** Requests received so far, answered or not (a delayed one counts on arrival). */
  readonly received: number;
  /**
   * Answer every call with this status and a non-verdict body (`undefined` to go back to
   * verdicts), to show that the plugin fails open.
   */
  failWith(status: number | undefined): void;
  /** Wait this long before answering each call. */
  delay(ms: number): void;
  /** Forget the recorded calls and rejections. */
  clear(): void;
  close(): Promise<void>;
}

/** APISIX's `moderation-risk.json`. */
export const ALIYUN_RISK_ANSWER = {
  Message: 'OK',
  Data: {
    Advice: [
      {
        HitLabel: 'violent_incidents',
        Answer:
          'As an AI language model, I cannot write unethical or controversial content for you.',
      },
    ],
    RiskLevel: 'high',
    Result: [
      {
        RiskWords: 'kill',
        Description: 'suspected extremist content',
        Confidence: 100.0,
        Label: 'violent_incidents',
      },
    ],
  },
  Code: 200,
};

/** APISIX's `moderation-safe.json`. */
export const ALIYUN_SAFE_ANSWER = {
  RequestId: '3262D562-1FBA-5ADF-86CB-3087603A4DF3',
  Message: 'OK',
  Data: { RiskLevel: 'none', Result: [{ Description: 'no risk detected', Label: 'nonLabel' }] },
  Code: 200,
};

/** RFC 3986 encoding as Alibaba's SDKs write it: encodeURIComponent plus `!'()*`. */
function aliyunEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function expectedSignature(params: URLSearchParams, secret: string): string {
  const pairs: [string, string][] = [];
  for (const [key, value] of params) if (key !== 'Signature') pairs.push([key, value]);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = pairs.map(([k, v]) => `${aliyunEncode(k)}=${aliyunEncode(v)}`).join('&');
  const stringToSign = `POST&${aliyunEncode('/')}&${aliyunEncode(canonical)}`;
  return createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
}

const FIXED: Record<string, string> = {
  Action: 'TextModerationPlus',
  Version: '2022-03-02',
  Format: 'JSON',
  SignatureMethod: 'HMAC-SHA1',
  SignatureVersion: '1.0',
};

/** Why `params` is not a well-signed TextModerationPlus call, or undefined when it is. */
function problemOf(
  params: URLSearchParams,
  opts: MockAliyunModerationOptions,
  nonces: Set<string>,
): string | undefined {
  for (const [key, value] of Object.entries(FIXED)) {
    if (params.get(key) !== value) return `${key} must be ${value}`;
  }
  if (params.get('AccessKeyId') !== opts.accessKeyId) return 'unknown AccessKeyId';
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(params.get('Timestamp') ?? '')) {
    return 'Timestamp must be UTC ISO 8601 to the second';
  }
  const nonce = params.get('SignatureNonce') ?? '';
  if (nonce === '') return 'SignatureNonce missing';
  if (nonces.has(nonce)) return 'SignatureNonce used twice';
  if (!params.get('RegionId')) return 'RegionId missing';
  if (!params.get('Service')) return 'Service missing';
  if (params.get('Signature') !== expectedSignature(params, opts.accessKeySecret)) {
    return 'SignatureDoesNotMatch';
  }
  nonces.add(nonce);
  return undefined;
}

/** Starts the stand-in on a free loopback port. */
export async function startMockAliyunModeration(
  opts: MockAliyunModerationOptions,
): Promise<MockAliyunModeration> {
  const calls: AliyunModerationCall[] = [];
  const rejections: string[] = [];
  const nonces = new Set<string>();
  let failure: number | undefined;
  let delayMs = 0;
  let received = 0;
  const timers = new Set<NodeJS.Timeout>();
  const answer = (res: http.ServerResponse, status: number, body: object) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-acs-request-id': 'mock-request-id',
    });
    res.end(JSON.stringify(body));
  };
  const handle = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => {
    if (failure !== undefined) {
      answer(res, failure, { Code: failure, Message: 'mock failure' });
      return;
    }
    const formType = (req.headers['content-type'] ?? '').startsWith(
      'application/x-www-form-urlencoded',
    );
    const params = new URLSearchParams(body);
    const problem =
      req.method !== 'POST' || req.url !== '/'
        ? `unexpected ${req.method} ${req.url}`
        : !formType
          ? 'content-type must be application/x-www-form-urlencoded'
          : problemOf(params, opts, nonces);
    if (problem) {
      rejections.push(problem);
      answer(res, 400, { Code: 'SignatureDoesNotMatch', Message: problem });
      return;
    }
    let service: { sessionId?: unknown; content?: unknown };
    try {
      service = JSON.parse(params.get('ServiceParameters') ?? '') as typeof service;
    } catch {
      rejections.push('ServiceParameters is not JSON');
      answer(res, 400, { Code: 'InvalidParameter', Message: 'ServiceParameters' });
      return;
    }
    const content = typeof service.content === 'string' ? service.content : '';
    const verdict = content.includes('kill') ? ALIYUN_RISK_ANSWER : ALIYUN_SAFE_ANSWER;
    calls.push({
      service: params.get('Service') ?? '',
      content,
      sessionId: typeof service.sessionId === 'string' ? service.sessionId : '',
      regionId: params.get('RegionId') ?? '',
      riskLevel: verdict.Data.RiskLevel,
      receivedAt: Date.now(),
    });
    answer(res, 200, verdict);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received += 1;
      const body = Buffer.concat(chunks).toString('utf8');
      if (delayMs <= 0) {
        handle(req, res, body);
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) handle(req, res, body);
      }, delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    rejections,
    get received() {
      return received;
    },
    failWith(status) {
      failure = status;
    },
    delay(ms) {
      delayMs = ms;
    },
    clear() {
      received = 0;
      calls.length = 0;
      rejections.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
