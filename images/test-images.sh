#!/usr/bin/env bash
# Tests what `make images` built in build/images (docs/IMAGES.md), and prints 'N passed, N failed':
#   - reproducible: a second build (bases rebuilt from Debian packages too, in a cache of its own, unless
#     IMAGES_TEST_WARM_BASE=1) gives every image the same digest, but for the Quarkus app layer of the server and
#     the operator, which Quarkus 3.33 does not build reproducibly (their other layers must be the same);
#   - each image runs as 10001:10001 and carries the OCI labels source, version (its tag: the project's version less
#     -SNAPSHOT) and revision (this commit);
#   - make push to a local destination (oci:DIR; no registry is reachable here) keeps every digest;
#   - the inference-server image, unpacked, serves from a read-only root as its user, with only a tmpfs /tmp to write
#     and no network at all (its own network namespace): the embedded model is scored on ONNX Runtime and on
#     PyTorch, so both engines' natives load and run from the image, and nothing is downloaded;
#   - the operator image, unpacked, starts the same way (no cluster to reach: it must get past loading to asking);
#   - the gateway image, unpacked, starts the same way and answers a client on its gRPC port (no pod to send it to:
#     UNAVAILABLE, in the gateway's own words);
#   - each Quarkus image (server, operator, gateway) runs java -jar /app/quarkus-run.jar, exposes its ports, and its
#     app layer is its module's target/quarkus-app less lib/, file for file;
#   - the model-fetcher image runs the operator's real fetch script (ModelFetchScriptTest, every case) in its root.
# Needs root (chroot, mount and network namespaces), the client jar (./mvnw -pl client -am package) and Maven.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=${IMAGES_OUT:-$ROOT/build/images}
read -r -a MVN <<<"${MVN:-./mvnw -B -ntp}"
WORK=$(mktemp -d /tmp/refinevad-images-test.XXXX)
CLIENT=$ROOT/client/target/refinevad-client.jar
CLIP=$ROOT/model/default/export/golden/stream_x.npy
passed=0
failed=0
log() { echo "[images-test] $*" >&2; }
pass() { passed=$((passed + 1)); log "PASS $*"; }
fail() { failed=$((failed + 1)); log "FAIL $*"; }
cleanup() { umount -R "$WORK"/*/rootfs 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

[ -f "$OUT/images.tsv" ] || { log "no images in $OUT: run make images first"; exit 2; }
[ -f "$CLIENT" ] || { log "no client jar: ./mvnw -pl client -am package"; exit 2; }

archive_of() { awk -F'\t' -v n="/$1:" 'index($1, n) {print $3}' "$OUT/images.tsv"; }
config_of() { skopeo inspect --config "oci-archive:$(archive_of "$1")"; }

# An image's root filesystem, unpacked as the kubelet's runtime would (umoci: layers in order, owners kept).
unpack() {
  local name=$1
  skopeo copy -q "oci-archive:$(archive_of "$name")" "oci:$WORK/$name-layout:image" >/dev/null \
    && umoci unpack --image "$WORK/$name-layout:image" "$WORK/$name" >/dev/null
}

# Runs the image's entrypoint (with its Env, WorkingDir and User) in its unpacked root, as a container would with
# readOnlyRootFilesystem and an emptyDir on /tmp: the root bound read-only, a tmpfs on /tmp, /proc and /dev, in a
# network namespace of its own with only loopback. Then runs "$probe" beside it in that namespace and stops it.
# Usage: run_in_image <name> <env...> -- <probe command>
run_in_image() {
  local name=$1; shift
  local extra_env=()
  while [ "$1" != "--" ]; do extra_env+=("$1"); shift; done; shift
  local rootfs=$WORK/$name/rootfs config user workdir
  config=$(config_of "$name")
  user=$(jq -r '.config.User' <<<"$config")
  workdir=$(jq -r '.config.WorkingDir // "/"' <<<"$config")
  local env=() entrypoint=()
  mapfile -t env < <(jq -r '.config.Env[]' <<<"$config")
  mapfile -t entrypoint < <(jq -r '(.config.Entrypoint // []) + (.config.Cmd // []) | .[]' <<<"$config")
  unshare --net --mount --propagation private --fork bash -s -- "$rootfs" "$user" "$workdir" "$WORK/$name.log" \
    "${env[@]}" "${extra_env[@]}" -- "${entrypoint[@]}" -- "$@" <<'INSIDE'
set -u
rootfs=$1 user=$2 workdir=$3 app_log=$4; shift 4
env=(); while [ "$1" != "--" ]; do env+=("$1"); shift; done; shift
entrypoint=(); while [ "$1" != "--" ]; do entrypoint+=("$1"); shift; done; shift
ip link set lo up
mount --bind "$rootfs" "$rootfs" && mount -o remount,bind,ro "$rootfs" || exit 91
mount -t tmpfs -o mode=1777 tmpfs "$rootfs/tmp" && mount -t proc proc "$rootfs/proc" \
  && mount --rbind /dev "$rootfs/dev" || exit 92
touch "$rootfs/etc/probe" 2>/dev/null && { echo "the root filesystem is writable" >&2; exit 93; }
chroot --userspec="$user" "$rootfs" /usr/bin/env -i "${env[@]}" sh -c 'cd "$0" && exec "$@"' "$workdir" \
  "${entrypoint[@]}" </dev/null >"$app_log" 2>&1 &
app=$!
"$@"; status=$?
kill -TERM "$app" 2>/dev/null; wait "$app"
ls -A "$rootfs/tmp" >>"$app_log"
exit $status
INSIDE
}

# Waits (up to 3 minutes) for a line in the app's log.
await_line() {
  local log_file=$1 pattern=$2 i
  for i in $(seq 180); do
    grep -q -- "$pattern" "$log_file" 2>/dev/null && return 0
    sleep 1
  done
  return 1
}
export -f await_line

check_reproducible() {
  local second=$WORK/second cache=()
  [ "${IMAGES_TEST_WARM_BASE:-0}" = 1 ] || cache=(env REFINEVAD_CACHE="$WORK/cache")
  log "second build of every image (bases rebuilt too: ${IMAGES_TEST_WARM_BASE:-0} = 0)"
  if ! "${cache[@]}" env IMAGES_OUT="$second" MVN="${MVN[*]}" images/build-images.sh >/dev/null; then
    fail "reproducible: the second build failed"; return
  fi
  local image digest archive again again_archive name
  while IFS=$'\t' read -r image digest archive; do
    again=$(awk -F'\t' -v i="$image" '$1 == i {print $2}' "$second/images.tsv")
    again_archive=$(awk -F'\t' -v i="$image" '$1 == i {print $3}' "$second/images.tsv")
    name=${image##*/}; name=${name%%:*}
    if [ "$digest" = "$again" ]; then
      pass "reproducible: $image $digest"
    elif [[ " ${APP_LAYER_VARIES[*]} " == *" $name "* ]] \
        && [ "$(layers_but_the_app "$archive")" = "$(layers_but_the_app "$again_archive")" ]; then
      pass "reproducible but for its app layer (Quarkus 3.33's generated bytecode, docs/IMAGES.md): $image," \
        "base and dependency layers the same"
    else
      fail "reproducible: $image $digest, then $again"
    fi
  done <"$OUT/images.tsv"
}

