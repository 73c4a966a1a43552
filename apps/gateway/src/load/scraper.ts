/**
 * @module load/scraper
 * The primary's scrapes of LLM instances' metrics endpoints (issue 12, `queue_aware`): one loop
 * per URL on its own timer, never two scrapes of one URL at once, each bounded in time
 * (min(interval, 1 s)) and size (1 MiB), over a dedicated undici Agent. Readings finishing close
 * together go out as one round. A failed scrape is counted and keeps the last reading (its `at`
 * tells its age; the balancer drops stale ones); failures are logged once per URL per minute.
 */
import { Agent } from 'undici';
import type { ScrapedLoad } from '@tollgate/core';
import { endpointLabel } from './endpoint-label';
import { loadFromExposition } from './prometheus-gauges';

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_TIMEOUT_MS = 1_000;
const LOG_EVERY_MS = 60_000;
/** Readings finishing within this many milliseconds of each other share a round. */
const ROUND_GATHER_MS = 5;

export interface ScraperLogger {
  warn(msg: string, meta?: Record<string, unknown>): unknown;
}

export interface ScraperOptions {
  /** One round: new readings, and URLs no longer scraped. */
  onRound(readings: [string, ScrapedLoad][], gone: string[]): void;
  logger: ScraperLogger;
  now?: () => number;
}

/** One scraped URL as metrics and the control API show it. */
export interface ScrapeStatus {
  /** The URL without user info or query (see endpoint-label). */
  endpoint: string;
  url: string;
  intervalMs: number;
  reading?: ScrapedLoad;
  failures: number;
  lastError?: string;
}

interface Loop {
  readonly url: string;
  intervalMs: number;
  reading?: ScrapedLoad;
  failures: number;
  lastError?: string;
  lastLoggedAt: number;
  timer?: NodeJS.Timeout;
  running?: AbortController;
  stopped: boolean;
}

export class InstanceScraper {
  private readonly loops = new Map<string, Loop>();
  private readonly agent = new Agent({ connections: 2, keepAliveTimeout: 10_000 });
  private readonly now: () => number;
  private pending = new Map<string, ScrapedLoad>();
  private gone: string[] = [];
  private roundTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ScraperOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Scrape exactly `targets` (URL → interval ms) from now on. */
  update(targets: ReadonlyMap<string, number>): void {
    for (const [url, loop] of this.loops) {
      if (targets.has(url)) continue;
      this.stop(loop);
      this.loops.delete(url);
      this.pending.delete(url);
      this.gone.push(url);
      this.scheduleRound();
    }
    for (const [url, intervalMs] of targets) {
      const loop = this.loops.get(url);
      if (loop) {
        if (loop.intervalMs !== intervalMs) this.reschedule(loop, intervalMs);
        continue;
      }
      const started: Loop = {
        url,
        intervalMs,
        failures: 0,
        lastLoggedAt: -Infinity,
        stopped: false,
      };
      this.loops.set(url, started);
      void this.scrape(started);
    }
  }

  /** Every current reading (for a worker that just started). */
  readings(): [string, ScrapedLoad][] {
    const out: [string, ScrapedLoad][] = [];
    for (const loop of this.loops.values()) if (loop.reading) out.push([loop.url, loop.reading]);
    return out;
  }

  status(): ScrapeStatus[] {
    return [...this.loops.values()].map((loop) => ({
      endpoint: endpointLabel(loop.url),
      url: loop.url,
      intervalMs: loop.intervalMs,
      ...(loop.reading ? { reading: loop.reading } : {}),
      failures: loop.failures,
      ...(loop.lastError !== undefined ? { lastError: loop.lastError } : {}),
    }));
  }

  async close(): Promise<void> {
    for (const loop of this.loops.values()) this.stop(loop);
    this.loops.clear();
    clearTimeout(this.roundTimer);
    await this.agent.close();
  }

  private reschedule(loop: Loop, intervalMs: number): void {
    loop.intervalMs = intervalMs;
    if (loop.running) return; // the running scrape schedules the next one at the new interval
    clearTimeout(loop.timer);
    void this.scrape(loop);
  }

  private stop(loop: Loop): void {
    loop.stopped = true;
    clearTimeout(loop.timer);
    loop.running?.abort();
  }

  private async scrape(loop: Loop): Promise<void> {
    const startedAt = this.now();
    const controller = new AbortController();
    loop.running = controller;
    const timeoutMs = Math.min(loop.intervalMs, MAX_TIMEOUT_MS);
    const deadline = setTimeout(() => controller.abort(new Error('timed out')), timeoutMs);
    try {
      const text = await this.fetchText(loop.url, controller.signal, timeoutMs);
      const reading = loadFromExposition(text, this.now());
      if (!reading) throw new Error('no queue gauges in the answer');
      if (!loop.stopped) {
        loop.reading = reading;
        loop.lastError = undefined;
        this.pending.set(loop.url, reading);
        this.scheduleRound();
      }
    } catch (err) {
      if (!loop.stopped) this.failed(loop, controller.signal.aborted ? 'timed out' : message(err));
    } finally {
      clearTimeout(deadline);
      loop.running = undefined;
      if (!loop.stopped) {
        const wait = Math.max(0, loop.intervalMs - (this.now() - startedAt));
        loop.timer = setTimeout(() => void this.scrape(loop), wait);
        loop.timer.unref();
      }
    }
  }

  private async fetchText(url: string, signal: AbortSignal, timeoutMs: number): Promise<string> {
    const target = new URL(url);
    const res = await this.agent.request({
      origin: target.origin,
      path: target.pathname + target.search,
      method: 'GET',
      headers: { accept: 'text/plain' },
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`HTTP ${res.statusCode}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.body.destroy();
        throw new Error(`answer over ${MAX_BODY_BYTES} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private failed(loop: Loop, error: string): void {
    loop.failures++;
    loop.lastError = error;
    const now = this.now();
    if (now - loop.lastLoggedAt < LOG_EVERY_MS) return;
    loop.lastLoggedAt = now;
    this.options.logger.warn('instance metrics scrape failed', {
      endpoint: endpointLabel(loop.url),
      error,
      failures: loop.failures,
    });
  }

  private scheduleRound(): void {
    if (this.roundTimer) return;
    this.roundTimer = setTimeout(() => {
      this.roundTimer = undefined;
      const readings = [...this.pending];
      const gone = this.gone;
      this.pending = new Map();
      this.gone = [];
      if (readings.length > 0 || gone.length > 0) this.options.onRound(readings, gone);
    }, ROUND_GATHER_MS);
    this.roundTimer.unref();
  }
}

/** An error's message without anything of the answer (which may echo credentials). */
function message(err: unknown): string {
  if (err instanceof Error) return err.message;
  return 'scrape failed';
}
