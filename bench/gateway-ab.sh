#!/usr/bin/env bash
# Two builds of the gateway against each other on bench/gateway.sh's overhead part (io.refinevad.bench.GatewayOverhead:
# 128 paced streams x 48 segments at 4/s, straight to one packaged scoring pod and through the gateway in front of
# it): passes alternate A, B, A, B... in front of the same pod, so a change to the relay is judged against the build
# before it in the same run (this machine drifts by up to 2x over minutes). Prints each pass's medians and the
# gateway's user and system CPU time.
#   bench/gateway-ab.sh A_QUARKUS_APP B_QUARKUS_APP [PASSES, default 2] [ROUNDS per pass, default 2]
# A build's quarkus-app folder: copy gateway/target/quarkus-app aside before rebuilding (about 5 minutes for 2x2).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n 2,8p "$0" >&2; exit 2; }
declare -A apps=([A]=$1 [B]=$2)
passes=${3:-2}
rounds=${4:-2}
cp="bench/target/refinevad-bench.jar:bench/target/lib/*"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null || true' EXIT
mkdir -p build
java -Drefinevad.streams.capacity=1024 -Drefinevad.batching.max-queue-size=8192 \
  -Dquarkus.grpc.server.port=19200 -Drefinevad.admin.port=19210 -Dquarkus.http.port=0 \
  -jar inference-server/target/quarkus-app/quarkus-run.jar > build/gateway-ab-pod.log 2>&1 &
pod=$!
pids+=("$pod")
java -jar client/target/refinevad-client.jar --target localhost:19200 wait --seconds 120 > /dev/null
for pass in $(seq "$passes"); do
  for build in A B; do
    java -Drefinevad.gateway.pods.static=localhost:19200:19210 -Dquarkus.grpc.server.port=19300 \
      -Dquarkus.http.port=19310 -jar "${apps[$build]}/quarkus-run.jar" > "build/gateway-ab-$build.log" 2>&1 &
    gateway=$!
    java -jar client/target/refinevad-client.jar --target localhost:19300 wait --seconds 120 > /dev/null
    echo "== $build (${apps[$build]}), pass $pass of $passes"
    java -XX:TieredStopAtLevel=1 -cp "$cp" io.refinevad.bench.GatewayOverhead localhost:19200 localhost:19300 \
      "$pod" "$gateway" 128 4 48 "$rounds" | grep '^median'
    awk -v hz="$(getconf CLK_TCK)" '{printf "gateway CPU since its start: user %.1f s, system %.1f s\n", $14 / hz,
      $15 / hz}' "/proc/$gateway/stat"
    kill "$gateway"
    wait "$gateway" 2>/dev/null || true
  done
done
