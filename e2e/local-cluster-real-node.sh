# The real node of e2e/local-cluster.sh (REFINEVAD_CLUSTER_NODE=real): containerd, the kubelet and kube-proxy on
# this machine, pods in their own network namespaces on a CNI bridge. Sourced by local-cluster.sh, which provides
# DIR, LOGS, PIDS, PKI, TOOLS_BIN, NODE_NAME, POD_CIDR, TIMEOUT, log, fail, start_component, wait_until,
# stop_component, kubectl_admin and now_ms/since. The recipe and its pitfalls: docs/LOCAL-CLUSTER.md.
#
# Host state it changes, all undone by `down` (real_node_restore_host):
#   - the bridge $REAL_BRIDGE with the node's address, and a route for the Service range through it;
#   - a FORWARD rule (comment $REAL_GUARD_COMMENT) so pods reach only this machine and each other; the kubelet's
#     and kube-proxy's KUBE-* chains and the CNI plugins' CNI-* chains; nftables tables they create;
#   - the sysctls in REAL_SYSCTLS (the kubelet's kernel tunables, the bridge plugin's ip_forward);
#   - cgroups `kubepods` in every cgroup v1 hierarchy; mounts under $DIR and the pods' netns in /run/netns;
#   - the paths in REAL_HOST_PATHS that did not exist before (fixed paths the runtime and kubelet write to).
# One real node per machine: `up` refuses to start when another one (or its leftovers) is found.

REAL_BRIDGE=refinevad0
REAL_GUARD_COMMENT=refinevad-pod-guard
REAL_SYSCTLS=(kernel.panic kernel.panic_on_oops vm.overcommit_memory vm.panic_on_oom kernel.keys.root_maxkeys
  kernel.keys.root_maxbytes net.ipv4.ip_forward net.ipv4.conf.all.route_localnet net.ipv6.conf.all.forwarding
  net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables net.netfilter.nf_conntrack_max
  net.netfilter.nf_conntrack_tcp_timeout_established net.netfilter.nf_conntrack_tcp_timeout_close_wait)
# Paths outside $DIR that containerd 1.6, the CNI library and the kubelet write to whatever their configuration
# says (shim sockets, network namespaces, the CNI result cache, the kubelet's legacy log links and its device
# plugin socket folder /var/lib/kubelet/device-plugins).
REAL_HOST_PATHS=(/run/containerd /run/netns /var/lib/cni /var/log/containers /var/lib/kubelet)
KUBELET_HEALTHZ_PORT=10248
KUBE_PROXY_HEALTHZ_PORT=10256
CONTAINERD_SOCKET_NAME=containerd.sock
HOST_STATE="host-state"          # under $DIR: what the host looked like before `up` changed it

