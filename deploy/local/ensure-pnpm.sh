#!/bin/sh
# Makes the pinned pnpm available (package.json "packageManager") and installs the workspace.
set -eu
cd "$(dirname "$0")/../.."
want=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$want" ]; then
  echo "installing pnpm $want"
  npm install -g "pnpm@$want" >/dev/null 2>&1
fi
pnpm install --frozen-lockfile >/dev/null
