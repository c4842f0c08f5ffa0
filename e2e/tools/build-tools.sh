#!/usr/bin/env bash
# Builds the test tools from the Go module proxy, pinned by version, into a cache outside the repository (keyed by
# tool and version, reused on later runs):
#   etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl  (the local cluster, e2e/local-cluster.sh)
#   helm, grpcurl, ghz                                                      (charts, gRPC calls, gRPC load)
#   prometheus                                           (the chart's dashboard queries and alert rules, MonitoringIT)
#   the Prometheus Operator's CRDs (ServiceMonitor, PodMonitor, PrometheusRule), for the chart's monitoring objects
# Kubernetes and etcd are built from the wrapper modules beside this script (their own go.mod files replace
# modules, so `go install` refuses them); the others with `go install module@version`.
#
# Prints progress and each build's wall time on stderr, appends the times to $CACHE/tools/build-times.tsv, lays
# kube-apiserver, etcd and kubectl out where fabric8 kube-api-test looks in offline mode, and prints last the
# directory to put on PATH:   export PATH="$(e2e/tools/build-tools.sh | tail -n 1):$PATH"
set -euo pipefail

K8S_VERSION=1.34.4
ETCD_VERSION=3.6.16
HELM_VERSION=3.19.5
GRPCURL_VERSION=1.9.3
GHZ_VERSION=0.121.0
# Prometheus 3.16.0: the module's own versions are v0.<major><minor>.<patch> (v0.316.0), the binary's is 3.16.0.
PROMETHEUS_MODULE_VERSION=0.316.0
PROMETHEUS_VERSION=3.16.0
PROMETHEUS_OPERATOR_VERSION=0.85.0
PAUSE_VERSION=3.10.1          # build/pause/Makefile's TAG in k8s.io/kubernetes v$K8S_VERSION
PAUSE_IMAGE="localhost/refinevad/pause:$PAUSE_VERSION"   # local only: never pulled, so never confused with registry.k8s.io's

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE_DIR=${REFINEVAD_CACHE:-$HOME/.cache/refinevad}
TOOLS_DIR="$CACHE_DIR/tools"
BIN_DIR="$TOOLS_DIR/bin"
KUBE_API_TEST_BINARIES="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/$K8S_VERSION-linux-amd64"

