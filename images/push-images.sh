#!/usr/bin/env bash
# make push REGISTRY=registry.example.com/team: copies the images `make images` built (build/images, or
# $IMAGES_OUT) to REGISTRY/<name>:<tag> with skopeo, digests unchanged (docs/IMAGES.md). skopeo uses the
# credentials of `skopeo login` (or podman's/docker's auth file). REGISTRY may also name a local destination with a
# skopeo transport, oci:DIR or dir:DIR (DIR/<name>:<tag>, DIR/<name>-<tag>): what the tests use, having no registry.
# Prints each copy as <destination> <digest>.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${IMAGES_OUT:-$ROOT/build/images}
REGISTRY=${1:-${REGISTRY:-}}
log() { echo "[push] $*" >&2; }

case "$REGISTRY" in
  "") log "usage: make push REGISTRY=HOST[/PATH] (or oci:DIR, dir:DIR): where to copy the images"; exit 2 ;;
  oci:*|dir:*) ;;
  *) if [[ $REGISTRY == *://* || ( $REGISTRY == */* && ${REGISTRY##*/} == *:* ) ]]; then
       log "REGISTRY=$REGISTRY: give HOST[:PORT][/PATH], without a scheme or a tag (or oci:DIR, dir:DIR)"; exit 2
     fi ;;
esac
[ -f "$OUT/images.tsv" ] || { log "no images in $OUT: run make images first"; exit 2; }

destination() {
  local name_tag=$1
  case "$REGISTRY" in
    oci:*) echo "oci:${REGISTRY#oci:}/${name_tag%%:*}:${name_tag#*:}" ;;
    dir:*) echo "dir:${REGISTRY#dir:}/${name_tag%%:*}-${name_tag#*:}" ;;
    *) echo "docker://$REGISTRY/$name_tag" ;;
  esac
}

while IFS=$'\t' read -r image digest archive; do
  dest=$(destination "${image##*/}")
  [[ $dest == oci:* || $dest == dir:* ]] && mkdir -p "$(dirname "${dest#*:}")"
  # --preserve-digests: refuse to push anything but the bytes built (no recompression, no format change).
  skopeo copy -q --preserve-digests "oci-archive:$archive" "$dest" >&2
  printf '%s\t%s\n' "$dest" "$digest"
done <"$OUT/images.tsv"
