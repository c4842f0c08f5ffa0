#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test the project, and nothing twice.
#
# Python: Debian's python3-torch (1.13, CPU) with OpenBLAS, wrapped in a virtualenv that sees the system
# packages and adds the PyPI packages Debian lacks (onnxruntime, to check exported ONNX files against PyTorch; grpcio
# and grpcio-tools, for the gateway's test of a plain Python gRPC camera, gateway/src/test/python).
# PyPI's torch is avoided on purpose: it pulls gigabytes of CUDA libraries.
#
# The virtualenv lives outside the repository, keyed by the versions it pins, so CI and later runs reuse it.
# Prints the interpreter path on its last line: PYTHON=$(scripts/bootstrap.sh | tail -n 1).
set -euo pipefail

ORT_VERSION=1.24.2
PYTEST_VERSION=8.3.5
GRPCIO_VERSION=1.85.1
CACHE_DIR=${REFINEVAD_CACHE:-$HOME/.cache/refinevad}
VENV_DIR="$CACHE_DIR/pyenv-torchdeb-ort$ORT_VERSION-pytest$PYTEST_VERSION-grpcio$GRPCIO_VERSION"
APT_PACKAGES=(python3-torch python3-numpy python3-sklearn python3-venv python3-pip libopenblas0-pthread bc
  openjdk-17-jdk-headless maven curl unzip openssl iproute2 util-linux procps
  mmdebstrap skopeo umoci jq  # these four: make images, make push, images/test-images.sh (docs/IMAGES.md)
  containerd runc containernetworking-plugins iptables nftables conntrack gcc libc6-dev)  # the real node of
  # e2e/local-cluster.sh and its pause image (docs/LOCAL-CLUSTER.md)

log() { echo "[bootstrap] $*" >&2; }

missing_apt_packages() {
  local pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

install_apt_packages() {
  local missing
  missing=$(missing_apt_packages)
  if [ -z "$missing" ]; then
    log "apt packages present"
    return
  fi
  log "installing apt packages:" $missing
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q >&2
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing >&2
}

create_venv() {
  if [ -x "$VENV_DIR/bin/python" ] && "$VENV_DIR/bin/python" -c "import torch, onnxruntime, pytest, grpc, grpc_tools" \
      2>/dev/null; then
    log "python environment present: $VENV_DIR"
    return
  fi
  log "creating python environment $VENV_DIR"
  rm -rf "$VENV_DIR"
  mkdir -p "$CACHE_DIR"
  /usr/bin/python3 -m venv --system-site-packages "$VENV_DIR" >&2
  "$VENV_DIR/bin/python" -m pip install -q --disable-pip-version-check \
    "onnxruntime==$ORT_VERSION" "pytest==$PYTEST_VERSION" "grpcio==$GRPCIO_VERSION" "grpcio-tools==$GRPCIO_VERSION" >&2
  "$VENV_DIR/bin/python" -c "import torch, onnxruntime, numpy, sklearn, pytest, grpc, grpc_tools" >&2
}

start=$(date +%s)
install_apt_packages
create_venv
log "ready in $(( $(date +%s) - start )) s"
echo "$VENV_DIR/bin/python"