log() { echo "[build-tools] $*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

# Runs a build command while printing a heartbeat, since the Kubernetes build takes many minutes on two cores.
# Usage: timed_build <label> <build log file> <command...>
timed_build() {
  local label=$1 build_log=$2; shift 2
  local start; start=$(date +%s)
  "$@" >"$build_log" 2>&1 &
  local pid=$!
  local ticks=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    ticks=$((ticks + 1))
    if [ $((ticks % 30)) -eq 0 ] && kill -0 "$pid" 2>/dev/null; then
      log "$label: still building ($(( $(date +%s) - start )) s)"
    fi
  done
  if ! wait "$pid"; then
    tail -n 30 "$build_log" >&2
    fail "$label: the build failed (full log: $build_log)"
  fi
  local seconds=$(( $(date +%s) - start ))
  log "$label: built in $seconds s"
  printf '%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$label" "$seconds" "$(nproc) cores" >>"$TOOLS_DIR/build-times.tsv"
}

# Kubernetes reports its version from variables that the release build sets with -X; without them /version says
# v0.0.0-master, which breaks helm's kubeVersion checks and client version negotiation.
kubernetes_ldflags() {
  local flags="-s -w" package
  for package in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $package.gitVersion=v$K8S_VERSION -X $package.gitMajor=${K8S_VERSION%%.*}"
    flags+=" -X $package.gitMinor=$(cut -d. -f2 <<<"$K8S_VERSION") -X $package.gitTreeState=clean"
    flags+=" -X $package.buildDate=$(date -u +%FT%TZ)"
  done
  echo "$flags"
}

# Builds Kubernetes binaries from the wrapper module into $TOOLS_DIR/<set>-$K8S_VERSION, cached there by version.
# The control plane and the node are two sets, so that either is reused while the other is (re)built; their
# shared packages come from the Go build cache (same flags).
# Usage: build_kubernetes <set name> <what, for the log> <binary...>
build_kubernetes() {
  local set=$1 what=$2; shift 2
  local dest="$TOOLS_DIR/$set-$K8S_VERSION" binary cached=1
  for binary in "$@"; do [ -x "$dest/$binary" ] || cached=0; done
  if [ "$cached" = 1 ]; then
    log "$set v$K8S_VERSION: cached"
  else
    grep -q "k8s.io/kubernetes v$K8S_VERSION" "$HERE/kubernetes/go.mod" \
      || fail "kubernetes: e2e/tools/kubernetes/go.mod does not require k8s.io/kubernetes v$K8S_VERSION"
    log "$set v$K8S_VERSION: building $* from the wrapper module e2e/tools/kubernetes ($what)"
    local -a packages=()
    for binary in "$@"; do packages+=("k8s.io/kubernetes/cmd/$binary"); done
    mkdir -p "$dest.partial"
    timed_build "$set v$K8S_VERSION" "$TOOLS_DIR/$set-$K8S_VERSION.log" \
      env -C "$HERE/kubernetes" CGO_ENABLED=0 go build -trimpath -tags=notest,grpcnotrace \
        -ldflags "$(kubernetes_ldflags)" -o "$dest.partial/" "${packages[@]}"
    rm -rf "$dest" && mv "$dest.partial" "$dest"
  fi
  for binary in "$@"; do
    ln -sf "$dest/$binary" "$BIN_DIR/$binary"
  done
}

build_etcd() {
  local dest="$TOOLS_DIR/etcd-$ETCD_VERSION"
  if [ -x "$dest/etcd" ]; then
    log "etcd v$ETCD_VERSION: cached"
  else
    grep -q "go.etcd.io/etcd/server/v3 v$ETCD_VERSION" "$HERE/etcd/go.mod" \
      || fail "etcd: e2e/tools/etcd/go.mod does not require go.etcd.io/etcd/server/v3 v$ETCD_VERSION"
    log "etcd v$ETCD_VERSION: building go.etcd.io/etcd/server/v3 from the wrapper module e2e/tools/etcd"
    mkdir -p "$dest.partial"
    # -o names the binary: Go would call it "server" after the path element before /v3.
    timed_build "etcd v$ETCD_VERSION" "$TOOLS_DIR/etcd-$ETCD_VERSION.log" \
      env -C "$HERE/etcd" CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$dest.partial/etcd" \
        go.etcd.io/etcd/server/v3
    rm -rf "$dest" && mv "$dest.partial" "$dest"
  fi
  ln -sf "$dest/etcd" "$BIN_DIR/etcd"
}

# Usage: install_tool <name> <package> <module version> <ldflags> [build tags]
install_tool() {
  local name=$1 package=$2 version=$3 ldflags=$4 tags=${5:-}
  local dest="$TOOLS_DIR/$name-$version"
  if [ -x "$dest/$name" ]; then
    log "$name v$version: cached"
  else
    log "$name v$version: go install $package@v$version${tags:+ (tags $tags)}"
    mkdir -p "$dest.partial"
    timed_build "$name v$version" "$TOOLS_DIR/$name-$version.log" \
      env GOBIN="$dest.partial" CGO_ENABLED=0 go install -trimpath -tags "$tags" -ldflags "$ldflags" \
        "$package@v$version"
    rm -rf "$dest" && mv "$dest.partial" "$dest"
  fi
  ln -sf "$dest/$name" "$BIN_DIR/$name"
}

# The pod sandbox ("pause") image of the real node: Kubernetes' own build/pause/linux/pause.c from the
# k8s.io/kubernetes module (already in the Go module cache for the build above), compiled with gcc -static into a
# one-layer OCI archive, with no registry and no Docker. Same inputs, same digest (fixed times, sorted tar).
# The archive is $TOOLS_DIR/pause-$PAUSE_VERSION/pause.tar, linked as $TOOLS_DIR/images/pause.tar; its image name
# is in the archive (the OCI ref name and containerd's image-name annotation).
build_pause_image() {
  local dest="$TOOLS_DIR/pause-$PAUSE_VERSION"
  if [ -s "$dest/pause.tar" ]; then
    log "pause image $PAUSE_IMAGE: cached"
  else
    command -v gcc >/dev/null || fail "pause image: gcc is missing (scripts/bootstrap.sh installs it)"
    local source
    source="$(env -C "$HERE/kubernetes" go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
    [ -f "$source" ] || fail "pause image: $source is missing from the Go module cache"
    log "pause image $PAUSE_IMAGE: gcc -static $source"
    local work="$dest.partial"
    rm -rf "$work" && mkdir -p "$work/rootfs" "$work/oci/blobs/sha256"
    local start; start=$(date +%s)
    # The flags of Kubernetes' build/pause/Makefile.
    gcc -Os -Wall -Werror -static -DVERSION="v$PAUSE_VERSION-refinevad" -o "$work/rootfs/pause" "$source"
    strip "$work/rootfs/pause"
    local layer config manifest
    layer=$(write_blob "$work/oci" < <(tar -C "$work/rootfs" --sort=name --mtime=@0 --owner=0 --group=0 \
      --numeric-owner -cf - pause))
    local layer_digest=${layer%% *} layer_size=${layer##* }
    config=$(printf '%s' \
      '{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",' \
      '"config":{"User":"65535:65535","Entrypoint":["/pause"]},' \
      '"rootfs":{"type":"layers","diff_ids":["sha256:'"$layer_digest"'"]}}' | write_blob "$work/oci")
    manifest=$(printf '%s' \
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",' \
      '"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:'"${config%% *}"'","size":'"${config##* }"'},' \
      '"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:'"$layer_digest"'","size":'"$layer_size"'}]}' \
      | write_blob "$work/oci")
    printf '%s' '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{' \
      '"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:'"${manifest%% *}"'","size":'"${manifest##* }"',' \
      '"annotations":{"io.containerd.image.name":"'"$PAUSE_IMAGE"'","org.opencontainers.image.ref.name":"'"$PAUSE_IMAGE"'"}}]}' \
      >"$work/oci/index.json"
    printf '%s' '{"imageLayoutVersion":"1.0.0"}' >"$work/oci/oci-layout"
    tar -C "$work/oci" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$work/pause.tar" \
      oci-layout index.json blobs
    rm -rf "$work/rootfs" "$work/oci"
    rm -rf "$dest" && mv "$work" "$dest"
    log "pause image $PAUSE_IMAGE: built in $(( $(date +%s) - start )) s (manifest sha256:${manifest%% *})"
  fi
  mkdir -p "$TOOLS_DIR/images"
  ln -sf "$dest/pause.tar" "$TOOLS_DIR/images/pause.tar"
}

# Stores stdin as a content-addressed blob of the OCI layout <dir>; prints "<sha256 hex> <size>".
write_blob() {
  local dir=$1 tmp digest
  tmp=$(mktemp "$dir/blob.XXXXXX")
  cat >"$tmp"
  digest=$(sha256sum "$tmp" | cut -d' ' -f1)
  mv "$tmp" "$dir/blobs/sha256/$digest"
  echo "$digest $(stat -c %s "$dir/blobs/sha256/$digest")"
}

# The Prometheus Operator's CRDs for the kinds the chart renders (ServiceMonitor, PodMonitor, PrometheusRule), as the
# project ships them in example/prometheus-operator-crd/ of its Go module (github.com/prometheus-operator/
# prometheus-operator), which the Go module cache holds after `go mod download`; linked as $TOOLS_DIR/crds/*.yaml.
fetch_prometheus_operator_crds() {
  local dest="$TOOLS_DIR/prometheus-operator-crds-$PROMETHEUS_OPERATOR_VERSION" kind
  local -a kinds=(servicemonitors podmonitors prometheusrules)
  if [ -s "$dest/monitoring.coreos.com_prometheusrules.yaml" ]; then
    log "Prometheus Operator CRDs v$PROMETHEUS_OPERATOR_VERSION: cached"
  else
    local module="github.com/prometheus-operator/prometheus-operator@v$PROMETHEUS_OPERATOR_VERSION" dir
    log "Prometheus Operator CRDs v$PROMETHEUS_OPERATOR_VERSION: go mod download $module"
    dir=$(env -C "$TOOLS_DIR" GOFLAGS=-mod=mod go mod download -json "$module" \
      | sed -n 's/^\s*"Dir": "\(.*\)",*$/\1/p')
    [ -d "$dir/example/prometheus-operator-crd" ] || fail "Prometheus Operator CRDs: not found in $module ($dir)"
    mkdir -p "$dest.partial"
    for kind in "${kinds[@]}"; do
      cp "$dir/example/prometheus-operator-crd/monitoring.coreos.com_$kind.yaml" "$dest.partial/"
    done
    rm -rf "$dest" && mv "$dest.partial" "$dest"
  fi
  mkdir -p "$TOOLS_DIR/crds"
  for kind in "${kinds[@]}"; do
    ln -sf "$dest/monitoring.coreos.com_$kind.yaml" "$TOOLS_DIR/crds/monitoring.coreos.com_$kind.yaml"
  done
}

# fabric8 kube-api-test (offline mode) wants <dir>/k8s/<numeric version>-<os>-<arch>/{kube-apiserver,etcd,kubectl}.
lay_out_for_kube_api_test() {
  mkdir -p "$KUBE_API_TEST_BINARIES"
  local binary
  for binary in kube-apiserver etcd kubectl; do
    ln -sf "$BIN_DIR/$binary" "$KUBE_API_TEST_BINARIES/$binary"
  done
  log "kube-api-test binaries: $KUBE_API_TEST_BINARIES"
}

command -v go >/dev/null || fail "go is not installed (Go 1.26 or newer builds these tools)"
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
[ "$go_minor" -ge 26 ] || fail "Go $(go env GOVERSION) is too old: etcd v$ETCD_VERSION needs Go 1.26 or newer"
mkdir -p "$BIN_DIR"
started=$(date +%s)

build_etcd
build_kubernetes kubernetes "cold: about 15 minutes on 2 cores" \
  kube-apiserver kube-controller-manager kube-scheduler kubectl
build_kubernetes kubernetes-node "the real node of e2e/local-cluster.sh; about 2 minutes after the control plane" \
  kubelet kube-proxy
build_pause_image
install_tool helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION" \
  "-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION"
install_tool grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl "$GRPCURL_VERSION" \
  "-s -w -X main.version=v$GRPCURL_VERSION"
install_tool ghz github.com/bojand/ghz/cmd/ghz "$GHZ_VERSION" "-s -w -X main.version=v$GHZ_VERSION"
# Plain `go install` works: Prometheus's go.mod replaces nothing. Its service discovery is trimmed to Kubernetes
# (with the file and HTTP discovery it always keeps): the tags of its plugins/ folder, which would otherwise compile
# every cloud's SDK in. No built-in web UI (the builtinassets tag would want the UI's generated assets, not in the
# module); the HTTP API, which the test uses, is all there.
install_tool prometheus github.com/prometheus/prometheus/cmd/prometheus "$PROMETHEUS_MODULE_VERSION" \
  "-s -w -X github.com/prometheus/common/version.Version=$PROMETHEUS_VERSION" remove_all_sd,enable_kubernetes_sd
fetch_prometheus_operator_crds
lay_out_for_kube_api_test

log "all tools ready in $(( $(date +%s) - started )) s (build times: $TOOLS_DIR/build-times.tsv)"
echo "$BIN_DIR"
