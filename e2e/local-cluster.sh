#!/usr/bin/env bash
# A real local Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler) plus one
# node, run as plain processes from the binaries e2e/tools/build-tools.sh builds. No Docker and no network beyond
# this machine. The node is one of (REFINEVAD_CLUSTER_NODE):
#   real   (the default) containerd 1.6 + runc, the kubelet and kube-proxy (iptables mode), pods in their own network
#          namespaces on the CNI bridge refinevad0, whose address (the first of the pod range) the API server and
#          the kubelet bind; ClusterIPs (10.96.0.0/16) answer through kube-proxy. The images of build/images
#          (`make images`) and the pause image are imported under their names. Pods reach only this machine and
#          each other. `unreachable` routes for 10.244.0.0/16 and 10.96.0.0/16 stay after `down`, so a dial to
#          a bed address fails here at once. Needs root; one real node per machine (e2e/local-cluster-real-node.sh)
#   none   the control plane alone, bound to 127.0.0.1
#
#   eval "$(e2e/local-cluster.sh up)"   # start (or report the running cluster); prints the two export lines
#   e2e/local-cluster.sh status          # table of components, nodes, readyz; exit 1 if not running
#   e2e/local-cluster.sh down            # stop everything it started (and the pods' processes), remove the state
#   e2e/local-cluster.sh restart kube-apiserver   # restart one component in place (fault tests); the node's
#                                                 # containerd, kubelet and kube-proxy restart alone: pods keep running
#
# Stdout carries only the two lines `export KUBECONFIG=...` and `export PATH=...:$PATH` (up and status); progress
# goes to stderr, prefixed [local-cluster].
#
# Environment:
#   REFINEVAD_CLUSTER_DIR        state dir (default ~/.cache/refinevad/cluster); kubeconfig: $DIR/admin.kubeconfig,
#                                logs: $DIR/logs/<component>.log, pids: $DIR/pids/<component>.pid
#   REFINEVAD_CLUSTER_PORT_BASE  default 16400: apiserver base+43, etcd client base+79, etcd peer base+80,
#                                controller-manager base+57, scheduler base+59
#   REFINEVAD_CLUSTER_NODE       real (default) or none: the node, above; up waits for it to be Ready
#   REFINEVAD_CLUSTER_TIMEOUT    seconds to wait for each component to become healthy (default 120)
#   REFINEVAD_TOOLS_BIN          the tools' bin dir (default: the last line printed by e2e/tools/build-tools.sh)
#   REFINEVAD_NODE_GPUS                   fake nvidia.com/gpu capacity of the node (default 2); its CPU and
#                                         memory are the machine's
#   REFINEVAD_NODE_POD_CIDR               pod addresses (default 10.244.0.0/24): the bridge's range, the node's
#                                         address is its first
#   REFINEVAD_NODE_IMAGES                 OCI archives the node imports (default build/images, `make images`)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${REFINEVAD_CLUSTER_DIR:-$HOME/.cache/refinevad/cluster}
PKI="$DIR/pki"
LOGS="$DIR/logs"
PIDS="$DIR/pids"
STATE_FILE="$DIR/cluster.env"   # what `up` started with, so status and down work whatever the caller's env says
KUBECONFIG_PATH="$DIR/admin.kubeconfig"
NODE_NAME=refinevad-node
TIMEOUT=${REFINEVAD_CLUSTER_TIMEOUT:-120}
STOP_GRACE_SECONDS=10

SERVICE_CIDR=10.96.0.0/16       # the API server's --service-cluster-ip-range; its first address is `kubernetes`
CLUSTER_CIDR=10.244.0.0/16      # every node's pod range (REFINEVAD_NODE_POD_CIDR) lies in it, node address included
# Metric of the unreachable routes for both: above any real route for them, so a real node's bridge routes win
# while it is up.
UNREACHABLE_METRIC=4242

# Start order; `down` stops them in reverse (the real node's three first, by real_node_stop).
CONTROL_PLANE=(etcd kube-apiserver kube-controller-manager kube-scheduler)
COMPONENTS=("${CONTROL_PLANE[@]}" containerd kubelet kube-proxy)
# shellcheck source=e2e/local-cluster-real-node.sh
source "$REPO/e2e/local-cluster-real-node.sh"

