#!/bin/sh
# A whole Tollgate cluster on this machine's loopback (docs/deployment.md, "Local cluster"):
#   3 etcd members, Redis, one control plane (Admin API), two data planes, two mock LLMs,
#   scenarios 1 and 2 of docs/user-scenarios.md loaded through the Admin API.
#
#   sh deploy/local/cluster.sh up       start everything, wait until each part answers, load
#   sh deploy/local/cluster.sh status   each process: pid, state, port(s)
#   sh deploy/local/cluster.sh down     stop everything; fails if a process or port is left
#
# Needs the build (pnpm build), etcd, etcdctl, redis-server, redis-cli, curl and ss (iproute2).
# Everything lives in TOLLGATE_CLUSTER_DIR (default ./.local/cluster): configs, data, logs, pids.
# Ports: TOLLGATE_CLUSTER_PORT_BASE (default 19700) + the offsets below, all on 127.0.0.1.
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DIR="${TOLLGATE_CLUSTER_DIR:-$ROOT/.local/cluster}"
BASE="${TOLLGATE_CLUSTER_PORT_BASE:-19700}"
ADMIN_KEY="${TOLLGATE_CLUSTER_ADMIN_KEY:-local-cluster-admin-key}"
TOLLGATE="node $ROOT/apps/cli/bin/tollgate.js"

# name | client/listen port(s) (the first is the one waited for) -- one line per process.
ETCD1=$((BASE + 1)) ETCD1_PEER=$((BASE + 2))
ETCD2=$((BASE + 3)) ETCD2_PEER=$((BASE + 4))
ETCD3=$((BASE + 5)) ETCD3_PEER=$((BASE + 6))
REDIS=$((BASE + 10))
CP_ADMIN=$((BASE + 20))
DP1=$((BASE + 31)) DP1_CONTROL=$((BASE + 32)) DP1_METRICS=$((BASE + 33))
DP2=$((BASE + 41)) DP2_CONTROL=$((BASE + 42)) DP2_METRICS=$((BASE + 43))
MOCK_B=$((BASE + 51)) MOCK_C=$((BASE + 52))

PROCS="etcd-1 etcd-2 etcd-3 redis control-plane data-plane-1 data-plane-2 mock-llm-b mock-llm-c"

ports_of() {
  case "$1" in
    etcd-1) echo "$ETCD1 $ETCD1_PEER" ;;
    etcd-2) echo "$ETCD2 $ETCD2_PEER" ;;
    etcd-3) echo "$ETCD3 $ETCD3_PEER" ;;
    redis) echo "$REDIS" ;;
    control-plane) echo "$CP_ADMIN" ;;
    data-plane-1) echo "$DP1 $DP1_CONTROL $DP1_METRICS" ;;
    data-plane-2) echo "$DP2 $DP2_CONTROL $DP2_METRICS" ;;
    mock-llm-b) echo "$MOCK_B" ;;
    mock-llm-c) echo "$MOCK_C" ;;
  esac
}

say() { printf '%s\n' "$*"; }
die() {
  printf 'cluster.sh: %s\n' "$*" >&2
  exit 1
}

pid_of() { cat "$DIR/run/$1.pid" 2>/dev/null || true; }
# A process that exited but is not reaped yet (a zombie: its parent, this script, is gone) is dead.
alive() {
  [ -n "$1" ] || return 1
  st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  case "$st" in Z*) return 1 ;; esac
}
# Live (non-zombie) processes of session $1.
session_live() { ps -eo sid=,stat= | awk -v s="$1" '$1 == s && $2 !~ /^Z/' | grep -q .; }
listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# spawn NAME COMMAND...: in a session of its own (so that `down` can signal its whole group).
spawn() {
  name=$1
  shift
  setsid "$@" >"$DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$DIR/run/$name.pid"
}

# wait_for WHAT SECONDS COMMAND...: retry COMMAND until it succeeds.
wait_for() {
  what=$1 secs=$2
  shift 2
  i=0
  until "$@" >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -le $((secs * 10)) ] || die "$what not ready after ${secs}s (logs in $DIR/logs)"
    sleep 0.1
  done
}

