#!/usr/bin/env bash
# The operator on the local cluster: time from `kubectl apply` of a detector to Ready, against the same scoring
# pod deployed by hand as a plain Deployment (the baseline: what the operator adds on top of starting a pod), time
# from a stream surge to the new pods being Ready, and the operator's resident memory.
#   bench/operator.sh [runs]     (build first: ./mvnw -B -ntp install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
export REFINEVAD_CLUSTER_DIR=${TMPDIR:-/tmp}/refinevad-bench-operator REFINEVAD_CLUSTER_PORT_BASE=18500
export REFINEVAD_NODE_POD_CIDR=10.244.8.0/24
work=$(mktemp -d)
operator_pid=""
cleanup() {
  [[ -n $operator_pid ]] && kill "$operator_pid" 2>/dev/null || true
  e2e/local-cluster.sh down 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
log() { echo "[bench-operator] $*" >&2; }

eval "$(e2e/local-cluster.sh up)"
kubectl apply --server-side -f crds/anomalydetectors.refinevad.io-v1.yml >/dev/null
kubectl wait --for=condition=Established crd/anomalydetectors.refinevad.io --timeout=60s >/dev/null
# 600 segments of 512 features: a minute of camera at 10 segments/s.
scripts/py -c "import numpy as np; np.save('$work/camera.npy', np.random.default_rng(1).standard_normal((600, 512)).astype(np.float32))"
for i in 1 2 3 4 5; do ln -s "$work/camera.npy" "$work/camera-$i.npy"; done   # the client names streams after files

log "starting the operator (java -jar operator/target/quarkus-app/quarkus-run.jar, poll interval 1 s)"
java -Dquarkus.http.port=18690 -Drefinevad.operator.poll-interval=1s -jar operator/target/quarkus-app/quarkus-run.jar \
  > "$work/operator.log" 2>&1 &
operator_pid=$!
until curl -sf http://127.0.0.1:18690/q/health/ready >/dev/null; do
  kill -0 "$operator_pid" 2>/dev/null || { tail -20 "$work/operator.log" >&2; log "the operator exited"; exit 1; }
  sleep 0.5
done

printf "%4s %22s %24s %8s %22s %18s\n" run "plain Deployment (s)" "detector apply->Ready (s)" ratio "surge->3 Ready (s)" "operator RSS (MiB)"
for run in $(seq "$runs"); do
  ns=bench-$run
  kubectl create namespace "$ns" >/dev/null
  until kubectl -n "$ns" get serviceaccount default >/dev/null 2>&1; do sleep 0.2; done

  start=$(now)
  kubectl -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: plain}
spec:
  replicas: 1
  selector: {matchLabels: {app: plain}}
  template:
    metadata: {labels: {app: plain}}
    spec:
      containers:
      - name: scorer
        image: ghcr.io/refinevad/inference-server:0.1.0
        readinessProbe: {grpc: {port: 9000}, periodSeconds: 2}
YAML
  kubectl -n "$ns" wait --for=condition=Available deployment/plain --timeout=120s >/dev/null
  plain=$(since "$start")
  kubectl -n "$ns" delete deployment plain --wait=true >/dev/null

  start=$(now)
  kubectl -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: refinevad.io/v1alpha1
kind: AnomalyDetector
metadata: {name: cameras}
spec:
  model: {uri: "builtin:default"}
  scaling: {minReplicas: 1, maxReplicas: 3, targetStreamsPerReplica: 2, scaleDownStabilizationSeconds: 10}
YAML
  kubectl -n "$ns" wait --for=condition=Ready anomalydetector/cameras --timeout=120s >/dev/null
  applied=$(since "$start")

  pod_ip=$(kubectl -n "$ns" get pods -l refinevad.io/detector=cameras -o jsonpath='{.items[0].status.podIP}')
  start=$(now)
  java -jar client/target/refinevad-client.jar --target "$pod_ip:9000" stream --rate 10 \
    "$work"/camera-[1-5].npy \
    > "$work/stream-$run.log" 2>&1 &
  client_pid=$!
  until [[ $(kubectl -n "$ns" get anomalydetector cameras -o jsonpath='{.status.readyReplicas}') == 3 ]]; do
    sleep 0.25
  done
  surge=$(since "$start")
  rss=$(awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$operator_pid/status")
  kill "$client_pid" 2>/dev/null || true
  wait "$client_pid" 2>/dev/null || true
  printf "%4d %22.1f %24.1f %7.2fx %22.1f %18d\n" "$run" "$plain" "$applied" "$(echo "$applied / $plain" | bc -l)" \
    "$surge" "$rss"
  kubectl delete namespace "$ns" --wait=false >/dev/null
done
