#!/bin/sh
# The README's start command (`npm start`): installs pnpm and the dependencies when missing,
# builds, then runs `tollgate start` in the foreground (embedded store unless the config names
# etcd). Extra arguments go to `tollgate start`, e.g. `npm start -- -c conf/config.yaml`.
set -eu
cd "$(dirname "$0")/../.."
sh deploy/local/ensure-pnpm.sh
pnpm run build >/dev/null
exec node apps/cli/bin/tollgate.js start "$@"