write_configs() {
  etcd_hosts="      - http://127.0.0.1:$ETCD1
      - http://127.0.0.1:$ETCD2
      - http://127.0.0.1:$ETCD3"
  cat >"$DIR/conf/control-plane.yaml" <<EOF
deployment:
  role: control_plane
  admin:
    admin_key:
      - name: admin
        key: $ADMIN_KEY
        role: admin
    admin_listen:
      ip: 127.0.0.1
      port: $CP_ADMIN
  etcd:
    host:
$etcd_hosts
    prefix: /apisix
tollgate:
  data_dir: $DIR/data/control-plane
EOF
  for n in 1 2; do
    eval "gw=\$DP$n control=\$DP${n}_CONTROL metrics=\$DP${n}_METRICS"
    cat >"$DIR/conf/data-plane-$n.yaml" <<EOF
apisix:
  node_listen:
    - ip: 127.0.0.1
      port: $gw
  ssl:
    enable: false
  control:
    ip: 127.0.0.1
    port: $control
deployment:
  role: data_plane
  etcd:
    host:
$etcd_hosts
    prefix: /apisix
nginx_config:
  worker_processes: 1
plugin_attr:
  prometheus:
    export_addr:
      ip: 127.0.0.1
      port: $metrics
tollgate:
  data_dir: $DIR/data/data-plane-$n
EOF
  done
}

# PUT the scenario documents (deploy/examples, test/fixtures/user-scenarios) with their LLM
# endpoints moved to this cluster's mock LLMs. Scenario 2's route gets id scenario2-route and uri
# /scenario2 so that it does not replace scenario 1's (both use id ai-proxy-multi-route, /anything).
load_scenarios() {
  for item in \
    "routes deploy/examples/scenario1-route.json" \
    "routes test/fixtures/user-scenarios/scenario2-route.json" \
    "consumers test/fixtures/user-scenarios/scenario2-consumer-a.json"; do
    set -- $item
    body=$(MOCK_B="$MOCK_B" MOCK_C="$MOCK_C" node -e '
      const fs = require("node:fs");
      const [file] = process.argv.slice(1);
      let text = fs.readFileSync(file, "utf8")
        .replaceAll("127.0.0.1:16724", "127.0.0.1:" + process.env.MOCK_B)
        .replaceAll("127.0.0.1:16725", "127.0.0.1:" + process.env.MOCK_C)
        .replaceAll("{CUSTOM_HOST_1}", "127.0.0.1")
        .replaceAll("{CUSTOM_PORT_1}", process.env.MOCK_B)
        .replace(/\{[A-Z_]+_API_KEY\}/g, "local-key");
      const doc = JSON.parse(text);
      if (file.includes("scenario2-route")) Object.assign(doc, { id: "scenario2-route", uri: "/scenario2" });
      process.stdout.write(JSON.stringify(doc));
    ' "$2")
    code=$(curl -s -o "$DIR/logs/load.out" -w '%{http_code}' -X PUT \
      "http://127.0.0.1:$CP_ADMIN/apisix/admin/$1" -H "X-API-KEY: $ADMIN_KEY" -d "$body")
    case "$code" in
      200 | 201) say "loaded $2 ($code)" ;;
      *) die "PUT $2: $code $(cat "$DIR/logs/load.out")" ;;
    esac
  done
}

