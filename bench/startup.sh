#!/usr/bin/env bash
# Startup time to SERVING and resident memory of the inference server on the embedded default model, for each
# engine, against the JVM's own start (a java -version run in the same script) as the baseline.
#   bench/startup.sh [runs]        (build first: ./mvnw -B -ntp install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
server=inference-server/target/quarkus-app/quarkus-run.jar
client=client/target/refinevad-client.jar
port=19000
now() { date +%s.%N; }

jvm_start=$(now); java -version 2>/dev/null; jvm=$(echo "$(now) - $jvm_start" | bc)
printf "%-12s %4s %16s %12s %16s %18s\n" engine run "to SERVING (s)" "vs JVM start" "RSS serving (MiB)" "RSS after load (MiB)"
for engine in OnnxRuntime PyTorch; do
  for run in $(seq "$runs"); do
    start=$(now)
    java -Drefinevad.engine=$engine -Dquarkus.grpc.server.port=$port -Dquarkus.http.port=0 -jar "$server" \
      > build/startup-$engine.log 2>&1 &
    pid=$!
    java -jar "$client" --target localhost:$port wait --seconds 120 > /dev/null
    ready=$(echo "$(now) - $start" | bc)
    rss_ready=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status)
    # some load: 4 cameras of the golden clip at full speed
    java -jar "$client" --target localhost:$port stream model/default/export/golden/stream_x.npy \
      model/default/export/golden/stream_x.npy model/default/export/golden/stream_x.npy \
      model/default/export/golden/stream_x.npy > /dev/null 2>&1 || true
    rss_load=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status)
    kill $pid; wait $pid 2>/dev/null || true
    printf "%-12s %4d %16.2f %11.1fx %16d %18d\n" $engine "$run" "$ready" "$(echo "$ready / $jvm" | bc -l)" \
      "$rss_ready" "$rss_load"
  done
done
