#!/usr/bin/env bash
# End to end through gRPC against the packaged server on the default model (ONNX Runtime):
#  1. streams at a fixed rate, N = 1..512: answered segments/s and p50/p99 latency (batching on);
#  2. maximum throughput at 64 streams with batching on (max batch 32) and off (max batch 1), and the raw engine in
#     process at batch 32, in ROUNDS interleaved rounds: this machine's speed drifts by up to 2x over minutes, so
#     each round's ratios compare runs made seconds apart, and the summary gives every round and the medians.
# Each load run prints the CPU time per segment of the load generator and of the server, which share the 2 cores.
# The load generator runs on the C1 compiler alone (-XX:TieredStopAtLevel=1): otherwise its C2 compilations,
# not its work, take most of its CPU in a run this short.
#   bench/e2e.sh [ROUNDS, default 3]        (build first: ./mvnw -B -ntp install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
cp="bench/target/refinevad-bench.jar:bench/target/lib/*"
batched=localhost:19100
unbatched=localhost:19101
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null || true' EXIT
mkdir -p build

serve() {  # serve HOST:PORT MAX_BATCH
  java -Drefinevad.batching.max-batch-size="$2" -Drefinevad.streams.capacity=1024 \
    -Drefinevad.batching.max-queue-size=8192 -Dquarkus.grpc.server.port="${1#*:}" -Dquarkus.http.port=0 \
    -jar inference-server/target/quarkus-app/quarkus-run.jar > "build/e2e-server-${1#*:}.log" 2>&1 &
  pids+=($!)
  java -jar client/target/refinevad-client.jar --target "$1" wait --seconds 120 > /dev/null
  kill -0 $! || { echo "the server on $1 did not start: build/e2e-server-${1#*:}.log" >&2; exit 1; }
}
load() { java -XX:TieredStopAtLevel=1 -cp "$cp" io.refinevad.bench.StreamLoad "$@"; }
field() { awk -v engine="$2" -v col="$3" '$1 == engine && $2 == 32 {print $col}' "$1"; }

serve $batched 32
batched_pid=${pids[0]}
serve $unbatched 1
unbatched_pid=${pids[1]}

echo "== 1. streams at 4 segments/s each (batching on, max batch 32), 40 segments per stream"
load $batched 4 40 1,4,16,64,128,256,512 "$batched_pid"
echo
echo "== 2. maximum throughput, 64 streams x 400 segments, as fast as answers allow (8 unanswered per stream);"
echo "      batching on (max batch 32) and off (max batch 1), then the raw engine at batch 32; $rounds rounds"
printf "round\tbatched\tunbatched\tengine\tengine_cores\tspinning\tserver_us\tunbatched_server_us\tclient_us\n" \
  > build/e2e-rounds.tsv
for round in $(seq 1 "$rounds"); do
  echo "-- round $round of $rounds" >&2
  load $batched 0 400 64 "$batched_pid" 2>>build/e2e-load.log | tail -1 > build/e2e-batched.txt
  load $unbatched 0 400 64 "$unbatched_pid" 2>>build/e2e-load.log | tail -1 > build/e2e-unbatched.txt
  java -cp "$cp" io.refinevad.bench.EngineThroughput 2 32 OnnxRuntime,OnnxRuntime-spin 2>>build/e2e-load.log \
    > build/e2e-engine.txt
  read -r _ _ batched_rate _ _ _ client_us server_us < build/e2e-batched.txt
  read -r _ _ unbatched_rate _ _ _ _ unbatched_server_us < build/e2e-unbatched.txt
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$round" "$batched_rate" "$unbatched_rate" \
    "$(field build/e2e-engine.txt OnnxRuntime 3)" "$(field build/e2e-engine.txt OnnxRuntime 5)" \
    "$(field build/e2e-engine.txt OnnxRuntime-spin 3)" "$server_us" "$unbatched_server_us" "$client_us" \
    >> build/e2e-rounds.tsv
done

# Per round: batched and unbatched seg/s, the raw engine's windows/s at batch 32 as the server runs it and with
# spinning threads, the ratios, and CPU per segment: the server's beside what the engine alone needs per window.
awk -F'\t' '
  NR == 1 { next }
  {
    n++
    vs_unbatched[n] = $2 / $3; vs_engine[n] = $2 / $4; vs_spinning[n] = $2 / $6
    engine_us[n] = $5 * 1e6 / $4; share[n] = engine_us[n] / $7
    printf "%5d %9.0f %9.0f %6.2fx %9.0f %6.2f %9.0f %6.2f %8.0f %8.0f %5.0f%% %8.0f %8.0f\n", $1, $2, $3,
      vs_unbatched[n], $4, vs_engine[n], $6, vs_spinning[n], $7, engine_us[n], 100 * share[n], $8, $9
  }
  function median(a,   i, j, t, m) {
    for (i = 1; i <= n; i++) m[i] = a[i]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (m[j] < m[i]) { t = m[i]; m[i] = m[j]; m[j] = t }
    return n % 2 ? m[(n + 1) / 2] : (m[n / 2] + m[n / 2 + 1]) / 2
  }
  END {
    print ""
    printf "median of %d rounds:\n", n
    printf "  batched vs unbatched at 64 streams: %.2fx (goal >= 2x)\n", median(vs_unbatched)
    printf "  end to end vs raw engine as the server runs it (ONNX Runtime, batch 32): %.2f (goal >= 0.8)\n", median(vs_engine)
    printf "  end to end vs raw engine with spinning threads (fastest alone here, batch 32): %.2f\n", median(vs_spinning)
    printf "  share of the server CPU per segment that the engine alone needs: %.0f %%\n", 100 * median(share)
  }
' build/e2e-rounds.tsv > build/e2e-summary.txt
echo
printf "%5s %9s %9s %7s %9s %6s %9s %6s %8s %8s %6s %8s %8s\n" round batched unbatch "ratio" engine e2e/en \
  spinning e2e/sp "srv us" "eng us" share "unb us" "cli us"
printf "%5s %9s %9s %7s %9s %6s %9s %6s %8s %8s %6s %8s %8s\n" "" "seg/s" "seg/s" "" "win/s" "" "win/s" "" \
  "per seg" "per win" "" "per seg" "per seg"
cat build/e2e-summary.txt
