#!/usr/bin/env bash
# Builds a base image from Debian packages with mmdebstrap, as a docker-archive tarball that Jib takes as its base
# (`tar://`), cached outside the repository and keyed by the exact package versions it holds, so that a rebuild is
# needed only when Debian updates one of them (or this script changes).
#
#   images/build-base.sh jre       Debian's OpenJDK 17 JRE (headless) and CA certificates: the server and operator
#   images/build-base.sh fetcher   curl and CA certificates: the operator's model fetch init container
#
# Both are the Essential set (dash, coreutils, tar, gzip, ...) plus those packages, with the non-root user and group
# `refinevad` (10001:10001, the uid/gid the chart and the operator run pods with; its home is /tmp, the one writable
# path a read-only root leaves, so that nothing the JVM puts in ~ lands on the image). Reproducible: the same
# package versions give the same bytes (SOURCE_DATE_EPOCH, sorted, clamped mtimes, no logs or caches), hence the
# same digests of the images built on it.
#
# Prints progress on stderr and the tarball's path on its last line: BASE=$(images/build-base.sh jre | tail -n 1).
set -euo pipefail

VARIANT=${1:-}
HERE=$(cd "$(dirname "$0")" && pwd)
VARIANT_HOOKS=()
case "$VARIANT" in
  jre) PACKAGES=openjdk-17-jre-headless,ca-certificates
    # ca-certificates-java dates each entry of the Java trust store at the moment of the build: rewritten the same
    # every time from the same certificates.
    VARIANT_HOOKS=(--customize-hook="java '$HERE/DeterministicTrustStore.java' \"\$1\"") ;;
  fetcher) PACKAGES=curl,ca-certificates ;;
  *) echo "usage: $0 jre|fetcher (got '${VARIANT}'): the base to build" >&2; exit 2 ;;
esac

SUITE=bookworm
# Every file's mtime is clamped to this instant (2024-01-01T00:00:00Z), which is also the image's creation time.
export SOURCE_DATE_EPOCH=1704067200
APP_UID=10001
# The suites apt itself uses (the only mirror reachable here), for the release, its updates and security fixes.
MIRRORS=("deb http://deb.debian.org/debian $SUITE main"
         "deb http://deb.debian.org/debian $SUITE-updates main"
         "deb http://deb.debian.org/debian-security $SUITE-security main")
MMDEBSTRAP_OPTIONS=(--variant=essential --include="$PACKAGES" --mode=root --format=tar
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*'
  # The JRE's postinst registers java.1.gz with update-alternatives, which fails if man1 does not exist.
  --setup-hook='mkdir -p "$1"/usr/share/man/man1'
  --customize-hook="echo 'refinevad:x:$APP_UID:$APP_UID:refinevad:/tmp:/usr/sbin/nologin' >> \"\$1\"/etc/passwd"
  --customize-hook="echo 'refinevad:x:$APP_UID:' >> \"\$1\"/etc/group"
  # Caches, logs and files whose content depends on the moment of the build.
  "${VARIANT_HOOKS[@]}"
  --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/* "$1"/var/cache/ldconfig/aux-cache "$1"/var/cache/debconf/*-old "$1"/var/lib/dpkg/*-old')

CACHE_DIR=${REFINEVAD_CACHE:-$HOME/.cache/refinevad}/images
log() { echo "[build-base] $*" >&2; }

# The exact packages and versions mmdebstrap would install today (apt's simulation: a few seconds, no download of
# packages), plus this script: the cache key.
package_versions() {
  mmdebstrap --simulate --verbose "${MMDEBSTRAP_OPTIONS[@]}" "$SUITE" /dev/null "${MIRRORS[@]}" </dev/null 2>&1 \
    | sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1=\2/p' | sort -u
}

# A docker-archive (the format of `docker save`, which Jib reads as a tar:// base) of one layer, the rootfs tarball.
docker_archive() {
  local rootfs=$1 out=$2 tag=$3 work
  work=$(mktemp -d)
  local diff_id config_digest created
  diff_id=$(sha256sum "$rootfs" | cut -d' ' -f1)
  created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
  mkdir "$work/$diff_id"
  ln "$rootfs" "$work/$diff_id/layer.tar" 2>/dev/null || cp "$rootfs" "$work/$diff_id/layer.tar"
  local java_env=""
  [ "$VARIANT" = jre ] && java_env=',"JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64"'
  printf '{"architecture":"amd64","os":"linux","created":"%s","config":{"User":"%s:%s","WorkingDir":"/tmp","Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","LANG=C.UTF-8"%s]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"%s","created_by":"images/build-base.sh %s"}]}' \
    "$created" "$APP_UID" "$APP_UID" "$java_env" "$diff_id" "$created" "$VARIANT" > "$work/config.json"
  config_digest=$(sha256sum "$work/config.json" | cut -d' ' -f1)
  mv "$work/config.json" "$work/$config_digest.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$config_digest" "$tag" "$diff_id" \
    > "$work/manifest.json"
  # Named entries, not ".": Jib refuses an archive with a "./" entry (as a path outside its destination).
  tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner -C "$work" -cf "$out" \
    manifest.json "$config_digest.json" "$diff_id"
  rm -rf "$work"
}

start=$(date +%s)
mkdir -p "$CACHE_DIR"
versions=$(package_versions)
[ -n "$versions" ] || { log "FAILED: mmdebstrap's simulation listed no packages (is the Debian mirror reachable?)"; exit 1; }
key=$( { echo "$versions"; cat "$0" "$HERE/DeterministicTrustStore.java"; } | sha256sum | cut -c1-16)
name="$VARIANT-base-$key"
archive="$CACHE_DIR/$name.tar"
if [ -f "$archive" ]; then
  log "$VARIANT base: cached ($archive)"
else
  log "$VARIANT base: building with mmdebstrap ($(wc -l <<<"$versions") packages; about a minute)"
  partial=$(mktemp -d "$CACHE_DIR/.$name.XXXX")
  trap 'rm -rf "$partial"' EXIT
  mmdebstrap "${MMDEBSTRAP_OPTIONS[@]}" "$SUITE" "$partial/rootfs.tar" "${MIRRORS[@]}" </dev/null \
    >"$partial/mmdebstrap.log" 2>&1 || { tail -n 30 "$partial/mmdebstrap.log" >&2; log "FAILED: mmdebstrap"; exit 1; }
  echo "$versions" > "$CACHE_DIR/$name.packages"
  docker_archive "$partial/rootfs.tar" "$partial/image.tar" "localhost/refinevad/$VARIANT-base:$key"
  mv "$partial/image.tar" "$archive"
  log "$VARIANT base: built in $(( $(date +%s) - start )) s ($(du -m "$archive" | cut -f1) MB)"
fi
echo "$archive"
