#!/bin/sh
# Installs Debian's etcd-server and redis-server (and openssl, which makes the TLS tests'
# certificates) when their binaries are missing. The tests start
# their own instances on free loopback ports (test/services/global-setup.ts); this only installs.
set -eu

missing=""
command -v etcd >/dev/null 2>&1 || missing="$missing etcd-server"
command -v etcdctl >/dev/null 2>&1 || missing="$missing etcd-client"
command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
[ -z "$missing" ] && exit 0

echo "installing:$missing"
if [ "$(id -u)" = 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "error:$missing missing and not root (no sudo): install them with apt-get" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
# Debian starts the packaged daemons on the default ports; the tests use their own instances.
for svc in etcd redis-server; do
  $SUDO service "$svc" stop >/dev/null 2>&1 || true
done
command -v etcd >/dev/null && command -v redis-server >/dev/null && command -v openssl >/dev/null
