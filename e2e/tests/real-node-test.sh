#!/usr/bin/env bash
# The real node of e2e/local-cluster.sh (REFINEVAD_CLUSTER_NODE=real), end to end, and the host left as found:
#   1. snapshots the host (iptables and nftables rules, routes, links, addresses, netns, mounts, cgroups, sysctls,
#      the runtime's fixed paths);
#   2. `up`; the node is Ready on containerd, with the fake nvidia.com/gpu allocatable;
#   3. a pod from a locally imported image (the model fetcher's: it has sh and perl) serves HTTP: reached by pod
#      IP and through a ClusterIP Service, from the host and from the pod itself; `kubectl logs` shows its start
#      line, `kubectl exec` runs in it; the pod reaches this machine (the `kubernetes` Service) but not beyond it
#      (the guard rule counts the dropped packets);
#   4. scoring pods, made by the operator (run on this host) from two detectors in a namespace that enforces the
#      restricted Pod Security profile: with a CPU limit of 1 the server runs one engine thread (its startup line,
#      its gauge), `kubectl logs` shows its startup line, its root file system is read-only and it runs as non-root;
#      with a memory limit too small for the server, the kernel kills it and the detector's status says OOMKilled,
#      naming the container, and counts the restarts;
#   5. faults: the kubelet restarted, then containerd restarted, each alone (`local-cluster.sh restart`): no pod is
#      lost (same UIDs and containers, no restarts), a TCP stream held open to a pod through both keeps flowing,
#      the scoring pod keeps serving, and the kubelet works with the new containerd (exec);
#   6. `down`; the host is as before, but for the unreachable routes, which stay; a TCP dial to the pod's address
#      and to the Service's fails here at once (no route), instead of leaving the machine.
# Needs root, the tools (e2e/tools/build-tools.sh), build/images/{model-fetcher,inference-server}.tar (`make images`)
# and the packaged operator (operator/target/quarkus-app, which `make images` also builds). Run it under the cluster
# and build locks when others share the machine. Prints TAP; exits 1 if a check failed.
#
#   e2e/tests/real-node-test.sh          (make real-node-test)
set -uo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${TMPDIR:-/tmp}/refinevad-real-node-test
export REFINEVAD_CLUSTER_NODE=real
export REFINEVAD_CLUSTER_DIR="$WORK/cluster"
export REFINEVAD_CLUSTER_PORT_BASE=18600
export REFINEVAD_NODE_POD_CIDR=10.244.2.0/24   # apart from local-cluster.sh's default 10.244.0.0/24 and the e2e tests' 10.244.1.0/24
export REFINEVAD_NODE_IMAGES="$WORK/images"
NAMESPACE=real-node-test
SCORING_NAMESPACE=real-node-scoring   # restricted Pod Security, as the suites' namespaces
FETCHER_ARCHIVE="$REPO/build/images/model-fetcher.tar"
SERVER_ARCHIVE="$REPO/build/images/inference-server.tar"
OPERATOR_APP="$REPO/operator/target/quarkus-app/quarkus-run.jar"
OPERATOR_HTTP_PORT=18690   # the operator's health and metrics on this host, apart from the cluster's ports
# An idle scoring server holds about 110-115 MiB resident here, and lives within 128Mi; with 96Mi the kernel kills
# it as it starts (with this limit a start may also end in the JVM's own heap error, exit 1: the check waits for the
# kill, which came on the second start when tried).
TOO_LITTLE_MEMORY=96Mi
DIAL_GUARD_SECONDS=5   # a dial that is not refused at once is reported as leaving the machine

CHECKS=0 FAILED=0
ok() { CHECKS=$(( CHECKS + 1 )); echo "ok $CHECKS - $1"; }
not_ok() { CHECKS=$(( CHECKS + 1 )); FAILED=$(( FAILED + 1 )); echo "not ok $CHECKS - $1"; [[ -z ${2:-} ]] || sed 's/^/#   /' <<<"$2"; }
# Usage: check <description> <command...>: ok if the command succeeds; its output is shown when it fails.
check() {
  local what=$1 out; shift
  if out=$("$@" 2>&1); then ok "$what"; else not_ok "$what" "$out"; fi
}
note() { echo "# $*"; }
bail() { echo "Bail out! $*"; exit 1; }

# ---------------------------------------------------------------------------------------------------- host state

