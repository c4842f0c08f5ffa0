#!/usr/bin/env bash
# A soak of the packaged server (docs/SERVER.md, "Soak"): N cameras for D minutes; three in four stream at R
# segments/s and must get every segment answered exactly once, the others cancel, drop their connection, send
# malformed messages, go silent, reconnect with and without their resume token, at random. A line every 10 s (the
# server's active streams against the soak's open streams, RSS; a full collection after the warm-up and before the
# cameras stop, for the live heap), then a table of checks, each PASS or FAIL, and the server log's WARN/ERROR count.
# Exit status 0 only if every check passed.
#   bench/soak.sh [cameras] [minutes] [rate] [seed]      (default 256 cameras, 30 minutes, 2 segments/s, seed 1)
#   SOAK_MAX_RAM_MIB=1936: the memory the server's JVM sizes itself for and its RSS must stay under (the default
#   detector pod's limit)
# Build first: ./mvnw -B -ntp package -DskipTests -pl inference-server,client,bench -am
set -euo pipefail
cd "$(dirname "$0")/.."
cameras=${1:-256}
minutes=${2:-30}
rate=${3:-2}
seed=${4:-1}
server=inference-server/target/quarkus-app/quarkus-run.jar
log=build/soak-server.log
mkdir -p build
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
grpc=$(free_port); admin=$(free_port); http=$(free_port)
# The JVM sizes its heap as in a default detector's pod, whose memory limit the operator derives (ScoringMemory,
# docs/OPERATOR.md): RSS is then measured against what the pod would be allowed, not a quarter of this machine.
max_ram_mib=${SOAK_MAX_RAM_MIB:-1936}
# Room for every camera, and for a misbehaving camera's call the server is still ending while it opens the next.
java -XX:MaxRAM="${max_ram_mib}m" -Drefinevad.streams.capacity=$((2 * cameras)) -Dquarkus.grpc.server.port="$grpc" \
  -Drefinevad.admin.port="$admin" -Dquarkus.http.port="$http" -jar "$server" > "$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
java -jar client/target/refinevad-client.jar --target "localhost:$grpc" wait --seconds 120 > /dev/null
echo "[soak] server pid $pid, scoring port $grpc, admin port $admin, log $log"
status=0
java -cp "bench/target/refinevad-bench.jar:bench/target/lib/*" io.refinevad.bench.Soak "localhost:$grpc" \
  "localhost:$admin" "$pid" "$cameras" "$minutes" "$rate" "$seed" "$max_ram_mib" || status=$?
# Quarkus's one startup warning about its separate gRPC server is expected; anything else is not.
loud() { grep -E ' (WARN|ERROR) |^\s+at ' "$log" | grep -v 'Using legacy gRPC support' || true; }
echo "[soak] server log: $(loud | wc -l) lines at WARN or ERROR or of stack traces ($log)"
if [ -n "$(loud)" ]; then
  loud | head -n 5
  status=1
fi
exit $status
