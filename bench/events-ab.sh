#!/usr/bin/env bash
# What anomaly events cost the server (docs/EVENTS.md; goal: at most 2 % more server CPU per segment at 512
# cameras). One packaged server, started with events off (A) and on (B) in turn, PASSES times (this machine drifts by
# up to 2x over minutes: each B is judged against the A run just before it). Each run: 512 streams of SEGMENTS
# segments at RATE segments/s each (StreamLoad; Gaussian features), the server's CPU time per answered segment, and
# the events the server counted (refinevad_anomaly_events_total, from /q/metrics). Both sides run with the alarm
# threshold THRESHOLD, low enough that the Gaussian streams make events rather than leave the detector idle.
#   bench/events-ab.sh [PASSES, default 3] [RATE, default 2] [SEGMENTS, default 40] [THRESHOLD, default 0.05]
# Build first: ./mvnw -B -ntp install -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
passes=${1:-3}
rate=${2:-2}
segments=${3:-40}
threshold=${4:-0.05}
streams=512
port=19500
http_port=19501
cp="bench/target/refinevad-bench.jar:bench/target/lib/*"
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true' EXIT
mkdir -p build
results=build/events-ab-results.tsv
: > "$results"

for pass in $(seq "$passes"); do
  for build in A B; do
    enabled=$([ "$build" = B ] && echo true || echo false)
    java -Drefinevad.events.enabled="$enabled" -Drefinevad.alarm.threshold="$threshold" \
      -Drefinevad.streams.capacity=1024 -Drefinevad.batching.max-queue-size=8192 \
      -Dquarkus.grpc.server.port=$port -Drefinevad.admin.port=$((port + 10)) -Dquarkus.http.port=$http_port \
      -jar inference-server/target/quarkus-app/quarkus-run.jar > "build/events-ab-$build.log" 2>&1 &
    pid=$!
    java -jar client/target/refinevad-client.jar --target localhost:$port wait --seconds 120 > /dev/null
    line=$(java -XX:TieredStopAtLevel=1 -cp "$cp" io.refinevad.bench.StreamLoad localhost:$port "$rate" \
      "$segments" $streams "$pid" 2>/dev/null | tail -n 1)
    events=$(curl -s localhost:$http_port/q/metrics | awk '/^refinevad_anomaly_events_total/ {sum += $2} END {print sum + 0}')
    # StreamLoad's columns: streams offered answered p50 p99 lost client-cpu server-cpu.
    read -r _ _ answered p50 p99 lost _ server_cpu <<< "$line"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$build" "$pass" "$answered" "$p99" "$lost" "$server_cpu" "$events" >> "$results"
    printf '%s pass %s: events %-5s %s seg/s answered, p99 %s ms, %s streams lost, server %s us CPU/segment, %s events\n' \
      "$build" "$pass" "$enabled" "$answered" "$p99" "$lost" "$server_cpu" "$events"
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  done
done
python3 - "$results" <<'PY'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
a = [float(r[5]) for r in rows if r[0] == "A"]
b = [float(r[5]) for r in rows if r[0] == "B"]
ratios = [y / x for x, y in zip(a, b)]
print("\nserver CPU per segment, events on (B) / off (A), per pass: " + ", ".join("%.3f" % r for r in ratios))
print("median B / A: %.3f (goal: at most 1.02); events per B run: %s" % (
    statistics.median(ratios), ", ".join(r[6] for r in rows if r[0] == "B")))
PY