# Everything the real node may change, in a stable text form: counters, the unreachable routes (kept on purpose)
# and the sysctls that move on their own are left out.
host_state() {
  local family
  for family in iptables ip6tables; do
    echo "== $family"; "$family-save" 2>/dev/null | sed -E '/^#/d; s/ \[[0-9]+:[0-9]+\]$//; s/\[[0-9]+:[0-9]+\] //'
  done
  echo "== nftables"; nft list ruleset 2>/dev/null | grep -vE '^\s*counter packets'
  echo "== routes"; ip route show table all | grep -vE "^unreachable (10\.244|10\.96)\.0\.0/16 .*metric 4242"
  echo "== links"; ip -o link | sed -E 's/^[0-9]+: //; s/ +link\/.*//'
  echo "== addresses"; ip -o addr | awk '{print $2, $3, $4}'
  echo "== netns"; ip netns list
  echo "== mounts"; awk '{print $5, $9}' /proc/self/mountinfo | sort
  echo "== cgroups"; find /sys/fs/cgroup -maxdepth 2 -type d | sort
  echo "== paths"; ls -d /run/containerd /run/netns /var/lib/cni /var/log/containers /var/log/pods /etc/cni \
    /opt/cni /opt/containerd /var/lib/kubelet /var/lib/containerd /usr/libexec/kubernetes 2>/dev/null
  echo "== sysctls"
  sysctl -a 2>/dev/null \
    | grep -E '^(kernel\.(panic|keys)|vm\.|net\.ipv4\.(ip_forward|conf\.(all|default))|net\.ipv6\.conf\.(all|default)|net\.bridge|net\.netfilter\.nf_conntrack_(max|tcp_timeout|tcp_be|udp))' \
    | grep -vE '^vm\.(stat_refresh|drop_caches|compact_memory)'
}

# ------------------------------------------------------------------------------------------------------ the pod

pod_manifest() {
  cat <<EOF
apiVersion: v1
kind: Pod
metadata: {name: echo, namespace: $NAMESPACE, labels: {app: echo}}
spec:
  terminationGracePeriodSeconds: 0
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: echo
    image: $FETCHER_IMAGE
    imagePullPolicy: IfNotPresent
    env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
    command: [perl, -MIO::Socket::INET, -e]
    args:
    - |
      \$| = 1;
      my \$server = IO::Socket::INET->new(LocalPort => 8080, Listen => 8, ReuseAddr => 1) or die "listen: \$!";
      print "echo server listening on 8080\n";
      while (my \$client = \$server->accept) {
        <\$client>;
        print \$client "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello from \$ENV{POD_NAME}\n";
        close \$client;
      }
    ports: [{containerPort: 8080}]
    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true}
---
apiVersion: v1
kind: Pod
metadata: {name: ticker, namespace: $NAMESPACE}
spec:
  terminationGracePeriodSeconds: 0
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: ticker
    image: $FETCHER_IMAGE
    imagePullPolicy: IfNotPresent
    command: [perl, -MIO::Socket::INET, -MTime::HiRes=sleep, -e]
    # One client at a time gets a numbered line every 0.1 s for as long as it stays connected: a stream whose
    # gaps and end a reader sees.
    args:
    - |
      my \$server = IO::Socket::INET->new(LocalPort => 8081, Listen => 1, ReuseAddr => 1) or die "listen: \$!";
      while (my \$client = \$server->accept) {
        \$client->autoflush(1);
        for (my \$n = 1; print \$client "tick \$n\n"; \$n++) { sleep 0.1 }
      }
    ports: [{containerPort: 8081}]
    # A startup probe only: once the test's reader holds the one connection, a probe's would wait in the backlog.
    startupProbe: {tcpSocket: {port: 8081}, periodSeconds: 1}
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true}
---
apiVersion: v1
kind: Service
metadata: {name: echo, namespace: $NAMESPACE}
spec:
  selector: {app: echo}
  ports: [{port: 80, targetPort: 8080}]
EOF
}

kc() { kubectl --request-timeout=10s "$@"; }
answers_hello() { [[ $(curl -sf --max-time 3 "http://$1/") == "hello from echo" ]]; }
# kube-proxy programs a new Service up to its minSyncPeriod after the EndpointSlice: wait until it answers.
eventually() {
  local tries=$1; shift
  until "$@"; do (( --tries > 0 )) || return 1; sleep 0.5; done
}

