#!/usr/bin/env bash
# What a user waits for on the local cluster's real node (docs/LOCAL-CLUSTER.md, "Measured"), in wall-clock
# seconds, over a few runs, each on a fresh cluster:
#   up        e2e/local-cluster.sh up to a Ready node (images imported into a fresh containerd every time)
#   helm      helm install of the chart (no value changed) to the operator pod Ready
#   ad1cold   kubectl apply of a detector (1 pod) to its Ready condition, the first scoring pod of the cluster
#             (containerd unpacks the server image's layers for it)
#   ad1warm   the same detector deleted and applied again (image unpacked)
#   ad3       minReplicas raised to 3 (small requests, so 3 fit on 2 cores) to 3 ready replicas
#   pod       a scoring pod alone, from its creation to Ready (kubectl wait), image unpacked
#   down      e2e/local-cluster.sh down
# Needs root, the tools (e2e/tools/build-tools.sh) and build/images (`make images`). Under the cluster and build
# locks when others share the machine:
#   flock /tmp/refinevad-cluster.lock flock /tmp/refinevad-build.lock bench/real-node.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
export REFINEVAD_CLUSTER_DIR=${TMPDIR:-/tmp}/refinevad-bench-real REFINEVAD_CLUSTER_PORT_BASE=18500
export REFINEVAD_NODE_POD_CIDR=10.244.8.0/24
NS=bench
trap 'e2e/local-cluster.sh down >/dev/null 2>&1 || true' EXIT
now() { date +%s.%N; }
since() { printf '%.1f' "$(echo "$(now) - $1" | bc)"; }
detector() {   # name minReplicas
  cat <<EOF
apiVersion: refinevad.io/v1alpha1
kind: AnomalyDetector
metadata: {name: $1, namespace: $NS}
spec:
  model: {uri: "builtin:default"}
  runtime:
    resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {memory: 1Gi}}
  scaling: {minReplicas: $2, maxReplicas: 3}
EOF
}
# Waits (up to 5 minutes) for a jsonpath to print the wanted value; the object may not exist yet.
wait_for() {   # what jsonpath wanted
  local deadline=$(( $(date +%s) + 300 ))
  until [[ $(kubectl -n "$NS" get "$1" -o jsonpath="$2" 2>/dev/null) == "$3" ]]; do
    (( $(date +%s) < deadline )) || { echo "timed out waiting for $1 $2 == $3" >&2; exit 1; }
    sleep 0.2
  done
}
ready_pods() { kubectl -n "$NS" get pods -l "refinevad.io/detector=$1" -o json \
  | jq '[.items[] | select(.metadata.deletionTimestamp == null)
         | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length'; }

printf '%4s %6s %6s %8s %8s %6s %6s %6s\n' run up helm ad1cold ad1warm ad3 pod down
for run in $(seq "$runs"); do
  e2e/local-cluster.sh down >/dev/null 2>&1 || true
  start=$(now)
  eval "$(e2e/local-cluster.sh up 2>/dev/null)"
  up=$(since "$start")
  kubectl create namespace "$NS" >/dev/null
  until kubectl -n "$NS" get serviceaccount default >/dev/null 2>&1; do sleep 0.2; done

  start=$(now)
  helm install bench helm/refinevad-operator --namespace "$NS" >/dev/null 2>&1
  kubectl -n "$NS" wait --for=condition=Available deployment/bench-refinevad-operator --timeout=300s >/dev/null
  helm=$(since "$start")

  start=$(now)
  detector cam 1 | kubectl apply -f - >/dev/null
  wait_for ad/cam '{.status.conditions[?(@.type=="Ready")].status}' True
  cold=$(since "$start")
  kubectl -n "$NS" delete ad cam --wait >/dev/null
  until [[ $(kubectl -n "$NS" get pods -l refinevad.io/detector=cam -o name | wc -l) == 0 ]]; do sleep 0.2; done
  start=$(now)
  detector cam 1 | kubectl apply -f - >/dev/null
  wait_for ad/cam '{.status.conditions[?(@.type=="Ready")].status}' True
  warm=$(since "$start")

  start=$(now)
  detector cam 3 | kubectl apply -f - >/dev/null
  until [[ $(ready_pods cam) == 3 ]]; do sleep 0.2; done
  wait_for ad/cam '{.status.readyReplicas}' 3
  three=$(since "$start")

  # One more scoring pod of the same template, alone: creation to Ready, as the kubelet sees it.
  kubectl -n "$NS" get deployment cam -o json | jq '{apiVersion: "v1", kind: "Pod",
      metadata: {name: "lone", namespace: "'"$NS"'"}, spec: .spec.template.spec}' > "$REFINEVAD_CLUSTER_DIR/lone.json"
  start=$(now)
  kubectl apply -f "$REFINEVAD_CLUSTER_DIR/lone.json" >/dev/null
  kubectl -n "$NS" wait --for=condition=Ready pod/lone --timeout=300s >/dev/null
  pod=$(since "$start")

  start=$(now)
  e2e/local-cluster.sh down >/dev/null 2>&1
  down=$(since "$start")
  printf '%4d %6s %6s %8s %8s %6s %6s %6s\n' "$run" "$up" "$helm" "$cold" "$warm" "$three" "$pod" "$down"
done
