#!/usr/bin/env bash
# Tests bench/gpu-check.sh on this machine, which has no GPU (make gpu-test; prints 'N passed, N failed'):
#   - no nvidia-smi: it says it needs a GPU and lists the six steps it would run, exits 0, and writes the table and a
#     JSON (mode no-gpu, gpu null, the six steps skipped with the reason);
#   - an nvidia-smi that lists no GPU (as on a machine whose driver sees none): the same, with nvidia-smi's words;
#   - a partial machine: an nvidia-smi that reports an H200, on this machine without CUDA or TensorRT, with the -Pgpu
#     server make gpu-test just built: the GPU facts are read, both providers are tried with the real server, and
#     every GPU row is skipped with the server's one-line message naming the missing library; exit 0.
# The GPU steps themselves (parity, engine cache, throughput, end to end, sweep) cannot run here.
# Needs the -Pgpu build (inference-server/target/gpu/quarkus-app) and the bench jar (./mvnw package).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WORK=$(mktemp -d /tmp/refinevad-gpu-check-test.XXXX)
GPU_APP=$ROOT/inference-server/target/gpu/quarkus-app
passed=0
failed=0
log() { echo "[gpu-check-test] $*" >&2; }
pass() { passed=$((passed + 1)); log "PASS $*"; }
fail() { failed=$((failed + 1)); log "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
trap 'rm -rf "$WORK"' EXIT

# A Python expression on the JSON (d), with arguments as sys.argv[2:]; invalid JSON fails the check.
json() { local file=$1 expression=$2; shift 2; python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($expression)" "$file" "$@"; }

mkdir -p "$WORK/bin"
cat >"$WORK/bin/nvidia-smi-none" <<'EOF'
#!/bin/sh
echo "No devices were found"
exit 6
EOF
cat >"$WORK/bin/nvidia-smi-h200" <<'EOF'
#!/bin/sh
case "$*" in
  -L) echo "GPU 0: NVIDIA H200 (UUID: GPU-00000000-0000-0000-0000-000000000000)" ;;
  *--query-gpu=name,driver_version,memory.total*) echo "NVIDIA H200, 550.54.15, 143771 MiB" ;;
  *--query-gpu=utilization.gpu*) echo 0 ;;
  *) echo "| NVIDIA-SMI 550.54.15    Driver Version: 550.54.15    CUDA Version: 12.4 |" ;;
esac
EOF
chmod +x "$WORK"/bin/*

no_gpu_case() {
  local name=$1 smi=$2 reason=$3 out=$WORK/$1
  local output status
  output=$(OUT=$out NVIDIA_SMI=$smi bench/gpu-check.sh 2>&1); status=$?
  check "$name: exits 0" [ "$status" = 0 ]
  check "$name: says it needs a GPU, and why" grep -qF "needs an NVIDIA GPU: $reason" <<<"$output"
  check "$name: lists the six steps" [ "$(grep -cE '^  [1-6]\. ' <<<"$output")" = 6 ]
  check "$name: writes the table" grep -q '^6 .*sweep .*skipped' "$out/gpu-check.txt"
  check "$name: writes the JSON, mode no-gpu and no GPU" \
    [ "$(json "$out/gpu-check.json" '(d["mode"], d["gpu"])')" = "('no-gpu', None)" ]
  check "$name: the JSON has the six steps skipped with the reason" [ "$(json "$out/gpu-check.json" \
    'sorted(r["step"] for r in d["rows"] if r["status"] == "skipped" and sys.argv[2] in r["note"])' "$reason")" \
    = "[1, 2, 3, 4, 5, 6]" ]
}

no_gpu_case "no nvidia-smi" "$WORK/bin/absent" "no nvidia-smi on this machine"
no_gpu_case "no GPU listed" "$WORK/bin/nvidia-smi-none" "nvidia-smi lists no GPU: No devices were found"

partial_case() {
  local out=$WORK/partial output status
  if [ ! -f "$GPU_APP/quarkus-run.jar" ] || [ ! -f bench/target/refinevad-bench.jar ]; then
    fail "partial machine: needs $GPU_APP (./mvnw -Pgpu -pl inference-server -am package) and the bench jar"
    return
  fi
  output=$(OUT=$out NVIDIA_SMI=$WORK/bin/nvidia-smi-h200 GPU_CHECK_APP=$GPU_APP bench/gpu-check.sh 2>&1); status=$?
  log "partial machine output:"$'\n'"$output"
  check "partial machine: exits 0" [ "$status" = 0 ]
  check "partial machine: mode partial, the GPU named" \
    [ "$(json "$out/gpu-check.json" '(d["mode"], d["gpu"])')" = "('partial', 'NVIDIA H200')" ]
  check "partial machine: the driver's CUDA version read" grep -qE '^1 +CUDA \(driver.s\) +12\.4 ' "$out/gpu-check.txt"
  check "partial machine: CUDA skipped, the missing library named by the server" grep -qE \
    '^0 +provider CUDA +unavailable +skipped +refinevad.gpu.provider=CUDA: .* cannot load libcublasLt\.so\.12 ' \
    "$out/gpu-check.txt"
  check "partial machine: TensorRT skipped, the missing library named by the server" grep -qE \
    '^0 +provider TENSORRT +unavailable +skipped +refinevad.gpu.provider=TENSORRT: .* cannot load libcublas\.so\.12 ' \
    "$out/gpu-check.txt"
  check "partial machine: no step measured anything" [ "$(json "$out/gpu-check.json" \
    'sorted({r["step"] for r in d["rows"] if r["step"] >= 2 and r["status"] != "skipped"})')" = "[]" ]
  check "partial machine: every step from 2 on has a skipped row" [ "$(json "$out/gpu-check.json" \
    'sorted({r["step"] for r in d["rows"] if r["status"] == "skipped"})')" = "[0, 2, 3, 4, 5, 6]" ]
}
partial_case

echo "gpu-check-test: $passed passed, $failed failed"
[ "$failed" = 0 ]