# From inside the pod: prints "connected" or "failed: <reason>". Usage: pod_dial <host> <port>
pod_dial() {
  kc -n "$NAMESPACE" exec echo -- perl -MIO::Socket::INET -e \
    'print IO::Socket::INET->new(PeerAddr => $ARGV[0], PeerPort => $ARGV[1], Timeout => 3) ? "connected\n" : "failed: $!\n"' \
    "$1" "$2"
}
guard_packets() {
  iptables -L FORWARD -v -x -n | awk '/refinevad-pod-guard/ { print $1 }'
}

# A TCP dial from the host that must fail locally at once, with no route (not a time-out: the packet left).
dial_fails_locally() {
  local out rc
  out=$(timeout "$DIAL_GUARD_SECONDS" bash -c "exec 3<>/dev/tcp/$1/$2" 2>&1); rc=$?
  if (( rc == 124 )); then echo "no answer within $DIAL_GUARD_SECONDS s: the dial was not refused here"; return 1; fi
  (( rc != 0 )) || { echo "connected to $1:$2"; return 1; }
  grep -qE 'No route to host|Network is unreachable|Invalid argument' <<<"$out" || { echo "$out"; return 1; }
  echo "$out"
}

# ------------------------------------------------------------------------------------------------ scoring pods

# Two detectors of the embedded model, one pod each: `one-cpu` with a CPU limit of 1, `small` with a memory limit
# the server cannot live in. Their scoring pods are what these checks are about: no gateway (the suites' GatewayIT
# runs it on this node, with the chart's ClusterRole, which an operator run as a process here does not have).
detectors_manifest() {
  cat <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $SCORING_NAMESPACE
  labels: {pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/enforce-version: latest}
---
apiVersion: refinevad.io/v1alpha1
kind: AnomalyDetector
metadata: {name: one-cpu, namespace: $SCORING_NAMESPACE}
spec:
  model: {uri: "builtin:default"}
  runtime:
    image: $SERVER_IMAGE
    resources: {requests: {cpu: 500m, memory: 512Mi}, limits: {cpu: "1", memory: 1Gi}}
  scaling: {minReplicas: 1, maxReplicas: 1}
  gateway: {enabled: false}
---
apiVersion: refinevad.io/v1alpha1
kind: AnomalyDetector
metadata: {name: small, namespace: $SCORING_NAMESPACE}
spec:
  model: {uri: "builtin:default"}
  runtime:
    image: $SERVER_IMAGE
    resources: {requests: {cpu: 100m, memory: $TOO_LITTLE_MEMORY}, limits: {memory: $TOO_LITTLE_MEMORY}}
  scaling: {minReplicas: 1, maxReplicas: 1}
  gateway: {enabled: false}
EOF
}

OPERATOR_PID=
start_operator() {
  KUBECONFIG=$REFINEVAD_CLUSTER_DIR/admin.kubeconfig java -Dquarkus.http.port=$OPERATOR_HTTP_PORT \
    -jar "$OPERATOR_APP" >"$WORK/operator.log" 2>&1 &
  OPERATOR_PID=$!
}
stop_operator() {
  [[ -n $OPERATOR_PID ]] || return 0
  kill -TERM "$OPERATOR_PID" 2>/dev/null && wait "$OPERATOR_PID" 2>/dev/null
  OPERATOR_PID=
}

# A field of a detector's status. Usage: detector_field <name> <jsonpath inside .status>
detector_field() { kc -n "$SCORING_NAMESPACE" get anomalydetector "$1" -o jsonpath="{.status.$2}" 2>/dev/null; }
scoring_pod() {
  kc -n "$SCORING_NAMESPACE" get pods -l "refinevad.io/detector=$1,app.kubernetes.io/component=scorer" \
    -o jsonpath='{.items[0].metadata.name}'
}
scoring_exec() { kc -n "$SCORING_NAMESPACE" exec "$(scoring_pod one-cpu)" -c scorer -- "$@"; }
is_oom_reported() {
  [[ $(detector_field small 'conditions[?(@.type=="Degraded")].reason') == OOMKilled ]] \
    && (( $(detector_field small restarts) >= 1 ))
}

# ------------------------------------------------------------------------------------------------------- faults

# What must not change when a node daemon restarts: each pod's UID, and each container's ID and restart count.
pod_identities() {
  kc get pods -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name} {.metadata.uid}{range .status.containerStatuses[*]} {.containerID} {.restartCount}{end}{"\n"}{end}' | sort
}

