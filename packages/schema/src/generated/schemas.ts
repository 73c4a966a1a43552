// generated — do not edit. Source: schemas/**/*.json; run `pnpm gen` to regenerate.

/** Id of a schema under schemas/ (`tollgate:<dir>/<file>`). */
export type SchemaId =
  | "tollgate:common/ai-auth"
  | "tollgate:common/ai-logging"
  | "tollgate:common/ai-options"
  | "tollgate:common/ai-override"
  | "tollgate:common/ai-provider"
  | "tollgate:common/ai-provider-conf"
  | "tollgate:common/desc"
  | "tollgate:common/health-check"
  | "tollgate:common/health-check-active"
  | "tollgate:common/health-check-passive"
  | "tollgate:common/host"
  | "tollgate:common/http-method"
  | "tollgate:common/id"
  | "tollgate:common/labels"
  | "tollgate:common/logger-batch"
  | "tollgate:common/logger-body"
  | "tollgate:common/logger-metadata"
  | "tollgate:common/name"
  | "tollgate:common/plugin-meta"
  | "tollgate:common/plugins-map"
  | "tollgate:common/redis"
  | "tollgate:common/redis-cluster"
  | "tollgate:common/redis-sentinel"
  | "tollgate:common/remote-addr"
  | "tollgate:common/timeout"
  | "tollgate:common/timestamp"
  | "tollgate:common/upstream-node"
  | "tollgate:common/upstream-nodes"
  | "tollgate:plugins/ai-aliyun-content-moderation"
  | "tollgate:plugins/ai-aws-content-moderation"
  | "tollgate:plugins/ai-cache"
  | "tollgate:plugins/ai-consumer-rate-limiting"
  | "tollgate:plugins/ai-lakera-guard"
  | "tollgate:plugins/ai-prompt-decorator"
  | "tollgate:plugins/ai-prompt-guard"
  | "tollgate:plugins/ai-prompt-template"
  | "tollgate:plugins/ai-proxy"
  | "tollgate:plugins/ai-proxy-multi"
  | "tollgate:plugins/ai-rag"
  | "tollgate:plugins/ai-rate-limiting"
  | "tollgate:plugins/ai-request-rewrite"
  | "tollgate:plugins/ai-runaway-guard"
  | "tollgate:plugins/basic-auth"
  | "tollgate:plugins/basic-auth.consumer"
  | "tollgate:plugins/client-control"
  | "tollgate:plugins/consumer-restriction"
  | "tollgate:plugins/cors"
  | "tollgate:plugins/cors.metadata"
  | "tollgate:plugins/elasticsearch-logger"
  | "tollgate:plugins/elasticsearch-logger.metadata"
  | "tollgate:plugins/fault-injection"
  | "tollgate:plugins/file-logger"
  | "tollgate:plugins/file-logger.metadata"
  | "tollgate:plugins/forward-auth"
  | "tollgate:plugins/hmac-auth"
  | "tollgate:plugins/hmac-auth.consumer"
  | "tollgate:plugins/http-logger"
  | "tollgate:plugins/http-logger.metadata"
  | "tollgate:plugins/ip-restriction"
  | "tollgate:plugins/jwt-auth"
  | "tollgate:plugins/jwt-auth.consumer"
  | "tollgate:plugins/key-auth"
  | "tollgate:plugins/key-auth.consumer"
  | "tollgate:plugins/limit-conn"
  | "tollgate:plugins/limit-count"
  | "tollgate:plugins/limit-count.metadata"
  | "tollgate:plugins/limit-req"
  | "tollgate:plugins/loki-logger"
  | "tollgate:plugins/loki-logger.metadata"
  | "tollgate:plugins/multi-auth"
  | "tollgate:plugins/openid-connect"
  | "tollgate:plugins/opentelemetry"
  | "tollgate:plugins/opentelemetry.metadata"
  | "tollgate:plugins/prometheus"
  | "tollgate:plugins/prometheus.metadata"
  | "tollgate:plugins/proxy-mirror"
  | "tollgate:plugins/proxy-rewrite"
  | "tollgate:plugins/real-ip"
  | "tollgate:plugins/redirect"
  | "tollgate:plugins/referer-restriction"
  | "tollgate:plugins/request-id"
  | "tollgate:plugins/request-validation"
  | "tollgate:plugins/response-rewrite"
  | "tollgate:plugins/syslog"
  | "tollgate:plugins/syslog.metadata"
  | "tollgate:plugins/tcp-logger"
  | "tollgate:plugins/tcp-logger.metadata"
  | "tollgate:plugins/traffic-split"
  | "tollgate:plugins/ua-restriction"
  | "tollgate:plugins/udp-logger"
  | "tollgate:plugins/udp-logger.metadata"
  | "tollgate:plugins/uri-blocker"
  | "tollgate:resources/consumer"
  | "tollgate:resources/consumer_group"
  | "tollgate:resources/credential"
  | "tollgate:resources/global_rule"
  | "tollgate:resources/plugin_config"
  | "tollgate:resources/plugin_metadata"
  | "tollgate:resources/proto"
  | "tollgate:resources/route"
  | "tollgate:resources/secret.aws"
  | "tollgate:resources/secret.gcp"
  | "tollgate:resources/secret.vault"
  | "tollgate:resources/service"
  | "tollgate:resources/ssl"
  | "tollgate:resources/stream_route"
  | "tollgate:resources/upstream";