# ---------------------------------------------------------------------------------------------------------- output

START_MS=0
now_ms() { local t=${EPOCHREALTIME/./}; echo $(( t / 1000 )); }
# Seconds with one decimal since the given millisecond timestamp.
since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%d' $(( ms / 1000 )) $(( ms % 1000 / 100 )); }
log() { echo "[local-cluster] $*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

print_exports() {
  printf 'export KUBECONFIG=%q\n' "$KUBECONFIG_PATH"
  # $PATH stays literal so that the caller's shell expands it when it evals this line.
  # shellcheck disable=SC2016
  printf 'export PATH=%q:$PATH\n' "$TOOLS_BIN"
}

# ---------------------------------------------------------------------------------------------------- configuration

# Ports and options for a new cluster, from the environment.
configure_from_env() {
  local base=${REFINEVAD_CLUSTER_PORT_BASE:-16400}
  if ! [[ $base =~ ^[0-9]+$ ]] || (( base < 1024 || base + 80 > 65535 )); then
    fail "bad REFINEVAD_CLUSTER_PORT_BASE: $base (1024..65455)"
  fi
  APISERVER_PORT=$(( base + 43 ))
  ETCD_CLIENT_PORT=$(( base + 79 ))
  ETCD_PEER_PORT=$(( base + 80 ))
  KCM_PORT=$(( base + 57 ))
  SCHEDULER_PORT=$(( base + 59 ))
  NODE_MODE=${REFINEVAD_CLUSTER_NODE:-real}
  [[ $NODE_MODE =~ ^(real|none)$ ]] || fail "REFINEVAD_CLUSTER_NODE must be real or none, not $NODE_MODE"
  POD_CIDR=${REFINEVAD_NODE_POD_CIDR:-10.244.0.0/24}
  [[ $POD_CIDR =~ ^([0-9]+\.){3}[0-9]+/([0-9]+)$ ]] && (( BASH_REMATCH[2] >= 16 && BASH_REMATCH[2] <= 28 )) \
    || fail "bad REFINEVAD_NODE_POD_CIDR: $POD_CIDR (a /16 to /28, e.g. 10.244.0.0/24)"
  # The API server's address: a real node's pods reach it (the `kubernetes` Service's endpoint) on the bridge.
  API_HOST=127.0.0.1
  if [[ $NODE_MODE == real ]]; then
    real_node_configure
    API_HOST=$NODE_IP
  fi
}

save_state() {
  {
    printf 'APISERVER_PORT=%q\nETCD_CLIENT_PORT=%q\nETCD_PEER_PORT=%q\n' \
      "$APISERVER_PORT" "$ETCD_CLIENT_PORT" "$ETCD_PEER_PORT"
    printf 'KCM_PORT=%q\nSCHEDULER_PORT=%q\nNODE_MODE=%q\nTOOLS_BIN=%q\nPOD_CIDR=%q\nAPI_HOST=%q\nNODE_IP=%q\n' \
      "$KCM_PORT" "$SCHEDULER_PORT" "$NODE_MODE" "$TOOLS_BIN" "$POD_CIDR" "$API_HOST" "${NODE_IP:-}"
  } >"$STATE_FILE"
}

# Returns 1 when there is no (complete) saved state.
load_state() {
  [[ -f $STATE_FILE ]] || return 1
  # shellcheck source=/dev/null
  source "$STATE_FILE"
  # A state file written before the real node existed names neither (such a cluster had no real node).
  NODE_MODE=${NODE_MODE:-none} API_HOST=${API_HOST:-127.0.0.1}
}

# The tools come from build-tools.sh, which is idempotent (cached builds return at once) and prints the bin dir
# last; REFINEVAD_TOOLS_BIN skips it (e.g. while a build of the tools is still running).
resolve_tools_bin() {
  if [[ -n ${REFINEVAD_TOOLS_BIN:-} ]]; then
    TOOLS_BIN=$REFINEVAD_TOOLS_BIN
  else
    log "getting the tools from e2e/tools/build-tools.sh"
    TOOLS_BIN=$("$REPO/e2e/tools/build-tools.sh" | tail -n 1)
  fi
  local tool
  for tool in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    [[ -x $TOOLS_BIN/$tool ]] || fail "$tool is missing from $TOOLS_BIN (run e2e/tools/build-tools.sh)"
  done
}

component_port() {
  case $1 in
    etcd) echo "$ETCD_CLIENT_PORT" ;;
    kube-apiserver) echo "$APISERVER_PORT" ;;
    kube-controller-manager) echo "$KCM_PORT" ;;
    kube-scheduler) echo "$SCHEDULER_PORT" ;;
    *) echo - ;;
  esac
}

