#!/usr/bin/env bash
# End to end through gRPC, all in one script so the ratios compare runs made minutes apart on the same machine:
#  1. streams at a fixed rate, N = 1..256: answered segments/s and p50/p99 latency (batching on);
#  2. maximum throughput at 64 streams with batching on and off (max-batch-size 32 against 1);
#  3. the raw engine at batch 32 in process (EngineThroughput), for end-to-end vs raw.
#   bench/e2e.sh        (build first: ./mvnw -B -ntp install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
port=19100
cp="bench/target/refinevad-bench.jar:bench/target/lib/*"
server=inference-server/target/quarkus-app/quarkus-run.jar

serve() {  # serve MAX_BATCH
  java -Drefinevad.batching.max-batch-size="$1" -Drefinevad.streams.capacity=512 \
    -Drefinevad.batching.max-queue-size=8192 -Dquarkus.grpc.server.port=$port -Dquarkus.http.port=0 \
    -jar "$server" > build/e2e-server.log 2>&1 &
  pid=$!
  java -jar client/target/refinevad-client.jar --target localhost:$port wait --seconds 120 > /dev/null
}
stop() { kill $pid; wait $pid 2>/dev/null || true; }
mkdir -p build

echo "== 1. streams at 4 segments/s each (batching on, max batch 32), 40 segments per stream"
serve 32
java -cp "$cp" io.refinevad.bench.StreamLoad localhost:$port 4 40 1,4,16,64,128,256
echo
echo "== 2. maximum throughput, 64 streams x 200 segments, as fast as answers allow (8 unanswered per stream)"
echo "-- batching on (max batch 32)"
java -cp "$cp" io.refinevad.bench.StreamLoad localhost:$port 0 200 64 | tee build/e2e-batched.txt
stop
echo "-- batching off (max batch 1)"
serve 1
java -cp "$cp" io.refinevad.bench.StreamLoad localhost:$port 0 200 64 | tee build/e2e-unbatched.txt
stop
echo
echo "== 3. raw engine in process"
java -cp "$cp" io.refinevad.bench.EngineThroughput 2 2>/dev/null | tee build/e2e-engine.txt
batched=$(awk 'NR==2 {print $3}' build/e2e-batched.txt)
unbatched=$(awk 'NR==2 {print $3}' build/e2e-unbatched.txt)
engine=$(awk '$1=="OnnxRuntime" && $2==32 {print $3}' build/e2e-engine.txt)
echo
printf "batched vs unbatched at 64 streams: %.2fx (goal >= 2x)\n" "$(echo "$batched / $unbatched" | bc -l)"
printf "end to end vs raw engine (ONNX Runtime, batch 32): %.2f (goal >= 0.8)\n" "$(echo "$batched / $engine" | bc -l)"
