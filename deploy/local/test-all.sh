#!/bin/sh
# The README's test command (`npm test`): installs what is missing (pnpm, dependencies, etcd,
# Redis), builds, runs the pnpm check gate and every jest tier (unit, integration, e2e; the
# integration tiers start their own etcd and Redis on loopback), then prints `N passed, N failed`.
set -u
cd "$(dirname "$0")/../.."
export CI="${CI:-true}"

sh deploy/local/ensure-pnpm.sh || { echo "0 passed, 1 failed"; exit 1; }
sh deploy/local/ensure-services.sh || { echo "0 passed, 1 failed"; exit 1; }

check_failed=0
pnpm run build || check_failed=1
pnpm run check || check_failed=1

results="$(mktemp -d)/jest.json"
# Most suites wait on spawned nodes, etcd and sockets rather than compute: two jest workers even
# on a 2-core machine (jest's default there is one) keep the whole run well under CI's 20 minutes.
pnpm exec jest --ci --maxWorkers="${TOLLGATE_JEST_WORKERS:-2}" --json --outputFile="$results" "$@"
jest_status=$?

node deploy/local/summarize.js "$results" "$check_failed"
summary_status=$?
[ "$jest_status" = 0 ] && [ "$check_failed" = 0 ] && [ "$summary_status" = 0 ]
