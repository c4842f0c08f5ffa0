#!/usr/bin/env bash
# make images: builds the product's images as OCI archives in build/images/ (or $IMAGES_OUT) and prints each one's
# name:tag and digest, without a Docker daemon and without a registry (docs/IMAGES.md):
#   1. the two bases from Debian packages, cached by their package versions (images/build-base.sh);
#   2. ./mvnw -Pimages package of the server, the operator, the gateway and images/model-fetcher: Jib writes each
#      image as an OCI archive on its base (jib-maven-plugin, configured in the parent pom).
# Reproducible: the same sources, commit and package versions give the same digests.
#
# MVN overrides the Maven command, e.g. MVN="./mvnw -o -B -ntp -Dmaven.repo.local=$HOME/.m2dev/repository".
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=${IMAGES_OUT:-$ROOT/build/images}
read -r -a MVN <<<"${MVN:-./mvnw -B -ntp}"
# module folder -> the image its -Pimages build writes to target/jib-image.tar
MODULES=(inference-server operator gateway images/model-fetcher)
log() { echo "[images] $*" >&2; }

start=$(date +%s)
jre_base=$(images/build-base.sh jre | tail -n 1)
fetcher_base=$(images/build-base.sh fetcher | tail -n 1)
# The commit, marked -dirty when the work tree has changes: the images' org.opencontainers.image.revision label.
revision=$(git describe --always --dirty --abbrev=40 2>/dev/null || echo unknown)

log "building the images with Jib (./mvnw -Pimages package)"
modules=$(IFS=,; echo "${MODULES[*]}")
"${MVN[@]}" -q -Pimages -Dmaven.test.skip=true -Djib.disableUpdateChecks=true -pl "$modules" -am package \
  -Dimage.base.jre="$jre_base" -Dimage.base.fetcher="$fetcher_base" -Dimage.revision="$revision" >&2

mkdir -p "$OUT"
rm -f "$OUT"/*.tar "$OUT/images.tsv"
for module in "${MODULES[@]}"; do
  # jib-image.json: {"image":"<registry>/<name>:<tag>","imageId":...,"imageDigest":"sha256:...","tags":[...]}
  json=$(cat "$module/target/jib-image.json")
  image=$(sed -n 's/.*"image":"\([^"]*\)".*/\1/p' <<<"$json")
  digest=$(sed -n 's/.*"imageDigest":"\([^"]*\)".*/\1/p' <<<"$json")
  name=${image##*/}; name=${name%%:*}
  cp "$module/target/jib-image.tar" "$OUT/$name.tar"
  printf '%s\t%s\t%s\n' "$image" "$digest" "$OUT/$name.tar" >>"$OUT/images.tsv"
done
# The chart's values pinning every image to what was just built (docs/IMAGES.md, "Pinned by digest").
{
  echo "# Written by make images: the chart pinned to the images of this build. helm install ... -f $OUT/digests.yaml"
  echo "image:"
  echo "  digests:"
  while IFS=$'\t' read -r image digest _; do
    name=${image##*/}; name=${name%%:*}
    # inference-server -> inferenceServer, as values.yaml spells it
    key=$(sed -E 's/-(.)/\U\1/g' <<<"$name")
    echo "    $key: $digest"
  done <"$OUT/images.tsv"
} >"$OUT/digests.yaml"
log "built in $(( $(date +%s) - start )) s, in $OUT (images.tsv lists them; digests.yaml pins the chart to them):"
while IFS=$'\t' read -r image digest archive; do
  printf '%s\t%s\t%s MB\n' "$image" "$digest" "$(( $(stat -c %s "$archive") / 1000000 ))"
done <"$OUT/images.tsv"
