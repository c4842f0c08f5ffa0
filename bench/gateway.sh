#!/usr/bin/env bash
# The stream gateway's measured goals (issue 15) on packaged jars: scoring pods (the default model, ONNX Runtime)
# and gateways as processes on this machine, the gateway given its pods by refinevad.gateway.pods.static:
#  1. overhead: the same paced streams (started spread over one period, as independent cameras are, not in one
#     burst) straight to one pod and through a gateway in front of it alone, in ROUNDS interleaved rounds (this
#     machine drifts by up to 2x over minutes): p50/p99 latency added, CPU per segment of the gateway against the
#     pod's, segments answered once (io.refinevad.bench.GatewayOverhead);
#  2. a surge: a gateway given three pods of which only the first runs; 96 streams open (all on it), then the other
#     two start: seconds from their being ready until every pod holds 32 +- 2 streams by its own load report;
#  3. placement: 96 streams through that gateway, now with three Ready pods: 32 +- 1 on each;
#  4. 512 paced cameras through that gateway in front of the three pods (placed 171 +- 2 each: 512 / 3 is not
#     whole): every segment answered once, at a rate per camera that this machine carries (at 4 segments/s it was
#     at its limit, p50 211 ms); 2-4 by io.refinevad.bench.GatewayPlacement.
# All processes, the load generator's included, share this machine's cores; the last lines sum up every goal.
#   bench/gateway.sh [ROUNDS, default 6]    (build first: ./mvnw -B -ntp install -DskipTests; about 5 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-6}
rate=4            # segments per second per stream in parts 1-3, as in bench/e2e.sh
cameras=512
camera_rate=2     # in part 4: a 16-frame segment at 30 fps is about 2 a second
cp="bench/target/refinevad-bench.jar:bench/target/lib/*"
pods=(localhost:19200 localhost:19201 localhost:19202)
admins=(localhost:19210 localhost:19211 localhost:19212)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null || true' EXIT
mkdir -p build
rm -f build/gateway-*.txt

pod() {  # pod INDEX: starts scoring pod INDEX in the background; its pid in pod_pid[INDEX]
  local port=${pods[$1]#*:}
  # Capacity and queue as in bench/e2e.sh: one pod takes every stream of a part when it is the only one.
  java -Drefinevad.streams.capacity=1024 -Drefinevad.batching.max-queue-size=8192 \
    -Dquarkus.grpc.server.port="$port" -Drefinevad.admin.port="${admins[$1]#*:}" -Dquarkus.http.port=0 \
    -jar inference-server/target/quarkus-app/quarkus-run.jar > "build/gateway-pod-$port.log" 2>&1 &
  pids+=($!)
  pod_pid[$1]=$!
}
gateway() {  # gateway GRPC_PORT HTTP_PORT POD_INDEX...: starts a gateway given those pods; its pid in gateway_pid
  local grpc=$1 http=$2 list=() index
  shift 2
  for index in "$@"; do list+=("${pods[$index]}:${admins[$index]#*:}"); done
  java -Drefinevad.gateway.pods.static="$(IFS=,; echo "${list[*]}")" -Dquarkus.grpc.server.port="$grpc" \
    -Dquarkus.http.port="$http" -jar gateway/target/quarkus-app/quarkus-run.jar > "build/gateway-$grpc.log" 2>&1 &
  pids+=($!)
  gateway_pid=$!
}
await() {  # await HOST:PORT PID LOG: until it answers GetModelInfo (a gateway: through a Ready pod)
  java -jar client/target/refinevad-client.jar --target "$1" wait --seconds 120 > /dev/null
  kill -0 "$2" || { echo "the process on $1 did not start: $3" >&2; exit 1; }
}
load() { java -XX:TieredStopAtLevel=1 -cp "$cp" "io.refinevad.bench.$1" "${@:2}"; }
moves() {  # moves HTTP_PORT: the gateway's stream moves so far, by reason
  curl -sf "http://localhost:$1/q/metrics" | awk '/^refinevad_gateway_stream_moves_total/ {
    match($0, /reason="[a-z]+"/); printf "%s %s=%d", sep, substr($0, RSTART + 8, RLENGTH - 9), $2; sep = "," }'
}
admin_list=$(IFS=,; echo "${admins[*]}")

echo "== 1. overhead: $rounds interleaved rounds of 128 streams x 48 segments at $rate/s, straight to one pod and"
echo "      through a gateway in front of it alone"
pod 0
gateway 19300 19310 0
await "${pods[0]}" "${pod_pid[0]}" "build/gateway-pod-${pods[0]#*:}.log"
await localhost:19300 "$gateway_pid" build/gateway-19300.log
load GatewayOverhead "${pods[0]}" localhost:19300 "${pod_pid[0]}" "$gateway_pid" 128 "$rate" 48 "$rounds" \
  | tee build/gateway-overhead.txt
# user and system time apart (clock ticks): how much of the relay's cost is the kernel's (a syscall per message)
awk -v hz="$(getconf CLK_TCK)" '{printf "gateway CPU since its start: user %.1f s, system %.1f s\n", $14 / hz, $15 / hz}' \
  "/proc/$gateway_pid/stat"
kill "$gateway_pid"

echo
echo "== 2. surge: a gateway given three pods, only the first running; 96 streams x 240 segments at $rate/s open on"
echo "      it, then the other two start"
gateway 19301 19311 0 1 2
await localhost:19301 "$gateway_pid" build/gateway-19301.log
load GatewayPlacement surge localhost:19301 "$admin_list" 96 "$rate" 240 2 | tee build/gateway-surge.txt &
surge=$!  # tee's, which ends with the load
until grep -qs '^\[surge\] every stream is open' build/gateway-surge.txt; do
  kill -0 "$surge" 2>/dev/null || { echo "the surge run ended early" >&2; exit 1; }
  sleep 0.2
done
echo "[gateway.sh] starting pods 2 and 3" >&2
pod 1
pod 2
wait "$surge"
echo "gateway stream moves so far: $(moves 19311)"

echo
echo "== 3. placement: 96 streams x 40 segments at $rate/s through the same gateway, three Ready pods"
load GatewayPlacement spread localhost:19301 "$admin_list" 96 "$rate" 40 1 | tee build/gateway-spread.txt
echo "gateway stream moves so far: $(moves 19311)"

echo
echo "== 4. $cameras cameras x 60 segments at $camera_rate/s through the same gateway, three pods"
load GatewayPlacement spread localhost:19301 "$admin_list" "$cameras" "$camera_rate" 60 2 \
  "gateway=$gateway_pid,pod1=${pod_pid[0]},pod2=${pod_pid[1]},pod3=${pod_pid[2]}" | tee build/gateway-cameras.txt
echo "gateway stream moves so far: $(moves 19311)"

echo
echo "== goals ($(nproc) cores; 1 pod in part 1, 3 pods after)"
cat build/gateway-overhead.txt build/gateway-surge.txt build/gateway-spread.txt build/gateway-cameras.txt \
  | grep '^goal' | cut -c7-