# The Quarkus images (each built by the module of its name) and the ports each exposes.
declare -A QUARKUS_PORTS=([inference-server]="8080 9000 9002" [operator]="8080" [gateway]="8080 9000")
# The images whose last layer, the app (target/quarkus-app less lib/), differs from build to build: the Quarkus ones,
# as Quarkus 3.33 generates part of its bytecode in the order in which its parallel build steps finish
# (docs/IMAGES.md, "Reproducible"). Every other layer of theirs must be the same.
APP_LAYER_VARIES=("${!QUARKUS_PORTS[@]}")
layers_but_the_app() { skopeo inspect --raw "oci-archive:$1" | jq -r '.layers[:-1][].digest'; }

check_user_and_labels() {
  local revision image digest archive config name
  revision=$(git describe --always --dirty --abbrev=40 2>/dev/null || echo unknown)
  while IFS=$'\t' read -r image digest archive; do
    name=${image##*/}; name=${name%%:*}
    config=$(config_of "$name")
    [ "$(jq -r '.config.User' <<<"$config")" = "10001:10001" ] && pass "$name runs as 10001:10001" \
      || fail "$name user: $(jq -r '.config.User' <<<"$config")"
    local labels
    labels=$(jq -r '.config.Labels | "\(."org.opencontainers.image.source") \(."org.opencontainers.image.version") \(."org.opencontainers.image.revision")"' <<<"$config")
    # The version label is the image's tag: one fact, the project's version less -SNAPSHOT.
    [ "$labels" = "https://github.com/refinevad/refinevad-operator ${image##*:} $revision" ] \
      && [ "${image##*:}" = "$(project_version | sed 's/-SNAPSHOT$//')" ] \
      && pass "$name labels: $labels" || fail "$name labels: $labels (tag ${image##*:})"
  done <"$OUT/images.tsv"
}

check_quarkus_images() {
  local name config ports app
  for name in "${!QUARKUS_PORTS[@]}"; do
    config=$(config_of "$name")
    [ "$(jq -r '.config.Entrypoint | join(" ")' <<<"$config")" = "java -jar /app/quarkus-run.jar" ] \
      && pass "$name entrypoint: java -jar /app/quarkus-run.jar" \
      || fail "$name entrypoint: $(jq -c '.config.Entrypoint' <<<"$config")"
    ports=$(jq -r '.config.ExposedPorts // {} | keys | map(sub("/tcp$"; "")) | sort | join(" ")' <<<"$config")
    [ "$ports" = "${QUARKUS_PORTS[$name]}" ] && pass "$name exposes $ports" \
      || fail "$name exposes '$ports', not '${QUARKUS_PORTS[$name]}'"
    # The last layer, unpacked alone, against what Quarkus packed (the build just before this test).
    app=$WORK/$name-app-layer
    mkdir -p "$app"
    if tar -xOf "$(archive_of "$name")" "blobs/sha256/$(app_layer_of "$name")" | tar -xz -C "$app" \
        && diff -r --exclude=lib "$app/app" "$name/target/quarkus-app" >"$WORK/$name-app-layer.diff" 2>&1; then
      pass "$name app layer: $name/target/quarkus-app less lib/ ($(ls "$app/app/app"))"
    else
      fail "$name app layer differs from $name/target/quarkus-app"; head -n 20 "$WORK/$name-app-layer.diff" >&2
    fi
  done
}

app_layer_of() {
  skopeo inspect --raw "oci-archive:$(archive_of "$1")" | jq -r '.layers[-1].digest | sub("^sha256:"; "")'
}

project_version() { sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -n 1; }

check_server() {
  unpack inference-server || { fail "inference-server: unpack"; return; }
  local engine
  for engine in OnnxRuntime PyTorch; do
    if run_in_image inference-server REFINEVAD_ENGINE="$engine" -- bash -c "
        await_line '$WORK/inference-server.log' 'Listening on' \
        && java -jar '$CLIENT' --target 127.0.0.1:9000 score '$CLIP' > '$WORK/score-$engine.txt' 2>&1"; then
      pass "inference-server ($engine): read-only root, uid 10001, no network: started and scored the clip" \
        "($(grep -o "engine $engine loaded in [0-9]* ms" "$WORK/inference-server.log"))"
    else
      fail "inference-server ($engine): see below"; tail -n 30 "$WORK/inference-server.log" "$WORK/score-$engine.txt" >&2
    fi
    grep -q "engine $engine loaded" "$WORK/inference-server.log" \
      && pass "inference-server ($engine): natives loaded from the image" \
      || fail "inference-server ($engine): no 'engine $engine loaded' line"
  done
}

check_operator() {
  unpack operator || { fail "operator: unpack"; return; }
  # Without a cluster the operator cannot reconcile, but its JVM, Quarkus and fabric8 start from the image, as
  # its user on a read-only root, and it says what it could not reach.
  if run_in_image operator KUBERNETES_MASTER=https://127.0.0.1:1 -- \
      await_line "$WORK/operator.log" "started in"; then
    pass "operator: read-only root, uid 10001: the JVM and Quarkus start"
  else
    fail "operator: did not start"; tail -n 30 "$WORK/operator.log" >&2
  fi
}

check_gateway() {
  unpack gateway || { fail "gateway: unpack"; return; }
  # No pod listed and no network: the gateway must start from the image and answer on its gRPC port that it has no
  # pod for the client's request (its own message, not a connection error).
  if run_in_image gateway -- bash -c "
      await_line '$WORK/gateway.log' 'started in' \
      && ! java -jar '$CLIENT' --target 127.0.0.1:9000 info > '$WORK/gateway-info.txt' 2>&1" \
      && grep -q "UNAVAILABLE: no ready scoring pod for detector" "$WORK/gateway-info.txt"; then
    pass "gateway: read-only root, uid 10001, no network: started, and answered on 9000:" \
      "$(grep -o 'UNAVAILABLE: .*' "$WORK/gateway-info.txt")"
  else
    fail "gateway: see below"; tail -n 30 "$WORK/gateway.log" "$WORK/gateway-info.txt" >&2
  fi
}

check_fetcher() {
  unpack model-fetcher || { fail "model-fetcher: unpack"; return; }
  if "${MVN[@]}" -q -pl operator -am test -Dtest=ModelFetchScriptTest -Dsurefire.failIfNoSpecifiedTests=false \
      -Drefinevad.model-fetcher.rootfs="$WORK/model-fetcher/rootfs" >"$WORK/fetcher-test.log" 2>&1; then
    pass "model-fetcher: ModelFetchScriptTest, every case, in the image as uid 10001"
  else
    fail "model-fetcher: ModelFetchScriptTest in the image"; tail -n 40 "$WORK/fetcher-test.log" >&2
  fi
}

check_push() {
  local pushed line dest digest copied
  pushed=$(IMAGES_OUT="$OUT" images/push-images.sh "oci:$WORK/pushed") || { fail "push to oci:$WORK/pushed"; return; }
  while IFS=$'\t' read -r dest digest; do
    copied=$(skopeo inspect "$dest" | jq -r '.Digest')
    [ "$copied" = "$digest" ] && pass "push: $dest has the built digest" || fail "push: $dest is $copied, built $digest"
  done <<<"$pushed"
  [ "$(wc -l <<<"$pushed")" -eq "$(wc -l <"$OUT/images.tsv")" ] || fail "push: not every image was copied"
}

check_user_and_labels
check_push
check_server
check_operator
check_gateway
check_quarkus_images
check_fetcher
[ "${IMAGES_TEST_SKIP_REBUILD:-0}" = 1 ] || check_reproducible
echo "images: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
