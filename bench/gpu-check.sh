#!/usr/bin/env bash
# The GPU check (issue 18, docs/GPU.md): one command, no arguments, for a machine with an NVIDIA GPU, bounded to
# 8 minutes of wall time. From a clean checkout it builds the -Pgpu server (or takes GPU_CHECK_APP, the quarkus-app
# folder of a -Pgpu build made elsewhere) and the bench tools, then:
#   1. facts: the GPU, its driver and CUDA version (nvidia-smi), and the libraries the server really loaded (CUDA
#      runtime, cuBLAS, cuDNN, TensorRT, ONNX Runtime: the files mapped into its process);
#   2. parity: CUDA fp32 and TensorRT fp32 against the golden vectors at 1e-4, TensorRT fp16 at 1e-2 (fp16 keeps 11
#      significant bits, a relative step of 4.9e-4 per rounding; 1e-2 is about 20 of them on a score in [0, 1], what
#      two Transformer layers' roundings add up to), and the AUC of a synthetic test set, fp16 against fp32, at most
#      0.001 apart: the figure a user's alarms depend on;
#   3. TensorRT's engine build: the server started on an empty engine cache (cold), then restarted on it (warm):
#      time to SERVING each way (goal: warm under 5 s), and proof the cache was used (no file in it changed);
#   4. engine throughput (windows/s) at batch 1, 8, 32, 128, 512, 1024 for CUDA fp32, TensorRT fp32 and fp16, the
#      GPU's utilisation sampled meanwhile, and the FLOP rate against the GPU's fp16 and fp32 peak;
#   5. end to end over gRPC on this machine's cores: paced cameras at 2 segments/s, more until p99 > 100 ms; the
#      cameras sustained with nothing lost, and the CPU and GPU utilisation there, which says where the limit is;
#   6. a sweep of the server's options that matter on a GPU (batch size, queue delay) at that load, printed as the
#      recommended detector spec.
# Prints one table, and writes it ($OUT/gpu-check.txt) and a JSON of the same rows ($OUT/gpu-check.json) under
# OUT (default build/gpu-check), with every log beside them.
#
# A partial machine is reported, not failed: a provider whose libraries are missing (no TensorRT, say) has its rows
# skipped with the reason, the server's own one-line message naming the missing library. Without a GPU (no
# nvidia-smi, or one that lists no GPU) the check prints what it would do and that it needs a GPU, writes the table
# and JSON saying so, and exits 0. NVIDIA_SMI names the nvidia-smi to ask (default: the one on PATH), for the tests
# (bench/gpu-check-test.sh).
#
# Nothing here has run on a GPU yet: docs/GPU.md says what was run and what was not.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=${OUT:-$ROOT/build/gpu-check}
NVIDIA_SMI=${NVIDIA_SMI:-nvidia-smi}
BUDGET_SECONDS=480
START=$(date +%s)
GRPC_PORT=19300
ADMIN_PORT=19302
HTTP_PORT=19380
CACHE=$OUT/engine-cache
BATCHES=1,8,32,128,512,1024
ENGINES=(CUDA TensorRT-fp32 TensorRT-fp16)
read -r -a MVN <<<"${MVN:-./mvnw -B -ntp}"

mkdir -p "$OUT"
ROWS=()            # step, item, value, status, note: tab-separated
MODE=gpu
GPU_NAME=
declare -A UNAVAILABLE   # provider (CUDA, TENSORRT) -> the server's reason
SERVER_PID=
SAMPLER_PID=

log() { echo "[gpu-check] $*" >&2; }
row() { ROWS+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"$4"$'\t'"${5:-}"); }
elapsed() { echo $(( $(date +%s) - START )); }
# Whether SECONDS more fit in the budget; else the caller's rows are skipped with that reason.
fits() { [ $(( $(elapsed) + $1 )) -le "$BUDGET_SECONDS" ]; }
over_budget() { echo "over the ${BUDGET_SECONDS} s budget at $(elapsed) s"; }

cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
  stop_server
}
trap cleanup EXIT

PLAN=(  # step|name|what it does
  "1|facts|the GPU, driver and CUDA version (nvidia-smi); the CUDA, cuBLAS, cuDNN, TensorRT and ONNX Runtime libraries the server loaded"
  "2|parity|CUDA fp32 and TensorRT fp32 against the golden vectors at 1e-4, TensorRT fp16 at 1e-2; synthetic-set AUC, fp16 vs fp32, within 0.001"
  "3|engine cache|TensorRT engines built on an empty cache (cold), the server restarted on it (warm): time to SERVING (goal < 5 s), cache unchanged"
  "4|throughput|windows/s at batch $BATCHES for CUDA fp32, TensorRT fp32 and fp16; GPU utilisation; FLOP rate against the GPU's peak"
  "5|end to end|paced cameras at 2 segments/s over gRPC until p99 > 100 ms; cameras sustained with nothing lost; CPU and GPU utilisation there"
  "6|sweep|batch size and queue delay at that load; the recommended detector spec"
)

# --- the machine --------------------------------------------------------------------------------------------------

# Empty when this machine has a GPU nvidia-smi can see; else why not.
no_gpu_reason() {
  if ! command -v "$NVIDIA_SMI" >/dev/null 2>&1; then
    echo "no nvidia-smi on this machine (no NVIDIA driver)"
  elif ! "$NVIDIA_SMI" -L 2>/dev/null | grep -q '^GPU '; then
    echo "nvidia-smi lists no GPU: $("$NVIDIA_SMI" -L 2>&1 | head -n 1)"
  fi
}

# Peak dense tensor-core fp16 and plain fp32 TFLOP/s of the GPUs we know (NVIDIA's datasheets, SXM parts); other GPUs
# get their FLOP rate without a percentage.
peak_tflops() {
  case "$GPU_NAME" in
    *H200*|*H100*SXM*|*"H100 80GB HBM3"*) echo "989.5 66.9" ;;
    *) echo "- -" ;;
  esac
}

# --- the server ---------------------------------------------------------------------------------------------------

build() {
  if [ -n "${GPU_CHECK_APP:-}" ]; then
    APP=$GPU_CHECK_APP
    row 0 "server" "$APP" ok "prebuilt (GPU_CHECK_APP)"
  else
    APP=$ROOT/inference-server/target/gpu/quarkus-app
    log "building the -Pgpu server (log: $OUT/build-server.log)"
    if ! "${MVN[@]}" -Pgpu -pl inference-server -am package -DskipTests >"$OUT/build-server.log" 2>&1; then
      row 0 "server" "-Pgpu build" FAILED "see $OUT/build-server.log"
      return 1
    fi
    row 0 "server" "-Pgpu build" ok "$(( $(elapsed) )) s"
  fi
  [ -f "$APP/quarkus-run.jar" ] || { row 0 "server" "$APP" FAILED "no quarkus-run.jar"; return 1; }
}

# The bench tools, once a provider has been seen to work: the engine-level tools run on the -Pgpu build's jars
# (its ONNX Runtime has the GPU providers), the load generators on the bench's own.
build_bench() {
  [ -f bench/target/refinevad-bench.jar ] && [ -d bench/target/lib ] && return 0
  log "building the bench tools (log: $OUT/build-bench.log)"
  "${MVN[@]}" -pl bench -am package -DskipTests >"$OUT/build-bench.log" 2>&1
}
engine_tool() { java -cp "bench/target/refinevad-bench.jar:$APP/app/*:$APP/lib/main/*:$APP/lib/boot/*" \
  -Drefinevad.gpu.engine-cache-dir="$CACHE" "$@"; }
load_tool() { java -cp "bench/target/refinevad-bench.jar:bench/target/lib/*" "$@"; }

