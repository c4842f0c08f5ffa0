#!/usr/bin/env bash
# The main job on the embedded default model: build if needed, start the inference server, stream synthetic videos
# through it as live cameras, and show per-segment scores and the detected anomalies beside the ground truth, also
# drawn as one score timeline per camera in build/demo-plots/.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER_JAR=inference-server/target/quarkus-app/quarkus-run.jar
CLIENT_JAR=client/target/refinevad-client.jar
DATA=build/demo-data
PLOTS=build/demo-plots
PORT=${REFINEVAD_DEMO_PORT:-9000}
RATE=${REFINEVAD_DEMO_RATE:-50}

scripts/bootstrap.sh >/dev/null
if [ ! -f "$SERVER_JAR" ] || [ ! -f "$CLIENT_JAR" ]; then
  echo "[demo] building the server and the client (first run only)"
  ./mvnw -B -q -ntp install -DskipTests
fi
echo "[demo] generating 40 synthetic videos (the 8 test videos become cameras)"
scripts/py -m refinevad.synth --out "$DATA" --seed 2024 --videos 40 --max-segments 300 >/dev/null

echo "[demo] starting the inference server on port $PORT with the embedded default model"
java -Dquarkus.grpc.server.port="$PORT" -Dquarkus.http.port=0 -jar "$SERVER_JAR" > build/demo-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
java -jar "$CLIENT_JAR" --target "localhost:$PORT" wait --seconds 60

mapfile -t videos < "$DATA/test.list"
echo "[demo] ground truth of the cameras (segments):"
scripts/py - "$DATA" "${videos[@]}" <<'PY'
import csv, sys
import numpy as np
root, ids = sys.argv[1], sys.argv[2:]
labels = dict(csv.reader(open(f"{root}/labels.csv")))
for vid in ids:
    seg = np.load(f"{root}/gt/{vid}.npy")[::16]
    edges = np.flatnonzero(np.diff(np.concatenate([[0], seg, [0]])))
    spans = ", ".join(f"{a}-{b - 1}" for a, b in zip(edges[::2], edges[1::2])) or "none"
    print(f"  {vid:<24} {labels[vid]:<14} anomalous segments: {spans}")
PY
echo "[demo] streaming ${#videos[@]} cameras at $RATE segments/s each"
rm -rf "$PLOTS"  # only this run's cameras
java -jar "$CLIENT_JAR" --target "localhost:$PORT" stream --rate "$RATE" --plot "$PLOTS" --ground-truth "$DATA/gt" \
  $(printf "$DATA/features/%s.npy " "${videos[@]}")
echo "[demo] each camera's score timeline (SVG, open in a browser): $PLOTS/"