# The script's own kubectl calls keep their discovery cache in the state dir, so that down leaves nothing in ~/.kube.
kubectl_admin() {
  "$TOOLS_BIN/kubectl" --kubeconfig "$KUBECONFIG_PATH" --cache-dir "$DIR/kubectl-cache" --request-timeout=5s "$@"
}

# ---------------------------------------------------------------------------------------------------- certificates

# Signs a certificate with the cluster CA. Usage: issue_cert <name> <subject> <extensions>
issue_cert() {
  local name=$1 subject=$2 extensions=$3
  openssl req -new -newkey rsa:2048 -nodes -keyout "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr" \
    2>/dev/null
  printf '%s\n' "$extensions" >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -days 3650 -sha256 \
    -set_serial "0x$(openssl rand -hex 16)" -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

generate_pki() {
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$PKI/ca.key" -out "$PKI/ca.crt" -days 3650 -sha256 \
    -subj "/CN=refinevad-local-ca" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
  # The CA is documented at $DIR/ca.crt.
  cp "$PKI/ca.crt" "$DIR/ca.crt"

  local client="keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  # The `kubernetes` Service's ClusterIP is the first address of --service-cluster-ip-range.
  issue_cert kube-apiserver "/CN=kube-apiserver" "keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:$API_HOST,IP:$(cidr_address "$SERVICE_CIDR" 1),DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  issue_cert admin "/O=system:masters/CN=refinevad-admin" "$client"
  issue_cert kube-controller-manager "/CN=system:kube-controller-manager" "$client"
  issue_cert kube-scheduler "/CN=system:kube-scheduler" "$client"
  issue_cert node "/O=system:nodes/CN=system:node:$NODE_NAME" "$client"
  if [[ $NODE_MODE == real ]]; then
    # The API server's client to the kubelet (exec, logs, port-forward), and kube-proxy (system:node-proxier).
    issue_cert kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
    issue_cert kube-proxy "/CN=system:kube-proxy" "$client"
  fi

  # The ServiceAccount token signing key pair: the apiserver signs and verifies, the controller-manager signs.
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/sa.key" 2>/dev/null
  openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
}

# Kubeconfigs embed the CA and the client certificate so they can be copied anywhere (and read by any client).
# Usage: write_kubeconfig <file> <cert name>
write_kubeconfig() {
  local file=$1 cert=$2
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: refinevad
  cluster:
    server: https://$API_HOST:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $cert
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$cert.crt")
    client-key-data: $(base64 -w0 "$PKI/$cert.key")
contexts:
- name: refinevad
  context:
    cluster: refinevad
    user: $cert
current-context: refinevad
EOF
  chmod 600 "$file"
}

# -------------------------------------------------------------------------------------------------------- processes

# True if the pid is alive, not a zombie, and is one of ours (its command line names the state dir), so that a
# pid file left by a dead cluster never makes us signal a stranger that reused the pid.
is_ours() {
  local pid=$1
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  [[ $(ps -o stat= -p "$pid" 2>/dev/null) != Z* ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DIR/"
}

read_pid() { if [[ -f $PIDS/$1.pid ]]; then cat "$PIDS/$1.pid"; fi; }
component_alive() { is_ours "$(read_pid "$1")"; }

# Starts a component in a new session (setsid), so that it and every process it spawns share a process group
# and session we can signal as a whole. The wrapper writes its own pid before exec'ing the
# component; that pid is the session and group id. Stdin/stdout/stderr are detached from the caller, so that
# `$(local-cluster.sh up)` returns once the script exits.
# Usage: start_component <name> <command...>
start_component() {
  local name=$1; shift
  local pid_file="$PIDS/$name.pid"
  rm -f "$pid_file"
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pid_file" "$@" \
    </dev/null >"$LOGS/$name.log" 2>&1 &
  local waited=0
  until [[ -s $pid_file ]]; do
    (( waited++ < 100 )) || fail "$name did not start (log: $LOGS/$name.log)"
    sleep 0.05
  done
  STARTED+=("$name")
}

# Pids in the session or process group led by the given pid (they outlive a dead leader, e.g. orphaned pods).
session_members() {
  local leader=$1
  ps -e -o pid=,pgid=,sid=,stat= | awk -v l="$leader" '($2 == l || $3 == l) && $4 !~ /^Z/ { print $1 }'
}

# SIGTERM to the component's whole session, up to STOP_GRACE_SECONDS for it to exit, then SIGKILL.
stop_component() {
  local name=$1 leader
  leader=$(read_pid "$name")
  [[ -n $leader ]] || return 0
  # A live leader that is not ours means the pid was reused: leave that stranger's session alone. A dead leader
  # may have left members behind (orphaned pod processes): those are still ours.
  if [[ -e /proc/$leader ]] && ! is_ours "$leader" \
      && [[ $(ps -o stat= -p "$leader" 2>/dev/null) != Z* ]]; then
    log "$name: pid $leader is no longer ours (reused), not signalling it"
    rm -f "$PIDS/$name.pid"
    return 0
  fi
  local members
  members=$(session_members "$leader")
  if [[ -z $members ]]; then
    rm -f "$PIDS/$name.pid"
    return 0
  fi
  local started; started=$(now_ms)
  # shellcheck disable=SC2086
  kill -TERM -- -"$leader" $members 2>/dev/null || true
  local deadline=$(( $(now_ms) + STOP_GRACE_SECONDS * 1000 ))
  while [[ -n $(session_members "$leader") ]] && (( $(now_ms) < deadline )); do sleep 0.1; done
  members=$(session_members "$leader")
  if [[ -n $members ]]; then
    log "$name: still running after $STOP_GRACE_SECONDS s, sending SIGKILL to ${members//$'\n'/ }"
    # shellcheck disable=SC2086
    kill -KILL -- -"$leader" $members 2>/dev/null || true
    deadline=$(( $(now_ms) + 5000 ))
    while [[ -n $(session_members "$leader") ]] && (( $(now_ms) < deadline )); do sleep 0.1; done
    [[ -z $(session_members "$leader") ]] || log "WARNING: $name: processes survived SIGKILL: $(session_members "$leader")"
  fi
  log "$name: stopped ($(since "$started") s)"
  rm -f "$PIDS/$name.pid"
}

stop_all() {
  real_node_stop
  local i
  for (( i = ${#CONTROL_PLANE[@]} - 1; i >= 0; i-- )); do
    stop_component "${CONTROL_PLANE[i]}"
  done
  real_node_restore_host
}

# Polls a check until it succeeds, failing early if the component died; prints progress every 5 s.
# Usage: wait_until <component> <what> <command...>
wait_until() {
  local component=$1 what=$2; shift 2
  local started; started=$(now_ms)
  local next_report=5
  until "$@" >/dev/null 2>&1; do
    if ! component_alive "$component"; then
      tail -n 20 "$LOGS/$component.log" >&2 || true
      fail "$component exited while waiting for $what (log: $LOGS/$component.log)"
    fi
    local elapsed=$(( ($(now_ms) - started) / 1000 ))
    if (( elapsed >= TIMEOUT )); then
      tail -n 20 "$LOGS/$component.log" >&2 || true
      fail "timed out after $TIMEOUT s waiting for $what (log: $LOGS/$component.log)"
    fi
    if (( elapsed >= next_report )); then
      log "  still waiting for $what ($elapsed s)"
      next_report=$(( next_report + 5 ))
    fi
    sleep 0.2
  done
}

# ----------------------------------------------------------------------------------------------------- health checks

etcd_healthy() { curl -sf --max-time 2 "http://127.0.0.1:$ETCD_CLIENT_PORT/health" | grep -q '"health":"true"'; }
# /readyz, /healthz are readable anonymously (system:public-info-viewer), so curl needs no client certificate.
apiserver_ready() { [[ $(curl -sf --max-time 3 --cacert "$PKI/ca.crt" "https://$API_HOST:$APISERVER_PORT/readyz") == ok ]]; }
# The controller-manager and scheduler serve /healthz with a self-signed certificate.
secure_healthz() { [[ $(curl -sfk --max-time 2 "https://127.0.0.1:$1/healthz") == ok ]]; }
kcm_healthy() { secure_healthz "$KCM_PORT"; }
scheduler_healthy() { secure_healthz "$SCHEDULER_PORT"; }
node_ready() {
  [[ $(kubectl_admin get node "$NODE_NAME" \
      -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}
# The ServiceAccount admission plugin rejects pods in a namespace until its `default` ServiceAccount exists; waiting
# for it in `default` shows that the controller-manager's controllers are actually running.
default_service_account_exists() { kubectl_admin -n default get serviceaccount default; }

component_healthy() {
  case $1 in
    etcd) etcd_healthy ;;
    kube-apiserver) apiserver_ready ;;
    kube-controller-manager) kcm_healthy ;;
    kube-scheduler) scheduler_healthy ;;
    containerd) containerd_healthy ;;
    kubelet) kubelet_healthy ;;
    kube-proxy) kubernetes_service_answers ;;
  esac
}

expected_components() {
  printf '%s\n' "${CONTROL_PLANE[@]}"
  case $NODE_MODE in
    real) printf '%s\n' containerd kubelet kube-proxy ;;
  esac
}

# Running = every expected component alive and healthy.
cluster_healthy() {
  local c
  for c in $(expected_components); do
    component_alive "$c" && component_healthy "$c" || return 1
  done
}

# ------------------------------------------------------------------------------------------------------ components

start_etcd() {
  start_component etcd "$TOOLS_BIN/etcd" \
    --name refinevad \
    --data-dir "$DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "refinevad=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync=true
}

# The flags that depend on the node: a real node's kubelet is reached for exec and logs, and its kube-proxy routes
# the `kubernetes` Service to the API server's address on the bridge, which the endpoint reconciler publishes.
# Without a real node, --endpoint-reconciler-type=none: the endpoint would be a loopback address, which Endpoints
# reject (logged every 10 s); the Service itself (10.96.0.1) is still created.
apiserver_node_flags() {
  if [[ $NODE_MODE == real ]]; then
    echo --kubelet-client-certificate "$PKI/kubelet-client.crt" --kubelet-client-key "$PKI/kubelet-client.key" \
      --kubelet-preferred-address-types InternalIP
  else
    echo --endpoint-reconciler-type none
  fi
}

start_apiserver() {
  # --enable-admission-plugins adds NodeRestriction to the default plugins (which include ServiceAccount).
  local -a node_flags
  read -r -a node_flags <<<"$(apiserver_node_flags)"
  start_component kube-apiserver "$TOOLS_BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --bind-address "$API_HOST" \
    --advertise-address "$API_HOST" \
    --secure-port "$APISERVER_PORT" \
    --cert-dir "$PKI" \
    --tls-cert-file "$PKI/kube-apiserver.crt" \
    --tls-private-key-file "$PKI/kube-apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --authorization-mode Node,RBAC \
    --enable-admission-plugins NodeRestriction \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$PKI/sa.pub" \
    --service-account-signing-key-file "$PKI/sa.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --allow-privileged=true \
    "${node_flags[@]}"
}

# The controller-manager and the scheduler would read the client CAs for their own secure port from the
# extension-apiserver-authentication ConfigMap, and log an error for the missing front-proxy (requestheader) CA
# again and again; --authentication-skip-lookup with an explicit --client-ca-file avoids that.
start_controller_manager() {
  # No cloud provider and no pod CIDRs: the cloud and IPAM controllers skip themselves. Single instance, so no
  # leader election (it would only add a lease round trip to every start).
  start_component kube-controller-manager "$TOOLS_BIN/kube-controller-manager" \
    --kubeconfig "$DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$DIR/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 \
    --secure-port "$KCM_PORT" \
    --authentication-skip-lookup=true \
    --client-ca-file "$PKI/ca.crt" \
    --cert-dir "$PKI/kube-controller-manager-serving" \
    --leader-elect=false \
    --use-service-account-credentials=true \
    --service-account-private-key-file "$PKI/sa.key" \
    --root-ca-file "$PKI/ca.crt" \
    --cluster-signing-cert-file "$PKI/ca.crt" \
    --cluster-signing-key-file "$PKI/ca.key" \
    --allocate-node-cidrs=false \
    --controllers '*'
}

start_scheduler() {
  start_component kube-scheduler "$TOOLS_BIN/kube-scheduler" \
    --kubeconfig "$DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig "$DIR/scheduler.kubeconfig" \
    --authorization-kubeconfig "$DIR/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 \
    --secure-port "$SCHEDULER_PORT" \
    --authentication-skip-lookup=true \
    --client-ca-file "$PKI/ca.crt" \
    --cert-dir "$PKI/kube-scheduler-serving" \
    --leader-elect=false
}

# Usage: run_step <label> <start function> <component> <what is awaited> <check...>
run_step() {
  local label=$1 start=$2 component=$3 what=$4; shift 4
  local started; started=$(now_ms)
  log "$label: starting"
  "$start"
  wait_until "$component" "$what" "$@"
  log "$label: $what ($(since "$started") s, pid $(read_pid "$component"))"
}

# ------------------------------------------------------------------------------------------------------------ verbs

check_ports_free() {
  local port
  for port in "$APISERVER_PORT" "$ETCD_CLIENT_PORT" "$ETCD_PEER_PORT" "$KCM_PORT" "$SCHEDULER_PORT"; do
    [[ -z $(ss -Hltn "sport = :$port" 2>/dev/null) ]] \
      || fail "port $port is in use (set REFINEVAD_CLUSTER_PORT_BASE to use other ports)"
  done
}

# If `up` fails or is interrupted, stop what it started; the logs stay for diagnosis (down removes them).
STARTED=()
UP_DONE=0
on_up_exit() {
  if (( UP_DONE == 0 && ${#STARTED[@]} > 0 )); then
    log "up did not complete: stopping what it started; logs kept in $LOGS (\`$0 down\` removes them)"
    stop_all
  fi
}

cmd_up() {
  START_MS=$(now_ms)
  if [[ -d $DIR ]]; then
    if load_state && cluster_healthy; then
      log "already running (state dir $DIR)"
      cmd_status
      return
    fi
    log "stale state in $DIR (a component is dead or unhealthy): cleaning it"
    cmd_down
  fi

  configure_from_env
  resolve_tools_bin
  [[ $NODE_MODE != real ]] || real_node_check_prerequisites
  check_ports_free

  local started; started=$(now_ms)
  [[ $NODE_MODE == none ]] || install_unreachable_routes
  mkdir -p "$DIR" "$LOGS" "$PIDS"
  save_state
  trap on_up_exit EXIT
  trap 'exit 130' INT TERM   # so that an interrupted up also runs on_up_exit
  # The bridge comes first: the API server binds its address.
  [[ $NODE_MODE != real ]] || { STARTED+=(host); real_node_prepare_host; }
  generate_pki
  local name kubeconfigs=(admin controller-manager:kube-controller-manager scheduler:kube-scheduler node)
  [[ $NODE_MODE != real ]] || kubeconfigs+=(kube-proxy)
  for name in "${kubeconfigs[@]}"; do
    write_kubeconfig "$DIR/${name%%:*}.kubeconfig" "${name#*:}"
  done
  log "certificates and kubeconfigs: $PKI ($(since "$started") s)"

  run_step etcd start_etcd etcd "healthy on 127.0.0.1:$ETCD_CLIENT_PORT" etcd_healthy
  run_step kube-apiserver start_apiserver kube-apiserver "/readyz ok on $API_HOST:$APISERVER_PORT" apiserver_ready
  run_step kube-controller-manager start_controller_manager kube-controller-manager \
    "/healthz ok on 127.0.0.1:$KCM_PORT" kcm_healthy
  run_step kube-scheduler start_scheduler kube-scheduler "/healthz ok on 127.0.0.1:$SCHEDULER_PORT" scheduler_healthy
  started=$(now_ms)
  wait_until kube-controller-manager "the default ServiceAccount" default_service_account_exists
  log "controllers: the default ServiceAccount exists ($(since "$started") s)"
  case $NODE_MODE in
    real) real_node_start ;;
    none) log "node: none (REFINEVAD_CLUSTER_NODE=none)" ;;
  esac

  UP_DONE=1
  log "Ready in $(since "$START_MS") s (kubeconfig: $KUBECONFIG_PATH, logs: $LOGS)"
  print_exports
}

# No packet for the bed's ranges may leave the machine, also while it is down or half up: without a node's own
# routes, a dial to a pod or Service address fails here at once (EHOSTUNREACH) instead of following the default
# route. Kept after `down` on purpose (harmless: nothing else here uses these ranges).
install_unreachable_routes() {
  local range
  for range in "$CLUSTER_CIDR" "$SERVICE_CIDR"; do
    ip route replace unreachable "$range" metric "$UNREACHABLE_METRIC" \
      || fail "could not install the route unreachable $range (needs root or CAP_NET_ADMIN)"
  done
}

cmd_down() {
  if [[ ! -d $DIR ]]; then
    log "not running (no state dir $DIR): nothing to do"
    return
  fi
  local started; started=$(now_ms)
  log "stopping the cluster in $DIR"
  stop_all
  rm -rf "$DIR"
  log "down in $(since "$started") s; removed $DIR"
}

cmd_status() {
  if [[ ! -d $DIR ]] || ! load_state; then
    log "not running (no state in $DIR)"
    return 1
  fi
  local c pid alive health running=1
  {
    printf '%-24s %-8s %-6s %-6s %s\n' COMPONENT PID ALIVE PORT HEALTH
    for c in $(expected_components); do
      pid=$(read_pid "$c")
      alive=no health=-
      if component_alive "$c"; then
        alive=yes
        component_healthy "$c" && health=ok || health=failing
      fi
      [[ $alive == yes && $health == ok ]] || running=0
      printf '%-24s %-8s %-6s %-6s %s\n' "$c" "${pid:--}" "$alive" "$(component_port "$c")" "$health"
    done
  } >&2
  if component_alive kube-apiserver; then
    log "nodes:"
    kubectl_admin get nodes >&2 || true
    log "readyz: $(kubectl_admin get --raw /readyz 2>&1 || true)"
  fi
  if (( running == 0 )); then
    log "not running: a component is dead or unhealthy (logs: $LOGS; \`$0 down\` cleans up)"
    return 1
  fi
  print_exports
}

# Restarts one component in place (same state, ports and certificates), for fault tests: e.g. the API server
# going away under a running operator. The previous log is kept as <component>.log.1.
cmd_restart() {
  local component=${1:-} start check
  case $component in
    etcd) start=start_etcd check=etcd_healthy ;;
    kube-apiserver) start=start_apiserver check=apiserver_ready ;;
    kube-controller-manager) start=start_controller_manager check=kcm_healthy ;;
    kube-scheduler) start=start_scheduler check=scheduler_healthy ;;
    containerd) start=start_containerd check=containerd_healthy ;;
    kubelet) start=start_kubelet check=node_ready ;;
    kube-proxy) start=start_kube_proxy check=kubernetes_service_answers ;;
    *) fail "restart which component? one of: ${CONTROL_PLANE[*]} containerd kubelet kube-proxy" ;;
  esac
  if [[ ! -d $DIR ]] || ! load_state; then
    fail "not running (no state in $DIR)"
  fi
  if is_real_node_daemon "$component"; then stop_daemon_only "$component"; else stop_component "$component"; fi
  mv -f "$LOGS/$component.log" "$LOGS/$component.log.1" 2>/dev/null || true
  run_step "$component" "$start" "$component" "healthy again" "$check"
  print_exports
}

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  restart) cmd_restart "${2:-}" ;;
  *) usage ;;
esac