up() {
  [ -f "$ROOT/apps/cli/dist/main.js" ] || die "not built: run pnpm build first"
  for p in $PROCS; do
    if alive "$(pid_of "$p")"; then die "$p is already running (cluster.sh down first)"; fi
    for port in $(ports_of "$p"); do
      if listening "$port"; then die "port $port ($p) is taken by another process"; fi
    done
  done
  rm -rf "$DIR"
  mkdir -p "$DIR/run" "$DIR/logs" "$DIR/conf" "$DIR/data"

  cluster="etcd-1=http://127.0.0.1:$ETCD1_PEER,etcd-2=http://127.0.0.1:$ETCD2_PEER,etcd-3=http://127.0.0.1:$ETCD3_PEER"
  for n in 1 2 3; do
    eval "client=\$ETCD$n peer=\$ETCD${n}_PEER"
    spawn "etcd-$n" etcd --name "etcd-$n" --data-dir "$DIR/data/etcd-$n" \
      --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
      --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
      --initial-cluster "$cluster" --initial-cluster-token "tollgate-local-$BASE" \
      --initial-cluster-state new --log-level error
  done
  spawn redis redis-server --bind 127.0.0.1 --port "$REDIS" --save '' --appendonly no
  spawn mock-llm-b $TOLLGATE mock-llm --port "$MOCK_B" --name self-hosted-b
  spawn mock-llm-c $TOLLGATE mock-llm --port "$MOCK_C" --name self-hosted-c

  for n in 1 2 3; do
    eval "client=\$ETCD$n"
    wait_for "etcd-$n" 30 etcdctl --endpoints "http://127.0.0.1:$client" endpoint health
  done
  wait_for redis 10 redis-cli -p "$REDIS" ping

  write_configs
  spawn control-plane $TOLLGATE start -c "$DIR/conf/control-plane.yaml"
  spawn data-plane-1 $TOLLGATE start -c "$DIR/conf/data-plane-1.yaml"
  spawn data-plane-2 $TOLLGATE start -c "$DIR/conf/data-plane-2.yaml"
  wait_for mock-llm-b 15 curl -sf "http://127.0.0.1:$MOCK_B/health"
  wait_for mock-llm-c 15 curl -sf "http://127.0.0.1:$MOCK_C/health"
  wait_for control-plane 30 curl -sf "http://127.0.0.1:$CP_ADMIN/apisix/admin/routes" -H "X-API-KEY: $ADMIN_KEY"
  wait_for data-plane-1 30 curl -sf "http://127.0.0.1:$DP1_CONTROL/status/ready"
  wait_for data-plane-2 30 curl -sf "http://127.0.0.1:$DP2_CONTROL/status/ready"

  load_scenarios
  status
  say "admin API: http://127.0.0.1:$CP_ADMIN/apisix/admin (X-API-KEY: $ADMIN_KEY)"
  say "gateways:  http://127.0.0.1:$DP1  http://127.0.0.1:$DP2  (scenario 1: POST /anything; scenario 2: POST /scenario2 with apikey: consumer_a_key)"
  say "redis:     127.0.0.1:$REDIS"
}

status() {
  printf '%-14s %-8s %-5s %s\n' PROCESS PID STATE PORTS
  down_count=0
  for p in $PROCS; do
    pid=$(pid_of "$p")
    if alive "$pid"; then state=up; else
      state=down
      down_count=$((down_count + 1))
    fi
    ports=""
    for port in $(ports_of "$p"); do
      if listening "$port"; then ports="$ports 127.0.0.1:$port"; else ports="$ports 127.0.0.1:$port(closed)"; fi
    done
    printf '%-14s %-8s %-5s%s\n' "$p" "${pid:--}" "$state" "$ports"
  done
  [ "$down_count" = 0 ]
}

down() {
  # Gateways first (they drain), then the control plane, the LLMs, Redis and etcd.
  for p in data-plane-1 data-plane-2 control-plane mock-llm-b mock-llm-c redis etcd-3 etcd-2 etcd-1; do
    pid=$(pid_of "$p")
    alive "$pid" && kill -TERM "-$pid" 2>/dev/null || true
  done
  i=0
  for p in $PROCS; do
    pid=$(pid_of "$p")
    while alive "$pid" && [ "$i" -lt 150 ]; do
      sleep 0.1
      i=$((i + 1))
    done
    if alive "$pid"; then
      say "$p ($pid) did not stop in 15 s: SIGKILL"
      kill -KILL "-$pid" 2>/dev/null || true
    fi
  done
  # The sessions' other members (gateway workers) too; then check nothing is left.
  left=""
  for p in $PROCS; do
    pid=$(pid_of "$p")
    [ -n "$pid" ] || continue
    if session_live "$pid"; then
      kill -KILL "-$pid" 2>/dev/null || true
      sleep 0.2
      session_live "$pid" && left="$left $p(session $pid)"
    fi
    rm -f "$DIR/run/$p.pid"
    for port in $(ports_of "$p"); do
      if listening "$port"; then left="$left 127.0.0.1:$port"; fi
    done
  done
  [ -z "$left" ] || die "left behind:$left"
  say "down: no process and no port left"
}

case "${1:-}" in
  up) up ;;
  status) status ;;
  down) down ;;
  *) die "usage: cluster.sh up|status|down" ;;
esac