/** Every schema, keyed by $id. */
export const SCHEMAS: Readonly<Record<SchemaId, Record<string, unknown>>> = {
  "tollgate:common/ai-auth": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/ai-auth",
    "title": "AiAuth",
    "description": "Credentials sent to the LLM provider. Keys are matched as patterns, as in APISIX; no other keys.",
    "type": "object",
    "patternProperties": {
      "header": {
        "description": "Request headers added to every LLM request (they win over client headers).",
        "type": "object",
        "patternProperties": {
          "^[a-zA-Z0-9._-]+$": {
            "description": "Header value.",
            "type": "string"
          }
        }
      },
      "query": {
        "description": "Query parameters added to every LLM request.",
        "type": "object",
        "patternProperties": {
          "^[a-zA-Z0-9._-]+$": {
            "description": "Parameter value.",
            "type": "string"
          }
        }
      },
      "gcp": {
        "description": "Google Cloud service-account authentication (vertex-ai); env GCP_SERVICE_ACCOUNT also works.",
        "type": "object",
        "properties": {
          "service_account_json": {
            "description": "Service account key file content (JSON), or a secret reference.",
            "type": "string"
          },
          "max_ttl": {
            "description": "Maximum lifetime in seconds of a cached access token.",
            "type": "integer",
            "minimum": 1
          },
          "expire_early_secs": {
            "description": "Refresh the access token this many seconds before it expires.",
            "type": "integer",
            "minimum": 0,
            "default": 60
          }
        }
      },
      "aws": {
        "description": "AWS IAM credentials used to SigV4-sign requests (bedrock).",
        "type": "object",
        "properties": {
          "access_key_id": {
            "description": "AWS access key id.",
            "type": "string",
            "minLength": 1
          },
          "secret_access_key": {
            "description": "AWS secret access key.",
            "type": "string",
            "minLength": 1
          },
          "session_token": {
            "description": "AWS session token for temporary credentials.",
            "type": "string",
            "minLength": 1
          }
        },
        "required": [
          "access_key_id",
          "secret_access_key"
        ]
      }
    },
    "additionalProperties": false
  },
  "tollgate:common/ai-logging": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/ai-logging",
    "title": "AiLogging",
    "description": "What the AI proxy adds to access-log entries.",
    "type": "object",
    "properties": {
      "summaries": {
        "description": "Log a summary of each LLM call (model, duration, token counts).",
        "type": "boolean",
        "default": false
      },
      "payloads": {
        "description": "Log request messages and response text.",
        "type": "boolean",
        "default": false
      }
    }
  },
  "tollgate:common/ai-options": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/ai-options",
    "title": "AiOptions",
    "description": "Fields merged into the top level of every LLM request body (they overwrite client values).",
    "type": "object",
    "properties": {
      "model": {
        "description": "Model to use; for bedrock a model id or an inference profile ARN.",
        "type": "string"
      }
    },
    "additionalProperties": true
  },
  "tollgate:common/ai-override": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/ai-override",
    "title": "AiOverride",
    "description": "Overrides of the provider's endpoint and of the outgoing request body.",
    "type": "object",
    "properties": {
      "endpoint": {
        "description": "LLM endpoint URL; scheme and host only (provider path used) or a full URL with path and query.",
        "type": "string",
        "minLength": 1
      },
      "metrics_endpoint": {
        "description": "Prometheus metrics URL of the instance (vLLM, SGLang), scraped for ai-proxy-multi's queue_aware balancer (Tollgate extension; default none; ai-proxy ignores it).",
        "type": "string",
        "pattern": "^https?://",
        "minLength": 8,
        "maxLength": 2048
      },
      "llm_options": {
        "description": "Provider-independent options mapped to each provider's field names.",
        "type": "object",
        "properties": {
          "max_tokens": {
            "description": "Maximum number of output tokens; always overwrites the client's value.",
            "type": "integer",
            "minimum": 1
          }
        },
        "additionalProperties": false
      },
      "request_body": {
        "description": "Per target-protocol partial bodies deep-merged into the outgoing request body.",
        "type": "object",
        "properties": {
          "anthropic-messages": {
            "description": "Merged when the target protocol is anthropic-messages.",
            "type": "object",
            "additionalProperties": true
          },
          "bedrock-converse": {
            "description": "Merged when the target protocol is bedrock-converse.",
            "type": "object",
            "additionalProperties": true
          },
          "openai-chat": {
            "description": "Merged when the target protocol is openai-chat.",
            "type": "object",
            "additionalProperties": true
          },
          "openai-embeddings": {
            "description": "Merged when the target protocol is openai-embeddings.",
            "type": "object",
            "additionalProperties": true
          },
          "openai-responses": {
            "description": "Merged when the target protocol is openai-responses.",
            "type": "object",
            "additionalProperties": true
          },
          "passthrough": {
            "description": "Merged when the target protocol is passthrough.",
            "type": "object",
            "additionalProperties": true
          }
        },
        "additionalProperties": false
      },
      "request_body_force_override": {
        "description": "When true request_body values overwrite client fields; when false they only fill missing ones.",
        "type": "boolean",
        "default": false
      }
    }
  },
  "tollgate:common/ai-provider": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/ai-provider",
    "title": "AiProvider",
    "description": "Name of an LLM provider supported by ai-proxy and ai-proxy-multi.",
    "type": "string",
    "enum": [
      "openai",
      "deepseek",
      "aimlapi",
      "anthropic",
      "openai-compatible",
      "azure-openai",
      "openrouter",
      "gemini",
      "vertex-ai",
      "bedrock"
    ]
  },
  "tollgate:common/ai-provider-conf": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/ai-provider-conf",
    "title": "AiProviderConf",
    "description": "Provider-specific settings (vertex-ai: project_id + region; bedrock: region).",
    "type": "object",
    "properties": {
      "project_id": {
        "description": "Google Cloud project id (vertex-ai).",
        "type": "string"
      },
      "region": {
        "description": "Region: the GCP region for vertex-ai, the AWS region for bedrock.",
        "type": "string",
        "minLength": 1
      }
    }
  },
  "tollgate:common/desc": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/desc",
    "title": "Desc",
    "description": "Free-text description of a resource (at most 256 characters).",
    "type": "string",
    "maxLength": 256
  },
  "tollgate:common/health-check": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/health-check",
    "title": "HealthCheck",
    "description": "Upstream health checks: `active` is required, `passive` optional; no other keys.",
    "type": "object",
    "properties": {
      "active": {
        "$ref": "tollgate:common/health-check-active",
        "description": "Active probes."
      },
      "passive": {
        "$ref": "tollgate:common/health-check-passive",
        "description": "Health judged from live traffic."
      }
    },
    "additionalProperties": false,
    "anyOf": [
      {
        "required": [
          "active"
        ]
      },
      {
        "required": [
          "active",
          "passive"
        ]
      }
    ]
  },
  "tollgate:common/health-check-active": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/health-check-active",
    "title": "HealthCheckActive",
    "description": "Active health check: probes sent on a timer. Unknown keys are accepted, as in APISIX.",
    "type": "object",
    "properties": {
      "type": {
        "description": "Probe protocol.",
        "type": "string",
        "enum": [
          "http",
          "https",
          "tcp"
        ],
        "default": "http"
      },
      "timeout": {
        "description": "Probe timeout in seconds.",
        "type": "number",
        "default": 1
      },
      "concurrency": {
        "description": "Number of targets probed at the same time.",
        "type": "integer",
        "default": 10
      },
      "host": {
        "$ref": "tollgate:common/host",
        "description": "Host header sent with HTTP probes (defaults to the target host)."
      },
      "port": {
        "description": "Port to probe instead of the target's own port.",
        "type": "integer",
        "minimum": 1,
        "maximum": 65535
      },
      "http_method": {
        "$ref": "tollgate:common/http-method",
        "description": "HTTP method of the probe request.",
        "default": "GET"
      },
      "http_path": {
        "description": "Path of the HTTP probe request.",
        "type": "string",
        "default": "/"
      },
      "http_req_body": {
        "description": "Body of the HTTP probe request.",
        "type": "string",
        "default": ""
      },
      "https_verify_certificate": {
        "description": "Verify the target's certificate on https probes.",
        "type": "boolean",
        "default": true
      },
      "req_headers": {
        "description": "Extra probe request headers, each written as \"Name: value\".",
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "string"
        }
      },
      "healthy": {
        "description": "When a target counts as healthy again.",
        "type": "object",
        "properties": {
          "interval": {
            "description": "Seconds between probes of a healthy target.",
            "type": "integer",
            "minimum": 1,
            "default": 1
          },
          "http_statuses": {
            "description": "Probe statuses that count as a success.",
            "type": "array",
            "minItems": 1,
            "uniqueItems": true,
            "items": {
              "type": "integer",
              "minimum": 200,
              "maximum": 599
            },
            "default": [
              200,
              302
            ]
          },
          "successes": {
            "description": "Consecutive successes that mark a target healthy.",
            "type": "integer",
            "minimum": 1,
            "maximum": 254,
            "default": 2
          }
        }
      },
      "unhealthy": {
        "description": "When a target counts as unhealthy.",
        "type": "object",
        "properties": {
          "interval": {
            "description": "Seconds between probes of an unhealthy target.",
            "type": "integer",
            "minimum": 1,
            "default": 1
          },
          "http_statuses": {
            "description": "Probe statuses that count as a failure.",
            "type": "array",
            "minItems": 1,
            "uniqueItems": true,
            "items": {
              "type": "integer",
              "minimum": 200,
              "maximum": 599
            },
            "default": [
              429,
              404,
              500,
              501,
              502,
              503,
              504,
              505
            ]
          },
          "http_failures": {
            "description": "HTTP failures that mark a target unhealthy.",
            "type": "integer",
            "minimum": 1,
            "maximum": 254,
            "default": 5
          },
          "tcp_failures": {
            "description": "TCP connect failures that mark a target unhealthy.",
            "type": "integer",
            "minimum": 1,
            "maximum": 254,
            "default": 2
          },
          "timeouts": {
            "description": "Probe timeouts that mark a target unhealthy.",
            "type": "integer",
            "minimum": 1,
            "maximum": 254,
            "default": 3
          }
        }
      }
    }
  },
  "tollgate:common/health-check-passive": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/health-check-passive",
    "title": "HealthCheckPassive",
    "description": "Passive health check: target health judged from live traffic.",
    "type": "object",
    "properties": {
      "type": {
        "description": "Protocol of the observed traffic.",
        "type": "string",
        "enum": [
          "http",
          "https",
          "tcp"
        ],
        "default": "http"
      },
      "healthy": {
        "description": "When a target counts as healthy again.",
        "type": "object",
        "properties": {
          "http_statuses": {
            "description": "Response statuses that count as a success.",
            "type": "array",
            "minItems": 1,
            "uniqueItems": true,
            "items": {
              "type": "integer",
              "minimum": 200,
              "maximum": 599
            },
            "default": [
              200,
              201,
              202,
              203,
              204,
              205,
              206,
              207,
              208,
              226,
              300,
              301,
              302,
              303,
              304,
              305,
              306,
              307,
              308
            ]
          },
          "successes": {
            "description": "Consecutive successes that mark a target healthy.",
            "type": "integer",
            "minimum": 1,
            "maximum": 254,
            "default": 5
          }
        }
      },
      "unhealthy": {
        "description": "When a target counts as unhealthy.",
        "type": "object",
        "properties": {
          "http_statuses": {
            "description": "Response statuses that count as a failure.",
            "type": "array",
            "minItems": 1,
            "uniqueItems": true,
            "items": {
              "type": "integer",
              "minimum": 200,
              "maximum": 599
            },
            "default": [
              429,
              500,
              503
            ]
          },
          "tcp_failures": {
            "description": "TCP failures that mark a target unhealthy.",
            "type": "integer",
            "minimum": 1,
            "maximum": 254,
            "default": 2
          },
          "timeouts": {
            "description": "Timeouts that mark a target unhealthy.",
            "type": "integer",
            "minimum": 1,
            "maximum": 254,
            "default": 7
          },
          "http_failures": {
            "description": "HTTP failures that mark a target unhealthy.",
            "type": "integer",
            "minimum": 1,
            "maximum": 254,
            "default": 5
          }
        }
      }
    }
  },
  "tollgate:common/host": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/host",
    "title": "Host",
    "description": "A host name, an IP address (optionally with a port), a wildcard such as *.example.com, or * alone.",
    "type": "string",
    "pattern": "^\\*$|^\\*?[0-9a-zA-Z-._\\[\\]:]+$"
  },
  "tollgate:common/http-method": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/http-method",
    "title": "HttpMethod",
    "description": "An HTTP method name, upper case.",
    "type": "string",
    "enum": [
      "GET",
      "POST",
      "PUT",
      "DELETE",
      "PATCH",
      "HEAD",
      "OPTIONS",
      "CONNECT",
      "TRACE",
      "PURGE"
    ]
  },
  "tollgate:common/id": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/id",
    "title": "Id",
    "description": "Resource id: a string of 1..64 characters from [a-zA-Z0-9-_.], or an integer >= 1.",
    "anyOf": [
      {
        "type": "string",
        "minLength": 1,
        "maxLength": 64,
        "pattern": "^[a-zA-Z0-9-_.]+$"
      },
      {
        "type": "integer",
        "minimum": 1
      }
    ]
  },
  "tollgate:common/labels": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/labels",
    "title": "Labels",
    "description": "Key/value pairs that tag a resource; values are 1..256 non-blank characters.",
    "type": "object",
    "patternProperties": {
      ".*": {
        "description": "Value of the label.",
        "type": "string",
        "pattern": "^\\S+$",
        "minLength": 1,
        "maxLength": 256
      }
    }
  },
  "tollgate:common/logger-batch": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/logger-batch",
    "title": "LoggerBatchConf",
    "description": "APISIX's batch processor options (apisix/utils/batch-processor.lua), merged into every batching logger's schema. Each logger declares `name` again with its own default (`http logger`, ...).",
    "type": "object",
    "properties": {
      "name": {
        "description": "Name of the batch processor, in its log lines.",
        "type": "string"
      },
      "batch_max_size": {
        "description": "Entries per batch: a full batch is sent at once. With 1, each entry is sent on its own.",
        "type": "integer",
        "minimum": 1,
        "default": 1000
      },
      "inactive_timeout": {
        "description": "Seconds without a new entry after which the buffer is sent.",
        "type": "integer",
        "minimum": 1,
        "default": 5
      },
      "buffer_duration": {
        "description": "Maximum age in seconds of the oldest buffered entry before the buffer is sent.",
        "type": "integer",
        "minimum": 1,
        "default": 60
      },
      "max_retry_count": {
        "description": "How many times a failed batch is sent again before it is dropped.",
        "type": "integer",
        "minimum": 0,
        "default": 0
      },
      "retry_delay": {
        "description": "Seconds between the attempts to send a failed batch.",
        "type": "integer",
        "minimum": 0,
        "default": 1
      }
    }
  },
  "tollgate:common/logger-body": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/logger-body",
    "title": "LoggerBodyConf",
    "description": "What a logger puts in each entry (apisix/utils/log-util.lua): a custom `log_format`, extra fields, and the request and response bodies.",
    "type": "object",
    "properties": {
      "log_format": {
        "description": "Custom entry: key → `$variable`, literal, or nested object (five levels). Replaces the default entry; wins over the plugin metadata's `log_format`.",
        "type": "object"
      },
      "log_format_extra": {
        "description": "Fields added to the default entry, never overwriting a default field; same value syntax as `log_format`. Ignored when a `log_format` applies.",
        "type": "object"
      },
      "include_req_body": {
        "description": "Put the request body in the entry (`request.body`).",
        "type": "boolean",
        "default": false
      },
      "include_req_body_expr": {
        "description": "lua-resty-expr conditions: the request body is logged only when they match.",
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "array"
        }
      },
      "include_resp_body": {
        "description": "Put the response body in the entry (`response.body`).",
        "type": "boolean",
        "default": false
      },
      "include_resp_body_expr": {
        "description": "lua-resty-expr conditions: the response body is logged only when they match.",
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "array"
        }
      },
      "max_req_body_bytes": {
        "description": "Bytes of the request body kept in the entry; the rest is cut off.",
        "type": "integer",
        "minimum": 1,
        "default": 524288
      },
      "max_resp_body_bytes": {
        "description": "Bytes of the response body kept in the entry; the rest is cut off.",
        "type": "integer",
        "minimum": 1,
        "default": 524288
      }
    }
  },
  "tollgate:common/logger-metadata": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/logger-metadata",
    "title": "LoggerMetadataConf",
    "description": "A batching logger's plugin metadata (`/apisix/admin/plugin_metadata/<name>`): the log format of every route without its own, and the backlog cap.",
    "type": "object",
    "properties": {
      "log_format": {
        "description": "Custom entry for every route of this logger that has no `log_format` of its own.",
        "type": "object"
      },
      "log_format_extra": {
        "description": "Fields added to the default entry of every route without its own `log_format_extra`.",
        "type": "object"
      },
      "max_pending_entries": {
        "description": "Entries pushed but not yet sent (or dropped) in a worker, over all of this logger's routes, above which new entries are dropped and counted.",
        "type": "integer",
        "minimum": 1,
        "default": 8192
      }
    }
  },
  "tollgate:common/name": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/name",
    "title": "Name",
    "description": "Human-readable name of a resource (1..256 characters).",
    "type": "string",
    "minLength": 1,
    "maxLength": 256
  },
  "tollgate:common/plugin-meta": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/plugin-meta",
    "title": "PluginMeta",
    "description": "APISIX's `_meta` block, accepted by every plugin: controls whether and when the plugin runs.",
    "type": "object",
    "properties": {
      "disable": {
        "description": "When true the plugin is configured but skipped.",
        "type": "boolean"
      },
      "error_response": {
        "description": "Body sent instead of the plugin's own when the plugin ends the request.",
        "oneOf": [
          {
            "type": "string"
          },
          {
            "type": "object"
          }
        ]
      },
      "priority": {
        "description": "Overrides the plugin's priority for this configuration (higher runs first).",
        "type": "integer"
      },
      "filter": {
        "description": "Vars expression (lua-resty-expr syntax); the plugin runs only when it matches.",
        "type": "array"
      },
      "pre_function": {
        "description": "Lua function source APISIX runs before the plugin in each phase. Refused by Tollgate's Admin API (Tollgate does not run Lua); ignored with a warning in configurations APISIX wrote into etcd.",
        "type": "string"
      }
    }
  },
  "tollgate:common/plugins-map": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/plugins-map",
    "title": "PluginsMap",
    "description": "Plugin name to plugin configuration; each entry is validated against its plugin's own schema.",
    "type": "object"
  },
  "tollgate:common/redis": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/redis",
    "title": "RedisPolicyConf",
    "description": "Fields of the `redis` counter policy (apisix/utils/redis-schema.lua); applied when policy is redis.",
    "type": "object",
    "properties": {
      "redis_host": {
        "description": "Redis server address.",
        "type": "string",
        "minLength": 2
      },
      "redis_port": {
        "description": "Redis server port.",
        "type": "integer",
        "minimum": 1,
        "default": 6379
      },
      "redis_username": {
        "description": "Redis ACL user name (Redis 6+).",
        "type": "string",
        "minLength": 1
      },
      "redis_password": {
        "description": "Redis password.",
        "type": "string",
        "minLength": 0
      },
      "redis_database": {
        "description": "Redis logical database number.",
        "type": "integer",
        "minimum": 0,
        "default": 0
      },
      "redis_timeout": {
        "description": "Redis command timeout in milliseconds.",
        "type": "integer",
        "minimum": 1,
        "default": 1000
      },
      "redis_ssl": {
        "description": "Connect to Redis over TLS.",
        "type": "boolean",
        "default": false
      },
      "redis_ssl_verify": {
        "description": "Verify the Redis server certificate.",
        "type": "boolean",
        "default": false
      },
      "redis_keepalive_timeout": {
        "description": "Idle time in milliseconds before a pooled Redis connection is closed.",
        "type": "integer",
        "minimum": 1000,
        "default": 10000
      },
      "redis_keepalive_pool": {
        "description": "Maximum number of pooled Redis connections.",
        "type": "integer",
        "minimum": 1,
        "default": 100
      }
    },
    "required": [
      "redis_host"
    ]
  },
  "tollgate:common/redis-cluster": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/redis-cluster",
    "title": "RedisClusterPolicyConf",
    "description": "Fields of the `redis-cluster` counter policy; applied when policy is redis-cluster.",
    "type": "object",
    "properties": {
      "redis_cluster_nodes": {
        "description": "Addresses (host:port) of the cluster's seed nodes.",
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "string",
          "minLength": 2,
          "maxLength": 100
        }
      },
      "redis_password": {
        "description": "Redis password.",
        "type": "string",
        "minLength": 0
      },
      "redis_timeout": {
        "description": "Redis command timeout in milliseconds.",
        "type": "integer",
        "minimum": 1,
        "default": 1000
      },
      "redis_cluster_name": {
        "description": "Name of the Redis cluster.",
        "type": "string"
      },
      "redis_cluster_ssl": {
        "description": "Connect to the cluster over TLS.",
        "type": "boolean",
        "default": false
      },
      "redis_cluster_ssl_verify": {
        "description": "Verify the cluster nodes' certificates.",
        "type": "boolean",
        "default": false
      },
      "redis_keepalive_timeout": {
        "description": "Idle time in milliseconds before a pooled Redis connection is closed.",
        "type": "integer",
        "minimum": 1000,
        "default": 10000
      },
      "redis_keepalive_pool": {
        "description": "Maximum number of pooled Redis connections.",
        "type": "integer",
        "minimum": 1,
        "default": 100
      }
    },
    "required": [
      "redis_cluster_nodes",
      "redis_cluster_name"
    ]
  },
  "tollgate:common/redis-sentinel": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/redis-sentinel",
    "title": "RedisSentinelPolicyConf",
    "description": "Fields of the `redis-sentinel` counter policy; applied when policy is redis-sentinel.",
    "type": "object",
    "properties": {
      "redis_sentinels": {
        "description": "Sentinel servers to ask for the current master.",
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "object",
          "properties": {
            "host": {
              "description": "Sentinel host.",
              "type": "string",
              "minLength": 1
            },
            "port": {
              "description": "Sentinel port.",
              "type": "integer",
              "minimum": 1,
              "maximum": 65535
            }
          },
          "required": [
            "host",
            "port"
          ]
        }
      },
      "redis_master_name": {
        "description": "Name of the master group watched by the sentinels.",
        "type": "string",
        "minLength": 1
      },
      "redis_role": {
        "description": "Connect to the master or to a replica.",
        "type": "string",
        "enum": [
          "master",
          "slave"
        ],
        "default": "master"
      },
      "redis_connect_timeout": {
        "description": "Connect timeout in milliseconds.",
        "type": "integer",
        "minimum": 1,
        "default": 1000
      },
      "redis_read_timeout": {
        "description": "Read timeout in milliseconds.",
        "type": "integer",
        "minimum": 1,
        "default": 1000
      },
      "redis_keepalive_timeout": {
        "description": "Idle time in milliseconds before a pooled Redis connection is closed.",
        "type": "integer",
        "minimum": 1000,
        "default": 10000
      },
      "redis_keepalive_pool": {
        "description": "Maximum number of pooled Redis connections.",
        "type": "integer",
        "minimum": 1,
        "default": 100
      },
      "redis_database": {
        "description": "Redis logical database number.",
        "type": "integer",
        "minimum": 0,
        "default": 0
      },
      "redis_username": {
        "description": "Redis ACL user name.",
        "type": "string",
        "minLength": 1
      },
      "redis_password": {
        "description": "Redis password.",
        "type": "string",
        "minLength": 0
      },
      "sentinel_username": {
        "description": "User name for the sentinels.",
        "type": "string",
        "minLength": 1
      },
      "sentinel_password": {
        "description": "Password for the sentinels.",
        "type": "string",
        "minLength": 0
      }
    },
    "required": [
      "redis_sentinels",
      "redis_master_name"
    ]
  },
  "tollgate:common/remote-addr": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/remote-addr",
    "title": "RemoteAddr",
    "description": "Client IP address: IPv4, IPv4 CIDR, IPv6 or IPv6 CIDR.",
    "type": "string",
    "anyOf": [
      {
        "title": "IPv4",
        "type": "string",
        "format": "ipv4"
      },
      {
        "title": "IPv4/CIDR",
        "type": "string",
        "pattern": "^([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])/([12]?[0-9]|3[0-2])$"
      },
      {
        "title": "IPv6",
        "type": "string",
        "format": "ipv6"
      },
      {
        "title": "IPv6/CIDR",
        "type": "string",
        "pattern": "^([a-fA-F0-9]{0,4}:){1,8}(:[a-fA-F0-9]{0,4}){0,8}([a-fA-F0-9]{0,4})?/[0-9]{1,3}$"
      }
    ]
  },
  "tollgate:common/timeout": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/timeout",
    "title": "Timeout",
    "description": "Upstream timeouts in seconds; all three are required.",
    "type": "object",
    "properties": {
      "connect": {
        "description": "Connect timeout in seconds.",
        "type": "number",
        "exclusiveMinimum": 0
      },
      "send": {
        "description": "Send timeout in seconds.",
        "type": "number",
        "exclusiveMinimum": 0
      },
      "read": {
        "description": "Read timeout in seconds.",
        "type": "number",
        "exclusiveMinimum": 0
      }
    },
    "required": [
      "connect",
      "send",
      "read"
    ]
  },
  "tollgate:common/timestamp": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/timestamp",
    "title": "Timestamp",
    "description": "Unix time in seconds, set by the Admin API (create_time, update_time).",
    "type": "integer"
  },
  "tollgate:common/upstream-node": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/upstream-node",
    "title": "UpstreamNode",
    "description": "One upstream node in the array form of `nodes`.",
    "type": "object",
    "properties": {
      "host": {
        "$ref": "tollgate:common/host",
        "description": "Host name or IP of the node."
      },
      "port": {
        "description": "Port of the node; when absent, the default port of the upstream's scheme (80 for http and grpc, 443 for https and grpcs).",
        "type": "integer",
        "minimum": 1,
        "maximum": 65535
      },
      "weight": {
        "description": "Weight of the node.",
        "type": "integer",
        "minimum": 0
      },
      "priority": {
        "description": "Priority of the node; lower priorities are used only when higher ones fail (0 when unset).",
        "type": "integer"
      },
      "metadata": {
        "description": "Free-form metadata of the node.",
        "type": "object"
      }
    },
    "required": [
      "host",
      "weight"
    ]
  },
  "tollgate:common/upstream-nodes": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:common/upstream-nodes",
    "title": "UpstreamNodes",
    "description": "Upstream nodes: an object {\"host:port\": weight} (or {\"host\": weight}, the port then being the scheme's default) or an array of node objects.",
    "anyOf": [
      {
        "type": "object",
        "patternProperties": {
          ".*": {
            "description": "Weight of the node.",
            "type": "integer",
            "minimum": 0
          }
        }
      },
      {
        "type": "array",
        "items": {
          "$ref": "tollgate:common/upstream-node"
        }
      }
    ]
  },
  "tollgate:plugins/ai-aliyun-content-moderation": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/ai-aliyun-content-moderation",
    "title": "AiAliyunContentModerationConf",
    "description": "APISIX 3.18's ai-aliyun-content-moderation: send AI prompts and answers to Alibaba Cloud's TextModerationPlus and refuse those at or above a risk level. Needs ai-proxy or ai-proxy-multi on the route.",
    "type": "object",
    "properties": {
      "endpoint": {
        "description": "Base URL of the Alibaba Cloud content moderation service (for example `https://green-cip.cn-shanghai.aliyuncs.com`); requests go to `POST /` of its origin (a path in it is not used).",
        "type": "string",
        "minLength": 1
      },
      "region_id": {
        "description": "Region sent as `RegionId` (for example `cn-shanghai`).",
        "type": "string",
        "minLength": 1
      },
      "access_key_id": {
        "description": "AccessKey ID sent as `AccessKeyId`.",
        "type": "string",
        "minLength": 1
      },
      "access_key_secret": {
        "description": "AccessKey secret the requests are signed with (HMAC-SHA1). Stored encrypted; `$secret://` and `$env://` references are resolved.",
        "type": "string",
        "minLength": 1
      },
      "check_request": {
        "description": "Moderate the prompt before the LLM is called.",
        "type": "boolean",
        "default": true
      },
      "check_response": {
        "description": "Moderate the LLM's answer (see `stream_check_mode` for streams).",
        "type": "boolean",
        "default": false
      },
      "request_check_mode": {
        "description": "Which user/tool messages are moderated: `last`, only the latest consecutive block of messages of the selected roles; `all`, every one. System messages are always checked when `system` is selected.",
        "type": "string",
        "enum": [
          "last",
          "all"
        ],
        "default": "last"
      },
      "request_check_roles": {
        "description": "Message roles moderated on the request side. `user` and `tool` follow `request_check_mode`; `system` (and `developer`, Responses `instructions`) is checked on every request.",
        "type": "array",
        "items": {
          "type": "string",
          "enum": [
            "user",
            "tool",
            "system"
          ]
        },
        "minItems": 1,
        "uniqueItems": true,
        "default": [
          "user"
        ]
      },
      "request_check_service": {
        "description": "TextModerationPlus `Service` for prompts.",
        "type": "string",
        "minLength": 1,
        "default": "llm_query_moderation"
      },
      "request_check_length_limit": {
        "description": "Characters of prompt text per moderation call; longer text is cut into pieces, one call each, and the first risky piece refuses.",
        "type": "integer",
        "minimum": 1,
        "default": 2000
      },
      "response_check_service": {
        "description": "TextModerationPlus `Service` for answers.",
        "type": "string",
        "minLength": 1,
        "default": "llm_response_moderation"
      },
      "response_check_length_limit": {
        "description": "Characters of answer text per moderation call.",
        "type": "integer",
        "minimum": 1,
        "default": 5000
      },
      "risk_level_bar": {
        "description": "Lowest `Data.RiskLevel` that refuses (`none` < `low` < `medium` < `high` < `max`).",
        "type": "string",
        "enum": [
          "none",
          "low",
          "medium",
          "high",
          "max"
        ],
        "default": "high"
      },
      "deny_code": {
        "description": "Status of a refusal. 200 (the default) lets client SDKs read the completion-shaped refusal as an answer; a refused stream keeps the status already sent.",
        "type": "integer",
        "minimum": 200,
        "maximum": 599,
        "default": 200
      },
      "deny_message": {
        "description": "The assistant text of a refusal; when unset, the service's `Data.Advice[0].Answer`, else `Your request violate our content policy.`.",
        "type": "string"
      },
      "stream_check_mode": {
        "description": "Streams: `final_packet` moderates the whole answer at its end and adds `risk_level` to the data events of the last chunk; `realtime` moderates batches of text as they stream and ends the stream with the refusal on a hit.",
        "type": "string",
        "enum": [
          "realtime",
          "final_packet"
        ],
        "default": "final_packet"
      },
      "stream_check_cache_size": {
        "description": "Realtime mode: characters of streamed text that make a batch.",
        "type": "integer",
        "minimum": 1,
        "default": 128
      },
      "stream_check_interval": {
        "description": "Realtime mode: seconds after which the text gathered so far is checked even if the batch is not full (checked when a chunk arrives).",
        "type": "number",
        "minimum": 0.1,
        "default": 3
      },
      "timeout": {
        "description": "Milliseconds one moderation call may take.",
        "type": "integer",
        "minimum": 1,
        "default": 10000
      },
      "keepalive": {
        "description": "Keep connections to the service open between calls.",
        "type": "boolean",
        "default": true
      },
      "keepalive_pool": {
        "description": "Most idle connections kept per endpoint.",
        "type": "integer",
        "minimum": 1,
        "default": 30
      },
      "keepalive_timeout": {
        "description": "Milliseconds an idle connection is kept.",
        "type": "integer",
        "minimum": 1000,
        "default": 60000
      },
      "ssl_verify": {
        "description": "Verify the TLS certificate of an `https` endpoint.",
        "type": "boolean",
        "default": true
      },
      "fail_mode": {
        "description": "Traffic the plugin cannot inspect (no AI instance picked, a content type other than JSON, a protocol without a conversation): `skip` passes it with an info log, `warn` with a warning, `error` refuses it.",
        "type": "string",
        "enum": [
          "skip",
          "warn",
          "error"
        ],
        "default": "skip"
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "endpoint",
      "region_id",
      "access_key_id",
      "access_key_secret"
    ],
    "encrypt_fields": [
      "access_key_secret"
    ]
  },
  "tollgate:plugins/ai-aws-content-moderation": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/ai-aws-content-moderation",
    "title": "AiAwsContentModerationConf",
    "description": "ai-aws-content-moderation: score prompts (and optionally answers) with Amazon Comprehend DetectToxicContent and refuse those over the thresholds. Needs ai-proxy or ai-proxy-multi on the same route.",
    "type": "object",
    "properties": {
      "comprehend": {
        "description": "The Comprehend endpoint and the AWS credentials that sign its calls (Signature V4).",
        "type": "object",
        "properties": {
          "access_key_id": {
            "description": "AWS access key id.",
            "type": "string"
          },
          "secret_access_key": {
            "description": "AWS secret access key (stored encrypted; may be a $secret:// or $env:// reference).",
            "type": "string"
          },
          "session_token": {
            "description": "Session token of temporary credentials (read by APISIX though not declared in its schema).",
            "type": "string"
          },
          "region": {
            "description": "AWS region, e.g. us-east-1.",
            "type": "string"
          },
          "endpoint": {
            "description": "Comprehend endpoint; only its scheme, host and port are used. Default https://comprehend.<region>.amazonaws.com.",
            "type": "string",
            "pattern": "^https?://"
          },
          "ssl_verify": {
            "description": "Verify the endpoint's TLS certificate.",
            "type": "boolean",
            "default": true
          }
        },
        "required": [
          "access_key_id",
          "secret_access_key",
          "region"
        ]
      },
      "moderation_categories": {
        "description": "Per-category thresholds (0 to 1): a label scoring strictly above its threshold is refused.",
        "type": "object",
        "patternProperties": {
          "^(PROFANITY|HATE_SPEECH|INSULT|HARASSMENT_OR_ABUSE|SEXUAL|VIOLENCE_OR_THREAT)$": {
            "type": "number",
            "minimum": 0,
            "maximum": 1
          }
        },
        "additionalProperties": false
      },
      "moderation_threshold": {
        "description": "Threshold of the overall Toxicity score: strictly above it is refused.",
        "type": "number",
        "minimum": 0,
        "maximum": 1,
        "default": 0.5
      },
      "check_request": {
        "description": "Moderate the prompt before the LLM is called.",
        "type": "boolean",
        "default": true
      },
      "check_response": {
        "description": "Moderate the LLM's answer.",
        "type": "boolean",
        "default": false
      },
      "request_check_roles": {
        "description": "Roles whose messages are moderated on the request side; system is checked on every request when listed, user and tool follow request_check_mode. Assistant turns are never moderated.",
        "type": "array",
        "items": {
          "type": "string",
          "enum": [
            "user",
            "tool",
            "system"
          ]
        },
        "minItems": 1,
        "uniqueItems": true,
        "default": [
          "user",
          "tool",
          "system"
        ]
      },
      "request_check_mode": {
        "description": "all: every user/tool message of the selected roles; last: only the last consecutive block of them.",
        "type": "string",
        "enum": [
          "last",
          "all"
        ],
        "default": "all"
      },
      "request_check_length_limit": {
        "description": "Most bytes of request text per Comprehend text segment; longer text is split (never inside a UTF-8 character).",
        "type": "integer",
        "minimum": 4,
        "maximum": 1024,
        "default": 1000
      },
      "response_check_length_limit": {
        "description": "Most bytes of answer text per Comprehend text segment.",
        "type": "integer",
        "minimum": 4,
        "maximum": 1024,
        "default": 1000
      },
      "stream_check_mode": {
        "description": "realtime: moderate batches while the answer streams and end the stream with the deny on a hit; final_packet: moderate the whole answer at the end and add risk_level to the last chunk's events.",
        "type": "string",
        "enum": [
          "realtime",
          "final_packet"
        ],
        "default": "final_packet"
      },
      "stream_check_cache_size": {
        "description": "realtime: size of a batch (UTF-8 bytes of answer text, as APISIX counts).",
        "type": "integer",
        "minimum": 1,
        "default": 128
      },
      "stream_check_interval": {
        "description": "realtime: seconds after which a batch is checked even when smaller than stream_check_cache_size.",
        "type": "number",
        "minimum": 0.1,
        "default": 3
      },
      "deny_code": {
        "description": "Status of a refusal; 200 lets client SDKs read the refusal as an ordinary completion.",
        "type": "integer",
        "minimum": 200,
        "maximum": 599,
        "default": 200
      },
      "deny_message": {
        "description": "Text of the refusal; by default the reason (`request body exceeds toxicity threshold`).",
        "type": "string"
      },
      "timeout": {
        "description": "Timeout of each Comprehend call in milliseconds.",
        "type": "integer",
        "minimum": 1,
        "default": 10000
      },
      "keepalive": {
        "description": "Reuse connections to Comprehend.",
        "type": "boolean",
        "default": true
      },
      "keepalive_timeout": {
        "description": "Idle time in milliseconds before a pooled Comprehend connection is closed.",
        "type": "integer",
        "minimum": 1000,
        "default": 60000
      },
      "fail_mode": {
        "description": "What to do with a request the plugin cannot inspect (no ai-proxy in front, not JSON, no conversation): skip (pass, info log), warn (pass, warn log) or error (refuse).",
        "type": "string",
        "enum": [
          "skip",
          "warn",
          "error"
        ],
        "default": "skip"
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "comprehend"
    ],
    "encrypt_fields": [
      "comprehend.secret_access_key",
      "comprehend.session_token"
    ]
  },
  "tollgate:plugins/ai-cache": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/ai-cache",
    "title": "AiCacheConf",
    "description": "ai-cache: answers of the LLM cached in Redis and replayed for identical requests (APISIX 3.18's ai-cache; the semantic layer is accepted but not yet supported).",
    "type": "object",
    "properties": {
      "exact": {
        "description": "The exact-match layer (L1).",
        "type": "object",
        "properties": {
          "ttl": {
            "description": "Seconds an exact entry lives.",
            "type": "integer",
            "minimum": 1,
            "default": 3600
          }
        },
        "default": {}
      },
      "cache_key": {
        "description": "What separates cache entries besides the request itself.",
        "type": "object",
        "properties": {
          "share_across_routes": {
            "description": "Share entries between routes; by default each route has its own.",
            "type": "boolean",
            "default": false
          },
          "include_consumer": {
            "description": "Give each consumer its own entries; by default consumers of a route share them.",
            "type": "boolean",
            "default": false
          },
          "include_vars": {
            "description": "Variables whose values separate entries (e.g. `http_x_tenant`).",
            "type": "array",
            "items": {
              "type": "string"
            },
            "default": []
          }
        },
        "default": {}
      },
      "max_cache_body_size": {
        "description": "Largest response, in bytes, that is stored.",
        "type": "integer",
        "minimum": 0,
        "default": 1048576
      },
      "cache_headers": {
        "description": "Send X-AI-Cache-Status (and X-AI-Cache-Age on a hit).",
        "type": "boolean",
        "default": true
      },
      "fail_mode": {
        "description": "What to do with a request the cache cannot handle (no ai-proxy or ai-proxy-multi in front): skip, warn (pass it on uncached) or error (refuse it).",
        "type": "string",
        "enum": [
          "skip",
          "warn",
          "error"
        ],
        "default": "skip"
      },
      "bypass_on": {
        "description": "Rules that skip the cache (no lookup, no store) when any matches.",
        "type": "array",
        "minItems": 1,
        "items": {
          "title": "AiCacheBypassRule",
          "type": "object",
          "properties": {
            "header": {
              "description": "Request header name.",
              "type": "string",
              "minLength": 1
            },
            "equals": {
              "description": "The header value that bypasses the cache.",
              "type": "string"
            }
          },
          "required": [
            "header",
            "equals"
          ]
        }
      },
      "policy": {
        "description": "Storage backend: a single Redis server.",
        "type": "string",
        "enum": [
          "redis"
        ],
        "default": "redis"
      },
      "layers": {
        "description": "Cache layers; must contain exact. semantic is accepted but not yet supported by Tollgate (ignored with a warning).",
        "type": "array",
        "items": {
          "enum": [
            "exact",
            "semantic"
          ]
        },
        "minItems": 1,
        "uniqueItems": true,
        "contains": {
          "const": "exact"
        },
        "default": [
          "exact"
        ]
      },
      "semantic": {
        "description": "The semantic layer (L2): accepted so APISIX configurations load; not yet supported (needs Redis 8 vector sets or RediSearch).",
        "type": "object",
        "properties": {
          "similarity_threshold": {
            "description": "Least cosine similarity of a match.",
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "default": 0.95
          },
          "top_k": {
            "description": "Nearest neighbours fetched.",
            "type": "integer",
            "minimum": 1,
            "default": 1
          },
          "distance_metric": {
            "description": "Vector distance.",
            "enum": [
              "cosine"
            ],
            "default": "cosine"
          },
          "ttl": {
            "description": "Seconds a semantic entry lives.",
            "type": "integer",
            "minimum": 1,
            "default": 86400
          },
          "match": {
            "description": "Which messages are embedded.",
            "type": "object",
            "properties": {
              "message_countback": {
                "description": "Last messages embedded.",
                "type": "integer",
                "minimum": 1,
                "default": 1
              },
              "ignore_system_prompts": {
                "description": "Leave system messages out.",
                "type": "boolean",
                "default": true
              },
              "ignore_assistant_prompts": {
                "description": "Leave assistant messages out.",
                "type": "boolean",
                "default": true
              },
              "ignore_tool_prompts": {
                "description": "Leave tool messages out.",
                "type": "boolean",
                "default": true
              }
            },
            "default": {}
          },
          "embedding": {
            "description": "Embeddings service: exactly one of openai and azure_openai.",
            "type": "object",
            "properties": {
              "openai": {
                "description": "OpenAI-compatible embeddings API.",
                "type": "object",
                "properties": {
                  "endpoint": {
                    "description": "Embeddings endpoint URL.",
                    "type": "string"
                  },
                  "model": {
                    "description": "Embedding model.",
                    "type": "string"
                  },
                  "api_key": {
                    "description": "API key.",
                    "type": "string"
                  },
                  "dimensions": {
                    "description": "Output dimensions.",
                    "type": "integer",
                    "minimum": 1
                  },
                  "ssl_verify": {
                    "description": "Verify the service's certificate.",
                    "type": "boolean",
                    "default": true
                  },
                  "timeout": {
                    "description": "Request timeout in milliseconds.",
                    "type": "integer",
                    "minimum": 1,
                    "default": 5000
                  }
                },
                "required": [
                  "model",
                  "api_key"
                ]
              },
              "azure_openai": {
                "description": "Azure OpenAI embeddings deployment.",
                "type": "object",
                "properties": {
                  "endpoint": {
                    "description": "Deployment endpoint URL.",
                    "type": "string"
                  },
                  "api_key": {
                    "description": "API key.",
                    "type": "string"
                  },
                  "dimensions": {
                    "description": "Output dimensions.",
                    "type": "integer",
                    "minimum": 1
                  },
                  "ssl_verify": {
                    "description": "Verify the service's certificate.",
                    "type": "boolean",
                    "default": true
                  },
                  "timeout": {
                    "description": "Request timeout in milliseconds.",
                    "type": "integer",
                    "minimum": 1,
                    "default": 5000
                  }
                },
                "required": [
                  "endpoint",
                  "api_key"
                ]
              }
            },
            "oneOf": [
              {
                "required": [
                  "openai"
                ]
              },
              {
                "required": [
                  "azure_openai"
                ]
              }
            ]
          },
          "vector_search": {
            "description": "Vector index.",
            "type": "object",
            "properties": {
              "redis": {
                "description": "Redis vector index.",
                "type": "object",
                "properties": {
                  "index": {
                    "description": "Index name.",
                    "type": "string",
                    "default": "ai-cache"
                  }
                },
                "default": {}
              }
            },
            "required": [
              "redis"
            ]
          }
        },
        "required": [
          "embedding",
          "vector_search"
        ]
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "if": {
      "properties": {
        "policy": {
          "enum": [
            "redis"
          ]
        }
      }
    },
    "then": {
      "$ref": "tollgate:common/redis"
    },
    "allOf": [
      {
        "if": {
          "properties": {
            "layers": {
              "type": "array",
              "contains": {
                "const": "semantic"
              }
            }
          },
          "required": [
            "layers"
          ]
        },
        "then": {
          "required": [
            "semantic"
          ]
        }
      }
    ],
    "encrypt_fields": [
      "redis_password",
      "semantic.embedding.openai.api_key",
      "semantic.embedding.azure_openai.api_key"
    ]
  },
  "tollgate:plugins/ai-consumer-rate-limiting": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/ai-consumer-rate-limiting",
    "title": "AiConsumerRateLimitingConf",
    "description": "ai-consumer-rate-limiting (Tollgate's take on the API7 plugin): a consumer's own token quota per LLM instance, checked before the route's ai-rate-limiting.",
    "type": "object",
    "properties": {
      "limit": {
        "description": "Default tokens per time_window for instances not listed in instances; an integer or a variable template.",
        "oneOf": [
          {
            "type": "integer",
            "exclusiveMinimum": 0
          },
          {
            "type": "string"
          }
        ]
      },
      "time_window": {
        "description": "Window length in seconds for limit; an integer or a variable template.",
        "oneOf": [
          {
            "type": "integer",
            "exclusiveMinimum": 0
          },
          {
            "type": "string"
          }
        ]
      },
      "limit_strategy": {
        "description": "Which token count is charged, or `expression` to charge cost_expr.",
        "type": "string",
        "enum": [
          "total_tokens",
          "prompt_tokens",
          "completion_tokens",
          "expression"
        ],
        "default": "total_tokens"
      },
      "cost_expr": {
        "description": "Arithmetic over the provider's raw usage fields (missing ones are 0); required when a strategy is expression.",
        "type": "string",
        "minLength": 1
      },
      "instances": {
        "description": "The consumer's quota per instance.",
        "type": "array",
        "minItems": 1,
        "items": {
          "title": "AiConsumerRateLimitingInstance",
          "type": "object",
          "properties": {
            "name": {
              "description": "Instance name, as in ai-proxy-multi (or ai-proxy-<provider>).",
              "type": "string"
            },
            "limit": {
              "description": "Tokens allowed per time_window; an integer or a variable template.",
              "oneOf": [
                {
                  "type": "integer",
                  "minimum": 1
                },
                {
                  "type": "string"
                }
              ]
            },
            "time_window": {
              "description": "Window length in seconds; an integer or a variable template.",
              "oneOf": [
                {
                  "type": "integer",
                  "minimum": 1
                },
                {
                  "type": "string"
                }
              ]
            },
            "limit_strategy": {
              "description": "Strategy for this instance (the plugin's limit_strategy when unset).",
              "type": "string",
              "enum": [
                "total_tokens",
                "prompt_tokens",
                "completion_tokens",
                "expression"
              ]
            },
            "cost_expr": {
              "description": "Expression for this instance (the plugin's cost_expr when unset).",
              "type": "string",
              "minLength": 1
            }
          },
          "required": [
            "name",
            "limit",
            "time_window"
          ]
        }
      },
      "rejected_code": {
        "description": "Status of a refused request.",
        "type": "integer",
        "minimum": 200,
        "maximum": 599,
        "default": 429
      },
      "rejected_msg": {
        "description": "Body message of a refused request, sent as {\"error_msg\": ...}.",
        "type": "string",
        "minLength": 1
      },
      "reserve_tokens": {
        "description": "Tollgate extension: reserve each request's estimated tokens at admission (prompt tokens counted from the body plus max_tokens, or reserve_completion_tokens), so requests in flight count against the quota and concurrent requests cannot overshoot it; the estimate is replaced by the usage when it is known, and released when the request is refused or fails (on by default here; false gives APISIX's check-then-charge).",
        "type": "boolean",
        "default": true
      },
      "reserve_completion_tokens": {
        "description": "Completion tokens reserved for a request that sets no max_tokens (with reserve_tokens).",
        "type": "integer",
        "minimum": 0,
        "default": 256
      },
      "show_limit_quota_header": {
        "description": "Send the X-AI-Consumer-RateLimit-* headers.",
        "type": "boolean",
        "default": true
      },
      "policy": {
        "description": "Where counters live.",
        "type": "string",
        "enum": [
          "local",
          "redis",
          "redis-cluster"
        ],
        "default": "local"
      },
      "allow_degradation": {
        "description": "Let requests through when the counter store fails.",
        "type": "boolean",
        "default": false
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "dependencies": {
      "limit": [
        "time_window"
      ],
      "time_window": [
        "limit"
      ]
    },
    "anyOf": [
      {
        "required": [
          "limit",
          "time_window"
        ]
      },
      {
        "required": [
          "instances"
        ]
      }
    ],
    "if": {
      "properties": {
        "policy": {
          "enum": [
            "redis"
          ]
        }
      },
      "required": [
        "policy"
      ]
    },
    "then": {
      "$ref": "tollgate:common/redis"
    },
    "else": {
      "if": {
        "properties": {
          "policy": {
            "enum": [
              "redis-cluster"
            ]
          }
        },
        "required": [
          "policy"
        ]
      },
      "then": {
        "$ref": "tollgate:common/redis-cluster"
      }
    },
    "encrypt_fields": [
      "redis_password"
    ]
  },
  "tollgate:plugins/ai-lakera-guard": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/ai-lakera-guard",
    "title": "AiLakeraGuardConf",
    "description": "APISIX 3.18's ai-lakera-guard: scan AI prompts and answers with Lakera Guard v2 (POST /v2/guard) and refuse or log what it flags. Needs ai-proxy or ai-proxy-multi on the route.",
    "type": "object",
    "properties": {
      "api_key": {
        "description": "Lakera Guard API key, sent as `Authorization: Bearer`. Stored encrypted; `$secret://` and `$env://` references are resolved.",
        "type": "string",
        "minLength": 1
      },
      "lakera_endpoint": {
        "description": "Lakera Guard v2 endpoint.",
        "type": "string",
        "pattern": "^https?://",
        "default": "https://api.lakera.ai/v2/guard"
      },
      "project_id": {
        "description": "Lakera project whose policy (detectors and thresholds) to apply; the account's default policy when unset.",
        "type": "string"
      },
      "direction": {
        "description": "Which traffic to scan: `input` (the prompt), `output` (the answer), or `both` (the prompt, then the answer when the prompt passed).",
        "type": "string",
        "enum": [
          "input",
          "output",
          "both"
        ],
        "default": "input"
      },
      "action": {
        "description": "What a flagged verdict does: `block` refuses; `alert` only logs (shadow mode). Lakera errors stay governed by `fail_open` in both.",
        "type": "string",
        "enum": [
          "block",
          "alert"
        ],
        "default": "block"
      },
      "fail_open": {
        "description": "When Lakera cannot answer (error status, timeout, undecodable body) or an answer cannot be scanned: `false` refuses, `true` lets it through.",
        "type": "boolean",
        "default": false
      },
      "fail_mode": {
        "description": "Traffic the plugin cannot inspect (no AI instance picked, a protocol without a conversation): `skip` passes it with an info log, `warn` with a warning, `error` refuses it with 500.",
        "type": "string",
        "enum": [
          "skip",
          "warn",
          "error"
        ],
        "default": "skip"
      },
      "timeout": {
        "description": "Milliseconds one Lakera call may take.",
        "type": "integer",
        "minimum": 1,
        "default": 5000
      },
      "ssl_verify": {
        "description": "Verify the TLS certificate of an `https` endpoint.",
        "type": "boolean",
        "default": true
      },
      "reveal_failure_categories": {
        "description": "Append the detectors that fired (`. Flagged categories: <detector_type> (<result>), ...`) to the refusal text.",
        "type": "boolean",
        "default": false
      },
      "deny_code": {
        "description": "Status of a refusal. 200 (the default) lets client SDKs read the completion-shaped refusal as an answer; a refused stream keeps the status already sent.",
        "type": "integer",
        "minimum": 200,
        "maximum": 599,
        "default": 200
      },
      "request_failure_message": {
        "description": "The assistant text of a refused prompt.",
        "type": "string",
        "default": "Request blocked by Lakera Guard"
      },
      "response_failure_message": {
        "description": "The assistant text of a refused answer.",
        "type": "string",
        "default": "Response blocked by Lakera Guard"
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "api_key"
    ],
    "encrypt_fields": [
      "api_key"
    ]
  },
  "tollgate:plugins/ai-prompt-decorator": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/ai-prompt-decorator",
    "title": "AiPromptDecoratorConf",
    "description": "ai-prompt-decorator on a route, service, consumer or global rule: add configured messages before and after the conversation of an AI request.",
    "type": "object",
    "properties": {
      "max_req_body_size": {
        "description": "Largest request body, in bytes, read to decorate; a larger body is refused with 400.",
        "type": "integer",
        "minimum": 1,
        "default": 67108864
      },
      "prepend": {
        "description": "Messages put before the conversation (Responses API: their contents, joined with newlines, before `instructions`).",
        "type": "array",
        "items": {
          "description": "One message.",
          "type": "object",
          "properties": {
            "role": {
              "description": "Role of the message.",
              "type": "string",
              "enum": [
                "system",
                "user",
                "assistant"
              ]
            },
            "content": {
              "description": "Text of the message.",
              "type": "string",
              "minLength": 1
            }
          },
          "required": [
            "role",
            "content"
          ]
        }
      },
      "append": {
        "description": "Messages put after the conversation (Responses API: their contents, joined with newlines, after `input`).",
        "type": "array",
        "items": {
          "description": "One message.",
          "type": "object",
          "properties": {
            "role": {
              "description": "Role of the message.",
              "type": "string",
              "enum": [
                "system",
                "user",
                "assistant"
              ]
            },
            "content": {
              "description": "Text of the message.",
              "type": "string",
              "minLength": 1
            }
          },
          "required": [
            "role",
            "content"
          ]
        }
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "anyOf": [
      {
        "required": [
          "prepend"
        ]
      },
      {
        "required": [
          "append"
        ]
      }
    ]
  },
  "tollgate:plugins/ai-prompt-guard": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/ai-prompt-guard",
    "title": "AiPromptGuardConf",
    "description": "ai-prompt-guard on a route, service, consumer or global rule: refuse AI requests whose prompt does not match an allow pattern or matches a deny pattern.",
    "type": "object",
    "properties": {
      "max_req_body_size": {
        "description": "Largest request body, in bytes, read to check; a larger body is refused with 400 `Empty request body`, as APISIX answers.",
        "type": "integer",
        "minimum": 1,
        "default": 67108864
      },
      "match_all_roles": {
        "description": "Check the messages of every role; when false, only `user` messages are checked.",
        "type": "boolean",
        "default": false
      },
      "match_all_conversation_history": {
        "description": "Check every message of the conversation; when false, only the last one (the Responses API's `instructions` and `input` are always all checked).",
        "type": "boolean",
        "default": false
      },
      "allow_patterns": {
        "description": "PCRE patterns (case-sensitive, UTF-8); when any is given, the checked text must match at least one, or the request is refused with 400 `Request doesn't match allow patterns`.",
        "type": "array",
        "items": {
          "type": "string",
          "maxLength": 4096
        },
        "maxItems": 100,
        "default": []
      },
      "deny_patterns": {
        "description": "PCRE patterns (case-sensitive, UTF-8); when the checked text matches any, the request is refused with 400 `Request contains prohibited content`.",
        "type": "array",
        "items": {
          "type": "string",
          "maxLength": 4096
        },
        "maxItems": 100,
        "default": []
      },
      "fail_mode": {
        "description": "Traffic the plugin cannot inspect (a body that is not JSON, no AI protocol recognised): `skip` passes it with an info log, `warn` with a warning, `error` refuses it with 400.",
        "type": "string",
        "enum": [
          "skip",
          "warn",
          "error"
        ],
        "default": "skip"
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    }
  },
  "tollgate:plugins/ai-prompt-template": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/ai-prompt-template",
    "title": "AiPromptTemplateConf",
    "description": "ai-prompt-template on a route, service, consumer or global rule: replace an AI request's body with a configured template chosen by `template_name` and filled from the request's fields.",
    "type": "object",
    "properties": {
      "max_req_body_size": {
        "description": "Largest request body, in bytes, read; a larger body is refused with 400.",
        "type": "integer",
        "minimum": 1,
        "default": 67108864
      },
      "templates": {
        "description": "The templates; a request names one with `template_name` (the first of a name wins).",
        "type": "array",
        "minItems": 1,
        "items": {
          "description": "One template.",
          "type": "object",
          "properties": {
            "name": {
              "description": "Name a request gives in `template_name`.",
              "type": "string",
              "minLength": 1
            },
            "template": {
              "description": "The request body to send, whose strings may hold `{{ field }}` and `{{ field.sub }}` tags filled from the client's body.",
              "type": "object",
              "properties": {
                "model": {
                  "description": "Model of the rendered request.",
                  "type": "string",
                  "minLength": 1
                },
                "messages": {
                  "description": "Messages of the rendered request.",
                  "type": "array",
                  "minItems": 1,
                  "items": {
                    "description": "One message.",
                    "type": "object",
                    "properties": {
                      "role": {
                        "description": "Role of the message.",
                        "type": "string",
                        "enum": [
                          "system",
                          "user",
                          "assistant"
                        ]
                      },
                      "content": {
                        "description": "Text of the message, with tags.",
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "required": [
                      "role",
                      "content"
                    ]
                  }
                }
              }
            }
          },
          "required": [
            "name",
            "template"
          ]
        }
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "templates"
    ]
  },
  "tollgate:plugins/ai-proxy": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/ai-proxy",
    "title": "AiProxyConf",
    "description": "ai-proxy: proxy the request to one LLM provider instance.",
    "type": "object",
    "properties": {
      "provider": {
        "$ref": "tollgate:common/ai-provider",
        "description": "The LLM provider."
      },
      "provider_conf": {
        "$ref": "tollgate:common/ai-provider-conf",
        "description": "Provider-specific settings (vertex-ai, bedrock)."
      },
      "logging": {
        "$ref": "tollgate:common/ai-logging",
        "description": "Access-log options."
      },
      "auth": {
        "$ref": "tollgate:common/ai-auth",
        "description": "Credentials sent to the provider."
      },
      "options": {
        "$ref": "tollgate:common/ai-options",
        "description": "Fields merged into the request body."
      },
      "override": {
        "$ref": "tollgate:common/ai-override",
        "description": "Endpoint and body overrides."
      },
      "timeout": {
        "description": "Timeout in milliseconds of each socket operation (connect, send, read).",
        "type": "integer",
        "minimum": 1,
        "maximum": 600000,
        "default": 30000
      },
      "client_protocol_errors": {
        "description": "Refusals on this route add the client protocol's error object to APISIX's body (Tollgate extension; unset means true).",
        "type": "boolean"
      },
      "max_req_body_size": {
        "description": "Largest accepted client request body in bytes; larger bodies get 413.",
        "type": "integer",
        "minimum": 1,
        "default": 67108864
      },
      "max_stream_duration_ms": {
        "description": "Longest a streamed response may last, in milliseconds (no cap when unset).",
        "type": "integer",
        "minimum": 1
      },
      "max_response_bytes": {
        "description": "Most bytes read from the provider for one response (no cap when unset).",
        "type": "integer",
        "minimum": 1
      },
      "keepalive": {
        "description": "Reuse connections to the provider.",
        "type": "boolean",
        "default": true
      },
      "keepalive_timeout": {
        "description": "Idle time in milliseconds before a pooled connection is closed.",
        "type": "integer",
        "minimum": 1000,
        "default": 60000
      },
      "keepalive_pool": {
        "description": "Maximum pooled connections per provider host.",
        "type": "integer",
        "minimum": 1,
        "default": 30
      },
      "streaming_flush_interval_ms": {
        "description": "How often streamed bytes are flushed to the client, in milliseconds (0 = every chunk).",
        "type": "integer",
        "minimum": 0,
        "default": 10
      },
      "ssl_verify": {
        "description": "Verify the provider's TLS certificate.",
        "type": "boolean",
        "default": true
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "provider",
      "auth"
    ],
    "encrypt_fields": [
      "auth.header",
      "auth.query",
      "auth.gcp.service_account_json",
      "auth.aws.secret_access_key",
      "auth.aws.session_token"
    ]
  },
  "tollgate:plugins/ai-proxy-multi": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/ai-proxy-multi",
    "title": "AiProxyMultiConf",
    "description": "ai-proxy-multi: balance requests over several LLM instances with priorities, health checks and fallback.",
    "type": "object",
    "properties": {
      "balancer": {
        "description": "How an instance is picked within a priority group. The load-aware algorithms and their settings (least_busy, least_latency, queue_aware, scrape_interval_ms ... prefix_affinity) are a Tollgate extension (docs/scheduling.md); their defaults are applied at run time, not stored.",
        "type": "object",
        "properties": {
          "algorithm": {
            "description": "Balancing algorithm: APISIX's roundrobin, chash, semantic; Tollgate's least_busy, least_latency, queue_aware.",
            "type": "string",
            "enum": [
              "chash",
              "roundrobin",
              "semantic",
              "least_busy",
              "least_latency",
              "queue_aware"
            ]
          },
          "hash_on": {
            "description": "What chash hashes on.",
            "type": "string",
            "enum": [
              "vars",
              "header",
              "cookie",
              "consumer",
              "vars_combinations"
            ],
            "default": "vars"
          },
          "key": {
            "description": "The chash key (variable, header or cookie name, or a template).",
            "type": "string"
          },
          "scrape_interval_ms": {
            "description": "How often the node's primary scrapes each instance's metrics_endpoint, in milliseconds (queue_aware; default 100).",
            "type": "integer",
            "minimum": 10,
            "maximum": 60000
          },
          "queue_threshold": {
            "description": "queue_aware keeps each instance's waiting requests (scraped, plus those sent since the scrape) at or below this: an instance that one more request would take over it is saturated and skipped (default 5).",
            "type": "number",
            "minimum": 0,
            "maximum": 100000
          },
          "kv_cache_threshold": {
            "description": "An instance whose KV-cache use (0..1) is above this is saturated and skipped (default 0.8).",
            "type": "number",
            "minimum": 0,
            "maximum": 1
          },
          "stale_after_ms": {
            "description": "Readings older than this many milliseconds are ignored; the group is then balanced by least_busy (default 500).",
            "type": "integer",
            "minimum": 1,
            "maximum": 3600000
          },
          "latency_decay_ms": {
            "description": "Time constant of least_latency's moving averages, in milliseconds (default 10000).",
            "type": "integer",
            "minimum": 100,
            "maximum": 3600000
          },
          "prefix_affinity": {
            "description": "Send prompts that share their first prefix_chars characters to the same instance while it is not saturated (KV-cache reuse).",
            "type": "object",
            "properties": {
              "prefix_chars": {
                "description": "How many leading characters of the prompt are hashed.",
                "type": "integer",
                "minimum": 1,
                "maximum": 100000
              }
            },
            "required": [
              "prefix_chars"
            ],
            "additionalProperties": false
          }
        },
        "default": {
          "algorithm": "roundrobin"
        }
      },
      "instances": {
        "description": "The LLM instances; names must be unique.",
        "type": "array",
        "minItems": 1,
        "items": {
          "title": "AiInstance",
          "type": "object",
          "properties": {
            "name": {
              "description": "Instance name, used in rate-limit counters and headers.",
              "type": "string",
              "minLength": 1,
              "maxLength": 100
            },
            "provider": {
              "$ref": "tollgate:common/ai-provider",
              "description": "The LLM provider."
            },
            "priority": {
              "description": "Higher priorities are preferred; lower ones serve only on fallback.",
              "type": "integer",
              "default": 0
            },
            "weight": {
              "description": "Weight within its priority group.",
              "type": "integer",
              "minimum": 0
            },
            "auth": {
              "$ref": "tollgate:common/ai-auth",
              "description": "Credentials sent to the provider."
            },
            "options": {
              "$ref": "tollgate:common/ai-options",
              "description": "Fields merged into the request body."
            },
            "override": {
              "$ref": "tollgate:common/ai-override",
              "description": "Endpoint and body overrides."
            },
            "provider_conf": {
              "$ref": "tollgate:common/ai-provider-conf",
              "description": "Provider-specific settings (vertex-ai, bedrock)."
            },
            "checks": {
              "description": "Health checks of the instance's endpoint.",
              "type": "object",
              "properties": {
                "active": {
                  "$ref": "tollgate:common/health-check-active",
                  "description": "Active probes."
                },
                "passive": {
                  "$ref": "tollgate:common/health-check-passive",
                  "description": "Health judged from live traffic (Tollgate extension; APISIX ignores it)."
                }
              },
              "required": [
                "active"
              ]
            },
            "examples": {
              "description": "Example prompts describing the instance (semantic algorithm).",
              "type": "array",
              "minItems": 1,
              "maxItems": 64,
              "items": {
                "type": "string",
                "minLength": 1
              }
            },
            "threshold": {
              "description": "Minimum similarity for the instance to be picked (semantic algorithm).",
              "type": "number",
              "minimum": -1,
              "maximum": 1
            }
          },
          "required": [
            "name",
            "provider",
            "auth",
            "weight"
          ]
        }
      },
      "logging": {
        "$ref": "tollgate:common/ai-logging",
        "description": "Access-log options."
      },
      "fallback_strategy": {
        "description": "When to try another instance: skip rate-limited instances, and/or retry on 429 / 5xx.",
        "anyOf": [
          {
            "type": "string",
            "enum": [
              "instance_health_and_rate_limiting",
              "http_429",
              "http_5xx"
            ]
          },
          {
            "type": "array",
            "items": {
              "type": "string",
              "enum": [
                "rate_limiting",
                "http_429",
                "http_5xx"
              ]
            }
          }
        ]
      },
      "fallback_http_statuses": {
        "description": "Extra upstream statuses (400..599) that trigger a retry on another instance.",
        "type": "array",
        "minItems": 1,
        "uniqueItems": true,
        "items": {
          "type": "integer",
          "minimum": 400,
          "maximum": 599
        }
      },
      "max_retries": {
        "description": "Most retries per request (no cap when unset).",
        "type": "integer",
        "minimum": 0
      },
      "retry_on_failure_within_ms": {
        "description": "Retry only when the failed attempt took at most this many milliseconds.",
        "type": "integer",
        "minimum": 1
      },
      "timeout": {
        "description": "Timeout in milliseconds of each socket operation (connect, send, read).",
        "type": "integer",
        "minimum": 1,
        "maximum": 600000,
        "default": 30000
      },
      "client_protocol_errors": {
        "description": "Refusals on this route add the client protocol's error object to APISIX's body (Tollgate extension; unset means true).",
        "type": "boolean"
      },
      "max_req_body_size": {
        "description": "Largest accepted client request body in bytes; larger bodies get 413.",
        "type": "integer",
        "minimum": 1,
        "default": 67108864
      },
      "max_stream_duration_ms": {
        "description": "Longest a streamed response may last, in milliseconds (no cap when unset).",
        "type": "integer",
        "minimum": 1
      },
      "max_response_bytes": {
        "description": "Most bytes read from the provider for one response (no cap when unset).",
        "type": "integer",
        "minimum": 1
      },
      "keepalive": {
        "description": "Reuse connections to the providers.",
        "type": "boolean",
        "default": true
      },
      "keepalive_timeout": {
        "description": "Idle time in milliseconds before a pooled connection is closed.",
        "type": "integer",
        "minimum": 1000,
        "default": 60000
      },
      "keepalive_pool": {
        "description": "Maximum pooled connections per provider host.",
        "type": "integer",
        "minimum": 1,
        "default": 30
      },
      "streaming_flush_interval_ms": {
        "description": "How often streamed bytes are flushed to the client, in milliseconds (0 = every chunk).",
        "type": "integer",
        "minimum": 0,
        "default": 10
      },
      "ssl_verify": {
        "description": "Verify the providers' TLS certificates.",
        "type": "boolean",
        "default": true
      },
      "semantic_opts": {
        "description": "Options of the semantic balancing algorithm (accepted, not implemented by Tollgate).",
        "type": "object"
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "instances"
    ],
    "encrypt_fields": [
      "instances.auth.header",
      "instances.auth.query",
      "instances.auth.gcp.service_account_json",
      "instances.auth.aws.secret_access_key",
      "instances.auth.aws.session_token"
    ]
  },
  "tollgate:plugins/ai-rag": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/ai-rag",
    "title": "AiRagConf",
    "description": "ai-rag: embed the request's query with Azure OpenAI, search Azure AI Search with the vector, and append the result to the messages.",
    "type": "object",
    "properties": {
      "embeddings_provider": {
        "description": "Where embeddings come from (one provider).",
        "type": "object",
        "properties": {
          "azure_openai": {
            "title": "AiRagAzureOpenai",
            "description": "Azure OpenAI embeddings deployment.",
            "type": "object",
            "properties": {
              "endpoint": {
                "description": "Embeddings URL, with the deployment path and `api-version` query.",
                "type": "string"
              },
              "api_key": {
                "description": "Sent as the `api-key` header.",
                "type": "string"
              }
            },
            "required": [
              "endpoint",
              "api_key"
            ]
          }
        },
        "required": [
          "azure_openai"
        ],
        "maxProperties": 1
      },
      "vector_search_provider": {
        "description": "Where the vector search runs (one provider).",
        "type": "object",
        "properties": {
          "azure_ai_search": {
            "title": "AiRagAzureAiSearch",
            "description": "Azure AI Search index.",
            "type": "object",
            "properties": {
              "endpoint": {
                "description": "Search URL (`.../indexes/<index>/docs/search?api-version=...`).",
                "type": "string"
              },
              "api_key": {
                "description": "Sent as the `api-key` header.",
                "type": "string"
              }
            },
            "required": [
              "endpoint",
              "api_key"
            ]
          }
        },
        "required": [
          "azure_ai_search"
        ],
        "maxProperties": 1
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "embeddings_provider",
      "vector_search_provider"
    ]
  },
  "tollgate:plugins/ai-rate-limiting": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/ai-rate-limiting",
    "title": "AiRateLimitingConf",
    "description": "ai-rate-limiting: token quotas per LLM instance (or per rule), charged after each response.",
    "type": "object",
    "properties": {
      "limit": {
        "description": "Tokens allowed per time_window for each instance not listed in instances; an integer or a variable template.",
        "oneOf": [
          {
            "type": "integer",
            "exclusiveMinimum": 0
          },
          {
            "type": "string"
          }
        ]
      },
      "time_window": {
        "description": "Window length in seconds for limit; an integer or a variable template.",
        "oneOf": [
          {
            "type": "integer",
            "exclusiveMinimum": 0
          },
          {
            "type": "string"
          }
        ]
      },
      "reserve_tokens": {
        "description": "Tollgate extension: reserve each request's estimated tokens at admission (prompt tokens counted from the body plus max_tokens, or reserve_completion_tokens), so requests in flight count against the quota and concurrent requests cannot overshoot it; the estimate is replaced by the usage when it is known, and released when the request is refused or fails (off by default here, for APISIX's check-then-charge).",
        "type": "boolean",
        "default": false
      },
      "reserve_completion_tokens": {
        "description": "Completion tokens reserved for a request that sets no max_tokens (with reserve_tokens).",
        "type": "integer",
        "minimum": 0,
        "default": 256
      },
      "show_limit_quota_header": {
        "description": "Send the X-AI-RateLimit-* headers.",
        "type": "boolean",
        "default": true
      },
      "limit_strategy": {
        "description": "Which token count is charged, or `expression` to charge cost_expr.",
        "type": "string",
        "enum": [
          "total_tokens",
          "prompt_tokens",
          "completion_tokens",
          "expression"
        ],
        "default": "total_tokens"
      },
      "cost_expr": {
        "description": "Arithmetic over the provider's raw usage fields (missing ones are 0); required when limit_strategy is expression.",
        "type": "string",
        "minLength": 1
      },
      "instances": {
        "description": "Per-instance quotas.",
        "type": "array",
        "minItems": 1,
        "items": {
          "title": "AiRateLimitingInstance",
          "type": "object",
          "properties": {
            "name": {
              "description": "Instance name, as in ai-proxy-multi (or ai-proxy-<provider>).",
              "type": "string"
            },
            "limit": {
              "description": "Tokens allowed per time_window; an integer or a variable template.",
              "oneOf": [
                {
                  "type": "integer",
                  "minimum": 1
                },
                {
                  "type": "string"
                }
              ]
            },
            "time_window": {
              "description": "Window length in seconds; an integer or a variable template.",
              "oneOf": [
                {
                  "type": "integer",
                  "minimum": 1
                },
                {
                  "type": "string"
                }
              ]
            }
          },
          "required": [
            "name",
            "limit",
            "time_window"
          ]
        }
      },
      "rejected_code": {
        "description": "Status of a refused request.",
        "type": "integer",
        "minimum": 200,
        "maximum": 599,
        "default": 503
      },
      "rejected_msg": {
        "description": "Body message of a refused request, sent as {\"error_msg\": ...}.",
        "type": "string",
        "minLength": 1
      },
      "policy": {
        "description": "Where counters live.",
        "type": "string",
        "enum": [
          "local",
          "redis",
          "redis-cluster",
          "redis-sentinel"
        ],
        "default": "local"
      },
      "allow_degradation": {
        "description": "Let requests through when the counter store fails.",
        "type": "boolean",
        "default": false
      },
      "rules": {
        "description": "Quotas keyed by request variables instead of instance names.",
        "type": "array",
        "items": {
          "title": "AiRateLimitingRule",
          "type": "object",
          "properties": {
            "count": {
              "description": "Tokens allowed per time_window; an integer or a variable template.",
              "oneOf": [
                {
                  "type": "integer",
                  "exclusiveMinimum": 0
                },
                {
                  "type": "string"
                }
              ]
            },
            "time_window": {
              "description": "Window length in seconds; an integer or a variable template.",
              "oneOf": [
                {
                  "type": "integer",
                  "exclusiveMinimum": 0
                },
                {
                  "type": "string"
                }
              ]
            },
            "key": {
              "description": "Counter key template; the rule applies when it resolves.",
              "type": "string"
            },
            "header_prefix": {
              "description": "Prefix of this rule's rate-limit headers.",
              "type": "string"
            }
          },
          "required": [
            "count",
            "time_window",
            "key"
          ]
        }
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "dependencies": {
      "limit": [
        "time_window"
      ],
      "time_window": [
        "limit"
      ]
    },
    "oneOf": [
      {
        "anyOf": [
          {
            "required": [
              "limit",
              "time_window"
            ]
          },
          {
            "required": [
              "instances"
            ]
          }
        ]
      },
      {
        "required": [
          "rules"
        ]
      }
    ],
    "if": {
      "properties": {
        "policy": {
          "enum": [
            "redis"
          ]
        }
      },
      "required": [
        "policy"
      ]
    },
    "then": {
      "$ref": "tollgate:common/redis"
    },
    "else": {
      "if": {
        "properties": {
          "policy": {
            "enum": [
              "redis-cluster"
            ]
          }
        },
        "required": [
          "policy"
        ]
      },
      "then": {
        "$ref": "tollgate:common/redis-cluster"
      },
      "else": {
        "if": {
          "properties": {
            "policy": {
              "enum": [
                "redis-sentinel"
              ]
            }
          },
          "required": [
            "policy"
          ]
        },
        "then": {
          "$ref": "tollgate:common/redis-sentinel"
        }
      }
    },
    "encrypt_fields": [
      "redis_password",
      "sentinel_password"
    ]
  },
  "tollgate:plugins/ai-request-rewrite": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/ai-request-rewrite",
    "title": "AiRequestRewriteConf",
    "description": "ai-request-rewrite: send the client body to an LLM with a prompt and forward the LLM's answer as the new request body.",
    "type": "object",
    "properties": {
      "prompt": {
        "description": "The system prompt sent to the LLM with the client body as the user message.",
        "type": "string"
      },
      "provider": {
        "$ref": "tollgate:common/ai-provider",
        "description": "The LLM provider."
      },
      "auth": {
        "description": "Credentials sent to the LLM provider.",
        "type": "object",
        "properties": {
          "header": {
            "description": "Request headers added to the LLM request.",
            "type": "object",
            "patternProperties": {
              "^[a-zA-Z0-9._-]+$": {
                "description": "Header value.",
                "type": "string"
              }
            }
          },
          "query": {
            "description": "Query parameters added to the LLM request.",
            "type": "object",
            "patternProperties": {
              "^[a-zA-Z0-9._-]+$": {
                "description": "Parameter value.",
                "type": "string"
              }
            }
          }
        },
        "additionalProperties": false
      },
      "options": {
        "description": "Fields merged into the LLM request body (`model` and any other key).",
        "type": "object",
        "properties": {
          "model": {
            "description": "Model to use.",
            "type": "string"
          }
        },
        "additionalProperties": true
      },
      "timeout": {
        "description": "Total time in milliseconds allowed for the LLM call (connect, send and read).",
        "type": "integer",
        "minimum": 1,
        "maximum": 60000,
        "default": 30000
      },
      "keepalive": {
        "description": "Reuse connections to the LLM.",
        "type": "boolean",
        "default": true
      },
      "keepalive_pool": {
        "description": "Maximum pooled connections to the LLM.",
        "type": "integer",
        "minimum": 1,
        "default": 30
      },
      "ssl_verify": {
        "description": "Verify the LLM's TLS certificate.",
        "type": "boolean",
        "default": true
      },
      "override": {
        "description": "Endpoint override.",
        "type": "object",
        "properties": {
          "endpoint": {
            "description": "LLM endpoint URL, replacing the provider's; required for openai-compatible.",
            "type": "string"
          }
        }
      },
      "max_req_body_size": {
        "description": "Largest client body in bytes sent to the LLM; a larger one gets 400.",
        "type": "integer",
        "minimum": 1,
        "default": 67108864
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "prompt",
      "provider",
      "auth"
    ]
  },
  "tollgate:plugins/ai-runaway-guard": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/ai-runaway-guard",
    "title": "AiRunawayGuardConf",
    "description": "ai-runaway-guard (a Tollgate extension, not an APISIX plugin) on a route, service, plugin config or consumer of an ai-proxy route: ends an LLM answer that loops (an n-gram repeated too often), grows past a token count, or streams past a duration; the tokens already produced are charged.",
    "type": "object",
    "properties": {
      "repetition": {
        "description": "The loop detector: the same n-gram of word-ish tokens seen more than `max_repeats` times among the last `window_tokens` n-grams ends the answer.",
        "type": "object",
        "properties": {
          "enabled": {
            "description": "Run the loop detector.",
            "type": "boolean",
            "default": true
          },
          "ngram_tokens": {
            "description": "Tokens per n-gram: words, runs of punctuation, or single CJK characters.",
            "type": "integer",
            "minimum": 2,
            "maximum": 64,
            "default": 8
          },
          "window_tokens": {
            "description": "How many of the latest n-grams are counted (a sliding window over the answer); must be greater than `max_repeats`. A loop whose period is longer than `window_tokens / max_repeats` tokens is not seen.",
            "type": "integer",
            "minimum": 16,
            "maximum": 16384,
            "default": 1000
          },
          "max_repeats": {
            "description": "How many times one n-gram may occur in the window; one more ends the answer.",
            "type": "integer",
            "minimum": 2,
            "maximum": 1000,
            "default": 10
          }
        },
        "additionalProperties": false,
        "default": {}
      },
      "max_output_tokens": {
        "description": "Most completion tokens an answer may have: the answer's text at about 4 characters a token (as usage is estimated), or the upstream's completion tokens when it reports more. Unset: no limit.",
        "type": "integer",
        "minimum": 1,
        "maximum": 10000000
      },
      "max_duration_ms": {
        "description": "Streams only: most milliseconds from the access phase (time to first token included) to the end of the stream. Unset: no limit.",
        "type": "integer",
        "minimum": 100,
        "maximum": 86400000
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "additionalProperties": false
  },
  "tollgate:plugins/basic-auth": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/basic-auth",
    "title": "BasicAuthConf",
    "description": "basic-auth on a route or service: HTTP Basic authentication of consumers.",
    "type": "object",
    "properties": {
      "hide_credentials": {
        "description": "Remove the Authorization header from the request before it is proxied.",
        "type": "boolean",
        "default": false
      },
      "anonymous_consumer": {
        "description": "Consumer used when authentication fails, instead of answering 401.",
        "type": "string",
        "minLength": 1
      },
      "realm": {
        "description": "Realm sent in the WWW-Authenticate header of a 401 for a request without Authorization.",
        "type": "string",
        "default": "basic",
        "minLength": 1,
        "maxLength": 128,
        "pattern": "^[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]+$"
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    }
  },
  "tollgate:plugins/basic-auth.consumer": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/basic-auth.consumer",
    "title": "BasicAuthConsumerConf",
    "description": "basic-auth on a consumer or credential: the user name and password it signs in with.",
    "type": "object",
    "properties": {
      "username": {
        "description": "The Basic user name; unique across consumers.",
        "type": "string"
      },
      "password": {
        "description": "The Basic password.",
        "type": "string"
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "username",
      "password"
    ],
    "encrypt_fields": [
      "password"
    ]
  },
  "tollgate:plugins/client-control": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/client-control",
    "title": "ClientControlConf",
    "description": "client-control on a route or service: limits on what a client may send (nginx's client_max_body_size, per route).",
    "type": "object",
    "properties": {
      "max_body_size": {
        "description": "Largest request body in bytes; a larger one is answered 413. 0 means no limit.",
        "type": "integer",
        "minimum": 0
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    }
  },
  "tollgate:plugins/consumer-restriction": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/consumer-restriction",
    "title": "ConsumerRestrictionConf",
    "description": "consumer-restriction on a route, service or consumer: allow or refuse requests by consumer name, consumer group, route or service, and a consumer's methods.",
    "type": "object",
    "properties": {
      "type": {
        "description": "What the lists name: the authenticated consumer, its consumer group, or the matched route or service.",
        "type": "string",
        "enum": [
          "consumer_name",
          "consumer_group_id",
          "service_id",
          "route_id"
        ],
        "default": "consumer_name"
      },
      "blacklist": {
        "description": "Values refused; checked first.",
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "string"
        }
      },
      "whitelist": {
        "description": "Values allowed; every other value is refused.",
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "string"
        }
      },
      "allowed_by_methods": {
        "description": "Per consumer (`user`, matched against the value of `type`), the HTTP methods it may use; values not listed may use any. Not applied to whitelisted values.",
        "type": "array",
        "items": {
          "type": "object",
          "properties": {
            "user": {
              "description": "The consumer (value of `type`) the entry is for.",
              "type": "string"
            },
            "methods": {
              "description": "Methods allowed to that consumer.",
              "type": "array",
              "minItems": 1,
              "items": {
                "$ref": "tollgate:common/http-method"
              }
            }
          }
        }
      },
      "rejected_code": {
        "description": "Status of a refusal (not of the 401 for a request without the value).",
        "type": "integer",
        "minimum": 200,
        "default": 403
      },
      "rejected_msg": {
        "description": "Message of a refusal; default `The <type> is forbidden.`.",
        "type": "string"
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "anyOf": [
      {
        "required": [
          "blacklist"
        ]
      },
      {
        "required": [
          "whitelist"
        ]
      },
      {
        "required": [
          "allowed_by_methods"
        ]
      }
    ]
  },
  "tollgate:plugins/cors": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/cors",
    "title": "CorsConf",
    "description": "cors on a route or service: which origins may read the response, and the CORS headers sent to them.",
    "type": "object",
    "properties": {
      "allow_origins": {
        "description": "Origins allowed, `scheme://host:port` separated by `,`; `*` for any origin (not with `allow_credential`), `**` for any origin even with credentials (echoes the request's Origin), `null` for the `null` origin.",
        "type": "string",
        "pattern": "^(\\*|\\*\\*|null|\\w+://[^,]+(,\\w+://[^,]+)*)$",
        "default": "*"
      },
      "allow_methods": {
        "description": "Access-Control-Allow-Methods, `,` separated; `*` for any (not with `allow_credential`), `**` for every method even with credentials.",
        "type": "string",
        "default": "*"
      },
      "allow_headers": {
        "description": "Access-Control-Allow-Headers, `,` separated; `*` for any (not with `allow_credential`), `**` to echo the request's Access-Control-Request-Headers.",
        "type": "string",
        "default": "*"
      },
      "expose_headers": {
        "description": "Access-Control-Expose-Headers, `,` separated; `*` for any (not with `allow_credential`). Not sent when unset or empty.",
        "type": "string"
      },
      "max_age": {
        "description": "Access-Control-Max-Age: seconds a browser may cache the preflight result; -1 disables caching.",
        "type": "integer",
        "default": 5
      },
      "allow_credential": {
        "description": "Send Access-Control-Allow-Credentials: true. When true, no other option may be `*`.",
        "type": "boolean",
        "default": false
      },
      "allow_origins_by_regex": {
        "description": "Regular expressions an allowed Origin matches (searched, not anchored). When set, they replace `allow_origins`.",
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1,
          "maxLength": 4096
        },
        "minItems": 1,
        "uniqueItems": true
      },
      "allow_origins_by_metadata": {
        "description": "Keys of the `allow_origins` map in the plugin metadata of `cors`; an Origin allowed by any of them is allowed.",
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1,
          "maxLength": 4096
        },
        "minItems": 1,
        "uniqueItems": true
      },
      "timing_allow_origins": {
        "description": "Origins sent Timing-Allow-Origin, in the format of `allow_origins`.",
        "type": "string",
        "pattern": "^(\\*|\\*\\*|null|\\w+://[^,]+(,\\w+://[^,]+)*)$"
      },
      "timing_allow_origins_by_regex": {
        "description": "Regular expressions an Origin matches to be sent Timing-Allow-Origin. When set, they replace `timing_allow_origins`.",
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1,
          "maxLength": 4096
        },
        "minItems": 1,
        "uniqueItems": true
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    }
  },
  "tollgate:plugins/cors.metadata": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/cors.metadata",
    "title": "CorsMetadataConf",
    "description": "cors plugin metadata: named origin lists that routes reference with `allow_origins_by_metadata`.",
    "type": "object",
    "properties": {
      "allow_origins": {
        "description": "Name → origins, each value in the format of the plugin's `allow_origins`.",
        "type": "object",
        "additionalProperties": {
          "type": "string",
          "pattern": "^(\\*|\\*\\*|null|\\w+://[^,]+(,\\w+://[^,]+)*)$"
        }
      }
    }
  },
  "tollgate:plugins/elasticsearch-logger": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/elasticsearch-logger",
    "title": "ElasticsearchLoggerConf",
    "description": "APISIX's elasticsearch-logger: each request's log entry, batched, indexed in Elasticsearch through the `_bulk` API (`create` actions, NDJSON).",
    "type": "object",
    "allOf": [
      {
        "$ref": "tollgate:common/logger-batch"
      },
      {
        "$ref": "tollgate:common/logger-body"
      }
    ],
    "properties": {
      "endpoint_addr": {
        "description": "Deprecated: one Elasticsearch address; use `endpoint_addrs`.",
        "type": "string",
        "pattern": "[^/]$"
      },
      "endpoint_addrs": {
        "description": "Elasticsearch addresses (no trailing `/`); each batch goes to one picked at random.",
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "string",
          "pattern": "[^/]$"
        }
      },
      "field": {
        "description": "Where the entries are indexed.",
        "type": "object",
        "properties": {
          "index": {
            "description": "The `_index` of every entry.",
            "type": "string"
          },
          "type": {
            "description": "The `_type` of every entry (Elasticsearch 7 and 8 only; dropped for 9).",
            "type": "string"
          }
        },
        "required": [
          "index"
        ]
      },
      "auth": {
        "description": "Basic authentication to Elasticsearch.",
        "type": "object",
        "properties": {
          "username": {
            "description": "User name.",
            "type": "string",
            "minLength": 1
          },
          "password": {
            "description": "Password.",
            "type": "string",
            "minLength": 1
          }
        },
        "required": [
          "username",
          "password"
        ]
      },
      "headers": {
        "description": "Extra headers of every request to Elasticsearch.",
        "type": "object",
        "additionalProperties": {
          "type": "string"
        }
      },
      "timeout": {
        "description": "Seconds one request to Elasticsearch may take.",
        "type": "integer",
        "minimum": 1,
        "default": 10
      },
      "ssl_verify": {
        "description": "Verify Elasticsearch's TLS certificate for an `https` address.",
        "type": "boolean",
        "default": true
      },
      "name": {
        "description": "Name of the batch processor, in its log lines.",
        "type": "string",
        "default": "elasticsearch-logger"
      }
    },
    "oneOf": [
      {
        "required": [
          "endpoint_addr",
          "field"
        ]
      },
      {
        "required": [
          "endpoint_addrs",
          "field"
        ]
      }
    ],
    "encrypt_fields": [
      "auth.password"
    ]
  },
  "tollgate:plugins/elasticsearch-logger.metadata": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/elasticsearch-logger.metadata",
    "title": "ElasticsearchLoggerMetadataConf",
    "description": "elasticsearch-logger plugin metadata: the log format of routes without their own, and the backlog cap.",
    "type": "object",
    "allOf": [
      {
        "$ref": "tollgate:common/logger-metadata"
      }
    ]
  },
  "tollgate:plugins/fault-injection": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/fault-injection",
    "title": "FaultInjectionConf",
    "description": "fault-injection on a route or service: delay requests and/or answer them with a given status instead of proxying, for resilience tests.",
    "type": "object",
    "properties": {
      "abort": {
        "description": "Answer the request with `http_status` (and `body`, `headers`) instead of proxying it.",
        "type": "object",
        "properties": {
          "http_status": {
            "description": "Status of the answer.",
            "type": "integer",
            "minimum": 200
          },
          "body": {
            "description": "Body of the answer; `$var` is replaced by request variables.",
            "type": "string",
            "minLength": 0
          },
          "headers": {
            "description": "Headers of the abort response; values may use `$var`.",
            "type": "object",
            "minProperties": 1,
            "patternProperties": {
              "^[^:]+$": {
                "oneOf": [
                  {
                    "type": "string"
                  },
                  {
                    "type": "number"
                  }
                ]
              }
            }
          },
          "percentage": {
            "description": "Percentage of requests aborted (all when unset).",
            "type": "integer",
            "minimum": 0,
            "maximum": 100
          },
          "vars": {
            "description": "Inject only into requests matching these rules (lua-resty-expr syntax).",
            "type": "array",
            "items": {
              "type": "array",
              "minItems": 0,
              "maxItems": 10,
              "description": "A rule: [variable, operator, value...] or a logical group (lua-resty-expr).",
              "items": {
                "anyOf": [
                  {
                    "type": "string"
                  },
                  {
                    "type": "number"
                  },
                  {
                    "type": "boolean"
                  },
                  {
                    "type": "array",
                    "items": {
                      "anyOf": [
                        {
                          "type": "string",
                          "minLength": 1,
                          "maxLength": 100
                        },
                        {
                          "type": "number"
                        },
                        {
                          "type": "boolean"
                        }
                      ]
                    },
                    "uniqueItems": true
                  }
                ]
              }
            }
          }
        },
        "required": [
          "http_status"
        ]
      },
      "delay": {
        "description": "Hold the request for `duration` seconds before it goes on.",
        "type": "object",
        "properties": {
          "duration": {
            "description": "Delay in seconds (decimals allowed).",
            "type": "number",
            "minimum": 0
          },
          "percentage": {
            "description": "Percentage of requests delayed (all when unset).",
            "type": "integer",
            "minimum": 0,
            "maximum": 100
          },
          "vars": {
            "description": "Inject only into requests matching these rules (lua-resty-expr syntax).",
            "type": "array",
            "items": {
              "type": "array",
              "minItems": 0,
              "maxItems": 10,
              "description": "A rule: [variable, operator, value...] or a logical group (lua-resty-expr).",
              "items": {
                "anyOf": [
                  {
                    "type": "string"
                  },
                  {
                    "type": "number"
                  },
                  {
                    "type": "boolean"
                  },
                  {
                    "type": "array",
                    "items": {
                      "anyOf": [
                        {
                          "type": "string",
                          "minLength": 1,
                          "maxLength": 100
                        },
                        {
                          "type": "number"
                        },
                        {
                          "type": "boolean"
                        }
                      ]
                    },
                    "uniqueItems": true
                  }
                ]
              }
            }
          }
        },
        "required": [
          "duration"
        ]
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "minProperties": 1
  },
  "tollgate:plugins/file-logger": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/file-logger",
    "title": "FileLoggerConf",
    "description": "APISIX's file-logger: each request's log entry appended to a file as one JSON line.",
    "type": "object",
    "properties": {
      "path": {
        "description": "The log file (relative to the gateway's working directory unless absolute).",
        "type": "string"
      },
      "log_format": {
        "description": "Custom entry: key → `$variable`, literal, or nested object (five levels). Replaces the default entry; wins over the plugin metadata's `log_format`.",
        "type": "object"
      },
      "include_req_body": {
        "description": "Put the request body in the entry (`request.body`).",
        "type": "boolean",
        "default": false
      },
      "include_req_body_expr": {
        "description": "lua-resty-expr conditions: the request body is logged only when they match.",
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "array"
        }
      },
      "include_resp_body": {
        "description": "Put the response body in the entry (`response.body`).",
        "type": "boolean",
        "default": false
      },
      "include_resp_body_expr": {
        "description": "lua-resty-expr conditions: the response body is logged only when they match.",
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "array"
        }
      },
      "match": {
        "description": "lua-resty-expr conditions: a request is logged only when they match.",
        "type": "array",
        "maxItems": 20,
        "items": {
          "type": "array"
        }
      }
    },
    "required": [
      "path"
    ]
  },
  "tollgate:plugins/file-logger.metadata": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/file-logger.metadata",
    "title": "FileLoggerMetadataConf",
    "description": "file-logger plugin metadata: the log format of every route without its own.",
    "type": "object",
    "properties": {
      "log_format": {
        "description": "Custom entry for every route of file-logger that has no `log_format` of its own.",
        "type": "object",
        "default": {
          "host": "$host",
          "@timestamp": "$time_iso8601",
          "client_ip": "$remote_addr"
        }
      }
    }
  },
  "tollgate:plugins/forward-auth": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/forward-auth",
    "title": "ForwardAuthConf",
    "description": "forward-auth on a route or service: ask an external authorization service about each request before proxying it.",
    "type": "object",
    "properties": {
      "uri": {
        "description": "URI of the authorization service.",
        "type": "string"
      },
      "allow_degradation": {
        "description": "Let the request through when the authorization service cannot be reached.",
        "type": "boolean",
        "default": false
      },
      "status_on_error": {
        "description": "Status answered when the authorization service cannot be reached (and allow_degradation is false).",
        "type": "integer",
        "minimum": 200,
        "maximum": 599,
        "default": 403
      },
      "ssl_verify": {
        "description": "Verify the authorization service's TLS certificate.",
        "type": "boolean",
        "default": true
      },
      "request_method": {
        "description": "Method of the request to the authorization service; POST forwards the client's body.",
        "type": "string",
        "default": "GET",
        "enum": [
          "GET",
          "POST"
        ]
      },
      "request_headers": {
        "description": "Client request headers sent to the authorization service.",
        "type": "array",
        "default": [],
        "items": {
          "type": "string"
        }
      },
      "extra_headers": {
        "description": "Extra headers sent to the authorization service; values may contain variables such as $remote_addr.",
        "type": "object",
        "minProperties": 1,
        "patternProperties": {
          "^[^:]+$": {
            "type": "string"
          }
        }
      },
      "upstream_headers": {
        "description": "Authorization service response headers set on the upstream request when it allows the request.",
        "type": "array",
        "default": [],
        "items": {
          "type": "string"
        }
      },
      "client_headers": {
        "description": "Authorization service response headers sent to the client when it refuses the request.",
        "type": "array",
        "default": [],
        "items": {
          "type": "string"
        }
      },
      "timeout": {
        "description": "Timeout of the call to the authorization service, in milliseconds.",
        "type": "integer",
        "minimum": 1,
        "maximum": 60000,
        "default": 3000
      },
      "keepalive": {
        "description": "Keep connections to the authorization service open for reuse.",
        "type": "boolean",
        "default": true
      },
      "keepalive_timeout": {
        "description": "How long an idle connection is kept, in milliseconds.",
        "type": "integer",
        "minimum": 1000,
        "default": 60000
      },
      "keepalive_pool": {
        "description": "Most idle connections kept per authorization service.",
        "type": "integer",
        "minimum": 1,
        "default": 5
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "uri"
    ]
  },
  "tollgate:plugins/hmac-auth": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/hmac-auth",
    "title": "HmacAuthConf",
    "description": "hmac-auth on a route or service: which HMAC signatures (draft-cavage-http-signatures) are accepted.",
    "type": "object",
    "properties": {
      "allowed_algorithms": {
        "description": "HMAC algorithms a request may sign with.",
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "string",
          "enum": [
            "hmac-sha1",
            "hmac-sha256",
            "hmac-sha512"
          ]
        },
        "default": [
          "hmac-sha1",
          "hmac-sha256",
          "hmac-sha512"
        ]
      },
      "clock_skew": {
        "description": "Largest difference in seconds allowed between the Date (or X-Date) header and the gateway's clock.",
        "type": "integer",
        "minimum": 1,
        "default": 300
      },
      "signed_headers": {
        "description": "Headers every request must include in its signature.",
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1,
          "maxLength": 50
        }
      },
      "validate_request_body": {
        "description": "Check the body against the Digest header (SHA-256=<base64>).",
        "type": "boolean",
        "default": false
      },
      "hide_credentials": {
        "description": "Remove the Authorization header from the request before it is proxied.",
        "type": "boolean",
        "default": false
      },
      "anonymous_consumer": {
        "description": "Consumer used when authentication fails, instead of answering 401.",
        "type": "string",
        "minLength": 1
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    }
  },
  "tollgate:plugins/hmac-auth.consumer": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/hmac-auth.consumer",
    "title": "HmacAuthConsumerConf",
    "description": "hmac-auth on a consumer or credential: the key id requests name and the secret they sign with.",
    "type": "object",
    "properties": {
      "key_id": {
        "description": "The keyId of the Authorization header that identifies this consumer.",
        "type": "string",
        "minLength": 1,
        "maxLength": 256
      },
      "secret_key": {
        "description": "The HMAC secret.",
        "type": "string",
        "minLength": 1,
        "maxLength": 256
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "key_id",
      "secret_key"
    ],
    "encrypt_fields": [
      "secret_key"
    ]
  },
  "tollgate:plugins/http-logger": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/http-logger",
    "title": "HttpLoggerConf",
    "description": "APISIX's http-logger: each request's log entry, batched, POSTed to an HTTP(S) server as JSON.",
    "type": "object",
    "allOf": [
      {
        "$ref": "tollgate:common/logger-batch"
      },
      {
        "$ref": "tollgate:common/logger-body"
      }
    ],
    "properties": {
      "uri": {
        "description": "URI of the HTTP(S) server that receives the batches.",
        "type": "string",
        "pattern": "^[^\\/]+:\\/\\/([\\da-zA-Z.-]+|\\[[\\da-fA-F:]+\\])(:\\d+)?"
      },
      "auth_header": {
        "description": "Sent as the `Authorization` header of each batch, when set.",
        "type": "string"
      },
      "timeout": {
        "description": "Seconds one send of a batch may take (connecting included).",
        "type": "integer",
        "minimum": 1,
        "default": 3
      },
      "name": {
        "description": "Name of the batch processor, in its log lines.",
        "type": "string",
        "default": "http logger"
      },
      "concat_method": {
        "description": "`json`: a batch is one JSON array; `new_line`: one JSON object per line.",
        "type": "string",
        "enum": [
          "json",
          "new_line"
        ],
        "default": "json"
      },
      "ssl_verify": {
        "description": "Verify the server's TLS certificate for an `https` uri.",
        "type": "boolean",
        "default": false
      }
    },
    "required": [
      "uri"
    ],
    "encrypt_fields": [
      "auth_header"
    ]
  },
  "tollgate:plugins/http-logger.metadata": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/http-logger.metadata",
    "title": "HttpLoggerMetadataConf",
    "description": "http-logger plugin metadata: the log format of routes without their own, and the backlog cap.",
    "type": "object",
    "allOf": [
      {
        "$ref": "tollgate:common/logger-metadata"
      }
    ]
  },
  "tollgate:plugins/ip-restriction": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/ip-restriction",
    "title": "IpRestrictionConf",
    "description": "ip-restriction on a route or service: allow only, or refuse, client addresses in a list of IPs and CIDR ranges.",
    "type": "object",
    "properties": {
      "message": {
        "description": "Message of the refusal body `{\"message\": ...}`.",
        "type": "string",
        "minLength": 1,
        "maxLength": 1024,
        "default": "Your IP address is not allowed"
      },
      "response_code": {
        "description": "Status of the refusal.",
        "type": "integer",
        "minimum": 403,
        "maximum": 404,
        "default": 403
      },
      "whitelist": {
        "description": "IPv4/IPv6 addresses and CIDR ranges allowed; every other client is refused.",
        "type": "array",
        "items": {
          "$ref": "tollgate:common/remote-addr"
        },
        "minItems": 1
      },
      "blacklist": {
        "description": "IPv4/IPv6 addresses and CIDR ranges refused; every other client is allowed.",
        "type": "array",
        "items": {
          "$ref": "tollgate:common/remote-addr"
        },
        "minItems": 1
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "oneOf": [
      {
        "required": [
          "whitelist"
        ]
      },
      {
        "required": [
          "blacklist"
        ]
      }
    ]
  },
  "tollgate:plugins/jwt-auth": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/jwt-auth",
    "title": "JwtAuthConf",
    "description": "jwt-auth on a route or service: where to read the JSON Web Token and which claims to check.",
    "type": "object",
    "properties": {
      "header": {
        "description": "Request header that carries the token (a `Bearer ` prefix is removed).",
        "type": "string",
        "default": "authorization"
      },
      "query": {
        "description": "Query parameter that carries the token (read when the header is absent).",
        "type": "string",
        "default": "jwt"
      },
      "cookie": {
        "description": "Cookie that carries the token (read when the header and query parameter are absent).",
        "type": "string",
        "default": "jwt"
      },
      "hide_credentials": {
        "description": "Remove the token from where it was found before the request is proxied.",
        "type": "boolean",
        "default": false
      },
      "key_claim_name": {
        "description": "Payload claim that holds the consumer's key.",
        "type": "string",
        "default": "key",
        "minLength": 1
      },
      "store_in_ctx": {
        "description": "Keep the verified payload in the request context for later plugins.",
        "type": "boolean",
        "default": false
      },
      "realm": {
        "description": "Realm sent in the WWW-Authenticate header of a 401.",
        "type": "string",
        "default": "jwt",
        "minLength": 1,
        "maxLength": 128,
        "pattern": "^[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]+$"
      },
      "anonymous_consumer": {
        "description": "Consumer used when authentication fails, instead of answering 401.",
        "type": "string",
        "minLength": 1
      },
      "claims_to_verify": {
        "description": "Registered claims checked when present in the payload.",
        "type": "array",
        "items": {
          "type": "string",
          "enum": [
            "exp",
            "nbf"
          ]
        },
        "uniqueItems": true,
        "default": [
          "exp",
          "nbf"
        ]
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    }
  },
  "tollgate:plugins/jwt-auth.consumer": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/jwt-auth.consumer",
    "title": "JwtAuthConsumerConf",
    "description": "jwt-auth on a consumer or credential: the key its tokens name and how they are signed.",
    "type": "object",
    "properties": {
      "key": {
        "description": "Value of the token's key claim that identifies this consumer.",
        "type": "string",
        "minLength": 1
      },
      "secret": {
        "description": "Shared secret of the HS256/HS384/HS512 algorithms.",
        "type": "string",
        "minLength": 1
      },
      "public_key": {
        "description": "PEM public key of the RS*, ES*, PS* and EdDSA algorithms.",
        "type": "string"
      },
      "algorithm": {
        "description": "Signing algorithm of this consumer's tokens.",
        "type": "string",
        "enum": [
          "HS256",
          "HS384",
          "HS512",
          "RS256",
          "RS384",
          "RS512",
          "ES256",
          "ES384",
          "ES512",
          "PS256",
          "PS384",
          "PS512",
          "EdDSA"
        ],
        "default": "HS256"
      },
      "exp": {
        "description": "Token lifetime in seconds (used by APISIX's token signing helpers).",
        "type": "integer",
        "minimum": 1,
        "default": 86400
      },
      "base64_secret": {
        "description": "The secret is base64-encoded.",
        "type": "boolean",
        "default": false
      },
      "lifetime_grace_period": {
        "description": "Clock skew in seconds allowed when checking exp and nbf.",
        "type": "integer",
        "minimum": 0,
        "default": 0
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "dependencies": {
      "algorithm": {
        "oneOf": [
          {
            "properties": {
              "algorithm": {
                "description": "HMAC algorithms.",
                "enum": [
                  "HS256",
                  "HS384",
                  "HS512"
                ]
              }
            }
          },
          {
            "properties": {
              "public_key": {
                "description": "PEM public key.",
                "type": "string"
              },
              "algorithm": {
                "description": "Public-key algorithms.",
                "enum": [
                  "RS256",
                  "RS384",
                  "RS512",
                  "ES256",
                  "ES384",
                  "ES512",
                  "PS256",
                  "PS384",
                  "PS512",
                  "EdDSA"
                ]
              }
            },
            "required": [
              "public_key"
            ]
          }
        ]
      }
    },
    "required": [
      "key"
    ],
    "encrypt_fields": [
      "secret"
    ]
  },
  "tollgate:plugins/key-auth": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/key-auth",
    "title": "KeyAuthConf",
    "description": "key-auth on a route or service: where to read the API key and what to do with it.",
    "type": "object",
    "properties": {
      "header": {
        "description": "Request header that carries the key.",
        "type": "string",
        "default": "apikey"
      },
      "query": {
        "description": "Query parameter that carries the key (read when the header is absent).",
        "type": "string",
        "default": "apikey"
      },
      "sdk_key_headers": {
        "description": "Also read the key from `Authorization: Bearer` and `x-api-key` (Tollgate extension; unset means false).",
        "type": "boolean"
      },
      "hide_credentials": {
        "description": "Remove the key from the request before it is proxied.",
        "type": "boolean",
        "default": false
      },
      "anonymous_consumer": {
        "description": "Consumer used when authentication fails, instead of answering 401.",
        "type": "string",
        "minLength": 1
      },
      "realm": {
        "description": "Realm sent in the WWW-Authenticate header of a 401.",
        "type": "string",
        "default": "key",
        "minLength": 1,
        "maxLength": 128,
        "pattern": "^[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]+$"
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    }
  },
  "tollgate:plugins/key-auth.consumer": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/key-auth.consumer",
    "title": "KeyAuthConsumerConf",
    "description": "key-auth on a consumer or credential: the consumer's API key.",
    "type": "object",
    "properties": {
      "key": {
        "description": "The API key; unique across consumers.",
        "type": "string"
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "key"
    ],
    "encrypt_fields": [
      "key"
    ]
  },
  "tollgate:plugins/limit-conn": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/limit-conn",
    "title": "LimitConnConf",
    "description": "limit-conn: at most `conn` concurrent requests per key; up to `burst` more are delayed, the rest refused.",
    "type": "object",
    "properties": {
      "conn": {
        "description": "Concurrent requests allowed.",
        "type": "integer",
        "exclusiveMinimum": 0
      },
      "burst": {
        "description": "Concurrent requests beyond conn that are delayed instead of refused.",
        "type": "integer",
        "minimum": 0
      },
      "default_conn_delay": {
        "description": "Seconds a typical request takes: the unit of the delay of requests beyond conn.",
        "type": "number",
        "exclusiveMinimum": 0
      },
      "only_use_default_delay": {
        "description": "Always delay by default_conn_delay units instead of adapting the unit to measured request latency.",
        "type": "boolean",
        "default": false
      },
      "key": {
        "description": "What requests are counted by: a variable name (key_type var) or variables like `$http_a $http_b` (var_combination).",
        "type": "string",
        "default": "remote_addr"
      },
      "key_type": {
        "description": "How key is read.",
        "type": "string",
        "enum": [
          "var",
          "var_combination"
        ],
        "default": "var"
      },
      "key_ttl": {
        "description": "Seconds a Redis counter outlives its last change (bounds counts left by a node that died with requests in flight).",
        "type": "integer",
        "minimum": 1,
        "default": 3600
      },
      "policy": {
        "description": "Where counters live: this node (`local`, exact across its workers) or Redis (shared by nodes).",
        "type": "string",
        "enum": [
          "redis",
          "redis-cluster",
          "local"
        ],
        "default": "local"
      },
      "redis_prefix": {
        "description": "Prefix of the Redis keys.",
        "type": "string",
        "minLength": 0,
        "default": "limit_conn",
        "pattern": "^[0-9a-zA-Z|_]+$"
      },
      "rejected_code": {
        "description": "Status of a refused request.",
        "type": "integer",
        "minimum": 200,
        "maximum": 599,
        "default": 503
      },
      "rejected_msg": {
        "description": "Body of a refused request, sent as {\"error_msg\": ...}.",
        "type": "string",
        "minLength": 1
      },
      "allow_degradation": {
        "description": "Let requests through when the counters cannot be reached (otherwise 500).",
        "type": "boolean",
        "default": false
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "conn",
      "burst",
      "default_conn_delay"
    ],
    "if": {
      "properties": {
        "policy": {
          "enum": [
            "redis"
          ]
        }
      },
      "required": [
        "policy"
      ]
    },
    "then": {
      "$ref": "tollgate:common/redis"
    },
    "else": {
      "if": {
        "properties": {
          "policy": {
            "enum": [
              "redis-cluster"
            ]
          }
        },
        "required": [
          "policy"
        ]
      },
      "then": {
        "$ref": "tollgate:common/redis-cluster"
      }
    }
  },
  "tollgate:plugins/limit-count": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/limit-count",
    "title": "LimitCountConf",
    "description": "limit-count: at most `count` requests per `time_window` seconds per key (a fixed window), refused with rejected_code beyond that.",
    "type": "object",
    "properties": {
      "count": {
        "description": "Requests allowed per time_window; an integer or a variable template such as `${http_count ?? 10}`. Required unless rules are set.",
        "oneOf": [
          {
            "type": "integer",
            "exclusiveMinimum": 0
          },
          {
            "type": "string"
          }
        ]
      },
      "time_window": {
        "description": "Window length in seconds; an integer or a variable template. Required unless rules are set.",
        "oneOf": [
          {
            "type": "integer",
            "exclusiveMinimum": 0
          },
          {
            "type": "string"
          }
        ]
      },
      "window_type": {
        "description": "`fixed` (a window opens at a key's first request and lasts time_window) or `sliding` (the previous window's count weighs in by the share of it still inside the last time_window).",
        "type": "string",
        "enum": [
          "fixed",
          "sliding"
        ],
        "default": "fixed"
      },
      "rules": {
        "description": "Several limits, each with its own key template; a rule applies when its key resolves.",
        "type": "array",
        "items": {
          "title": "LimitCountRule",
          "type": "object",
          "properties": {
            "count": {
              "description": "Requests allowed per time_window; an integer or a variable template.",
              "oneOf": [
                {
                  "type": "integer",
                  "exclusiveMinimum": 0
                },
                {
                  "type": "string"
                }
              ]
            },
            "time_window": {
              "description": "Window length in seconds; an integer or a variable template.",
              "oneOf": [
                {
                  "type": "integer",
                  "exclusiveMinimum": 0
                },
                {
                  "type": "string"
                }
              ]
            },
            "key": {
              "description": "Counter key: a combination of variables such as `$http_user $remote_addr`.",
              "type": "string"
            },
            "header_prefix": {
              "description": "Prefix of this rule's headers (X-<prefix>-RateLimit-Limit, ...); default the rule's 1-based index.",
              "type": "string"
            }
          },
          "required": [
            "count",
            "time_window",
            "key"
          ]
        }
      },
      "group": {
        "description": "Routes with the same group share one counter; their limit-count configurations must be equal.",
        "type": "string"
      },
      "key": {
        "description": "What requests are counted by: a variable name (key_type var), variables like `$http_a $http_b` (var_combination) or a constant.",
        "type": "string",
        "default": "remote_addr"
      },
      "key_type": {
        "description": "How key is read.",
        "type": "string",
        "enum": [
          "var",
          "var_combination",
          "constant"
        ],
        "default": "var"
      },
      "rejected_code": {
        "description": "Status of a refused request.",
        "type": "integer",
        "minimum": 200,
        "maximum": 599,
        "default": 503
      },
      "rejected_msg": {
        "description": "Body of a refused request, sent as {\"error_msg\": ...}.",
        "type": "string",
        "minLength": 1
      },
      "policy": {
        "description": "Where counters live: this node (`local`, exact across its workers) or Redis (shared by nodes): one server, a Redis Cluster, or the master a Redis Sentinel names.",
        "type": "string",
        "enum": [
          "local",
          "redis",
          "redis-cluster",
          "redis-sentinel"
        ],
        "default": "local"
      },
      "allow_degradation": {
        "description": "Let requests through when the counters cannot be reached (otherwise 500).",
        "type": "boolean",
        "default": false
      },
      "show_limit_quota_header": {
        "description": "Send X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset.",
        "type": "boolean",
        "default": true
      },
      "sync_interval": {
        "description": "APISIX's delayed Redis sync interval in seconds (-1: off). Accepted and checked; Tollgate always counts in Redis directly.",
        "type": "number",
        "default": -1
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "oneOf": [
      {
        "required": [
          "count",
          "time_window"
        ]
      },
      {
        "required": [
          "rules"
        ]
      }
    ],
    "if": {
      "properties": {
        "policy": {
          "enum": [
            "redis"
          ]
        }
      },
      "required": [
        "policy"
      ]
    },
    "then": {
      "$ref": "tollgate:common/redis"
    },
    "else": {
      "if": {
        "properties": {
          "policy": {
            "enum": [
              "redis-cluster"
            ]
          }
        },
        "required": [
          "policy"
        ]
      },
      "then": {
        "$ref": "tollgate:common/redis-cluster"
      },
      "else": {
        "if": {
          "properties": {
            "policy": {
              "enum": [
                "redis-sentinel"
              ]
            }
          },
          "required": [
            "policy"
          ]
        },
        "then": {
          "$ref": "tollgate:common/redis-sentinel"
        }
      }
    },
    "encrypt_fields": [
      "redis_password",
      "sentinel_password"
    ]
  },
  "tollgate:plugins/limit-count.metadata": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/limit-count.metadata",
    "title": "LimitCountMetadataConf",
    "description": "limit-count plugin metadata: the names of the rate-limit headers, for every route.",
    "type": "object",
    "properties": {
      "limit_header": {
        "description": "Name of the header that carries the count.",
        "type": "string",
        "default": "X-RateLimit-Limit"
      },
      "remaining_header": {
        "description": "Name of the header that carries what is left in the window.",
        "type": "string",
        "default": "X-RateLimit-Remaining"
      },
      "reset_header": {
        "description": "Name of the header that carries the seconds until the window ends.",
        "type": "string",
        "default": "X-RateLimit-Reset"
      }
    }
  },
  "tollgate:plugins/limit-req": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/limit-req",
    "title": "LimitReqConf",
    "description": "limit-req: a leaky bucket per key that lets `rate` requests a second through, delays up to `burst` more and refuses the rest.",
    "type": "object",
    "properties": {
      "rate": {
        "description": "Requests a second allowed; a number or a variable template. Required unless rules are set.",
        "oneOf": [
          {
            "type": "number",
            "exclusiveMinimum": 0
          },
          {
            "type": "string"
          }
        ]
      },
      "burst": {
        "description": "Requests a second beyond rate that are delayed instead of refused; a number or a variable template. Required unless rules are set.",
        "oneOf": [
          {
            "type": "number",
            "minimum": 0
          },
          {
            "type": "string"
          }
        ]
      },
      "key": {
        "description": "What requests are limited by: a variable name (key_type var) or variables like `$http_a $http_b` (var_combination). Required unless rules are set.",
        "type": "string"
      },
      "key_type": {
        "description": "How key is read.",
        "type": "string",
        "enum": [
          "var",
          "var_combination"
        ],
        "default": "var"
      },
      "rules": {
        "description": "Several buckets, each with its own key template; a rule applies when its key resolves.",
        "type": "array",
        "items": {
          "title": "LimitReqRule",
          "type": "object",
          "properties": {
            "rate": {
              "description": "Requests a second allowed; a number or a variable template.",
              "oneOf": [
                {
                  "type": "number",
                  "exclusiveMinimum": 0
                },
                {
                  "type": "string"
                }
              ]
            },
            "burst": {
              "description": "Requests a second beyond rate that are delayed; a number or a variable template.",
              "oneOf": [
                {
                  "type": "number",
                  "minimum": 0
                },
                {
                  "type": "string"
                }
              ]
            },
            "key": {
              "description": "Bucket key: a combination of variables such as `$http_user`.",
              "type": "string"
            }
          },
          "required": [
            "rate",
            "burst",
            "key"
          ]
        }
      },
      "policy": {
        "description": "Where buckets live: this node (`local`, exact across its workers) or Redis (shared by nodes).",
        "type": "string",
        "enum": [
          "redis",
          "redis-cluster",
          "local"
        ],
        "default": "local"
      },
      "rejected_code": {
        "description": "Status of a refused request.",
        "type": "integer",
        "minimum": 200,
        "maximum": 599,
        "default": 503
      },
      "rejected_msg": {
        "description": "Body of a refused request, sent as {\"error_msg\": ...}.",
        "type": "string",
        "minLength": 1
      },
      "nodelay": {
        "description": "Serve requests within the burst at once instead of delaying them to the rate.",
        "type": "boolean",
        "default": false
      },
      "allow_degradation": {
        "description": "Let requests through when the buckets cannot be reached (otherwise 500).",
        "type": "boolean",
        "default": false
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "oneOf": [
      {
        "required": [
          "rate",
          "burst",
          "key"
        ]
      },
      {
        "required": [
          "rules"
        ]
      }
    ],
    "if": {
      "properties": {
        "policy": {
          "enum": [
            "redis"
          ]
        }
      },
      "required": [
        "policy"
      ]
    },
    "then": {
      "$ref": "tollgate:common/redis"
    },
    "else": {
      "if": {
        "properties": {
          "policy": {
            "enum": [
              "redis-cluster"
            ]
          }
        },
        "required": [
          "policy"
        ]
      },
      "then": {
        "$ref": "tollgate:common/redis-cluster"
      }
    }
  },
  "tollgate:plugins/loki-logger": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/loki-logger",
    "title": "LokiLoggerConf",
    "description": "APISIX's loki-logger: each request's log entry, batched, pushed to Grafana Loki (`POST <endpoint><endpoint_uri>`, one stream with `log_labels`).",
    "type": "object",
    "allOf": [
      {
        "$ref": "tollgate:common/logger-batch"
      },
      {
        "$ref": "tollgate:common/logger-body"
      }
    ],
    "properties": {
      "endpoint_addrs": {
        "description": "Loki base URLs, such as `http://127.0.0.1:3100`; each batch goes to one picked at random.",
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "string",
          "pattern": "^[^/]+://([\\da-zA-Z.-]+|\\[[\\da-fA-F:]+\\])(:\\d+)?"
        }
      },
      "endpoint_uri": {
        "description": "Path of Loki's push API.",
        "type": "string",
        "minLength": 1,
        "default": "/loki/api/v1/push"
      },
      "tenant_id": {
        "description": "Loki tenant, sent as `X-Scope-OrgID`.",
        "type": "string",
        "default": "fake"
      },
      "log_labels": {
        "description": "Labels of the stream; values may hold `$variables`, resolved from the first request a batch processor sees.",
        "type": "object",
        "patternProperties": {
          ".*": {
            "type": "string",
            "minLength": 1
          }
        },
        "default": {
          "job": "apisix"
        }
      },
      "ssl_verify": {
        "description": "Verify Loki's TLS certificate for an `https` endpoint.",
        "type": "boolean",
        "default": false
      },
      "timeout": {
        "description": "Milliseconds one push may take.",
        "type": "integer",
        "minimum": 1,
        "maximum": 60000,
        "default": 3000
      },
      "keepalive": {
        "description": "Keep connections to Loki open between pushes.",
        "type": "boolean",
        "default": true
      },
      "keepalive_timeout": {
        "description": "Milliseconds an idle kept connection stays open.",
        "type": "integer",
        "minimum": 1000,
        "default": 60000
      },
      "keepalive_pool": {
        "description": "Connections kept per endpoint.",
        "type": "integer",
        "minimum": 1,
        "default": 5
      },
      "name": {
        "description": "Name of the batch processor, in its log lines.",
        "type": "string",
        "default": "loki logger"
      }
    },
    "required": [
      "endpoint_addrs"
    ]
  },
  "tollgate:plugins/loki-logger.metadata": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/loki-logger.metadata",
    "title": "LokiLoggerMetadataConf",
    "description": "loki-logger plugin metadata: the log format of routes without their own, and the backlog cap.",
    "type": "object",
    "allOf": [
      {
        "$ref": "tollgate:common/logger-metadata"
      }
    ]
  },
  "tollgate:plugins/multi-auth": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/multi-auth",
    "title": "MultiAuthConf",
    "description": "multi-auth on a route or service: authentication plugins tried in order until one succeeds.",
    "type": "object",
    "properties": {
      "auth_plugins": {
        "description": "Auth plugin configurations, each an object `{ \"<plugin name>\": { ...conf } }`, tried in order.",
        "type": "array",
        "minItems": 2
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "auth_plugins"
    ]
  },
  "tollgate:plugins/openid-connect": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/openid-connect",
    "title": "OpenidConnectConf",
    "description": "openid-connect on a route or service: authenticate requests against an OpenID Connect provider (bearer tokens verified locally, by JWKS or by introspection).",
    "type": "object",
    "properties": {
      "client_id": {
        "type": "string",
        "description": "OAuth client ID."
      },
      "client_secret": {
        "type": "string",
        "description": "OAuth client secret (required unless the mode needs none: bearer_only with public_key/use_jwks or private_key_jwt introspection, or the code flow with private_key_jwt or use_pkce)."
      },
      "discovery": {
        "type": "string",
        "description": "URL of the OpenID provider's well-known discovery document."
      },
      "scope": {
        "type": "string",
        "description": "OIDC scope requested in the authorization code flow.",
        "default": "openid"
      },
      "ssl_verify": {
        "description": "Verify the OpenID provider's TLS certificate (the legacy value \"no\" means false).",
        "anyOf": [
          {
            "type": "boolean"
          },
          {
            "type": "string",
            "enum": [
              "no"
            ]
          }
        ],
        "default": true
      },
      "timeout": {
        "type": "integer",
        "description": "Timeout of each call to the OpenID provider, in seconds.",
        "minimum": 1,
        "default": 3
      },
      "introspection_endpoint": {
        "type": "string",
        "description": "URL of the token introspection endpoint (else the discovery document's)."
      },
      "introspection_endpoint_auth_method": {
        "type": "string",
        "description": "Client authentication method at the introspection endpoint.",
        "default": "client_secret_basic"
      },
      "token_endpoint_auth_method": {
        "type": "string",
        "description": "Client authentication method at the token endpoint.",
        "default": "client_secret_basic"
      },
      "bearer_only": {
        "type": "boolean",
        "description": "Strictly require a bearer access token in the request.",
        "default": false
      },
      "session": {
        "description": "Session cookie settings of the authorization code flow.",
        "type": "object",
        "properties": {
          "secret": {
            "type": "string",
            "description": "Key used for the session cookie's encryption and HMAC.",
            "minLength": 16
          },
          "cookie_name": {
            "type": "string",
            "description": "Session cookie name."
          },
          "cookie_path": {
            "type": "string",
            "description": "Cookie path scope."
          },
          "cookie_domain": {
            "type": "string",
            "description": "Cookie domain scope."
          },
          "cookie_secure": {
            "type": "boolean",
            "description": "Set the Secure cookie attribute."
          },
          "cookie_http_only": {
            "type": "boolean",
            "description": "Set the HttpOnly cookie attribute."
          },
          "cookie_same_site": {
            "type": "string",
            "description": "SameSite cookie attribute.",
            "enum": [
              "Strict",
              "Lax",
              "None",
              "Default"
            ]
          },
          "idling_timeout": {
            "type": "integer",
            "description": "Idling timeout in seconds."
          },
          "rolling_timeout": {
            "type": "integer",
            "description": "Rolling timeout in seconds."
          },
          "absolute_timeout": {
            "type": "integer",
            "description": "Absolute session lifetime in seconds."
          },
          "cookie": {
            "type": "object",
            "description": "Deprecated (lua-resty-session 3.x): use the flat session options.",
            "properties": {
              "lifetime": {
                "type": "integer",
                "description": "Deprecated: mapped to absolute_timeout when that is not set."
              }
            }
          },
          "storage": {
            "type": "string",
            "description": "Where sessions are stored.",
            "enum": [
              "cookie",
              "redis"
            ],
            "default": "cookie"
          },
          "redis": {
            "description": "Redis connection for session storage (lua-resty-session's session.redis options).",
            "type": "object",
            "properties": {
              "host": {
                "type": "string",
                "description": "Redis host.",
                "minLength": 2,
                "default": "127.0.0.1"
              },
              "port": {
                "type": "integer",
                "description": "Redis port.",
                "minimum": 1,
                "default": 6379
              },
              "username": {
                "type": "string",
                "description": "Redis username.",
                "minLength": 1
              },
              "password": {
                "type": "string",
                "description": "Redis password.",
                "minLength": 0
              },
              "database": {
                "type": "integer",
                "description": "Redis database index.",
                "minimum": 0,
                "default": 0
              },
              "prefix": {
                "type": "string",
                "description": "Prefix for keys stored in Redis.",
                "default": "sessions"
              },
              "ssl": {
                "type": "boolean",
                "description": "Enable TLS to Redis.",
                "default": false
              },
              "ssl_verify": {
                "type": "boolean",
                "description": "Verify Redis's TLS certificate.",
                "default": true
              },
              "server_name": {
                "type": "string",
                "description": "The server name for the TLS SNI extension."
              },
              "connect_timeout": {
                "type": "integer",
                "description": "Connect timeout in milliseconds.",
                "minimum": 1,
                "default": 1000
              },
              "send_timeout": {
                "type": "integer",
                "description": "Send timeout in milliseconds.",
                "minimum": 1,
                "default": 1000
              },
              "read_timeout": {
                "type": "integer",
                "description": "Read timeout in milliseconds.",
                "minimum": 1,
                "default": 1000
              },
              "keepalive_timeout": {
                "type": "integer",
                "description": "Keepalive timeout in milliseconds.",
                "minimum": 1000,
                "default": 10000
              }
            }
          }
        },
        "required": [
          "secret"
        ],
        "if": {
          "properties": {
            "storage": {
              "enum": [
                "redis"
              ]
            }
          },
          "required": [
            "storage"
          ]
        },
        "then": {
          "required": [
            "redis"
          ]
        },
        "additionalProperties": false
      },
      "realm": {
        "type": "string",
        "description": "Realm in the WWW-Authenticate header of a 401 for a missing or invalid bearer token.",
        "default": "apisix"
      },
      "claim_validator": {
        "description": "Checks of the token's claims.",
        "type": "object",
        "properties": {
          "issuer": {
            "description": "Trusted JWT issuers. Unset: the discovery document's issuer is trusted; a token is refused while it cannot be fetched.",
            "type": "object",
            "properties": {
              "valid_issuers": {
                "description": "Trusted issuers.",
                "type": "array",
                "items": {
                  "type": "string"
                }
              }
            }
          },
          "audience": {
            "description": "Audience claim validation.",
            "type": "object",
            "properties": {
              "claim": {
                "type": "string",
                "description": "Name of the claim holding the audience.",
                "default": "aud"
              },
              "required": {
                "type": "boolean",
                "description": "Require the audience claim.",
                "default": false
              },
              "match_with_client_id": {
                "type": "boolean",
                "description": "Require the audience to equal (or, a list, to include) client_id; implies required.",
                "default": false
              }
            }
          }
        }
      },
      "logout_path": {
        "type": "string",
        "description": "Path that logs the session out.",
        "default": "/logout"
      },
      "redirect_uri": {
        "type": "string",
        "description": "Redirect URI of the authorization code flow (default: the request URI plus /.apisix/redirect)."
      },
      "post_logout_redirect_uri": {
        "type": "string",
        "description": "Where logout_path redirects after logging out."
      },
      "unauth_action": {
        "type": "string",
        "description": "Action for a request that is not authenticated: auth (redirect to the provider), deny (401) or pass.",
        "default": "auth",
        "enum": [
          "auth",
          "deny",
          "pass"
        ]
      },
      "public_key": {
        "type": "string",
        "description": "PEM public key that verifies the bearer JWT's signature locally (skips introspection)."
      },
      "use_jwks": {
        "type": "boolean",
        "description": "Without public_key, verify the bearer JWT against the JWKS named by the discovery document (skips introspection).",
        "default": false
      },
      "token_signing_alg_values_expected": {
        "type": "string",
        "description": "The signing algorithm a bearer JWT must use."
      },
      "use_pkce": {
        "type": "boolean",
        "description": "Use PKCE (RFC 7636) in the authorization code flow.",
        "default": false
      },
      "par": {
        "description": "Pushed Authorization Requests (PAR) configuration.",
        "type": "object",
        "properties": {
          "enabled": {
            "type": "boolean",
            "description": "Use Pushed Authorization Requests.",
            "default": false
          },
          "endpoint": {
            "type": "string",
            "description": "URL of the PAR endpoint."
          },
          "endpoint_auth_method": {
            "type": "string",
            "description": "Client authentication method at the PAR endpoint.",
            "enum": [
              "client_secret_basic",
              "client_secret_post",
              "private_key_jwt",
              "client_secret_jwt"
            ]
          }
        },
        "additionalProperties": false
      },
      "dpop": {
        "description": "Demonstrating Proof-of-Possession (DPoP) configuration.",
        "type": "object",
        "properties": {
          "enabled": {
            "type": "boolean",
            "description": "Use DPoP proof JWTs.",
            "default": false
          },
          "signing_alg": {
            "type": "string",
            "description": "DPoP proof JWT signing algorithm.",
            "enum": [
              "ES256",
              "RS256",
              "PS256"
            ],
            "default": "ES256"
          },
          "private_key": {
            "type": "string",
            "description": "Private key that signs DPoP proofs."
          },
          "public_jwk": {
            "description": "Public JWK matching dpop.private_key (no private members).",
            "type": "object",
            "not": {
              "anyOf": [
                {
                  "required": [
                    "d"
                  ]
                },
                {
                  "required": [
                    "p"
                  ]
                },
                {
                  "required": [
                    "q"
                  ]
                },
                {
                  "required": [
                    "dp"
                  ]
                },
                {
                  "required": [
                    "dq"
                  ]
                },
                {
                  "required": [
                    "qi"
                  ]
                },
                {
                  "required": [
                    "oth"
                  ]
                },
                {
                  "required": [
                    "k"
                  ]
                }
              ]
            }
          }
        },
        "if": {
          "properties": {
            "enabled": {
              "const": true
            }
          },
          "required": [
            "enabled"
          ]
        },
        "then": {
          "required": [
            "private_key",
            "public_jwk"
          ]
        },
        "additionalProperties": false
      },
      "set_access_token_header": {
        "type": "boolean",
        "description": "Send the access token to the upstream (X-Access-Token, or Authorization with access_token_in_authorization_header).",
        "default": true
      },
      "access_token_in_authorization_header": {
        "type": "boolean",
        "description": "Send the access token in the Authorization header instead of X-Access-Token.",
        "default": false
      },
      "set_id_token_header": {
        "type": "boolean",
        "description": "Send the ID token (base64 JSON) in X-ID-Token when there is one.",
        "default": true
      },
      "set_raw_id_token_header": {
        "type": "boolean",
        "description": "Send the raw signed ID token in X-Raw-ID-Token when there is one.",
        "default": false
      },
      "set_userinfo_header": {
        "type": "boolean",
        "description": "Send the user info (base64 JSON of the claims or introspection answer) in X-Userinfo.",
        "default": true
      },
      "set_refresh_token_header": {
        "type": "boolean",
        "description": "Send the refresh token in X-Refresh-Token when there is one.",
        "default": false
      },
      "proxy_opts": {
        "description": "HTTP proxy used to reach the OpenID provider.",
        "type": "object",
        "properties": {
          "http_proxy": {
            "type": "string",
            "description": "HTTP proxy, like http://proxy-server:80."
          },
          "https_proxy": {
            "type": "string",
            "description": "HTTPS proxy, like http://proxy-server:80."
          },
          "http_proxy_authorization": {
            "type": "string",
            "description": "Basic [base64 username:password]."
          },
          "https_proxy_authorization": {
            "type": "string",
            "description": "Basic [base64 username:password]."
          },
          "no_proxy": {
            "type": "string",
            "description": "Comma-separated hosts that are not proxied."
          }
        }
      },
      "authorization_params": {
        "description": "Extra parameters for the authorization endpoint.",
        "type": "object"
      },
      "client_rsa_private_key": {
        "type": "string",
        "description": "Client RSA private key that signs the client assertion JWT."
      },
      "client_rsa_private_key_id": {
        "type": "string",
        "description": "Key ID of client_rsa_private_key."
      },
      "client_jwt_assertion_expires_in": {
        "type": "integer",
        "description": "Lifetime of the client assertion JWT in seconds.",
        "default": 60
      },
      "client_jwt_assertion_alg": {
        "type": "string",
        "description": "Signing algorithm of the client assertion JWT.",
        "enum": [
          "HS256",
          "HS512",
          "RS256",
          "RS512",
          "ES256",
          "ES512"
        ]
      },
      "client_jwt_assertion_audience": {
        "type": "string",
        "description": "Audience of the client assertion JWT."
      },
      "renew_access_token_on_expiry": {
        "type": "boolean",
        "description": "Silently renew the session's access token when it expires.",
        "default": true
      },
      "access_token_expires_in": {
        "type": "integer",
        "description": "Lifetime of the access token in seconds when the provider gives no expires_in."
      },
      "refresh_session_interval": {
        "type": "integer",
        "description": "Interval to refresh the ID token without re-authentication."
      },
      "iat_slack": {
        "type": "integer",
        "description": "Tolerated clock skew in seconds for the ID token's iat.",
        "default": 120
      },
      "accept_none_alg": {
        "type": "boolean",
        "description": "Accept an unsigned ID token (alg none).",
        "default": false
      },
      "accept_unsupported_alg": {
        "type": "boolean",
        "description": "Accept an ID token signed with an unsupported algorithm without checking its signature.",
        "default": true
      },
      "access_token_expires_leeway": {
        "type": "integer",
        "description": "Expiration leeway in seconds for access token renewal.",
        "default": 0
      },
      "force_reauthorize": {
        "type": "boolean",
        "description": "Run the authorization flow even when a token is cached.",
        "default": false
      },
      "use_nonce": {
        "type": "boolean",
        "description": "Send a nonce in the authorization request.",
        "default": false
      },
      "revoke_tokens_on_logout": {
        "type": "boolean",
        "description": "Revoke the tokens at the provider on logout.",
        "default": false
      },
      "jwk_expires_in": {
        "type": "integer",
        "description": "How long a fetched JWKS is cached, in seconds.",
        "default": 86400
      },
      "jwt_verification_cache_ignore": {
        "type": "boolean",
        "description": "Verify a bearer JWT again even when an earlier verification is cached.",
        "default": false
      },
      "cache_segment": {
        "type": "string",
        "description": "Name of a cache segment that separates this configuration's caches."
      },
      "introspection_interval": {
        "type": "integer",
        "description": "Most seconds an introspection answer is cached (0: until the token's expiry claim).",
        "default": 0
      },
      "introspection_expiry_claim": {
        "type": "string",
        "description": "Claim of the introspection answer that bounds how long it is cached (default exp)."
      },
      "introspection_addon_headers": {
        "description": "Client request headers also sent to the introspection endpoint.",
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "string",
          "pattern": "^[^:]+$"
        }
      },
      "required_scopes": {
        "description": "Scopes the access token must carry; a token without one of them is refused with 403.",
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "claim_schema": {
        "description": "JSON Schema the token's claims (or the introspection answer) must satisfy.",
        "type": "object"
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "client_id",
      "discovery"
    ],
    "encrypt_fields": [
      "client_secret",
      "client_rsa_private_key",
      "dpop.private_key",
      "session.secret",
      "session.redis.password"
    ]
  },
  "tollgate:plugins/opentelemetry": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/opentelemetry",
    "title": "OpentelemetryConf",
    "description": "opentelemetry on a route, service, plugin config or global rule: how requests are sampled and which extra attributes their spans carry.",
    "type": "object",
    "properties": {
      "sampler": {
        "description": "Sampling configuration.",
        "type": "object",
        "properties": {
          "name": {
            "description": "Sampling strategy: `always_on`, `always_off`, `trace_id_ratio` (by `options.fraction`) or `parent_base` (the incoming `traceparent`'s sampled flag, else `options.root`).",
            "type": "string",
            "enum": [
              "always_on",
              "always_off",
              "trace_id_ratio",
              "parent_base"
            ],
            "default": "always_off"
          },
          "options": {
            "description": "Parameters of the sampling strategy.",
            "type": "object",
            "properties": {
              "fraction": {
                "description": "Sampling ratio of `trace_id_ratio`, 0 to 1.",
                "type": "number",
                "default": 0
              },
              "root": {
                "description": "Root sampler of `parent_base`, used when the request has no parent.",
                "type": "object",
                "properties": {
                  "name": {
                    "description": "Root sampling strategy.",
                    "type": "string",
                    "enum": [
                      "always_on",
                      "always_off",
                      "trace_id_ratio"
                    ],
                    "default": "always_off"
                  },
                  "options": {
                    "description": "Root sampling strategy parameters.",
                    "type": "object",
                    "properties": {
                      "fraction": {
                        "description": "Root sampling ratio of `trace_id_ratio`, 0 to 1.",
                        "type": "number",
                        "default": 0
                      }
                    },
                    "default": {
                      "fraction": 0
                    }
                  }
                },
                "default": {
                  "name": "always_off",
                  "options": {
                    "fraction": 0
                  }
                }
              }
            },
            "default": {
              "fraction": 0,
              "root": {
                "name": "always_off"
              }
            }
          }
        },
        "default": {
          "name": "always_off",
          "options": {
            "fraction": 0,
            "root": {
              "name": "always_off"
            }
          }
        }
      },
      "additional_attributes": {
        "description": "Variables (APISIX's built-in variables, `arg_*`, `http_*`, `cookie_*`, ...) added to the request span as string attributes named after the variable.",
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1
        }
      },
      "additional_header_prefix_attributes": {
        "description": "Request headers added to the request span as attributes; a name ending in `*` adds every header with that prefix.",
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1
        }
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    }
  },
  "tollgate:plugins/opentelemetry.metadata": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/opentelemetry.metadata",
    "title": "OpentelemetryMetadataConf",
    "description": "opentelemetry plugin metadata (APISIX 3.18 reads the node-level settings here; Tollgate also reads config.yaml `plugin_attr.opentelemetry` when no metadata is set).",
    "type": "object",
    "properties": {
      "trace_id_source": {
        "description": "Where a new trace's ID comes from: `random`, or the request's `X-Request-Id` header (else its `request_id` variable) when it is 32 hex digits (a UUID's dashes are dropped).",
        "type": "string",
        "enum": [
          "x-request-id",
          "random"
        ],
        "default": "random"
      },
      "resource": {
        "description": "Resource attributes of every span (string, number or boolean values); `service.name` defaults to `APISIX`.",
        "type": "object",
        "additionalProperties": {
          "anyOf": [
            {
              "type": "boolean"
            },
            {
              "type": "number"
            },
            {
              "type": "string"
            }
          ]
        }
      },
      "collector": {
        "description": "The OpenTelemetry collector (OTLP/HTTP, binary protobuf, `POST /v1/traces`).",
        "type": "object",
        "properties": {
          "address": {
            "description": "Collector `host:port` (an `http://` or `https://` prefix is allowed).",
            "type": "string",
            "default": "127.0.0.1:4318"
          },
          "request_timeout": {
            "description": "Export request timeout, in seconds.",
            "type": "integer",
            "default": 3
          },
          "request_headers": {
            "description": "Headers sent with every export request.",
            "type": "object",
            "additionalProperties": {
              "anyOf": [
                {
                  "type": "boolean"
                },
                {
                  "type": "number"
                },
                {
                  "type": "string"
                }
              ]
            }
          }
        },
        "default": {
          "address": "127.0.0.1:4318",
          "request_timeout": 3
        }
      },
      "batch_span_processor": {
        "description": "The batch span processor.",
        "type": "object",
        "properties": {
          "drop_on_queue_full": {
            "description": "Drop spans when the queue is full (Tollgate always drops; see the doc).",
            "type": "boolean"
          },
          "max_queue_size": {
            "description": "Maximum number of spans buffered for export (default 2048).",
            "type": "integer"
          },
          "batch_timeout": {
            "description": "Maximum age of a batch, in seconds (default 5).",
            "type": "number"
          },
          "inactive_timeout": {
            "description": "Export interval, in seconds (default 2).",
            "type": "number"
          },
          "max_export_batch_size": {
            "description": "Maximum number of spans in one export request (default 256).",
            "type": "integer"
          }
        },
        "default": {}
      },
      "set_ngx_var": {
        "description": "Set the variables `opentelemetry_context_traceparent`, `opentelemetry_trace_id` and `opentelemetry_span_id` (for logs).",
        "type": "boolean",
        "default": false
      }
    }
  },
  "tollgate:plugins/prometheus": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/prometheus",
    "title": "PrometheusConf",
    "description": "prometheus: export request metrics for the route, service or global rule.",
    "type": "object",
    "properties": {
      "prefer_name": {
        "description": "Label metrics with the route/service name instead of its id.",
        "type": "boolean",
        "default": false
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    }
  },
  "tollgate:plugins/prometheus.metadata": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/prometheus.metadata",
    "title": "PrometheusMetadataConf",
    "description": "prometheus plugin metadata, for every route at once and without a restart.",
    "type": "object",
    "properties": {
      "disabled_labels": {
        "description": "Per metric, labels whose value becomes `\"\"`: the label keeps its place and the series that differ only in it become one (a cardinality guard). Structural labels (`code`, `type`, `layer`) cannot be disabled. The `ai_cache_*` metrics are recorded by ai-cache (exact layer; `ai_cache_embedding_latency` stays empty until the semantic layer is supported).",
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "http_status": {
            "description": "Labels of `apisix_http_status` reported as an empty string.",
            "type": "array",
            "uniqueItems": true,
            "items": {
              "enum": [
                "route",
                "matched_uri",
                "matched_host",
                "service",
                "consumer",
                "node",
                "request_type",
                "request_llm_model",
                "llm_model",
                "response_source"
              ]
            }
          },
          "http_latency": {
            "description": "Labels of `apisix_http_latency` reported as an empty string.",
            "type": "array",
            "uniqueItems": true,
            "items": {
              "enum": [
                "route",
                "service",
                "consumer",
                "node",
                "request_type",
                "request_llm_model",
                "llm_model"
              ]
            }
          },
          "bandwidth": {
            "description": "Labels of `apisix_bandwidth` reported as an empty string.",
            "type": "array",
            "uniqueItems": true,
            "items": {
              "enum": [
                "route",
                "service",
                "consumer",
                "node",
                "request_type",
                "request_llm_model",
                "llm_model"
              ]
            }
          },
          "llm_latency": {
            "description": "Labels of `apisix_llm_latency` reported as an empty string.",
            "type": "array",
            "uniqueItems": true,
            "items": {
              "enum": [
                "route_id",
                "service_id",
                "consumer",
                "node",
                "request_type",
                "request_llm_model",
                "llm_model"
              ]
            }
          },
          "llm_prompt_tokens": {
            "description": "Labels of `apisix_llm_prompt_tokens` reported as an empty string.",
            "type": "array",
            "uniqueItems": true,
            "items": {
              "enum": [
                "route_id",
                "service_id",
                "consumer",
                "node",
                "request_type",
                "request_llm_model",
                "llm_model"
              ]
            }
          },
          "llm_completion_tokens": {
            "description": "Labels of `apisix_llm_completion_tokens` reported as an empty string.",
            "type": "array",
            "uniqueItems": true,
            "items": {
              "enum": [
                "route_id",
                "service_id",
                "consumer",
                "node",
                "request_type",
                "request_llm_model",
                "llm_model"
              ]
            }
          },
          "llm_prompt_tokens_dist": {
            "description": "Labels of `apisix_llm_prompt_tokens_dist` reported as an empty string.",
            "type": "array",
            "uniqueItems": true,
            "items": {
              "enum": [
                "route_id",
                "service_id",
                "consumer",
                "node",
                "request_type",
                "request_llm_model",
                "llm_model"
              ]
            }
          },
          "llm_completion_tokens_dist": {
            "description": "Labels of `apisix_llm_completion_tokens_dist` reported as an empty string.",
            "type": "array",
            "uniqueItems": true,
            "items": {
              "enum": [
                "route_id",
                "service_id",
                "consumer",
                "node",
                "request_type",
                "request_llm_model",
                "llm_model"
              ]
            }
          },
          "llm_active_connections": {
            "description": "Labels of `apisix_llm_active_connections` reported as an empty string.",
            "type": "array",
            "uniqueItems": true,
            "items": {
              "enum": [
                "route",
                "route_id",
                "matched_uri",
                "matched_host",
                "service",
                "service_id",
                "consumer",
                "node",
                "request_type",
                "request_llm_model",
                "llm_model"
              ]
            }
          },
          "ai_cache_hits_total": {
            "description": "Labels of `apisix_ai_cache_hits_total` reported as an empty string.",
            "type": "array",
            "uniqueItems": true,
            "items": {
              "enum": [
                "route",
                "route_id",
                "service",
                "service_id",
                "consumer",
                "node",
                "request_type",
                "request_llm_model",
                "llm_model"
              ]
            }
          },
          "ai_cache_misses_total": {
            "description": "Labels of `apisix_ai_cache_misses_total` reported as an empty string.",
            "type": "array",
            "uniqueItems": true,
            "items": {
              "enum": [
                "route",
                "route_id",
                "service",
                "service_id",
                "consumer",
                "node",
                "request_type",
                "request_llm_model",
                "llm_model"
              ]
            }
          },
          "ai_cache_bypasses_total": {
            "description": "Labels of `apisix_ai_cache_bypasses_total` reported as an empty string.",
            "type": "array",
            "uniqueItems": true,
            "items": {
              "enum": [
                "route",
                "route_id",
                "service",
                "service_id",
                "consumer",
                "node",
                "request_type",
                "request_llm_model",
                "llm_model"
              ]
            }
          },
          "ai_cache_embedding_latency": {
            "description": "Labels of `apisix_ai_cache_embedding_latency` reported as an empty string.",
            "type": "array",
            "uniqueItems": true,
            "items": {
              "enum": [
                "route",
                "route_id",
                "service",
                "service_id",
                "consumer",
                "node",
                "request_type",
                "request_llm_model",
                "llm_model"
              ]
            }
          }
        }
      }
    }
  },
  "tollgate:plugins/proxy-mirror": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/proxy-mirror",
    "title": "ProxyMirrorConf",
    "description": "proxy-mirror on a route or service: send a copy of (a sample of) the requests to another host; its answers are ignored.",
    "type": "object",
    "properties": {
      "host": {
        "description": "Where mirrored requests go: scheme and address without a path, e.g. `http://127.0.0.1:8081`.",
        "type": "string",
        "pattern": "^(http(s)?|grpc(s)?):\\/\\/([\\da-zA-Z.-]+|\\[[\\da-fA-F:]+\\])(:\\d+)?$"
      },
      "path": {
        "description": "Path of the mirrored requests (default: the request's own path).",
        "type": "string",
        "pattern": "^/[^?&]+$"
      },
      "path_concat_mode": {
        "description": "With `path`: `replace` sends to `path`, `prefix` to `path` followed by the request's URI.",
        "type": "string",
        "default": "replace",
        "enum": [
          "replace",
          "prefix"
        ]
      },
      "sample_ratio": {
        "description": "Ratio of the requests that are mirrored.",
        "type": "number",
        "minimum": 0.00001,
        "maximum": 1,
        "default": 1
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "host"
    ]
  },
  "tollgate:plugins/proxy-rewrite": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/proxy-rewrite",
    "title": "ProxyRewriteConf",
    "description": "proxy-rewrite on a route or service: change the URI, host, method and headers of the request sent to the upstream.",
    "type": "object",
    "properties": {
      "uri": {
        "description": "New upstream URI (path, optionally with a query string); `$var` and `${var}` are replaced by request variables. Wins over regex_uri.",
        "type": "string",
        "minLength": 1,
        "maxLength": 4096,
        "pattern": "^\\/.*"
      },
      "method": {
        "description": "New upstream method.",
        "type": "string",
        "enum": [
          "GET",
          "POST",
          "PUT",
          "HEAD",
          "DELETE",
          "OPTIONS",
          "MKCOL",
          "COPY",
          "MOVE",
          "PROPFIND",
          "LOCK",
          "UNLOCK",
          "PATCH",
          "TRACE"
        ]
      },
      "regex_uri": {
        "description": "Pairs of [regex, template]: the first regex that matches the client's URI rewrites it with its template (`$1`, `${1}` for captures).",
        "type": "array",
        "minItems": 2,
        "items": {
          "description": "A regex or a template.",
          "type": "string"
        }
      },
      "host": {
        "description": "New Host header for the upstream request.",
        "type": "string",
        "pattern": "^[0-9a-zA-Z-.]+(:\\d{1,5})?$"
      },
      "headers": {
        "description": "Request header changes: `add`, `set` and `remove`, or (the 2.x form) an object of headers to set. Values may use `$var` and regex_uri captures (`$1`).",
        "oneOf": [
          {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": false,
            "properties": {
              "add": {
                "description": "Headers appended to the request (kept alongside existing values).",
                "type": "object",
                "minProperties": 1,
                "patternProperties": {
                  "^[^:]+$": {
                    "oneOf": [
                      {
                        "type": "string"
                      },
                      {
                        "type": "number"
                      }
                    ]
                  }
                }
              },
              "set": {
                "description": "Headers set on the request (replacing existing values).",
                "type": "object",
                "minProperties": 1,
                "patternProperties": {
                  "^[^:]+$": {
                    "oneOf": [
                      {
                        "type": "string"
                      },
                      {
                        "type": "number"
                      }
                    ]
                  }
                }
              },
              "remove": {
                "description": "Headers removed from the request.",
                "type": "array",
                "minItems": 1,
                "items": {
                  "type": "string",
                  "pattern": "^[^:]+$"
                }
              }
            }
          },
          {
            "type": "object",
            "minProperties": 1,
            "patternProperties": {
              "^[^:]+$": {
                "oneOf": [
                  {
                    "type": "string"
                  },
                  {
                    "type": "number"
                  }
                ]
              }
            }
          }
        ]
      },
      "use_real_request_uri_unsafe": {
        "description": "Send the client's raw request URI (unnormalised, query included) instead of the rewritten or normalised one. Unsafe.",
        "type": "boolean",
        "default": false
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "minProperties": 1
  },
  "tollgate:plugins/real-ip": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/real-ip",
    "title": "RealIpConf",
    "description": "real-ip on a route or service: take the client's address (and port) from a variable such as a header or a query argument.",
    "type": "object",
    "properties": {
      "source": {
        "description": "Variable holding the client's real address with an optional port: http_x_forwarded_for (its last address), http_<name>, arg_<name>, ...",
        "type": "string",
        "minLength": 1
      },
      "trusted_addresses": {
        "description": "Peers (IPs or CIDRs) allowed to supply the address; other peers keep their own. Unset: every peer is trusted.",
        "type": "array",
        "minItems": 1,
        "items": {
          "$ref": "tollgate:common/remote-addr"
        }
      },
      "recursive": {
        "description": "With source http_x_forwarded_for and trusted_addresses: take the last address of X-Forwarded-For that is not trusted, instead of the last one.",
        "type": "boolean",
        "default": false
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "source"
    ]
  },
  "tollgate:plugins/redirect": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/redirect",
    "title": "RedirectConf",
    "description": "redirect on a route or service: answer with a redirect instead of proxying (a new URI, a regex rewrite of the path, or HTTP to HTTPS).",
    "type": "object",
    "properties": {
      "ret_code": {
        "description": "Status of the redirect response.",
        "type": "integer",
        "minimum": 200,
        "default": 302
      },
      "uri": {
        "description": "Location to redirect to; `$var` and `${var}` are replaced by request variables, `\\$` keeps a dollar sign.",
        "type": "string",
        "minLength": 2,
        "pattern": "(\\\\\\$[0-9a-zA-Z_]+)|\\$\\{([0-9a-zA-Z_]+)\\}|\\$([0-9a-zA-Z_]+)|(\\$|[^$\\\\]+)"
      },
      "regex_uri": {
        "description": "[regex, template]: when the regex matches the request path, redirect to the path rewritten with the template (`$1` for captures); otherwise no redirect.",
        "type": "array",
        "minItems": 2,
        "maxItems": 2,
        "items": {
          "description": "The regex or the template.",
          "type": "string"
        }
      },
      "http_to_https": {
        "description": "Redirect plain HTTP requests to the same URL over HTTPS (301 for GET and HEAD, 308 otherwise).",
        "type": "boolean"
      },
      "encode_uri": {
        "description": "Percent-encode the path of the Location as nginx's escape_uri does.",
        "type": "boolean",
        "default": false
      },
      "append_query_string": {
        "description": "Append the request's query string to the Location.",
        "type": "boolean",
        "default": false
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "oneOf": [
      {
        "required": [
          "uri"
        ]
      },
      {
        "required": [
          "regex_uri"
        ]
      },
      {
        "required": [
          "http_to_https"
        ]
      }
    ]
  },
  "tollgate:plugins/referer-restriction": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/referer-restriction",
    "title": "RefererRestrictionConf",
    "description": "referer-restriction on a route or service: allow only, or refuse, requests by the host of their Referer.",
    "type": "object",
    "properties": {
      "bypass_missing": {
        "description": "Serve a request without a Referer (or with a malformed one) instead of refusing it.",
        "type": "boolean",
        "default": false
      },
      "whitelist": {
        "description": "Hosts allowed; `*.example.com` allows every host ending in `.example.com`. Every other Referer is refused.",
        "type": "array",
        "items": {
          "type": "string",
          "pattern": "^\\*?[0-9a-zA-Z-._]+$"
        },
        "minItems": 1
      },
      "blacklist": {
        "description": "Hosts refused, in the format of `whitelist`; every other Referer is allowed.",
        "type": "array",
        "items": {
          "type": "string",
          "pattern": "^\\*?[0-9a-zA-Z-._]+$"
        },
        "minItems": 1
      },
      "message": {
        "description": "Message of the refusal body `{\"message\": ...}`.",
        "type": "string",
        "minLength": 1,
        "maxLength": 1024,
        "default": "Your referer host is not allowed"
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "oneOf": [
      {
        "required": [
          "whitelist"
        ]
      },
      {
        "required": [
          "blacklist"
        ]
      }
    ]
  },
  "tollgate:plugins/request-id": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/request-id",
    "title": "RequestIdConf",
    "description": "request-id on a route or service: give every request a unique ID, sent upstream and back to the client.",
    "type": "object",
    "properties": {
      "header_name": {
        "description": "Header that carries the ID. A non-empty ID the client sent in it is kept.",
        "type": "string",
        "default": "X-Request-Id"
      },
      "include_in_response": {
        "description": "Send the ID back in the response header `header_name` (unless the response has one).",
        "type": "boolean",
        "default": true
      },
      "algorithm": {
        "description": "How IDs are generated: uuid (v4), nanoid (21 URL-safe characters), range_id (random characters from `range_id.char_set`), ksuid (27 base62 characters, time-ordered).",
        "type": "string",
        "enum": [
          "uuid",
          "nanoid",
          "range_id",
          "ksuid"
        ],
        "default": "uuid"
      },
      "range_id": {
        "description": "Options of the range_id algorithm.",
        "type": "object",
        "properties": {
          "length": {
            "description": "Length of a range_id ID.",
            "type": "integer",
            "minimum": 6,
            "default": 16
          },
          "char_set": {
            "description": "Characters a range_id ID is drawn from.",
            "type": "string",
            "minLength": 6,
            "default": "abcdefghijklmnopqrstuvwxyzABCDEFGHIGKLMNOPQRSTUVWXYZ0123456789"
          }
        },
        "default": {
          "length": 16,
          "char_set": "abcdefghijklmnopqrstuvwxyzABCDEFGHIGKLMNOPQRSTUVWXYZ0123456789"
        }
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    }
  },
  "tollgate:plugins/request-validation": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/request-validation",
    "title": "RequestValidationConf",
    "description": "request-validation on a route or service: check the request headers and body against JSON Schemas before proxying.",
    "type": "object",
    "properties": {
      "header_schema": {
        "description": "JSON Schema the request headers (lower-case names, string values) must satisfy.",
        "type": "object"
      },
      "body_schema": {
        "description": "JSON Schema the request body must satisfy: parsed as JSON, or as a form when Content-Type is application/x-www-form-urlencoded.",
        "type": "object"
      },
      "rejected_code": {
        "description": "Status of the response to a request that fails validation.",
        "type": "integer",
        "minimum": 200,
        "maximum": 599,
        "default": 400
      },
      "rejected_msg": {
        "description": "Body of the response to a request that fails validation; by default the validation error.",
        "type": "string",
        "minLength": 1,
        "maxLength": 256
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "anyOf": [
      {
        "required": [
          "header_schema"
        ]
      },
      {
        "required": [
          "body_schema"
        ]
      }
    ]
  },
  "tollgate:plugins/response-rewrite": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/response-rewrite",
    "title": "ResponseRewriteConf",
    "description": "response-rewrite on a route or service: change the status, headers and body of the response sent to the client.",
    "type": "object",
    "properties": {
      "headers": {
        "description": "Response header changes: `add` (\"Name: value\" lines), `set` and `remove`, or (the 2.x form) an object of headers to set. Values may use `$var`.",
        "anyOf": [
          {
            "type": "object",
            "minProperties": 1,
            "patternProperties": {
              "^[^:]+$": {
                "oneOf": [
                  {
                    "type": "string"
                  },
                  {
                    "type": "number"
                  }
                ]
              }
            }
          },
          {
            "type": "object",
            "properties": {
              "add": {
                "description": "Headers appended to the response, each written `Name: value`.",
                "type": "array",
                "minItems": 1,
                "items": {
                  "type": "string",
                  "pattern": "^[^:]+:[^:]+[^/]$"
                }
              },
              "set": {
                "description": "Headers set on the response (replacing existing values).",
                "type": "object",
                "minProperties": 1,
                "patternProperties": {
                  "^[^:]+$": {
                    "oneOf": [
                      {
                        "type": "string"
                      },
                      {
                        "type": "number"
                      }
                    ]
                  }
                }
              },
              "remove": {
                "description": "Headers removed from the response.",
                "type": "array",
                "minItems": 1,
                "items": {
                  "type": "string",
                  "pattern": "^[^:]+$"
                }
              }
            }
          }
        ]
      },
      "body": {
        "description": "New response body (replaces the upstream's).",
        "type": "string"
      },
      "body_base64": {
        "description": "Decode `body` from base64 before sending it (for binary bodies).",
        "type": "boolean",
        "default": false
      },
      "status_code": {
        "description": "New response status code.",
        "type": "integer",
        "minimum": 200,
        "maximum": 598
      },
      "vars": {
        "description": "Rewrite only responses for which this expression (lua-resty-expr syntax, response variables such as `status` included) is true.",
        "type": "array"
      },
      "filters": {
        "description": "Regex replacements applied to the whole response body, in order.",
        "type": "array",
        "minItems": 1,
        "items": {
          "description": "One replacement.",
          "type": "object",
          "required": [
            "regex",
            "replace"
          ],
          "properties": {
            "regex": {
              "description": "Pattern to match in the response body.",
              "type": "string",
              "minLength": 1
            },
            "scope": {
              "description": "Replace the first match (`once`) or every match (`global`).",
              "type": "string",
              "enum": [
                "once",
                "global"
              ],
              "default": "once"
            },
            "replace": {
              "description": "Replacement text (`$0`, `$1` for captures).",
              "type": "string"
            },
            "options": {
              "description": "Regex options, as ngx.re's (`i` caseless, `m` multi-line, `s` dot-all; `j`, `o` ignored).",
              "type": "string",
              "default": "jo"
            }
          }
        }
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "dependencies": {
      "body": {
        "not": {
          "required": [
            "filters"
          ]
        }
      },
      "filters": {
        "not": {
          "required": [
            "body"
          ]
        }
      }
    }
  },
  "tollgate:plugins/syslog": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/syslog",
    "title": "SyslogConf",
    "description": "APISIX's syslog: each request's log entry as JSON in an RFC 5424 message (facility SYSLOG, severity INFO, app name apisix), batched, buffered and written to a syslog server over TCP, TLS or UDP.",
    "type": "object",
    "allOf": [
      {
        "$ref": "tollgate:common/logger-batch"
      },
      {
        "$ref": "tollgate:common/logger-body"
      }
    ],
    "properties": {
      "host": {
        "description": "IP address or hostname of the syslog server.",
        "type": "string"
      },
      "port": {
        "description": "Port of the syslog server.",
        "type": "integer"
      },
      "flush_limit": {
        "description": "Bytes buffered (messages already waiting plus the new ones) at which the buffer is written to the server; below it, messages wait for more.",
        "type": "integer",
        "minimum": 1,
        "default": 4096
      },
      "drop_limit": {
        "description": "Bytes buffered above which new messages are refused (the batch fails and is retried).",
        "type": "integer",
        "default": 1048576
      },
      "timeout": {
        "description": "Milliseconds that connecting and writing may each take.",
        "type": "integer",
        "minimum": 1,
        "default": 3000
      },
      "sock_type": {
        "description": "Transport to the server.",
        "type": "string",
        "enum": [
          "tcp",
          "udp"
        ],
        "default": "tcp"
      },
      "pool_size": {
        "description": "Keep-alive pool size of the TCP connection (one kept connection per configuration in Tollgate).",
        "type": "integer",
        "minimum": 5,
        "default": 5
      },
      "tls": {
        "description": "Speak TLS to the server over TCP (its certificate is not verified).",
        "type": "boolean",
        "default": false
      },
      "name": {
        "description": "Name of the batch processor, in its log lines.",
        "type": "string",
        "default": "sys logger"
      }
    },
    "required": [
      "host",
      "port"
    ]
  },
  "tollgate:plugins/syslog.metadata": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/syslog.metadata",
    "title": "SyslogMetadataConf",
    "description": "syslog plugin metadata: the log format of routes without their own, and the backlog cap.",
    "type": "object",
    "allOf": [
      {
        "$ref": "tollgate:common/logger-metadata"
      }
    ]
  },
  "tollgate:plugins/tcp-logger": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/tcp-logger",
    "title": "TcpLoggerConf",
    "description": "APISIX's tcp-logger: each request's log entry, batched, written as JSON to a TCP (or TLS) server over a new connection per batch.",
    "type": "object",
    "allOf": [
      {
        "$ref": "tollgate:common/logger-batch"
      },
      {
        "$ref": "tollgate:common/logger-body"
      }
    ],
    "properties": {
      "host": {
        "description": "IP address or hostname of the TCP server.",
        "type": "string"
      },
      "port": {
        "description": "Port of the TCP server.",
        "type": "integer",
        "minimum": 0
      },
      "tls": {
        "description": "Speak TLS to the server (its certificate is not verified, as in APISIX).",
        "type": "boolean",
        "default": false
      },
      "tls_options": {
        "description": "Server name (SNI) sent in the TLS handshake.",
        "type": "string"
      },
      "timeout": {
        "description": "Milliseconds that connecting and sending one batch may each take.",
        "type": "integer",
        "minimum": 1,
        "default": 1000
      },
      "name": {
        "description": "Name of the batch processor, in its log lines.",
        "type": "string",
        "default": "tcp logger"
      }
    },
    "required": [
      "host",
      "port"
    ]
  },
  "tollgate:plugins/tcp-logger.metadata": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/tcp-logger.metadata",
    "title": "TcpLoggerMetadataConf",
    "description": "tcp-logger plugin metadata: the log format of routes without their own, and the backlog cap.",
    "type": "object",
    "allOf": [
      {
        "$ref": "tollgate:common/logger-metadata"
      }
    ]
  },
  "tollgate:plugins/traffic-split": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/traffic-split",
    "title": "TrafficSplitConf",
    "description": "traffic-split on a route or service: send requests that match a rule to weighted upstreams instead of the route's own (canary, blue-green and A/B releases).",
    "type": "object",
    "properties": {
      "rules": {
        "description": "Rules tried in order; the first whose `match` passes picks among its `weighted_upstreams`. No match: the route's upstream.",
        "type": "array",
        "items": {
          "description": "One rule.",
          "type": "object",
          "properties": {
            "match": {
              "description": "Conditions, any of which selects this rule; a rule without `match` always applies.",
              "type": "array",
              "items": {
                "description": "One condition.",
                "type": "object",
                "properties": {
                  "vars": {
                    "description": "lua-resty-expr rules over request variables, all of which must hold (as route `vars`).",
                    "type": "array"
                  }
                }
              }
            },
            "weighted_upstreams": {
              "description": "Upstreams picked by weighted round robin; an entry with only `weight` stands for the route's own upstream.",
              "type": "array",
              "items": {
                "description": "One weighted upstream.",
                "type": "object",
                "properties": {
                  "upstream_id": {
                    "$ref": "tollgate:common/id",
                    "description": "Id of an upstream object."
                  },
                  "upstream": {
                    "$ref": "tollgate:resources/upstream",
                    "description": "An inline upstream; only name, type, hash_on, key, nodes, timeout (default 15 s each), pass_host and upstream_host are used."
                  },
                  "weight": {
                    "description": "Share of the traffic of this rule.",
                    "type": "integer",
                    "default": 1,
                    "minimum": 0
                  }
                }
              },
              "default": [
                {
                  "weight": 1
                }
              ],
              "minItems": 1,
              "maxItems": 20
            }
          },
          "additionalProperties": false
        }
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "additionalProperties": false
  },
  "tollgate:plugins/ua-restriction": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/ua-restriction",
    "title": "UaRestrictionConf",
    "description": "ua-restriction on a route or service: refuse requests by their User-Agent, matched against regular expressions.",
    "type": "object",
    "properties": {
      "bypass_missing": {
        "description": "Serve a request without a User-Agent header instead of refusing it.",
        "type": "boolean",
        "default": false
      },
      "allowlist": {
        "description": "Regular expressions of User-Agents that are always served, even when the denylist matches them.",
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1
        },
        "minItems": 1
      },
      "denylist": {
        "description": "Regular expressions of User-Agents that are refused.",
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1
        },
        "minItems": 1
      },
      "message": {
        "description": "Message of the refusal body `{\"message\": ...}`.",
        "type": "string",
        "minLength": 1,
        "maxLength": 1024,
        "default": "Not allowed"
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "anyOf": [
      {
        "required": [
          "allowlist"
        ]
      },
      {
        "required": [
          "denylist"
        ]
      }
    ]
  },
  "tollgate:plugins/udp-logger": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/udp-logger",
    "title": "UdpLoggerConf",
    "description": "APISIX's udp-logger: each request's log entry, batched, sent as JSON in one UDP datagram per batch.",
    "type": "object",
    "allOf": [
      {
        "$ref": "tollgate:common/logger-batch"
      },
      {
        "$ref": "tollgate:common/logger-body"
      }
    ],
    "properties": {
      "host": {
        "description": "IP address or hostname of the UDP server.",
        "type": "string"
      },
      "port": {
        "description": "Port of the UDP server.",
        "type": "integer",
        "minimum": 0
      },
      "timeout": {
        "description": "Seconds that sending one batch may take.",
        "type": "integer",
        "minimum": 1,
        "default": 3
      },
      "name": {
        "description": "Name of the batch processor, in its log lines.",
        "type": "string",
        "default": "udp logger"
      }
    },
    "required": [
      "host",
      "port"
    ]
  },
  "tollgate:plugins/udp-logger.metadata": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/udp-logger.metadata",
    "title": "UdpLoggerMetadataConf",
    "description": "udp-logger plugin metadata: the log format of routes without their own, and the backlog cap.",
    "type": "object",
    "allOf": [
      {
        "$ref": "tollgate:common/logger-metadata"
      }
    ]
  },
  "tollgate:plugins/uri-blocker": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:plugins/uri-blocker",
    "title": "UriBlockerConf",
    "description": "uri-blocker on a route or service: refuse requests whose URI (path and query) matches a regular expression.",
    "type": "object",
    "properties": {
      "block_rules": {
        "description": "Regular expressions searched for in the normalised path plus `?` and the query string; any match refuses the request.",
        "type": "array",
        "items": {
          "type": "string",
          "minLength": 1,
          "maxLength": 4096
        },
        "uniqueItems": true
      },
      "rejected_code": {
        "description": "Status of the refusal.",
        "type": "integer",
        "minimum": 200,
        "default": 403
      },
      "rejected_msg": {
        "description": "When set, the refusal body is `{\"error_msg\": rejected_msg}`; otherwise an nginx-style error page.",
        "type": "string",
        "minLength": 1
      },
      "case_insensitive": {
        "description": "Match the rules without regard to case.",
        "type": "boolean",
        "default": false
      },
      "_meta": {
        "$ref": "tollgate:common/plugin-meta",
        "description": "APISIX plugin meta options."
      }
    },
    "required": [
      "block_rules"
    ]
  },
  "tollgate:resources/consumer": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:resources/consumer",
    "title": "ConsumerConf",
    "description": "A consumer: an API client identified by username, with its auth and other plugins.",
    "type": "object",
    "properties": {
      "username": {
        "description": "Unique consumer name; also the resource's key.",
        "type": "string",
        "minLength": 1,
        "maxLength": 256,
        "pattern": "^[a-zA-Z0-9_\\-]+$"
      },
      "id": {
        "$ref": "tollgate:common/id",
        "description": "Optional id (the key is the username)."
      },
      "desc": {
        "$ref": "tollgate:common/desc",
        "description": "Consumer description."
      },
      "labels": {
        "$ref": "tollgate:common/labels",
        "description": "Labels of the consumer."
      },
      "create_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Creation time."
      },
      "update_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Last update time."
      },
      "group_id": {
        "$ref": "tollgate:common/id",
        "description": "Id of the consumer group it belongs to."
      },
      "plugins": {
        "$ref": "tollgate:common/plugins-map",
        "description": "Plugins of the consumer."
      }
    },
    "required": [
      "username"
    ],
    "additionalProperties": false
  },
  "tollgate:resources/consumer_group": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:resources/consumer_group",
    "title": "ConsumerGroupConf",
    "description": "A consumer group: plugins shared by the consumers whose group_id points at it.",
    "type": "object",
    "properties": {
      "id": {
        "$ref": "tollgate:common/id",
        "description": "Consumer group id."
      },
      "name": {
        "$ref": "tollgate:common/name",
        "description": "Consumer group name."
      },
      "desc": {
        "$ref": "tollgate:common/desc",
        "description": "Consumer group description."
      },
      "labels": {
        "$ref": "tollgate:common/labels",
        "description": "Labels of the group."
      },
      "create_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Creation time."
      },
      "update_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Last update time."
      },
      "plugins": {
        "$ref": "tollgate:common/plugins-map",
        "description": "Plugins of the group."
      }
    },
    "required": [
      "plugins"
    ],
    "additionalProperties": false
  },
  "tollgate:resources/credential": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:resources/credential",
    "title": "CredentialConf",
    "description": "A credential of a consumer: one more set of auth-plugin secrets for the same consumer.",
    "type": "object",
    "properties": {
      "id": {
        "$ref": "tollgate:common/id",
        "description": "Credential id."
      },
      "name": {
        "$ref": "tollgate:common/name",
        "description": "Credential name."
      },
      "desc": {
        "$ref": "tollgate:common/desc",
        "description": "Credential description."
      },
      "labels": {
        "$ref": "tollgate:common/labels",
        "description": "Labels of the credential."
      },
      "create_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Creation time."
      },
      "update_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Last update time."
      },
      "plugins": {
        "$ref": "tollgate:common/plugins-map",
        "description": "Auth plugins of the credential."
      }
    },
    "additionalProperties": false
  },
  "tollgate:resources/global_rule": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:resources/global_rule",
    "title": "GlobalRuleConf",
    "description": "A global rule: plugins that run on every request before the route's plugins.",
    "type": "object",
    "properties": {
      "id": {
        "$ref": "tollgate:common/id",
        "description": "Global rule id."
      },
      "create_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Creation time."
      },
      "update_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Last update time."
      },
      "plugins": {
        "$ref": "tollgate:common/plugins-map",
        "description": "Plugins run on every request."
      }
    },
    "required": [
      "plugins"
    ],
    "additionalProperties": false
  },
  "tollgate:resources/plugin_config": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:resources/plugin_config",
    "title": "PluginConfigConf",
    "description": "A plugin config: a reusable plugin set that routes reference with plugin_config_id.",
    "type": "object",
    "properties": {
      "id": {
        "$ref": "tollgate:common/id",
        "description": "Plugin config id."
      },
      "name": {
        "$ref": "tollgate:common/name",
        "description": "Plugin config name."
      },
      "desc": {
        "$ref": "tollgate:common/desc",
        "description": "Plugin config description."
      },
      "labels": {
        "$ref": "tollgate:common/labels",
        "description": "Labels of the plugin config."
      },
      "create_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Creation time."
      },
      "update_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Last update time."
      },
      "plugins": {
        "$ref": "tollgate:common/plugins-map",
        "description": "The plugins."
      }
    },
    "required": [
      "plugins"
    ],
    "additionalProperties": false
  },
  "tollgate:resources/plugin_metadata": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:resources/plugin_metadata",
    "title": "PluginMetadataConf",
    "description": "Plugin metadata: settings shared by every instance of one plugin, checked against that plugin's metadata schema.",
    "type": "object",
    "properties": {
      "id": {
        "$ref": "tollgate:common/id",
        "description": "Name of the plugin the metadata belongs to."
      }
    },
    "additionalProperties": true
  },
  "tollgate:resources/proto": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:resources/proto",
    "title": "ProtoConf",
    "description": "A protocol buffers definition (`/apisix/admin/protos/<id>`, APISIX's schema_def proto) that grpc-transcode plugin confs name by `proto_id`: a `.proto` source, or a base64 `FileDescriptorSet` (compiled `.pb`).",
    "type": "object",
    "properties": {
      "id": {
        "$ref": "tollgate:common/id",
        "description": "Proto id."
      },
      "name": {
        "$ref": "tollgate:common/name",
        "description": "Proto name."
      },
      "desc": {
        "$ref": "tollgate:common/desc",
        "description": "Proto description."
      },
      "labels": {
        "$ref": "tollgate:common/labels",
        "description": "Labels of the proto."
      },
      "create_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Creation time."
      },
      "update_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Last update time."
      },
      "content": {
        "type": "string",
        "minLength": 1,
        "maxLength": 1048576,
        "description": "The `.proto` source, or a base64-encoded `FileDescriptorSet`; compiled at write time."
      }
    },
    "required": [
      "content"
    ],
    "additionalProperties": false
  },
  "tollgate:resources/route": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:resources/route",
    "title": "RouteConf",
    "description": "A route: request matching rules plus the plugins and upstream that serve matched requests.",
    "type": "object",
    "properties": {
      "id": {
        "$ref": "tollgate:common/id",
        "description": "Route id."
      },
      "name": {
        "$ref": "tollgate:common/name",
        "description": "Route name."
      },
      "desc": {
        "$ref": "tollgate:common/desc",
        "description": "Route description."
      },
      "labels": {
        "$ref": "tollgate:common/labels",
        "description": "Labels of the route."
      },
      "create_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Creation time."
      },
      "update_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Last update time."
      },
      "uri": {
        "description": "Request path to match; a trailing * matches a prefix.",
        "type": "string",
        "minLength": 1,
        "maxLength": 4096
      },
      "uris": {
        "description": "Request paths to match (use instead of uri).",
        "type": "array",
        "minItems": 1,
        "uniqueItems": true,
        "items": {
          "description": "HTTP uri.",
          "type": "string"
        }
      },
      "priority": {
        "description": "Higher priorities are matched first when several routes share a uri.",
        "type": "integer",
        "default": 0
      },
      "methods": {
        "description": "HTTP methods to match (all when unset).",
        "type": "array",
        "uniqueItems": true,
        "items": {
          "$ref": "tollgate:common/http-method"
        }
      },
      "host": {
        "$ref": "tollgate:common/host",
        "description": "Host to match."
      },
      "hosts": {
        "description": "Hosts to match (use instead of host).",
        "type": "array",
        "minItems": 1,
        "uniqueItems": true,
        "items": {
          "$ref": "tollgate:common/host"
        }
      },
      "remote_addr": {
        "$ref": "tollgate:common/remote-addr",
        "description": "Client address to match."
      },
      "remote_addrs": {
        "description": "Client addresses to match (use instead of remote_addr).",
        "type": "array",
        "minItems": 1,
        "uniqueItems": true,
        "items": {
          "$ref": "tollgate:common/remote-addr"
        }
      },
      "vars": {
        "description": "lua-resty-expr expressions over request variables, all of which must match.",
        "type": "array"
      },
      "filter_func": {
        "description": "Lua function source used as an extra match condition (accepted for compatibility).",
        "type": "string",
        "minLength": 10,
        "pattern": "^function"
      },
      "script": {
        "description": "Plugin orchestration script (APISIX dashboard); excludes plugins and plugin_config_id.",
        "type": "string",
        "minLength": 10,
        "maxLength": 102400
      },
      "script_id": {
        "$ref": "tollgate:common/id",
        "description": "Id of the script."
      },
      "plugins": {
        "$ref": "tollgate:common/plugins-map",
        "description": "Plugins of the route."
      },
      "plugin_config_id": {
        "$ref": "tollgate:common/id",
        "description": "Id of a plugin_config whose plugins are merged in."
      },
      "upstream": {
        "$ref": "tollgate:resources/upstream",
        "description": "Inline upstream."
      },
      "upstream_id": {
        "$ref": "tollgate:common/id",
        "description": "Id of an upstream resource."
      },
      "service_id": {
        "$ref": "tollgate:common/id",
        "description": "Id of a service this route belongs to."
      },
      "service_protocol": {
        "description": "Protocol of the service (grpc or http).",
        "enum": [
          "grpc",
          "http"
        ]
      },
      "timeout": {
        "$ref": "tollgate:common/timeout",
        "description": "Upstream timeouts for this route."
      },
      "enable_websocket": {
        "description": "Proxy WebSocket upgrades.",
        "type": "boolean"
      },
      "status": {
        "description": "1 enables the route, 0 disables it (never matched).",
        "type": "integer",
        "enum": [
          1,
          0
        ],
        "default": 1
      }
    },
    "allOf": [
      {
        "oneOf": [
          {
            "required": [
              "uri"
            ]
          },
          {
            "required": [
              "uris"
            ]
          }
        ]
      },
      {
        "oneOf": [
          {
            "not": {
              "anyOf": [
                {
                  "required": [
                    "host"
                  ]
                },
                {
                  "required": [
                    "hosts"
                  ]
                }
              ]
            }
          },
          {
            "required": [
              "host"
            ]
          },
          {
            "required": [
              "hosts"
            ]
          }
        ]
      },
      {
        "oneOf": [
          {
            "not": {
              "anyOf": [
                {
                  "required": [
                    "remote_addr"
                  ]
                },
                {
                  "required": [
                    "remote_addrs"
                  ]
                }
              ]
            }
          },
          {
            "required": [
              "remote_addr"
            ]
          },
          {
            "required": [
              "remote_addrs"
            ]
          }
        ]
      }
    ],
    "anyOf": [
      {
        "required": [
          "plugins",
          "uri"
        ]
      },
      {
        "required": [
          "upstream",
          "uri"
        ]
      },
      {
        "required": [
          "upstream_id",
          "uri"
        ]
      },
      {
        "required": [
          "service_id",
          "uri"
        ]
      },
      {
        "required": [
          "plugins",
          "uris"
        ]
      },
      {
        "required": [
          "upstream",
          "uris"
        ]
      },
      {
        "required": [
          "upstream_id",
          "uris"
        ]
      },
      {
        "required": [
          "service_id",
          "uris"
        ]
      },
      {
        "required": [
          "script",
          "uri"
        ]
      },
      {
        "required": [
          "script",
          "uris"
        ]
      }
    ],
    "not": {
      "anyOf": [
        {
          "required": [
            "script",
            "plugins"
          ]
        },
        {
          "required": [
            "script",
            "plugin_config_id"
          ]
        }
      ]
    },
    "additionalProperties": false
  },
  "tollgate:resources/secret.aws": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:resources/secret.aws",
    "title": "SecretAwsConf",
    "description": "An AWS Secrets Manager secret manager (`/apisix/admin/secrets/aws/<id>`, APISIX's apisix/secret/aws.lua): `$secret://aws/<id>/<secret_name>/<field>` reads `<field>` of the secret's JSON `SecretString`.",
    "type": "object",
    "properties": {
      "id": {
        "type": "string",
        "description": "`<manager>/<id>`, set by the Admin API from the URL (APISIX's layout)."
      },
      "create_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Creation time."
      },
      "update_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Last update time."
      },
      "access_key_id": {
        "type": "string",
        "description": "AWS access key id; may be an `$env://` reference."
      },
      "secret_access_key": {
        "type": "string",
        "description": "AWS secret access key; may be an `$env://` reference."
      },
      "session_token": {
        "type": "string",
        "description": "Temporary credentials' session token; may be an `$env://` reference."
      },
      "region": {
        "type": "string",
        "default": "us-east-1",
        "description": "AWS region the requests are signed for."
      },
      "endpoint_url": {
        "type": "string",
        "pattern": "^[^\\/]+:\\/\\/([\\da-zA-Z.-]+|\\[[\\da-fA-F:]+\\])(:\\d+)?",
        "description": "Secrets Manager endpoint (default `https://secretsmanager.<region>.amazonaws.com`)."
      }
    },
    "required": [
      "access_key_id",
      "secret_access_key"
    ]
  },
  "tollgate:resources/secret.gcp": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:resources/secret.gcp",
    "title": "SecretGcpConf",
    "description": "A GCP Secret Manager secret manager (`/apisix/admin/secrets/gcp/<id>`, APISIX's apisix/secret/gcp.lua): `$secret://gcp/<id>/<secret_name>/<field>` reads `<field>` of the latest version's JSON payload.",
    "type": "object",
    "properties": {
      "id": {
        "type": "string",
        "description": "`<manager>/<id>`, set by the Admin API from the URL (APISIX's layout)."
      },
      "create_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Creation time."
      },
      "update_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Last update time."
      },
      "auth_config": {
        "type": "object",
        "description": "Service account credentials.",
        "properties": {
          "client_email": {
            "type": "string",
            "description": "Service account e-mail."
          },
          "private_key": {
            "type": "string",
            "description": "Service account private key (PEM)."
          },
          "project_id": {
            "type": "string",
            "description": "Project holding the secrets."
          },
          "token_uri": {
            "type": "string",
            "default": "https://oauth2.googleapis.com/token",
            "description": "OAuth 2.0 token endpoint."
          },
          "scopes": {
            "type": "string",
            "default": "https://www.googleapis.com/auth/cloud-platform",
            "description": "OAuth scopes asked for."
          },
          "entries_uri": {
            "type": "string",
            "default": "https://secretmanager.googleapis.com/v1/",
            "description": "Secret Manager API base."
          }
        },
        "required": [
          "client_email",
          "private_key",
          "project_id",
          "token_uri"
        ]
      },
      "ssl_verify": {
        "type": "boolean",
        "default": true,
        "description": "Verify the TLS certificates of Google's endpoints."
      },
      "auth_file": {
        "type": "string",
        "description": "Path of a service account JSON file, read instead of `auth_config`."
      }
    },
    "oneOf": [
      {
        "required": [
          "auth_config"
        ]
      },
      {
        "required": [
          "auth_file"
        ]
      }
    ]
  },
  "tollgate:resources/secret.vault": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:resources/secret.vault",
    "title": "SecretVaultConf",
    "description": "A HashiCorp Vault secret manager (`/apisix/admin/secrets/vault/<id>`, APISIX's apisix/secret/vault.lua): `$secret://vault/<id>/<path>/<field>` reads `<field>` of `<uri>/v1/<prefix>/<path>`.",
    "type": "object",
    "properties": {
      "id": {
        "type": "string",
        "description": "`<manager>/<id>`, set by the Admin API from the URL (APISIX's layout)."
      },
      "create_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Creation time."
      },
      "update_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Last update time."
      },
      "uri": {
        "type": "string",
        "pattern": "^[^\\/]+:\\/\\/([\\da-zA-Z.-]+|\\[[\\da-fA-F:]+\\])(:\\d+)?",
        "description": "Vault's address, `http(s)://host[:port]`."
      },
      "prefix": {
        "type": "string",
        "description": "Path under `/v1/` the secret paths are relative to: a KV v1 mount (`kv/apisix`), or a KV v2 mount's read path (`secret/data`, Tollgate)."
      },
      "token": {
        "type": "string",
        "description": "Vault token sent as `X-Vault-Token`; may be an `$env://` reference."
      },
      "namespace": {
        "type": "string",
        "description": "Vault Enterprise / HCP namespace sent as `X-Vault-Namespace`."
      }
    },
    "required": [
      "uri",
      "prefix",
      "token"
    ]
  },
  "tollgate:resources/service": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:resources/service",
    "title": "ServiceConf",
    "description": "A service: plugins and an upstream shared by the routes that reference it.",
    "type": "object",
    "properties": {
      "id": {
        "$ref": "tollgate:common/id",
        "description": "Service id."
      },
      "name": {
        "$ref": "tollgate:common/name",
        "description": "Service name."
      },
      "desc": {
        "$ref": "tollgate:common/desc",
        "description": "Service description."
      },
      "labels": {
        "$ref": "tollgate:common/labels",
        "description": "Labels of the service."
      },
      "create_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Creation time."
      },
      "update_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Last update time."
      },
      "plugins": {
        "$ref": "tollgate:common/plugins-map",
        "description": "Plugins of the service."
      },
      "upstream": {
        "$ref": "tollgate:resources/upstream",
        "description": "Inline upstream."
      },
      "upstream_id": {
        "$ref": "tollgate:common/id",
        "description": "Id of an upstream resource."
      },
      "script": {
        "description": "Plugin orchestration script (APISIX dashboard).",
        "type": "string",
        "minLength": 10,
        "maxLength": 102400
      },
      "enable_websocket": {
        "description": "Proxy WebSocket upgrades.",
        "type": "boolean"
      },
      "hosts": {
        "description": "Hosts the service's routes match.",
        "type": "array",
        "minItems": 1,
        "uniqueItems": true,
        "items": {
          "$ref": "tollgate:common/host"
        }
      }
    },
    "additionalProperties": false
  },
  "tollgate:resources/ssl": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:resources/ssl",
    "title": "SslConf",
    "description": "A certificate and its key: served to clients whose SNI matches (type server) or presented to upstreams (type client) (APISIX schema_def ssl).",
    "type": "object",
    "properties": {
      "id": {
        "$ref": "tollgate:common/id",
        "description": "SSL id."
      },
      "type": {
        "description": "server: served to clients by SNI; client: presented to upstreams (tls.client_cert_id).",
        "type": "string",
        "enum": [
          "server",
          "client"
        ],
        "default": "server"
      },
      "cert": {
        "description": "Certificate (PEM), or a $secret:// / $env:// reference.",
        "oneOf": [
          {
            "type": "string",
            "minLength": 128,
            "maxLength": 65536
          },
          {
            "type": "string",
            "pattern": "^\\$(secret|env|ENV)://"
          }
        ]
      },
      "key": {
        "description": "Private key (PEM), or a $secret:// / $env:// reference.",
        "oneOf": [
          {
            "type": "string",
            "minLength": 128,
            "maxLength": 65536
          },
          {
            "type": "string",
            "pattern": "^\\$(secret|env|ENV)://"
          }
        ]
      },
      "sni": {
        "description": "The one SNI served, exact or wildcard (*.example.com).",
        "type": "string",
        "pattern": "^\\*?[0-9a-zA-Z-._]+$"
      },
      "snis": {
        "description": "The SNIs served, exact or wildcard.",
        "type": "array",
        "items": {
          "type": "string",
          "pattern": "^\\*?[0-9a-zA-Z-._]+$"
        },
        "minItems": 1
      },
      "certs": {
        "description": "More certificates for the same SNIs (e.g. an ECDSA one next to RSA), paired with keys.",
        "type": "array",
        "items": {
          "oneOf": [
            {
              "type": "string",
              "minLength": 128,
              "maxLength": 65536
            },
            {
              "type": "string",
              "pattern": "^\\$(secret|env|ENV)://"
            }
          ]
        }
      },
      "keys": {
        "description": "The private keys of certs, in the same order.",
        "type": "array",
        "items": {
          "oneOf": [
            {
              "type": "string",
              "minLength": 128,
              "maxLength": 65536
            },
            {
              "type": "string",
              "pattern": "^\\$(secret|env|ENV)://"
            }
          ]
        }
      },
      "client": {
        "description": "Client certificate verification (mTLS) for this SNI.",
        "type": "object",
        "properties": {
          "ca": {
            "description": "CA certificate (PEM) client certificates must chain to.",
            "type": "string",
            "minLength": 128,
            "maxLength": 65536
          },
          "depth": {
            "description": "Maximum verification depth of client certificate chains.",
            "type": "integer",
            "minimum": 0,
            "default": 1
          },
          "skip_mtls_uri_regex": {
            "description": "URIs (PCRE) for which no client certificate is required.",
            "type": "array",
            "minItems": 1,
            "uniqueItems": true,
            "items": {
              "description": "A URI regular expression.",
              "type": "string"
            }
          }
        },
        "required": [
          "ca"
        ]
      },
      "status": {
        "description": "1 enables the SSL, 0 disables it.",
        "type": "integer",
        "enum": [
          1,
          0
        ],
        "default": 1
      },
      "ssl_protocols": {
        "description": "TLS versions accepted for this SNI.",
        "type": "array",
        "maxItems": 3,
        "uniqueItems": true,
        "items": {
          "enum": [
            "TLSv1.1",
            "TLSv1.2",
            "TLSv1.3"
          ]
        }
      },
      "desc": {
        "$ref": "tollgate:common/desc",
        "description": "SSL description."
      },
      "labels": {
        "$ref": "tollgate:common/labels",
        "description": "Labels of the SSL."
      },
      "create_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Creation time."
      },
      "update_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Last update time."
      }
    },
    "if": {
      "properties": {
        "type": {
          "enum": [
            "server"
          ]
        }
      }
    },
    "then": {
      "oneOf": [
        {
          "required": [
            "sni",
            "key",
            "cert"
          ]
        },
        {
          "required": [
            "snis",
            "key",
            "cert"
          ]
        }
      ]
    },
    "else": {
      "required": [
        "key",
        "cert"
      ]
    },
    "additionalProperties": false
  },
  "tollgate:resources/stream_route": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:resources/stream_route",
    "title": "StreamRouteConf",
    "description": "A stream route: matches L4 (TCP/UDP) connections by server address and port, client address and TLS SNI, and proxies their bytes to an upstream.",
    "type": "object",
    "properties": {
      "id": {
        "$ref": "tollgate:common/id",
        "description": "Stream route id."
      },
      "name": {
        "$ref": "tollgate:common/name",
        "description": "Stream route name."
      },
      "desc": {
        "$ref": "tollgate:common/desc",
        "description": "Stream route description."
      },
      "labels": {
        "$ref": "tollgate:common/labels",
        "description": "Labels of the stream route."
      },
      "create_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Creation time."
      },
      "update_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Last update time."
      },
      "remote_addr": {
        "$ref": "tollgate:common/remote-addr",
        "description": "Client address (IP or CIDR) to match."
      },
      "server_addr": {
        "$ref": "tollgate:common/remote-addr",
        "description": "Address (IP or CIDR) of the gateway that accepted the connection."
      },
      "server_port": {
        "description": "Port of the gateway that accepted the connection.",
        "type": "integer"
      },
      "sni": {
        "description": "TLS server name (from the ClientHello) to match; `*.example.com` matches one more label.",
        "type": "string",
        "pattern": "^\\*?[0-9a-zA-Z-._]+$"
      },
      "upstream": {
        "$ref": "tollgate:resources/upstream",
        "description": "Inline upstream."
      },
      "upstream_id": {
        "$ref": "tollgate:common/id",
        "description": "Id of an upstream resource."
      },
      "service_id": {
        "$ref": "tollgate:common/id",
        "description": "Id of a service resource."
      },
      "plugins": {
        "$ref": "tollgate:common/plugins-map",
        "description": "Stream plugins (ip-restriction, limit-conn)."
      },
      "protocol": {
        "description": "xRPC protocol of the connections (APISIX's xRPC framework).",
        "type": "object",
        "properties": {
          "name": {
            "description": "Protocol name.",
            "type": "string"
          },
          "superior_id": {
            "$ref": "tollgate:common/id",
            "description": "Stream route whose router this one shares."
          },
          "conf": {
            "description": "Protocol-specific configuration.",
            "type": "object"
          },
          "logger": {
            "description": "Loggers of the protocol's requests.",
            "type": "array",
            "items": {
              "description": "One logger.",
              "type": "object",
              "properties": {
                "name": {
                  "description": "Logger plugin name.",
                  "type": "string"
                },
                "filter": {
                  "description": "Logger filter rules.",
                  "type": "array"
                },
                "conf": {
                  "description": "Logger plugin configuration.",
                  "type": "object"
                }
              },
              "dependencies": {
                "name": [
                  "filter",
                  "conf"
                ]
              }
            }
          }
        },
        "required": [
          "name"
        ]
      }
    }
  },
  "tollgate:resources/upstream": {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "tollgate:resources/upstream",
    "title": "UpstreamConf",
    "description": "An upstream: a set of backend nodes and how to balance, check and reach them (APISIX schema_def upstream).",
    "type": "object",
    "properties": {
      "id": {
        "$ref": "tollgate:common/id",
        "description": "Upstream id."
      },
      "name": {
        "$ref": "tollgate:common/name",
        "description": "Upstream name."
      },
      "desc": {
        "$ref": "tollgate:common/desc",
        "description": "Upstream description."
      },
      "labels": {
        "$ref": "tollgate:common/labels",
        "description": "Labels of the upstream."
      },
      "create_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Creation time."
      },
      "update_time": {
        "$ref": "tollgate:common/timestamp",
        "description": "Last update time."
      },
      "nodes": {
        "$ref": "tollgate:common/upstream-nodes",
        "description": "Backend nodes."
      },
      "service_name": {
        "description": "Service name looked up in the discovery registry.",
        "type": "string",
        "minLength": 1,
        "maxLength": 256
      },
      "discovery_type": {
        "description": "Service discovery registry type.",
        "type": "string"
      },
      "discovery_args": {
        "description": "Extra arguments for the discovery registry.",
        "type": "object",
        "properties": {
          "namespace_id": {
            "description": "Namespace id.",
            "type": "string"
          },
          "group_name": {
            "description": "Group name.",
            "type": "string"
          },
          "metadata": {
            "description": "Metadata the discovered nodes must carry.",
            "type": "object"
          }
        }
      },
      "type": {
        "description": "Load-balancing algorithm.",
        "type": "string",
        "enum": [
          "chash",
          "roundrobin",
          "ewma",
          "least_conn"
        ],
        "default": "roundrobin"
      },
      "hash_on": {
        "description": "What chash hashes on; `key` names the variable, header or cookie.",
        "type": "string",
        "enum": [
          "vars",
          "header",
          "cookie",
          "consumer",
          "vars_combinations"
        ],
        "default": "vars"
      },
      "key": {
        "description": "The chash key.",
        "type": "string"
      },
      "checks": {
        "$ref": "tollgate:common/health-check",
        "description": "Health checks of the nodes."
      },
      "retries": {
        "description": "Times a failed request is retried on another node.",
        "type": "integer",
        "minimum": 0
      },
      "retry_timeout": {
        "description": "Seconds during which retries may happen (0 = no limit).",
        "type": "number",
        "minimum": 0
      },
      "timeout": {
        "$ref": "tollgate:common/timeout",
        "description": "Connect, send and read timeouts."
      },
      "scheme": {
        "description": "Protocol used to talk to the nodes (tcp, tls, udp, kafka are APISIX stream/pubsub schemes).",
        "enum": [
          "grpc",
          "grpcs",
          "http",
          "https",
          "tcp",
          "tls",
          "udp",
          "kafka"
        ],
        "default": "http"
      },
      "pass_host": {
        "description": "Host header sent upstream: the client's (pass), the node's (node) or upstream_host (rewrite).",
        "type": "string",
        "enum": [
          "pass",
          "node",
          "rewrite"
        ],
        "default": "pass"
      },
      "upstream_host": {
        "$ref": "tollgate:common/host",
        "description": "Host header used when pass_host is rewrite."
      },
      "keepalive_pool": {
        "description": "Connection pool towards the nodes.",
        "type": "object",
        "properties": {
          "size": {
            "description": "Maximum idle connections kept.",
            "type": "integer",
            "minimum": 1,
            "default": 320
          },
          "idle_timeout": {
            "description": "Seconds an idle connection is kept.",
            "type": "number",
            "minimum": 0,
            "default": 60
          },
          "requests": {
            "description": "Requests served by one connection before it is closed.",
            "type": "integer",
            "minimum": 1,
            "default": 1000
          }
        }
      },
      "tls": {
        "description": "Client certificate presented to the nodes (mTLS).",
        "type": "object",
        "properties": {
          "client_cert_id": {
            "$ref": "tollgate:common/id",
            "description": "Id of an SSL resource of type client."
          },
          "client_cert": {
            "description": "Client certificate (PEM).",
            "type": "string",
            "minLength": 128,
            "maxLength": 65536
          },
          "client_key": {
            "description": "Client private key (PEM).",
            "type": "string",
            "minLength": 128,
            "maxLength": 65536
          },
          "verify": {
            "description": "Verify the https nodes' certificate and name (APISIX 3.18: kafka only; Tollgate and APISIX master: https too).",
            "type": "boolean",
            "default": false
          }
        },
        "dependencies": {
          "client_cert": {
            "required": [
              "client_key"
            ],
            "not": {
              "required": [
                "client_cert_id"
              ]
            }
          },
          "client_key": {
            "required": [
              "client_cert"
            ],
            "not": {
              "required": [
                "client_cert_id"
              ]
            }
          },
          "client_cert_id": {
            "not": {
              "anyOf": [
                {
                  "required": [
                    "client_cert"
                  ]
                },
                {
                  "required": [
                    "client_key"
                  ]
                }
              ]
            }
          }
        }
      }
    },
    "oneOf": [
      {
        "required": [
          "nodes"
        ]
      },
      {
        "required": [
          "service_name",
          "discovery_type"
        ]
      }
    ],
    "additionalProperties": false
  }
};

