/**
 * Evidence that queue_aware ran on fresh readings in a benchmark run: the node's own view of its
 * scrapes of the mocks' `/metrics` (`tollgate_ai_instance_scrape_age_seconds` and
 * `..._scrape_failures_total` on the Prometheus export), read as the run ends. Without it a
 * queue_aware row could silently measure the least_busy fallback of stale readings.
 */
import type { MockLlm } from '@tollgate/mock-llm';

/** The value of `metric` for the series whose endpoint label is `endpoint`, if present. */
function seriesValue(text: string, metric: string, endpoint: string): number | undefined {
  const prefix = `${metric}{endpoint="${endpoint}"} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

/** "oldest 40 ms, 0 failed", or what is missing, for the scrapes of `mocks`' metrics. */
export function scrapeSummary(metricsText: string, mocks: readonly MockLlm[]): string {
  let oldest = 0;
  let failures = 0;
  for (const mock of mocks) {
    const endpoint = `${mock.url}/metrics`;
    const age = seriesValue(metricsText, 'tollgate_ai_instance_scrape_age_seconds', endpoint);
    if (age === undefined) return `no reading of ${mock.name}`;
    oldest = Math.max(oldest, age * 1000);
    failures +=
      seriesValue(metricsText, 'tollgate_ai_instance_scrape_failures_total', endpoint) ?? 0;
  }
  return `oldest ${Math.round(oldest)} ms, ${failures} failed`;
}