# Starts the server with -D options; SERVER_LOG, SERVER_PID, START_MS.
start_server() {
  local name=$1; shift
  SERVER_LOG=$OUT/server-$name.log
  START_MS=$(date +%s%3N)
  java -Dquarkus.grpc.server.port=$GRPC_PORT -Drefinevad.admin.port=$ADMIN_PORT -Dquarkus.http.port=$HTTP_PORT \
    -Drefinevad.gpu.engine-cache-dir="$CACHE" "$@" -jar "$APP/quarkus-run.jar" >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=
}

# Seconds from start_server to SERVING, on stdout; when the server stops first, its one-line message about the
# provider that cannot load (else its last line) on stdout and status 1.
await_serving() {
  local timeout=$1
  load_tool io.refinevad.bench.AwaitServing localhost:$GRPC_PORT "$START_MS" "$timeout" >"$OUT/await.out" 2>&1 &
  local waiter=$!
  while kill -0 "$waiter" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      kill "$waiter" 2>/dev/null; wait "$waiter" 2>/dev/null
      wait "$SERVER_PID" 2>/dev/null; SERVER_PID=
      { grep '^refinevad\.gpu\.provider=' "$SERVER_LOG" || grep -v '^\s*$' "$SERVER_LOG"; } | tail -n 1
      return 1
    fi
    sleep 0.1
  done
  wait "$waiter" || { cat "$OUT/await.out"; return 1; }
  sed -E 's/^serving ([0-9.]+) s$/\1/' "$OUT/await.out"
}

# The versions of the GPU libraries mapped into the server (their real file names carry the full version).
# Each library once, from the first server that loaded it (the CUDA probe, then TensorRT's cold start).
declare -A LIBRARY_SEEN
loaded_libraries() {
  local pid=$1 lib file
  for lib in libcudart libcublasLt libcudnn libnvinfer libonnxruntime; do
    [ -z "${LIBRARY_SEEN[$lib]:-}" ] || continue
    file=$(awk '{print $6}' "/proc/$pid/maps" 2>/dev/null | grep "/$lib\.so" | sort -u | head -n 1)
    if [ -n "$file" ]; then
      LIBRARY_SEEN[$lib]=$file
      row 1 "$lib" "$(basename "$(readlink -f "$file")")" ok "loaded from $(dirname "$file")"
    fi
  done
}

# Whether the CUDA provider starts; its reason in UNAVAILABLE if not. (TensorRT's is step 3's cold start.)
probe_cuda() {
  local seconds
  start_server probe-cuda -Drefinevad.gpu.provider=CUDA
  if seconds=$(await_serving 300); then
    row 0 "provider CUDA" "starts" ok "SERVING after $seconds s"
    loaded_libraries "$SERVER_PID"
    stop_server
  else
    stop_server
    UNAVAILABLE[CUDA]=$seconds
    row 0 "provider CUDA" "unavailable" skipped "$seconds"
  fi
}

provider_of() { case "$1" in CUDA) echo CUDA ;; *) echo TENSORRT ;; esac; }
available() { [ -z "${UNAVAILABLE[$(provider_of "$1")]:-}" ]; }

# --- the steps ----------------------------------------------------------------------------------------------------

step1_facts() {
  local name driver memory cuda
  IFS=',' read -r name driver memory < <("$NVIDIA_SMI" --query-gpu=name,driver_version,memory.total \
    --format=csv,noheader | head -n 1)
  GPU_NAME=$(echo "$name" | xargs)
  cuda=$("$NVIDIA_SMI" | sed -nE 's/.*CUDA Version: *([0-9.]+).*/\1/p' | head -n 1)
  row 1 "GPU" "$GPU_NAME" ok "$(echo "$memory" | xargs)"
  row 1 "driver" "$(echo "$driver" | xargs)" ok
  row 1 "CUDA (driver's)" "${cuda:-unknown}" ok
  row 1 "cores" "$(nproc)" ok
}

