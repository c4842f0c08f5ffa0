#!/usr/bin/env bash
# Startup of the inference server on the embedded default model, for each engine: the time from `java -jar` to its
# readiness health (gRPC health "") answering SERVING, against the JVM's own start (a java -version run in the same
# script) as the baseline; resident memory once serving and after some load; and what the first cameras see: the
# p99 of the first 100 segments of 4 paced cameras sent as soon as the server reports SERVING, against the p99 of
# the same load in the same run once the server is warm (io.refinevad.bench.FirstSegments).
#   bench/startup.sh [runs] [QUARKUS_APP...]   (build first: ./mvnw -B -ntp install -DskipTests)
# QUARKUS_APP: a build's quarkus-app folder (default inference-server/target/quarkus-app); with several, each run
# starts them in turn, so that two builds are compared in the same run (copy the folder aside before rebuilding).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
apps=("${@:-inference-server/target/quarkus-app}")
client=client/target/refinevad-client.jar
cp="bench/target/refinevad-bench.jar:bench/target/lib/*"
port=19000
now() { date +%s.%N; }
mkdir -p build

jvm_start=$(now); java -version 2>/dev/null; jvm=$(echo "$(now) - $jvm_start" | bc)
echo "java -version: $jvm s"
printf "%-12s %-40s %4s %14s %12s %12s %12s %10s %10s %12s\n" engine build run "to SERVING (s)" "vs JVM start" \
  "RSS MiB" "after load" "first p99" "steady p99" "first/steady"
for engine in OnnxRuntime PyTorch; do
  for run in $(seq "$runs"); do
    for app in "${apps[@]}"; do
      start_ms=$(date +%s%3N)
      java -Drefinevad.engine=$engine -Dquarkus.grpc.server.port=$port -Dquarkus.http.port=0 \
        -jar "$app/quarkus-run.jar" > build/startup-$engine.log 2>&1 &
      pid=$!
      line=$(java -XX:TieredStopAtLevel=1 -cp "$cp" io.refinevad.bench.FirstSegments localhost:$port "$start_ms")
      ready=$(sed -E 's/^to SERVING ([0-9.]+) s.*/\1/' <<< "$line")
      first=$(sed -E 's/.*first [0-9]+ segments p99 ([0-9.]+) ms.*/\1/' <<< "$line")
      steady=$(sed -E 's/.*steady state p99 ([0-9.]+) ms.*/\1/' <<< "$line")
      ratio=$(sed -E 's/.*first \/ steady p99 ([0-9.]+)x.*/\1/' <<< "$line")
      rss_ready=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status)
      # more load: 4 cameras of the golden clip at full speed
      java -jar "$client" --target localhost:$port stream model/default/export/golden/stream_x.npy \
        model/default/export/golden/stream_x.npy model/default/export/golden/stream_x.npy \
        model/default/export/golden/stream_x.npy > /dev/null 2>&1 || true
      rss_load=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status)
      kill $pid; wait $pid 2>/dev/null || true
      label=$app; [ ${#label} -le 40 ] || label=...${app: -37}
      printf "%-12s %-40s %4d %14.2f %11.1fx %12d %12d %10s %10s %11sx\n" $engine "$label" "$run" "$ready" \
        "$(echo "$ready / $jvm" | bc -l)" "$rss_ready" "$rss_load" "$first" "$steady" "$ratio"
    done
  done
done
