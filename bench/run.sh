#!/bin/sh
# Runs one benchmark (or all): pnpm bench [name]. Benchmarks use the built packages.
set -eu
cd "$(dirname "$0")/.."
pnpm run build >/dev/null
export TOLLGATE_LOG_LEVEL="${TOLLGATE_LOG_LEVEL:-warn}"
if [ $# -gt 0 ]; then
  exec pnpm exec tsx "bench/$1.bench.ts"
fi
for b in bench/*.bench.ts; do
  echo "== $b"
  pnpm exec tsx "$b"
done
