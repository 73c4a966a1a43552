/**
 * @module ai-common/instance
 * One LLM instance as the proxy plugins use it (an ai-proxy-multi `instances[]` entry, or the
 * implicit `ai-proxy-<provider>` instance of ai-proxy).
 */

export interface AiInstanceConf {
  name: string;
  provider: string;
  weight: number;
  priority?: number;
  auth?: { header?: Record<string, string>; query?: Record<string, string> };
  options?: Record<string, unknown>;
  override?: {
    endpoint?: string;
    llm_options?: { max_tokens?: number };
    request_body?: Record<string, Record<string, unknown>>;
    request_body_force_override?: boolean;
    /** ai-proxy-multi: the instance's Prometheus metrics URL (Tollgate extension, issue 12). */
    metrics_endpoint?: string;
  };
  provider_conf?: { project_id?: string; region?: string };
  checks?: { active?: unknown; passive?: Record<string, unknown> };
}
