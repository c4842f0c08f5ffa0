#!/usr/bin/env bash
# Builds the Go test tools from the Go module proxy, pinned by version, into a cache outside the repository
# (keyed by tool and version, reused on later runs). Prints progress on stderr and, last, the directory to put on
# PATH:  export PATH="$(e2e/tools/build-tools.sh | tail -n 1):$PATH"
# Today: grpcurl. The local cluster's binaries (etcd, kube-apiserver, ..., helm, ghz) join here with issue 4.
set -euo pipefail
CACHE_DIR=${REFINEVAD_CACHE:-$HOME/.cache/refinevad}
BIN_DIR="$CACHE_DIR/tools/bin"
TOOLS=(
  "grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl v1.9.3"
)
log() { echo "[build-tools] $*" >&2; }

command -v go >/dev/null || { log "go is not installed (Go 1.22 or newer is needed to build the test tools)"; exit 1; }
mkdir -p "$BIN_DIR"
for entry in "${TOOLS[@]}"; do
  read -r name package version <<<"$entry"
  target="$CACHE_DIR/tools/$name-$version/$name"
  if [ -x "$target" ]; then
    log "$name $version: cached"
  else
    log "$name $version: building $package@$version"
    start=$(date +%s)
    if ! GOBIN="$(dirname "$target")" GOFLAGS=-mod=mod go install "$package@$version" >&2; then
      log "$name $version: go install $package@$version failed"
      exit 1
    fi
    log "$name $version: built in $(( $(date +%s) - start )) s"
  fi
  ln -sf "$target" "$BIN_DIR/$name"
done
echo "$BIN_DIR"