/** Schema ids of each plugin, found from the schemas/plugins file names. */
export const PLUGIN_SCHEMA_IDS: Readonly<
  Record<string, { schema: SchemaId; consumerSchema?: SchemaId; metadataSchema?: SchemaId }>
> = {
  "ai-aliyun-content-moderation": {
    "schema": "tollgate:plugins/ai-aliyun-content-moderation"
  },
  "ai-aws-content-moderation": {
    "schema": "tollgate:plugins/ai-aws-content-moderation"
  },
  "ai-cache": {
    "schema": "tollgate:plugins/ai-cache"
  },
  "ai-consumer-rate-limiting": {
    "schema": "tollgate:plugins/ai-consumer-rate-limiting"
  },
  "ai-lakera-guard": {
    "schema": "tollgate:plugins/ai-lakera-guard"
  },
  "ai-prompt-decorator": {
    "schema": "tollgate:plugins/ai-prompt-decorator"
  },
  "ai-prompt-guard": {
    "schema": "tollgate:plugins/ai-prompt-guard"
  },
  "ai-prompt-template": {
    "schema": "tollgate:plugins/ai-prompt-template"
  },
  "ai-proxy": {
    "schema": "tollgate:plugins/ai-proxy"
  },
  "ai-proxy-multi": {
    "schema": "tollgate:plugins/ai-proxy-multi"
  },
  "ai-rag": {
    "schema": "tollgate:plugins/ai-rag"
  },
  "ai-rate-limiting": {
    "schema": "tollgate:plugins/ai-rate-limiting"
  },
  "ai-request-rewrite": {
    "schema": "tollgate:plugins/ai-request-rewrite"
  },
  "ai-runaway-guard": {
    "schema": "tollgate:plugins/ai-runaway-guard"
  },
  "basic-auth": {
    "consumerSchema": "tollgate:plugins/basic-auth.consumer",
    "schema": "tollgate:plugins/basic-auth"
  },
  "client-control": {
    "schema": "tollgate:plugins/client-control"
  },
  "consumer-restriction": {
    "schema": "tollgate:plugins/consumer-restriction"
  },
  "cors": {
    "schema": "tollgate:plugins/cors",
    "metadataSchema": "tollgate:plugins/cors.metadata"
  },
  "elasticsearch-logger": {
    "schema": "tollgate:plugins/elasticsearch-logger",
    "metadataSchema": "tollgate:plugins/elasticsearch-logger.metadata"
  },
  "fault-injection": {
    "schema": "tollgate:plugins/fault-injection"
  },
  "file-logger": {
    "schema": "tollgate:plugins/file-logger",
    "metadataSchema": "tollgate:plugins/file-logger.metadata"
  },
  "forward-auth": {
    "schema": "tollgate:plugins/forward-auth"
  },
  "hmac-auth": {
    "consumerSchema": "tollgate:plugins/hmac-auth.consumer",
    "schema": "tollgate:plugins/hmac-auth"
  },
  "http-logger": {
    "schema": "tollgate:plugins/http-logger",
    "metadataSchema": "tollgate:plugins/http-logger.metadata"
  },
  "ip-restriction": {
    "schema": "tollgate:plugins/ip-restriction"
  },
  "jwt-auth": {
    "consumerSchema": "tollgate:plugins/jwt-auth.consumer",
    "schema": "tollgate:plugins/jwt-auth"
  },
  "key-auth": {
    "consumerSchema": "tollgate:plugins/key-auth.consumer",
    "schema": "tollgate:plugins/key-auth"
  },
  "limit-conn": {
    "schema": "tollgate:plugins/limit-conn"
  },
  "limit-count": {
    "schema": "tollgate:plugins/limit-count",
    "metadataSchema": "tollgate:plugins/limit-count.metadata"
  },
  "limit-req": {
    "schema": "tollgate:plugins/limit-req"
  },
  "loki-logger": {
    "schema": "tollgate:plugins/loki-logger",
    "metadataSchema": "tollgate:plugins/loki-logger.metadata"
  },
  "multi-auth": {
    "schema": "tollgate:plugins/multi-auth"
  },
  "openid-connect": {
    "schema": "tollgate:plugins/openid-connect"
  },
  "opentelemetry": {
    "schema": "tollgate:plugins/opentelemetry",
    "metadataSchema": "tollgate:plugins/opentelemetry.metadata"
  },
  "prometheus": {
    "schema": "tollgate:plugins/prometheus",
    "metadataSchema": "tollgate:plugins/prometheus.metadata"
  },
  "proxy-mirror": {
    "schema": "tollgate:plugins/proxy-mirror"
  },
  "proxy-rewrite": {
    "schema": "tollgate:plugins/proxy-rewrite"
  },
  "real-ip": {
    "schema": "tollgate:plugins/real-ip"
  },
  "redirect": {
    "schema": "tollgate:plugins/redirect"
  },
  "referer-restriction": {
    "schema": "tollgate:plugins/referer-restriction"
  },
  "request-id": {
    "schema": "tollgate:plugins/request-id"
  },
  "request-validation": {
    "schema": "tollgate:plugins/request-validation"
  },
  "response-rewrite": {
    "schema": "tollgate:plugins/response-rewrite"
  },
  "syslog": {
    "schema": "tollgate:plugins/syslog",
    "metadataSchema": "tollgate:plugins/syslog.metadata"
  },
  "tcp-logger": {
    "schema": "tollgate:plugins/tcp-logger",
    "metadataSchema": "tollgate:plugins/tcp-logger.metadata"
  },
  "traffic-split": {
    "schema": "tollgate:plugins/traffic-split"
  },
  "ua-restriction": {
    "schema": "tollgate:plugins/ua-restriction"
  },
  "udp-logger": {
    "schema": "tollgate:plugins/udp-logger",
    "metadataSchema": "tollgate:plugins/udp-logger.metadata"
  },
  "uri-blocker": {
    "schema": "tollgate:plugins/uri-blocker"
  }
};

/** Resource name → schema id. */
export const RESOURCE_SCHEMA_IDS = {
  "route": "tollgate:resources/route",
  "service": "tollgate:resources/service",
  "upstream": "tollgate:resources/upstream",
  "consumer": "tollgate:resources/consumer",
  "credential": "tollgate:resources/credential",
  "plugin_config": "tollgate:resources/plugin_config",
  "global_rule": "tollgate:resources/global_rule",
  "consumer_group": "tollgate:resources/consumer_group",
  "plugin_metadata": "tollgate:resources/plugin_metadata",
  "ssl": "tollgate:resources/ssl",
  "stream_route": "tollgate:resources/stream_route",
  "proto": "tollgate:resources/proto",
  "secret.vault": "tollgate:resources/secret.vault",
  "secret.aws": "tollgate:resources/secret.aws",
  "secret.gcp": "tollgate:resources/secret.gcp"
} as const;
