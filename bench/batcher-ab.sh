#!/usr/bin/env bash
# Two builds of the inference server against each other over the Open Inference Protocol, driven by ghz (built by
# e2e/tools/build-tools.sh): ModelInfer with one window [1, W, D] of the golden clip plus its mask per request, raw
# tensor contents, as tritonclient sends them. Each level runs on build A, then B, then A, B... (this machine
# drifts by up to 2x over minutes, so a change is judged against the build before it in the same run); prints each
# run's requests/s, p50 and p99, then per level the medians and the ratios B / A. Made for the batcher's
# dispatch-when-idle change (docs/PERFORMANCE.md): concurrency 1 is where it matters, 64 where batching must not
# lose.
#   bench/batcher-ab.sh A_QUARKUS_APP B_QUARKUS_APP [PASSES, default 3] [SECONDS per run, default 10] [LEVELS, default 1,64]
# A build's quarkus-app folder: copy inference-server/target/quarkus-app aside before rebuilding.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n 2,10p "$0" >&2; exit 2; }
declare -A apps=([A]=$1 [B]=$2)
passes=${3:-3}
seconds=${4:-10}
IFS=, read -r -a levels <<< "${5:-1,64}"
ghz=$(e2e/tools/build-tools.sh 2>/dev/null | tail -n 1)/ghz
port=19400
mkdir -p build
request=build/batcher-ab-request.json
# One window: the golden clip's first W = 32 segments, all valid.
python3 - "$request" <<'PY'
import ast, base64, json, struct, sys
raw = open("model/default/export/golden/stream_x.npy", "rb").read()
header_length = struct.unpack("<H", raw[8:10])[0]
header = ast.literal_eval(raw[10:10 + header_length].decode("latin1"))
assert header["descr"] == "<f4" and not header["fortran_order"], header
dim = header["shape"][1]
window = 32
x = raw[10 + header_length:10 + header_length + window * dim * 4]
mask = struct.pack("<%df" % window, *([1.0] * window))
json.dump({"model_name": "refinevad",
           "inputs": [{"name": "x", "datatype": "FP32", "shape": [1, window, dim]},
                      {"name": "mask", "datatype": "FP32", "shape": [1, window]}],
           "raw_input_contents": [base64.b64encode(x).decode(), base64.b64encode(mask).decode()]},
          open(sys.argv[1], "w"))
PY
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true' EXIT
results=build/batcher-ab-results.tsv
: > "$results"
for pass in $(seq "$passes"); do
  for build in A B; do
    java -Dquarkus.grpc.server.port=$port -Drefinevad.admin.port=$((port + 10)) -Dquarkus.http.port=0 \
      -jar "${apps[$build]}/quarkus-run.jar" > "build/batcher-ab-$build.log" 2>&1 &
    pid=$!
    java -jar client/target/refinevad-client.jar --target localhost:$port wait --seconds 120 > /dev/null
    # Unreported: both sides' JIT settles.
    "$ghz" --insecure --proto proto/src/main/proto/inference/grpc_service.proto \
      --call inference.GRPCInferenceService/ModelInfer -D "$request" -c 64 -z 5s localhost:$port > /dev/null
    for level in "${levels[@]}"; do
      "$ghz" --insecure --proto proto/src/main/proto/inference/grpc_service.proto \
        --call inference.GRPCInferenceService/ModelInfer -D "$request" -c "$level" -z "${seconds}s" \
        --format json localhost:$port > build/batcher-ab-run.json
      python3 - "$build" "$pass" "$level" build/batcher-ab-run.json >> "$results" <<'PY'
import json, sys
build, run, level, path = sys.argv[1:]
report = json.load(open(path))
percentiles = {p["percentage"]: p["latency"] / 1e6 for p in report["latencyDistribution"] or []}
# The calls in flight when a timed run ends fail on ghz's own side ("use of closed network connection"): not errors.
errors = sum(count for message, count in (report.get("errorDistribution") or {}).items()
             if "use of closed network connection" not in message)
print("\t".join(map(str, [build, run, level, round(report["rps"], 1), percentiles.get(50, 0),
                          percentiles.get(99, 0), errors])))
PY
      tail -n 1 "$results" | awk -F'\t' '{printf "%s pass %s concurrency %s: %s req/s, p50 %.2f ms, p99 %.2f ms, %s errors\n", $1, $2, $3, $4, $5, $6, $7}'
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  done
done
python3 - "$results" <<'PY'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
levels = sorted({int(r[2]) for r in rows})
def median(build, level, column):
    return statistics.median(float(r[column]) for r in rows if r[0] == build and int(r[2]) == level)
print("\nmedians over the passes (B / A: above 1 for req/s, below 1 for latency is better)")
print("%-11s %12s %12s %8s %10s %10s %8s %10s %10s %8s" % ("concurrency", "A req/s", "B req/s", "B/A",
      "A p50 ms", "B p50 ms", "B/A", "A p99 ms", "B p99 ms", "B/A"))
for level in levels:
    a = [median("A", level, c) for c in (3, 4, 5)]
    b = [median("B", level, c) for c in (3, 4, 5)]
    print("%-11d %12.1f %12.1f %7.2fx %10.2f %10.2f %7.2fx %10.2f %10.2f %7.2fx" % (level, a[0], b[0], b[0] / a[0],
          a[1], b[1], b[1] / a[1], a[2], b[2], b[2] / a[2]))
PY
