#!/bin/sh
# Builds a stand-in for node:20-bookworm-slim where no image registry is reachable: a Debian
# bookworm root filesystem from Debian's packages (debootstrap, minbase) plus this machine's
# Node.js and npm, imported into podman as IMAGE (default localhost/tollgate-node:20). This
# machine's extra CA certificates (/usr/local/share/ca-certificates, e.g. a TLS-inspecting egress
# proxy's) go into the image's trust store too, so that npm can reach the registry during builds.
# Then:  podman build --build-arg NODE_IMAGE=localhost/tollgate-node:20 ... (docs/deployment.md)
# Needs root, debootstrap and podman (apt-get install -y debootstrap podman buildah).
set -eu
image="${1:-localhost/tollgate-node:20}"
work="${TMPDIR:-/tmp}/tollgate-base.$$"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
debootstrap --variant=minbase --include=ca-certificates bookworm "$work/rootfs" \
  http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 || {
  tail -20 "$work/debootstrap.log" >&2
  exit 1
}
node_bin="$(node -p process.execPath)"
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
mkdir -p "$work/rootfs/usr/local/lib/node_modules"
cp "$node_bin" "$work/rootfs/usr/local/bin/node"
cp -a "$npm_dir" "$work/rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
  cp /usr/local/share/ca-certificates/*.crt "$work/rootfs/usr/local/share/ca-certificates/"
  chroot "$work/rootfs" update-ca-certificates >/dev/null
fi
rm -rf "$work/rootfs/var/cache/apt/archives"/*.deb "$work/rootfs/var/lib/apt/lists"/*
tar -C "$work/rootfs" -c . | podman import \
  --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' - "$image"
podman run --rm "$image" node --version