# The n-th address of a CIDR (n=1: the gateway). Usage: cidr_address 10.244.0.0/24 1
cidr_address() {
  local ip=${1%/*} n=$2 a b c d
  IFS=. read -r a b c d <<<"$ip"
  local value=$(( (a << 24 | b << 16 | c << 8 | d) + n ))
  echo "$(( value >> 24 & 255 )).$(( value >> 16 & 255 )).$(( value >> 8 & 255 )).$(( value & 255 ))"
}

# True if CIDR $1 lies inside CIDR $2.
cidr_within() {
  local inner=$1 outer=$2 a b c d
  local inner_bits=${inner#*/} outer_bits=${outer#*/}
  (( inner_bits >= outer_bits )) || return 1
  IFS=. read -r a b c d <<<"${inner%/*}"; local i=$(( a << 24 | b << 16 | c << 8 | d ))
  IFS=. read -r a b c d <<<"${outer%/*}"; local o=$(( a << 24 | b << 16 | c << 8 | d ))
  local mask=$(( (0xffffffff << (32 - outer_bits)) & 0xffffffff ))
  (( (i & mask) == (o & mask) ))
}

real_node_configure() {
  # containerd refuses unix socket paths longer than 104 bytes; its longest is the ttrpc socket.
  local longest="$DIR/containerd/containerd.ttrpc.sock"
  (( ${#longest} <= 104 )) || fail "REFINEVAD_CLUSTER_DIR $DIR is too long for the real node: containerd's" \
    "socket $longest would be ${#longest} bytes, at most 104 are allowed (use a shorter folder)"
  cidr_within "$POD_CIDR" "$CLUSTER_CIDR" \
    || fail "REFINEVAD_NODE_POD_CIDR $POD_CIDR must lie in $CLUSTER_CIDR for the real node (its unreachable route)"
  NODE_IP=$(cidr_address "$POD_CIDR" 1)
}

containerd_socket() { echo "$DIR/containerd/$CONTAINERD_SOCKET_NAME"; }
ctr_k8s() { ctr --address "$(containerd_socket)" --namespace k8s.io "$@"; }

# ------------------------------------------------------------------------------------------------ preconditions

real_node_check_prerequisites() {
  local missing=() binary
  for binary in containerd containerd-shim-runc-v2 runc ctr iptables ip6tables iptables-save nft; do
    command -v "$binary" >/dev/null || missing+=("$binary")
  done
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] \
    || missing+=("/usr/lib/cni/{bridge,host-local,loopback}")
  (( ${#missing[@]} == 0 )) || fail "the real node needs ${missing[*]}: run scripts/bootstrap.sh"
  [[ -x $TOOLS_BIN/kubelet && -x $TOOLS_BIN/kube-proxy ]] \
    || fail "kubelet or kube-proxy is missing from $TOOLS_BIN (run e2e/tools/build-tools.sh)"
  [[ -s $(pause_image_archive) ]] || fail "the pause image $(pause_image_archive) is missing (run e2e/tools/build-tools.sh)"
  [[ $(id -u) == 0 ]] || fail "the real node runs as root (bridge, iptables, cgroups, mounts)"
  # One real node per machine: kube-proxy and the kubelet own machine-wide chains, cgroups and ports.
  ! ip link show "$REAL_BRIDGE" >/dev/null 2>&1 \
    || fail "bridge $REAL_BRIDGE exists: another real node runs here (or its leftovers: \`$0 down\` with its REFINEVAD_CLUSTER_DIR)"
  local table
  for table in filter nat mangle; do
    # (grep reads a captured output: with pipefail, grep -q leaving early would fail the writer with SIGPIPE)
    ! grep -q '^:KUBE-' <<<"$(iptables-save -t "$table" 2>/dev/null)" \
      || fail "iptables has KUBE-* chains in $table: another Kubernetes node runs on this machine"
  done
  [[ ! -d /sys/fs/cgroup/memory/kubepods ]] || fail "cgroup /sys/fs/cgroup/memory/kubepods exists: another kubelet runs here"
  local port
  for port in 10250 "$KUBELET_HEALTHZ_PORT" "$KUBE_PROXY_HEALTHZ_PORT" 10249; do
    [[ -z $(ss -Hltn "sport = :$port" 2>/dev/null) ]] || fail "port $port (kubelet/kube-proxy) is in use"
  done
}

pause_image_archive() { echo "$(dirname "$TOOLS_BIN")/images/pause.tar"; }

# ------------------------------------------------------------------------------------------------- host network

# Records what `down` must restore, before anything changes it.
save_host_state() {
  local state="$DIR/$HOST_STATE" key path
  mkdir -p "$state"
  for key in "${REAL_SYSCTLS[@]}"; do
    if sysctl -n "$key" >/dev/null 2>&1; then printf '%s=%s\n' "$key" "$(sysctl -n "$key")"; fi
  done >"$state/sysctl"
  for path in "${REAL_HOST_PATHS[@]}"; do [[ -e $path ]] || echo "$path"; done >"$state/absent-paths"
  nft list tables 2>/dev/null | awk '{print $2, $3}' >"$state/nft-tables"
  ip netns list 2>/dev/null | awk '{print $1}' >"$state/netns"
}

create_bridge() {
  local prefix=${POD_CIDR#*/}
  ip link add "$REAL_BRIDGE" type bridge
  ip addr add "$NODE_IP/$prefix" dev "$REAL_BRIDGE"
  ip link set "$REAL_BRIDGE" up
  # The host reaches ClusterIPs through the bridge: a route is looked up before kube-proxy's OUTPUT DNAT, and the
  # unreachable route alone would refuse the connect() (the route goes with the bridge).
  ip route add "$SERVICE_CIDR" dev "$REAL_BRIDGE" src "$NODE_IP"
  # Pods reach this machine and each other, and nothing beyond (the bridge plugin turns ip_forward on).
  iptables -I FORWARD 1 -i "$REAL_BRIDGE" ! -o "$REAL_BRIDGE" -m comment --comment "$REAL_GUARD_COMMENT" -j DROP
}

write_cni_config() {
  mkdir -p "$DIR/cni/net.d" "$DIR/cni/ipam"
  cat >"$DIR/cni/net.d/10-refinevad.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "refinevad", "plugins": [
  {"type": "bridge", "bridge": "$REAL_BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$NODE_IP"}]],
            "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "$DIR/cni/ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
EOF
}

# ---------------------------------------------------------------------------------------------------- containerd

write_containerd_config() {
  local root="$DIR/containerd" pause_image
  pause_image=$(archive_image_name "$(pause_image_archive)")
  [[ -n $pause_image ]] || fail "$(pause_image_archive) names no image (rebuild it: e2e/tools/build-tools.sh)"
  mkdir -p "$root"
  # restrict_oom_score_adj: root here lacks CAP_SYS_RESOURCE, so the sandbox's oom_score_adj -998 cannot be
  # written and runc fails with "can't get final child's PID from pipe". runc, not crun: crun refuses this
  # machine's hybrid cgroups. imageGC is the kubelet's; the images cannot be pulled back, see kubelet config.
  cat >"$root/config.toml" <<EOF
version = 2
root = "$root/root"
state = "$root/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$(containerd_socket)"
[ttrpc]
  address = "$root/containerd.ttrpc.sock"     # real_node_configure checks its length
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$root/opt"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$pause_image"
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    enable_unprivileged_ports = true
    enable_unprivileged_icmp = true
    restrict_oom_score_adj = true
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "$DIR/cni/net.d"
      max_conf_num = 1
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
          BinaryName = "/usr/sbin/runc"
          Root = "$root/runc"
EOF
}

start_containerd() { start_component containerd containerd --config "$DIR/containerd/config.toml"; }
containerd_healthy() {
  [[ -S $(containerd_socket) ]] && ctr --address "$(containerd_socket)" --timeout 2s version >/dev/null 2>&1
}

# The image name an OCI archive carries (its index's ref name, which Jib and build-tools.sh set to name:tag).
archive_image_name() {
  tar -xOf "$1" index.json | jq -r '.manifests[0].annotations["io.containerd.image.name"]
    // .manifests[0].annotations["org.opencontainers.image.ref.name"] // empty'
}

# Imports the pause image and every OCI archive of $REFINEVAD_NODE_IMAGES (default build/images, written by
# `make images`) into the k8s.io namespace, under the names they carry: the chart's and the CRD's image names,
# which `imagePullPolicy: IfNotPresent` finds without a pull.
import_images() {
  local archive name started
  local -a archives=("$(pause_image_archive)")
  local images_dir=${REFINEVAD_NODE_IMAGES:-$REPO/build/images}
  if compgen -G "$images_dir/*.tar" >/dev/null; then
    archives+=("$images_dir"/*.tar)
  else
    log "containerd: no image archives in $images_dir (\`make images\` writes them): only the pause image"
  fi
  for archive in "${archives[@]}"; do
    started=$(now_ms)
    name=$(archive_image_name "$archive")
    [[ -n $name ]] || fail "$archive names no image (no ref name in its index.json)"
    # --base-name keeps the archive's full name (ctr would otherwise prefix it with import-<date>); --digests adds
    # the name@sha256:... reference too, so that a pod naming the image by digest (the chart's image.digests, as
    # build/images/digests.yaml gives them) finds it without a pull, as it would in a registry.
    ctr_k8s images import --base-name "${name%:*}" --digests "$archive" >>"$LOGS/containerd-import.log" 2>&1 \
      || fail "importing $archive failed (log: $LOGS/containerd-import.log)"
    grep -q complete <<<"$(ctr_k8s images check "name==$name" 2>/dev/null)" \
      || fail "$archive was imported but $name is not in containerd (log: $LOGS/containerd-import.log)"
    log "  image $name ($(since "$started") s, $(( $(stat -c %s "$archive") / 1048576 )) MiB)"
  done
}

# ------------------------------------------------------------------------------------------------------ kubelet

write_kubelet_config() {
  mkdir -p "$DIR/kubelet"
  # cgroupfs: containerd 1.6 has no RuntimeConfig RPC, so the kubelet falls back to its own cgroupDriver.
  # failCgroupV1: false keeps cgroup v1 (this machine's) working when the default flips in 1.35.
  # Image GC never runs: imported images cannot be pulled back. The kubelet serves on the node's address only.
  cat >"$DIR/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$(containerd_socket)
imageServiceEndpoint: unix://$(containerd_socket)
address: $NODE_IP
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
readOnlyPort: 0
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
podLogsDir: $DIR/pod-logs
volumePluginDir: $DIR/kubelet/volume-plugins
resolvConf: /etc/resolv.conf
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
EOF
}

start_kubelet() {
  start_component kubelet "$TOOLS_BIN/kubelet" \
    --config "$DIR/kubelet/config.yaml" \
    --kubeconfig "$DIR/node.kubeconfig" \
    --root-dir "$DIR/kubelet" \
    --cert-dir "$DIR/kubelet/pki" \
    --hostname-override "$NODE_NAME" \
    --node-ip "$NODE_IP"
}

kubelet_healthy() { [[ $(curl -sf --max-time 2 "http://127.0.0.1:$KUBELET_HEALTHZ_PORT/healthz") == ok ]]; }

# GPUs are fake: the capacity is patched into the Node's status, which the kubelet keeps (and
# would copy to allocatable at its next status update; patched too, so as not to wait for it), so the scheduler
# places or refuses GPU pods. There is no device plugin and no device.
advertise_gpus() {
  local gpus=${REFINEVAD_NODE_GPUS:-2} field patch=""
  for field in capacity allocatable; do
    patch+="${patch:+,}{\"op\":\"add\",\"path\":\"/status/$field/nvidia.com~1gpu\",\"value\":\"$gpus\"}"
  done
  kubectl_admin patch node "$NODE_NAME" --subresource=status --type=json -p "[$patch]" >/dev/null
}
gpus_allocatable() {
  [[ $(kubectl_admin get node "$NODE_NAME" -o jsonpath='{.status.allocatable.nvidia\.com/gpu}') \
      == "${REFINEVAD_NODE_GPUS:-2}" ]]
}

# --------------------------------------------------------------------------------------------------- kube-proxy

write_kube_proxy_config() {
  mkdir -p "$DIR/kube-proxy"
  # conntrack zeros: leave the host's conntrack sizing and timeouts alone. NodePorts on the node's address only.
  cat >"$DIR/kube-proxy/config.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $DIR/kube-proxy.kubeconfig}
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
nodePortAddresses: ["$NODE_IP/32"]
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:$KUBE_PROXY_HEALTHZ_PORT
iptables: {localhostNodePorts: false}
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
}

start_kube_proxy() { start_component kube-proxy "$TOOLS_BIN/kube-proxy" --config "$DIR/kube-proxy/config.yaml"; }

# Ready when the `kubernetes` Service's ClusterIP answers: kube-proxy has programmed it and routes it to the API
# server's published endpoint.
kubernetes_service_answers() {
  [[ $(curl -sf --max-time 2 --cacert "$PKI/ca.crt" "https://$(cidr_address "$SERVICE_CIDR" 1)/readyz") == ok ]]
}

# ------------------------------------------------------------------------------------------------------------ up

real_node_prepare_host() {
  local started; started=$(now_ms)
  save_host_state
  create_bridge
  write_cni_config
  log "host: bridge $REAL_BRIDGE $NODE_IP, pod guard rule ($(since "$started") s)"
}

real_node_start() {
  write_containerd_config
  run_step containerd start_containerd containerd "serving on $(containerd_socket)" containerd_healthy
  local started; started=$(now_ms)
  import_images
  log "containerd: images imported ($(since "$started") s)"
  write_kubelet_config
  run_step kubelet start_kubelet kubelet "node $NODE_NAME Ready" node_ready
  advertise_gpus
  wait_until kubelet "nvidia.com/gpu allocatable" gpus_allocatable
  write_kube_proxy_config
  run_step kube-proxy start_kube_proxy kube-proxy "the kubernetes Service answers on its ClusterIP" \
    kubernetes_service_answers
}

# ---------------------------------------------------------------------------------------------------------- down

# The pods' containers: killed through containerd (the kubelet, stopped first, would restart them), without
# grace periods: `down` is for a test bed. Their network namespaces go in real_node_restore_host.
kill_pod_containers() {
  containerd_healthy || return 0
  local task
  for task in $(ctr_k8s tasks list -q 2>/dev/null); do
    ctr_k8s tasks kill --signal SIGKILL "$task" >/dev/null 2>&1 || true
  done
  local deadline=$(( $(now_ms) + 10000 ))
  while [[ -n $(ctr_k8s tasks list 2>/dev/null | awk 'NR > 1 && $3 != "STOPPED"') ]] && (( $(now_ms) < deadline )); do
    sleep 0.1
  done
  for task in $(ctr_k8s tasks list -q 2>/dev/null); do
    ctr_k8s tasks delete --force "$task" >/dev/null 2>&1 || true
  done
}

# containerd's shims that outlived it (their command line names our socket).
kill_stray_shims() {
  local pid
  for pid in $(pgrep -f -- "containerd-shim-runc-v2 .*$DIR/" || true); do
    kill -KILL "$pid" 2>/dev/null || true
  done
}

# ------------------------------------------------------------------------------------------------------- restart

# The node's daemons restart alone, as on a real node: containerd's shims, and through them the pods' containers,
# are started by containerd and keep its session, so stopping its session (stop_component, as `down` does) would kill
# every pod with it. A daemon stopped alone leaves them running: the restarted containerd finds its shims again from
# its state folder, and the restarted kubelet its pods through containerd. Shims left in the old session are ended by
# `down` (kill_pod_containers, kill_stray_shims).
REAL_NODE_DAEMONS=(containerd kubelet kube-proxy)
is_real_node_daemon() { [[ " ${REAL_NODE_DAEMONS[*]} " == *" $1 "* ]]; }

# SIGTERM to the daemon's own process, up to STOP_GRACE_SECONDS for it to exit, then SIGKILL; nothing else.
stop_daemon_only() {
  local name=$1 pid started
  pid=$(read_pid "$name")
  if ! is_ours "$pid"; then
    rm -f "$PIDS/$name.pid"
    return 0
  fi
  started=$(now_ms)
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$(( $(now_ms) + STOP_GRACE_SECONDS * 1000 ))
  while is_ours "$pid" && (( $(now_ms) < deadline )); do sleep 0.1; done
  if is_ours "$pid"; then
    log "$name: still running after $STOP_GRACE_SECONDS s, sending SIGKILL to $pid"
    kill -KILL "$pid" 2>/dev/null || true
    while is_ours "$pid"; do sleep 0.1; done
  fi
  log "$name: stopped alone, its session left running ($(since "$started") s)"
  rm -f "$PIDS/$name.pid"
}

real_node_stop() {
  stop_component kube-proxy
  stop_component kubelet
  kill_pod_containers
  stop_component containerd
  kill_stray_shims
}

remove_netns_created() {
  local state="$DIR/$HOST_STATE" ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    grep -qxF "$ns" "$state/netns" 2>/dev/null && continue
    [[ $ns == cni-* ]] || continue
    ip netns delete "$ns" 2>/dev/null || { umount -l "/run/netns/$ns" 2>/dev/null; rm -f "/run/netns/$ns"; }
  done
}

unmount_under_dir() {
  local mount
  # Deepest first; mountinfo's 5th field is the mount point (octal-escaped spaces do not occur under $DIR).
  for mount in $(awk -v d="$DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || log "WARNING: could not unmount $mount"
  done
}

# Deletes, in each table of each family, the rules that jump to KUBE-*/CNI-* chains and our guard rule, then
# those chains. Safe because `up` refused to start with KUBE-* chains present.
remove_iptables_chains() {
  local family table chain rule
  for family in iptables ip6tables; do
    for table in filter nat mangle raw; do
      "$family-save" -t "$table" >/dev/null 2>&1 || continue
      while IFS= read -r rule; do
        # shellcheck disable=SC2086  # the rule's own words, as iptables-save wrote them (no quoted spaces here)
        eval "$family -t $table -D ${rule#-A }" 2>/dev/null || true
      done < <("$family-save" -t "$table" | grep -E '^-A [A-Z]+ ' | grep -E -- "-j (KUBE|CNI)-|--comment \"?$REAL_GUARD_COMMENT" \
                 | grep -vE '^-A (KUBE|CNI)-')
      for chain in $("$family-save" -t "$table" | sed -nE 's/^:((KUBE|CNI)-[^ ]+) .*/\1/p'); do
        "$family" -t "$table" -F "$chain" 2>/dev/null || true
      done
      for chain in $("$family-save" -t "$table" | sed -nE 's/^:((KUBE|CNI)-[^ ]+) .*/\1/p'); do
        "$family" -t "$table" -X "$chain" 2>/dev/null || true
      done
    done
  done
}

# nftables tables that appeared with the node (iptables-nft creates `ip filter`, `ip nat`... on first use), now
# holding nothing but empty base chains.
remove_nft_tables_created() {
  local state="$DIR/$HOST_STATE" family table
  while read -r family table; do
    [[ -n $table ]] || continue
    grep -qxF "$family $table" "$state/nft-tables" 2>/dev/null && continue
    # Anything but the table's and its base chains' own lines is a rule someone still has in it.
    if grep -qvE '^\s*(table |chain |type |\}|$)' <<<"$(nft list table "$family" "$table" 2>/dev/null)"; then
      log "WARNING: nftables table $family $table still has rules: left in place"
      continue
    fi
    nft delete table "$family" "$table" 2>/dev/null || true
  done < <(nft list tables 2>/dev/null | awk '{print $2, $3}')
}

remove_kubepods_cgroups() {
  local hierarchy dir
  for hierarchy in /sys/fs/cgroup/*/; do
    [[ -d ${hierarchy}kubepods ]] || continue
    # Children before parents; a cgroup with a live process refuses rmdir, which is then reported.
    while IFS= read -r dir; do
      rmdir "$dir" 2>/dev/null || log "WARNING: cgroup $dir not removed (processes left: $(cat "$dir/cgroup.procs" 2>/dev/null | tr '\n' ' '))"
    done < <(find "${hierarchy}kubepods" -depth -type d)
  done
}

restore_sysctls() {
  local line
  while IFS= read -r line; do
    [[ $(sysctl -n "${line%%=*}" 2>/dev/null) == "${line#*=}" ]] || sysctl -qw "$line" >/dev/null 2>&1 \
      || log "WARNING: could not restore $line"
  done <"$DIR/$HOST_STATE/sysctl"
}

remove_paths_created() {
  local path
  while IFS= read -r path; do
    if [[ -n $path && -e $path ]]; then rm -rf -- "$path"; fi
  done <"$DIR/$HOST_STATE/absent-paths"
}

# Everything real_node_prepare_host and the node changed, but the unreachable routes. Runs after the processes
# are gone; each step tolerates what is already undone, so a half-started `up` is cleaned the same way.
real_node_restore_host() {
  [[ -d $DIR/$HOST_STATE ]] || return 0
  local started; started=$(now_ms)
  remove_netns_created
  unmount_under_dir
  ip link delete "$REAL_BRIDGE" 2>/dev/null || true
  remove_iptables_chains
  remove_nft_tables_created
  remove_kubepods_cgroups
  restore_sysctls
  remove_paths_created
  log "host restored: bridge, iptables, nftables, cgroups, mounts, netns, sysctls ($(since "$started") s)"
}