step2_parity() {
  local engine line synth=$OUT/synth
  if ! available CUDA && ! available TensorRT-fp32; then
    for engine in "${ENGINES[@]}"; do row 2 "$engine" "-" skipped "${UNAVAILABLE[$(provider_of "$engine")]}"; done
    return
  fi
  if ! fits 90; then row 2 "parity" "-" skipped "$(over_budget)"; return; fi
  if ! scripts/py -m refinevad.synth --out "$synth" --seed 18 --videos 60 --max-segments 300 \
      >"$OUT/synth.log" 2>&1; then
    row 2 "synthetic test set" "-" FAILED "see $OUT/synth.log"
    synth=
  fi
  declare -A auc
  for engine in "${ENGINES[@]}"; do
    if ! available "$engine"; then row 2 "$engine" "-" skipped "${UNAVAILABLE[$(provider_of "$engine")]}"; continue; fi
    line=$(engine_tool io.refinevad.bench.ProviderParity "$engine" $synth 2>>"$OUT/parity.log" | grep '^parity ')
    if [ -z "$line" ]; then row 2 "$engine" "-" FAILED "see $OUT/parity.log"; continue; fi
    # parity ENGINE scores D probs D auc A segments N
    read -r _ _ _ scores _ probs _ auc_value _ segments <<<"$line"
    local tolerance=1e-4
    [[ $engine == *fp16 ]] && tolerance=1e-2
    row 2 "$engine golden max |diff|" "scores $scores, probs $probs" \
      "$(awk -v s="$scores" -v p="$probs" -v t="$tolerance" 'BEGIN { print (s <= t && p <= t) ? "met" : "NOT MET" }')" \
      "tolerance $tolerance"
    auc[$engine]=$auc_value
    row 2 "$engine AUC" "$auc_value" ok "$segments synthetic test segments"
  done
  if [ -n "${auc[TensorRT-fp16]:-}" ] && [ -n "${auc[TensorRT-fp32]:-}" ]; then
    row 2 "AUC fp16 - fp32" "$(awk -v a="${auc[TensorRT-fp16]}" -v b="${auc[TensorRT-fp32]}" 'BEGIN { printf "%.5f", a - b }')" \
      "$(awk -v a="${auc[TensorRT-fp16]}" -v b="${auc[TensorRT-fp32]}" 'BEGIN { d = a - b; if (d < 0) d = -d; print d <= 0.001 ? "met" : "NOT MET" }')" \
      "goal: within 0.001"
  fi
}

cache_listing() { (cd "$CACHE" 2>/dev/null && find . -type f -printf '%p %s %T@\n' | sort); }

step3_engine_cache() {
  local cold warm before after
  if ! fits 120; then
    UNAVAILABLE[TENSORRT]=$(over_budget)
    row 3 "engine cache" "-" skipped "${UNAVAILABLE[TENSORRT]}"
    return
  fi
  rm -rf "$CACHE"; mkdir -p "$CACHE"
  start_server trt-cold -Drefinevad.gpu.provider=TENSORRT -Drefinevad.gpu.fp16=true
  if ! cold=$(await_serving 300); then
    stop_server
    UNAVAILABLE[TENSORRT]=$cold
    row 0 "provider TENSORRT" "unavailable" skipped "$cold"
    row 3 "engine cache" "-" skipped "$cold"
    return
  fi
  row 0 "provider TENSORRT" "starts" ok "step 3"
  loaded_libraries "$SERVER_PID"
  stop_server
  before=$(cache_listing)
  row 3 "to SERVING, empty cache" "$cold s" ok "TensorRT built $(echo "$before" | grep -c . ) cache file(s)"
  row 3 "cache files" "$(echo "$before" | awk '{ sub("^./", "", $1); printf "%s%s", sep, $1; sep = " " }')" ok \
    "what their names carry: docs/GPU.md, engine cache"
  start_server trt-warm -Drefinevad.gpu.provider=TENSORRT -Drefinevad.gpu.fp16=true
  if ! warm=$(await_serving 120); then stop_server; row 3 "warm start" "-" FAILED "$warm"; return; fi
  stop_server
  after=$(cache_listing)
  row 3 "to SERVING, warm cache" "$warm s" "$(awk -v w="$warm" 'BEGIN { print w < 5 ? "met" : "NOT MET" }')" \
    "goal: under 5 s"
  if [ -n "$before" ] && [ "$before" = "$after" ]; then
    row 3 "cache used" "yes" ok "the same files, sizes and times after the warm start: nothing rebuilt"
  else
    row 3 "cache used" "no" "NOT MET" "the cache changed on the warm start (see $OUT/server-trt-warm.log)"
  fi
}

