#!/usr/bin/env bash
# Fair batching against the packaged server on the default model (ONNX Runtime): 8 live cameras at 4 segments/s
# each, alone (the baseline), then beside one and two clients that send long clips (Score, T = 2040 segments, 4 MiB)
# back to back; the cameras' p99 latency from send to answer, and its ratio to the baseline of the same run. Then a
# burst of 8 such clip clients at once, and the server's resident memory: serving before any load, before the
# burst (after the levels above and a rest), at its peak, and after a rest.
# The load generator runs on the C1 compiler alone (-XX:TieredStopAtLevel=1), as in bench/e2e.sh.
#   bench/fairness.sh [QUARKUS_APP_DIR, default inference-server/target/quarkus-app] [SECONDS per level, default 30]
# (build first: ./mvnw -B -ntp install -DskipTests). To compare with an older server, build it in a git worktree
# and pass its inference-server/target/quarkus-app.
set -euo pipefail
cd "$(dirname "$0")/.."
app=${1:-inference-server/target/quarkus-app}
seconds=${2:-30}
cp="bench/target/refinevad-bench.jar:bench/target/lib/*"
target=localhost:19200
cameras=8
rate=4
clip=2040
rest=20
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true' EXIT
mkdir -p build

java -Dquarkus.grpc.server.port="${target#*:}" -Dquarkus.http.port=0 -jar "$app/quarkus-run.jar" \
  > build/fairness-server.log 2>&1 &
pid=$!
java -jar client/target/refinevad-client.jar --target "$target" wait --seconds 120 > /dev/null
kill -0 "$pid" || { echo "the server did not start: build/fairness-server.log" >&2; exit 1; }
load() { java -XX:TieredStopAtLevel=1 -cp "$cp" io.refinevad.bench.ClipFairness "$target" "$@" "$pid"; }
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status"; }

rss_serving=$(rss)
echo "[bench] server: $app (pid $pid); warm-up: $cameras cameras, one clip client, 10 s" >&2
load "$cameras" "$rate" 10 1 "$clip" > /dev/null
: > build/fairness-levels.txt
for clients in 0 1 2; do
  echo "[bench] $cameras cameras at $rate segments/s for $seconds s beside $clients clip client(s)" >&2
  load "$cameras" "$rate" "$seconds" "$clients" "$clip" | tee -a build/fairness-levels.txt >&2
done
echo "[bench] burst: 8 clip clients for $seconds s, then $rest s of rest" >&2
sleep "$rest"
rss_before=$(rss)
load 0 0 "$seconds" 8 "$clip" > build/fairness-burst.txt
sleep "$rest"
rss_after=$(rss)
read -r _ _ _ _ burst_clips burst_refused burst_failed _ rss_peak < build/fairness-burst.txt

echo
echo "server: $app"
printf "%12s %10s %10s %12s %8s %8s %8s %8s\n" "clip clients" "p50 ms" "p99 ms" "p99 vs alone" "lost" "clips" \
  "refused" "failed"
awk '
  NR == 1 { alone = $3 }
  { printf "%12d %10.1f %10.1f %11.1fx %8d %8d %8d %8d\n", $1, $2, $3, $3 / alone, $4, $5, $6, $7 }
' build/fairness-levels.txt
echo
printf "%18s %12s %12s %10s %10s %10s %8s %8s\n" "burst" "RSS serving" "RSS before" "RSS peak" "RSS after" \
  "after/bef" "clips" "refused"
printf "%18s %8d MiB %8d MiB %6d MiB %6d MiB %9.2fx %8d %8d\n" "8 clients x ${seconds}s" "$rss_serving" \
  "$rss_before" "$rss_peak" "$rss_after" "$(echo "$rss_after / $rss_before" | bc -l)" "$burst_clips" \
  "$burst_refused"
[ "$burst_failed" = 0 ] || echo "($burst_failed clips of the burst failed: build/fairness-server.log)"
