#!/bin/bash
# A self-contained benchmark bundle for a machine with no npm, no network and no Node: the Node binary that
# runs here (stripped), the built project with its runtime packages, and the raw MNIST / Fashion-MNIST files
# (xz; the loader checks them against data/manifest.json's checksums of the uncompressed files). Unpacking
# needs only python3 (its lzma and tarfile modules). For many-core scaling and the peers on another CPU.
#   bash scripts/bench-bundle.sh pack OUT_DIR          # here, after npm run build (2-3 min of xz)
#   OUT=results_dir bash OUT_DIR/run.sh [TAG]          # there, from the bundle's parent: results as <name>@TAG.json
# run.sh knobs (environment): SCALING_ONLY (configuration ids; default the 16-shard ones), REPEATS (3),
# BLOCK_MS (800), PROXY_THREADS (all cores), PROXY_MODELS, QUICK=1 (--quick), stage time limits SCALING_S (230),
# PROXY_S (120), PEERS_S (200). Each stage's result is copied to $OUT as soon as it exists. Back here, put the
# files into bench/results/ and run node dist/bench/report.js: they become the page's section 7.
set -euo pipefail
cmd=${1:-}; dir=${2:-}
[ "$cmd" = pack ] && [ -n "$dir" ] || { echo "usage: bash scripts/bench-bundle.sh pack OUT_DIR" >&2; exit 2; }
cd "$(dirname "$0")/.."
[ -f build/snnwasm.wasm ] && [ -f dist/bench/run.js ] || { echo "bench-bundle: build first (npm run build)" >&2; exit 1; }
data=${SNN_DATA_DIR:-../shared/data}
[ -d "$data/mnist" ] && [ -d "$data/fashion-mnist" ] || { echo "bench-bundle: no $data/mnist and $data/fashion-mnist (set SNN_DATA_DIR)" >&2; exit 1; }
mkdir -p "$dir"
node_bin=$(command -v node)
strip -o "$dir/node" "$node_bin" 2>/dev/null || cp "$node_bin" "$dir/node"
xz -T0 -9 -f "$dir/node"
# the packages the benchmarks load at run time (npm ls --omit=dev), h5wasm's Node build only
mods=$(npm ls --omit=dev --all --parseable 2>/dev/null | tail -n +2 | sed "s|^$PWD/||" | grep -v '^node_modules/h5wasm$')
tar -cJf "$dir/app.tar.xz" dist build package.json data/manifest.json bench/peers $mods node_modules/h5wasm/package.json node_modules/h5wasm/dist/node
for d in mnist fashion-mnist; do
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    # Fashion-MNIST's test split is not needed by the benchmarks that run there (proxy-peer trains only)
    [ "$d/$f" = fashion-mnist/t10k-images-idx3-ubyte ] || [ "$d/$f" = fashion-mnist/t10k-labels-idx1-ubyte ] && continue
    gzip -dc "$data/$d/$f.gz" | xz -T0 -9 > "$dir/$d-$f.xz"
  done
done
cat > "$dir/run.sh" <<'RUN'
#!/bin/bash
# Written by scripts/bench-bundle.sh: unpack, then run scaling, proxy-peer and peers with --tag.
set -u
B=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$PWD/bench-out}; mkdir -p "$OUT"
TAG=${1:-${TAG:-other}}
W=$(mktemp -d)
T0=$(date +%s)
log() { echo "[$(( $(date +%s) - T0 ))s] $*" | tee -a "$OUT/bundle.log"; }
python3 - "$B" "$W" <<'PY' || exit 1
import lzma, tarfile, os, shutil, sys
b, w = sys.argv[1], sys.argv[2]
def unxz(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with lzma.open(src) as f, open(dst, 'wb') as g: shutil.copyfileobj(f, g, 1 << 22)
unxz(f'{b}/node.xz', f'{w}/bin/node'); os.chmod(f'{w}/bin/node', 0o755)
for d in ('mnist', 'fashion-mnist'):
    for f in ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'):
        if os.path.exists(f'{b}/{d}-{f}.xz'): unxz(f'{b}/{d}-{f}.xz', f'{w}/data/{d}/{f}')
with tarfile.open(f'{b}/app.tar.xz') as t: t.extractall(f'{w}/app')
PY
export PATH="$W/bin:$PATH" SNN_DATA_DIR="$W/data"
cd "$W/app"
log "node $(node -v), $(nproc) cores, python3 $(command -v python3)"
{ lscpu; echo; free -g; echo; uptime; } > "$OUT/machine.txt" 2>&1 || true
stage() { # name seconds env...
  local name=$1 secs=$2; shift 2
  log "start $name (limit ${secs}s)"
  env "$@" timeout -k 5 "$secs" node dist/bench/run.js "$name" --tag="$TAG" --no-report ${QUICK:+--quick} > "$OUT/$name.log" 2>&1
  log "end $name rc=$?"
  cp "bench/results/$name@$TAG.json" "$OUT/" 2>/dev/null || log "no result file for $name"
}
stage scaling "${SCALING_S:-230}" SNN_SCALING_ONLY="${SCALING_ONLY:-bs4nn-600-b256,bnn-600-b256,s4nn-400-b256,stidi-b256,proxy-small-b160}" SNN_SCALING_REPEATS="${REPEATS:-3}" SNN_SCALING_BLOCK_MS="${BLOCK_MS:-800}"
stage proxy-peer "${PROXY_S:-120}" SNN_PROXY_PEER_THREADS="${PROXY_THREADS:-$(nproc)}" ${PROXY_MODELS:+SNN_PROXY_PEER_MODELS=$PROXY_MODELS}
stage peers "${PEERS_S:-200}"
log done
RUN
chmod +x "$dir/run.sh"
du -sh "$dir"
echo "bundle in $dir: copy it to the other machine, then: OUT=results bash $dir/run.sh TAG"