# GPU utilisation every 200 ms into FILE until stop_sampler; its mean with sampled_mean FILE.
start_sampler() { "$NVIDIA_SMI" --query-gpu=utilization.gpu --format=csv,noheader,nounits -lms 200 >"$1" 2>/dev/null &
  SAMPLER_PID=$!; }
stop_sampler() { kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null; SAMPLER_PID=; }
sampled_mean() { awk '$1 ~ /^[0-9]+$/ { s += $1; n++ } END { if (n) printf "%.0f", s / n; else print "-" }' "$1"; }

step4_throughput() {
  local engine peak16 peak32 batch rate gflops cores versus
  declare -A cuda_rate   # the baseline: CUDA fp32 at the same batch size, measured first in the same run
  read -r peak16 peak32 <<<"$(peak_tflops)"
  for engine in "${ENGINES[@]}"; do
    if ! available "$engine"; then row 4 "$engine" "-" skipped "${UNAVAILABLE[$(provider_of "$engine")]}"; continue; fi
    if ! fits 60; then row 4 "$engine" "-" skipped "$(over_budget)"; continue; fi
    start_sampler "$OUT/gpu-util-$engine.txt"
    engine_tool io.refinevad.bench.GpuThroughput "$engine" "$BATCHES" 2 2>>"$OUT/throughput.log" \
      | grep '^throughput ' >"$OUT/throughput-$engine.txt"
    stop_sampler
    [ -s "$OUT/throughput-$engine.txt" ] || { row 4 "$engine" "-" FAILED "see $OUT/throughput.log"; continue; }
    while read -r _ _ batch rate gflops cores; do
      local peak=$peak32
      [[ $engine == *fp16 ]] && peak=$peak16
      [ "$engine" = CUDA ] && cuda_rate[$batch]=$rate
      versus=
      [ "$engine" != CUDA ] && [ -n "${cuda_rate[$batch]:-}" ] && versus=$(awk -v r="$rate" -v c="${cuda_rate[$batch]}" \
        'BEGIN { printf ", %.2fx CUDA fp32", r / c }')
      row 4 "$engine batch $batch" "$rate windows/s" ok "$gflops GFLOP/s$( [ "$peak" != - ] && awk -v g="$gflops" \
        -v p="$peak" 'BEGIN { printf " (%.2f %% of %s TFLOP/s)", 100 * g / (p * 1000), p }'), $cores cores$versus"
    done <"$OUT/throughput-$engine.txt"
    row 4 "$engine GPU utilisation" "$(sampled_mean "$OUT/gpu-util-$engine.txt") %" ok "mean over the rows above"
  done
}

# The best engine this machine has, for the end-to-end steps.
best_engine_options() {
  if available TensorRT-fp16; then echo "-Drefinevad.gpu.provider=TENSORRT -Drefinevad.gpu.fp16=true"
  elif available CUDA; then echo "-Drefinevad.gpu.provider=CUDA"
  fi
}

