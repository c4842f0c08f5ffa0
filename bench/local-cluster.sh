#!/usr/bin/env bash
# Start time to Ready and resident memory of the local cluster (e2e/local-cluster.sh), per component, over a few
# up/down cycles, with the time of each step from the script's log. The baseline is a JVM's own start
# (java -version) in the same run, as in bench/startup.sh, since the machine's speed varies from run to run.
#   bench/local-cluster.sh [runs]      (as root; the real node imports build/images: make images first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
export REFINEVAD_CLUSTER_DIR=${TMPDIR:-/tmp}/refinevad-bench-cluster REFINEVAD_CLUSTER_PORT_BASE=18400
export REFINEVAD_NODE_POD_CIDR=10.244.9.0/24
trap 'e2e/local-cluster.sh down 2>/dev/null || true' EXIT
now() { date +%s.%N; }
rss_mib() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$1/status"; }

jvm_start=$(now); java -version 2>/dev/null; jvm=$(echo "$(now) - $jvm_start" | bc)
printf "%4s %8s %9s | %-62s | %s\n" run "Ready (s)" "vs JVM" "steps (s), in the order up logs them" \
  "RSS MiB: etcd apiserver kcm scheduler containerd kubelet kube-proxy total"
for run in $(seq "$runs"); do
  e2e/local-cluster.sh down 2>/dev/null || true
  start=$(now)
  e2e/local-cluster.sh up > /dev/null 2> "${TMPDIR:-/tmp}/refinevad-bench-up.log"
  total=$(echo "$(now) - $start" | bc)
  steps=$(grep -oE '\(([0-9.]+) s(,|\))' "${TMPDIR:-/tmp}/refinevad-bench-up.log" | tr -d '(s,)' | tr '\n' ' ')
  sleep 10   # let the controllers settle before reading memory
  line="" sum=0
  for component in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy; do
    pid=$(cat "$REFINEVAD_CLUSTER_DIR/pids/$component.pid")
    mib=$(rss_mib "$pid")
    line+="$(printf '%5d' "$mib") "
    sum=$((sum + mib))
  done
  printf "%4d %9.1f %8.1fx | %-62s | %s %5d\n" "$run" "$total" "$(echo "$total / $jvm" | bc -l)" "$steps" "$line" "$sum"
done