# The ticker's stream, read from the host into $WORK/ticks by a background reader that holds one connection.
TICKS_READER=
start_ticks() {
  # shellcheck disable=SC2016
  bash -c 'exec 3<>"/dev/tcp/$0/8081" && exec cat <&3' "$1" >"$WORK/ticks" 2>"$WORK/ticks.err" &
  TICKS_READER=$!
}
last_tick() { tail -n 1 "$WORK/ticks" | awk '$1 == "tick" { print $2 }'; }
# True once the stream has gone past tick $1 with every number in order (no gap, no new connection's count).
ticks_continue_past() {
  local latest; latest=$(last_tick)
  [[ -n $latest ]] && (( latest > $1 )) && awk '$2 != NR { exit 1 }' "$WORK/ticks"
}
node_ready() {
  [[ $(kc get node refinevad-node -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}') == True ]]
}

# Restarts a node daemon alone and checks that the node and its pods lived through it. What is compared comes last
# and what is awaited is taken after the restart, so that a container killed by it has been seen by then.
# Usage: restart_survived <daemon>
restart_survived() {
  local daemon=$1 before tick
  before=$(pod_identities)
  if "$REPO/e2e/local-cluster.sh" restart "$daemon" >/dev/null 2>"$WORK/restart-$daemon.log" \
      && grep -q "$daemon: stopped alone" "$WORK/restart-$daemon.log"; then
    ok "$daemon restarted alone (its session, and so the containers' shims, left running)"
  else
    not_ok "$daemon restarted alone" "$(tail -5 "$WORK/restart-$daemon.log")"
  fi
  check "after the $daemon restart the node is Ready" eventually 60 node_ready
  tick=$(last_tick)
  check "the stream held open to the ticker pod flows on past tick ${tick:-?}, in order, after the $daemon restart" \
    eventually 40 ticks_continue_past "${tick:-0}"
  check "after the $daemon restart the echo pod still answers by pod IP" answers_hello "$pod_ip:8080"
  check "after the $daemon restart the scoring pod still serves (gRPC health at $scoring_ip:9000)" \
    grep -q '"status": "SERVING"' <<<"$(grpcurl -plaintext -max-time 3 "$scoring_ip:9000" grpc.health.v1.Health/Check 2>&1)"
  # A restarted kubelet answers exec with "pod does not exist" until it has taken its pods in again.
  check "after the $daemon restart kubectl exec reaches a container again (API server, kubelet and containerd talk)" \
    eventually 60 exec_answers
  check "after the $daemon restart every pod keeps its UID, containers and restart counts" \
    diff <(echo "$before") <(pod_identities)
}
exec_answers() { [[ $(kc -n "$NAMESPACE" exec echo -- id -u 2>/dev/null) == 10001 ]]; }

# ------------------------------------------------------------------------------------------------------- the run

for archive in "$FETCHER_ARCHIVE" "$SERVER_ARCHIVE"; do
  [[ -s $archive ]] || bail "$archive is missing: run \`make images\` first"
done
[[ -s $OPERATOR_APP ]] || bail "$OPERATOR_APP is missing: run \`make images\` (or ./mvnw package -pl operator -am)"
FETCHER_IMAGE=$(awk '$1 ~ /model-fetcher:/ { print $1 }' "$REPO/build/images/images.tsv")
SERVER_IMAGE=$(awk '$1 ~ /inference-server:/ { print $1 }' "$REPO/build/images/images.tsv")
[[ -n $FETCHER_IMAGE && -n $SERVER_IMAGE ]] || bail "build/images/images.tsv names no model-fetcher or inference-server image"
"$REPO/e2e/local-cluster.sh" down 2>/dev/null   # a run that was killed may have left its cluster
rm -rf "$WORK" && mkdir -p "$REFINEVAD_NODE_IMAGES"
ln -s "$FETCHER_ARCHIVE" "$SERVER_ARCHIVE" "$REFINEVAD_NODE_IMAGES/"   # only the images this test runs: faster imports

echo "TAP version 13"
host_state >"$WORK/host-before.txt"
# The cluster's logs are kept in $WORK (down removes the state folder).
cluster_down() {
  stop_operator
  [[ -z $TICKS_READER ]] || kill "$TICKS_READER" 2>/dev/null
  cp -r "$REFINEVAD_CLUSTER_DIR/logs" "$WORK/cluster-logs" 2>/dev/null
  "$REPO/e2e/local-cluster.sh" down 2>>"$WORK/down.log"
}
# Resident memory of each component (and the containerd shims), for docs/LOCAL-CLUSTER.md.
note_memory() {
  local pid_file total=0 rss
  for pid_file in "$REFINEVAD_CLUSTER_DIR"/pids/*.pid; do
    rss=$(ps -o rss= -p "$(cat "$pid_file")" 2>/dev/null) || continue
    total=$(( total + rss ))
    note "  RSS $(basename "$pid_file" .pid): $(( rss / 1024 )) MiB"
  done
  rss=$(ps -o rss= -C containerd-shim-runc-v2 | awk '{ s += $1 } END { print s + 0 }')
  note "  RSS containerd shims: $(( rss / 1024 )) MiB; total $(( (total + rss) / 1024 )) MiB"
}
trap 'cluster_down' EXIT

started=$(date +%s%N)
exports=$("$REPO/e2e/local-cluster.sh" up 2>"$WORK/up.log") || { sed 's/^/# /' "$WORK/up.log"; bail "up failed"; }
eval "$exports"
note "up in $(( ($(date +%s%N) - started) / 1000000 )) ms; its steps:"; grep -E 'Ready|: (serving|node|the kubernetes|images)|image ' "$WORK/up.log" | sed 's/^/#   /'

check "the node is Ready" \
  eval '[[ $(kc get node refinevad-node -o jsonpath="{.status.conditions[?(@.type==\"Ready\")].status}") == True ]]'
check "its runtime is containerd" \
  eval '[[ $(kc get node refinevad-node -o jsonpath="{.status.nodeInfo.containerRuntimeVersion}") == containerd://* ]]'
check "it has the fake nvidia.com/gpu allocatable" \
  eval '[[ $(kc get node refinevad-node -o jsonpath="{.status.allocatable.nvidia\.com/gpu}") == 2 ]]'

kc create namespace "$NAMESPACE" >/dev/null
started=$(date +%s%N)
pod_manifest | kc apply -f - >/dev/null
if kc -n "$NAMESPACE" wait pod/echo --for=condition=Ready --timeout=90s >/dev/null; then
  ok "a pod of the imported image $FETCHER_IMAGE is Ready ($(( ($(date +%s%N) - started) / 1000000 )) ms after apply)"
else
  not_ok "a pod of the imported image $FETCHER_IMAGE is Ready" "$(kc -n "$NAMESPACE" describe pod echo | tail -20)"
fi
pod_ip=$(kc -n "$NAMESPACE" get pod echo -o jsonpath='{.status.podIP}')
service_ip=$(kc -n "$NAMESPACE" get service echo -o jsonpath='{.spec.clusterIP}')
check "the pod has its own address in the pod range ($pod_ip) and network namespace" \
  eval '[[ $pod_ip == 10.244.2.* ]] && [[ $(kc -n $NAMESPACE exec echo -- readlink /proc/self/ns/net) != $(readlink /proc/self/ns/net) ]]'
check "the host reaches it by pod IP" answers_hello "$pod_ip:8080"
check "the host reaches it through its ClusterIP Service ($service_ip)" eventually 40 answers_hello "$service_ip:80"
# grep reads captured output: with pipefail, grep -q leaving early would fail the writer with SIGPIPE.
check "kubectl logs shows its start line" eval "grep -qx 'echo server listening on 8080' <<<\"\$(kc -n $NAMESPACE logs echo)\""
check "kubectl exec runs in it (as uid 10001)" eval "[[ \$(kc -n $NAMESPACE exec echo -- id -u) == 10001 ]]"
check "the pod reaches itself through the Service (hairpin)" eval "[[ \$(pod_dial $service_ip 80) == connected ]]"
check "the pod reaches this machine: the kubernetes Service's ClusterIP" eval "[[ \$(pod_dial 10.96.0.1 443) == connected ]]"
outside=$(ip route show default | awk '{ print $3; exit }')
outside=${outside:-192.0.2.1}
before=$(guard_packets)
dial=$(pod_dial "$outside" 80)
after=$(guard_packets)
check "the pod does not reach beyond this machine ($outside:80: $dial; guard rule dropped $(( ${after:-0} - ${before:-0} )) packets)" \
  eval "[[ \$dial == failed:* ]] && (( \${after:-0} > \${before:-0} ))"

kc -n "$NAMESPACE" wait pod/ticker --for=condition=Ready --timeout=60s >/dev/null
start_ticks "$(kc -n "$NAMESPACE" get pod ticker -o jsonpath='{.status.podIP}')"

# Scoring pods: the operator on this host (the suites run it in the cluster, by the chart) makes them from detectors.
kc apply --server-side -f "$REPO/crds/anomalydetectors.refinevad.io-v1.yml" >/dev/null
kc wait crd/anomalydetectors.refinevad.io --for=condition=Established --timeout=30s >/dev/null
start_operator
started=$(date +%s%N)
detectors_manifest | kc apply -f - >/dev/null
if kc -n "$SCORING_NAMESPACE" wait anomalydetector/one-cpu --for=condition=Ready --timeout=180s >/dev/null; then
  ok "a detector's scoring pod with a CPU limit of 1 is Ready ($(( ($(date +%s%N) - started) / 1000000 )) ms after apply)"
else
  not_ok "a detector's scoring pod with a CPU limit of 1 is Ready" \
    "$(kc -n "$SCORING_NAMESPACE" get anomalydetector one-cpu -o jsonpath='{.status}'; tail -20 "$WORK/operator.log")"
fi
scoring_log=$(kc -n "$SCORING_NAMESPACE" logs "$(scoring_pod one-cpu)" -c scorer 2>&1)
scoring_ip=$(kc -n "$SCORING_NAMESPACE" get pod "$(scoring_pod one-cpu)" -o jsonpath='{.status.podIP}')
check "kubectl logs of the scoring pod shows its startup line" \
  grep -qE 'refinevad-inference-server .* started in' <<<"$scoring_log"
check "its engine runs one thread per call under the CPU limit of 1 (its startup line says so)" \
  grep -qE 'engine OnnxRuntime loaded in [0-9]+ ms, 1 thread\(s\) per call' <<<"$scoring_log"
check "its gauge refinevad_engine_threads is 1 (/q/metrics at $scoring_ip:8080)" \
  grep -qx 'refinevad_engine_threads 1.0' <<<"$(curl -sf --max-time 3 "http://$scoring_ip:8080/q/metrics")"
check "its root file system is read-only (a write to / fails)" \
  grep -q 'Read-only file system' <<<"$(scoring_exec sh -c 'touch /probe' 2>&1)"
check "it runs as a non-root user (uid 10001, its process 1 too)" \
  eval "[[ \$(scoring_exec id -u) == 10001 ]] && grep -qE '^Uid:\s+10001\s+10001\s+10001\s+10001' <<<\"\$(scoring_exec cat /proc/1/status)\""
if eventually 240 is_oom_reported; then
  ok "a detector whose memory limit ($TOO_LITTLE_MEMORY) is too small for the server says OOMKilled, $(detector_field small restarts) restart(s) counted"
else
  not_ok "a detector whose memory limit ($TOO_LITTLE_MEMORY) is too small for the server says OOMKilled and counts restarts" \
    "$(kc -n "$SCORING_NAMESPACE" get pods -o wide; detector_field small conditions)"
fi
degraded_message=$(detector_field small 'conditions[?(@.type=="Degraded")].message')
check "its Degraded message names the container and its limit ($degraded_message)" \
  eval "[[ \$degraded_message == *'container scorer was killed for exceeding its memory limit of $TOO_LITTLE_MEMORY'* ]]"
# Its OOM kills stop here: the faults below compare restart counts.
kc -n "$SCORING_NAMESPACE" delete anomalydetector small --timeout=60s >/dev/null
kc -n "$SCORING_NAMESPACE" wait pod -l refinevad.io/detector=small --for=delete --timeout=60s >/dev/null 2>&1

restart_survived kubelet
restart_survived containerd

note "memory with the pods running:"; note_memory
started=$(date +%s%N)
trap - EXIT
if cluster_down; then ok "down ($(( ($(date +%s%N) - started) / 1000000 )) ms)"; else not_ok "down" "$(tail -20 "$WORK/down.log")"; fi
host_state >"$WORK/host-after.txt"
check "the host is as before (iptables, nftables, routes, links, addresses, netns, mounts, cgroups, paths, sysctls)" \
  diff "$WORK/host-before.txt" "$WORK/host-after.txt"
check "the unreachable routes for the pod and Service ranges stay" \
  eval 'routes=$(ip route show); grep -q "^unreachable 10.244.0.0/16" <<<"$routes" && grep -q "^unreachable 10.96.0.0/16" <<<"$routes"'
check "a dial to the pod's address fails here at once" dial_fails_locally "${pod_ip:-10.244.2.2}" 8080
check "a dial to the Service's address fails here at once" dial_fails_locally "${service_ip:-10.96.0.10}" 80

echo "1..$CHECKS"
if (( FAILED > 0 )); then
  echo "# $FAILED of $CHECKS checks failed (logs: $WORK)"
  exit 1
fi
echo "# all $CHECKS checks passed"