# StreamLoad's columns: streams offered answered p50 p99 lost client-cpu server-cpu.
SUSTAINED=
step5_end_to_end() {
  local options levels line streams p99 lost server_cpu cpu_util gpu_util
  options=$(best_engine_options)
  if [ -z "$options" ]; then row 5 "end to end" "-" skipped "no GPU provider starts (step 0)"; return; fi
  if ! fits 150; then row 5 "end to end" "-" skipped "$(over_budget)"; return; fi
  # shellcheck disable=SC2086
  start_server e2e $options -Drefinevad.streams.capacity=100000
  if ! await_serving 120 >/dev/null; then stop_server; row 5 "end to end" "-" FAILED "see $SERVER_LOG"; return; fi
  levels=$(( $(nproc) * 250 )),$(( $(nproc) * 500 )),$(( $(nproc) * 1000 )),$(( $(nproc) * 2000 ))
  start_sampler "$OUT/gpu-util-e2e.txt"
  load_tool io.refinevad.bench.StreamLoad localhost:$GRPC_PORT 2 40 "$levels" "$SERVER_PID" \
    >"$OUT/e2e.txt" 2>>"$OUT/e2e.log"
  stop_sampler
  stop_server
  while read -r streams _ _ _ p99 lost _ server_cpu; do
    [[ $streams =~ ^[0-9]+$ ]] || continue
    local met=no
    awk -v p="$p99" 'BEGIN { exit !(p <= 100) }' && [ "$lost" = 0 ] && met=yes && SUSTAINED=$streams
    row 5 "$streams cameras" "p99 $p99 ms, $lost lost" "$( [ $met = yes ] && echo ok || echo "over")" \
      "server CPU $server_cpu us/segment"
  done <"$OUT/e2e.txt"
  gpu_util=$(sampled_mean "$OUT/gpu-util-e2e.txt")
  row 5 "cameras sustained" "${SUSTAINED:-none}" ok "p99 <= 100 ms, nothing lost; GPU utilisation $gpu_util % (mean)"
  cpu_util=$(awk -v cores="$(nproc)" '$1 ~ /^[0-9]+$/ { last = $0 } END { split(last, f); if (f[8] != "-")
    printf "%.0f", f[3] * f[8] / 1e4 / cores }' "$OUT/e2e.txt")
  row 5 "limit" "$( [ "${gpu_util:-0}" != - ] && [ "${gpu_util%.*}" -ge 80 ] 2>/dev/null && echo GPU || echo "CPU (gRPC, batcher, load generator)")" \
    ok "server CPU ~${cpu_util:-?} % of the cores at the last level; the load generator shares them"
}

step6_sweep() {
  local options batch delay line best= best_p99=
  options=$(best_engine_options)
  if [ -z "$options" ] || [ -z "$SUSTAINED" ]; then row 6 "sweep" "-" skipped "no sustained load from step 5"; return; fi
  for batch in 32 128 512; do
    for delay in 2ms 5ms; do
      if ! fits 45; then row 6 "batch $batch, delay $delay" "-" skipped "$(over_budget)"; continue; fi
      # shellcheck disable=SC2086
      start_server "sweep-$batch-$delay" $options -Drefinevad.streams.capacity=100000 \
        -Drefinevad.batching.max-batch-size=$batch -Drefinevad.batching.max-queue-delay=$delay
      await_serving 120 >/dev/null || { stop_server; row 6 "batch $batch, delay $delay" "-" FAILED "see $SERVER_LOG"; continue; }
      line=$(load_tool io.refinevad.bench.StreamLoad localhost:$GRPC_PORT 2 40 "$SUSTAINED" 2>>"$OUT/sweep.log" \
        | awk '$1 ~ /^[0-9]+$/')
      stop_server
      read -r _ _ _ _ p99 lost _ <<<"$line"
      row 6 "batch $batch, delay $delay" "p99 ${p99:-?} ms, ${lost:-?} lost" ok "$SUSTAINED cameras"
      if [ "${lost:-1}" = 0 ] && { [ -z "$best" ] || awk -v a="$p99" -v b="$best_p99" 'BEGIN { exit !(a < b) }'; }; then
        best="$batch $delay"; best_p99=$p99
      fi
    done
  done
  [ -n "$best" ] || { row 6 "recommended" "-" skipped "no setting kept every stream"; return; }
  read -r batch delay <<<"$best"
  row 6 "recommended" "maxBatchSize $batch, maxQueueDelay $delay" ok "p99 $best_p99 ms at $SUSTAINED cameras"
  cat >"$OUT/recommended-detector.yaml" <<EOF
# bench/gpu-check.sh on $GPU_NAME, $(date -u +%Y-%m-%dT%H:%MZ): p99 $best_p99 ms at $SUSTAINED cameras per pod
apiVersion: refinevad.io/v1alpha1
kind: AnomalyDetector
metadata:
  name: cameras-gpu
spec:
  model:
    uri: builtin:default
  runtime:
    engine: $( [[ $options == *TENSORRT* ]] && echo TensorRT || echo OnnxRuntime )
    precision: $( [[ $options == *fp16=true* ]] && echo fp16 || echo fp32 )
    gpus: 1
    maxBatchSize: $batch
    maxQueueDelay: $delay
    streamCapacity: $SUSTAINED
    placement: gpu
EOF
  row 6 "recommended spec" "$OUT/recommended-detector.yaml" ok \
    "batch workers, CUDA streams and pinned memory are not options of this server yet"
}

# --- the report ---------------------------------------------------------------------------------------------------

json_string() {
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\t'/ }; s=${s//$'\n'/ }; s=${s//$'\r'/}
  printf '"%s"' "$s"
}

report() {
  local r step item value status note first=1
  # In step order, each step's rows as they came (step 3 runs before step 2).
  mapfile -t ROWS < <(printf '%s\n' "${ROWS[@]}" | sort -t $'\t' -k1,1n -s)
  {
    printf '%-4s %-32s %-40s %-8s %s\n' step item value status note
    for r in "${ROWS[@]}"; do
      IFS=$'\t' read -r step item value status note <<<"$r"
      printf '%-4s %-32s %-40s %-8s %s\n' "$step" "$item" "$value" "$status" "$note"
    done
  } | tee "$OUT/gpu-check.txt"
  {
    printf '{\n  "check": "bench/gpu-check.sh",\n  "mode": %s,\n' "$(json_string "$MODE")"
    printf '  "gpu": %s,\n' "$( [ -n "$GPU_NAME" ] && json_string "$GPU_NAME" || echo null)"
    printf '  "commit": %s,\n' "$(json_string "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)")"
    printf '  "seconds": %d,\n  "rows": [' "$(elapsed)"
    for r in "${ROWS[@]}"; do
      IFS=$'\t' read -r step item value status note <<<"$r"
      [ $first = 1 ] || printf ','
      first=0
      printf '\n    {"step": %d, "item": %s, "value": %s, "status": %s, "note": %s}' "$step" \
        "$(json_string "$item")" "$(json_string "$value")" "$(json_string "$status")" "$(json_string "$note")"
    done
    printf '\n  ]\n}\n'
  } >"$OUT/gpu-check.json"
  echo "table: $OUT/gpu-check.txt, JSON: $OUT/gpu-check.json"
}

main() {
  local reason step number name what
  reason=$(no_gpu_reason)
  if [ -n "$reason" ]; then
    MODE=no-gpu
    echo "bench/gpu-check.sh needs an NVIDIA GPU: $reason."
    echo "On a machine with one it builds the -Pgpu server and, within ${BUDGET_SECONDS} s:"
    for step in "${PLAN[@]}"; do
      IFS='|' read -r number name what <<<"$step"
      echo "  $number. $name: $what"
      row "$number" "$name" "-" skipped "needs an NVIDIA GPU: $reason"
    done
    report
    return 0
  fi
  step1_facts
  build || { MODE=failed; report; return 1; }
  build_bench || { row 0 "bench tools" "build" FAILED "see $OUT/build-bench.log"; MODE=failed; report; return 1; }
  probe_cuda
  step3_engine_cache  # before step 2: its cold start is where TensorRT is seen to load, or not
  [ ${#UNAVAILABLE[@]} -eq 0 ] || MODE=partial
  step2_parity
  step4_throughput
  step5_end_to_end
  step6_sweep
  report
}

main
