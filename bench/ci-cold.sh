#!/usr/bin/env bash
# Times a cold CI run: `.ci/run` on a clean clone of HEAD with every cache of ours empty, as on a fresh machine.
#
#   bench/ci-cold.sh            (about 25-30 minutes on 2 cores; needs the network to the package registries)
#
# "Empty" means a fresh HOME for the run: no ~/.cache/refinevad (the Python environment, the Go-built tools), no
# ~/.m2 (Maven and its wrapper's download), no Go module or build cache. What it cannot empty is what is installed
# system-wide: the apt packages and the JDK that scripts/bootstrap.sh installs are found already installed, so
# bootstrap's apt step is shorter than on a new machine (docs/LOCAL-CLUSTER.md says by how much).
#
# Prints each line of the run with the seconds since the start, then the time of each stage. The clone and its
# HOME are left in the folder it names, for a look at the logs; remove it afterwards.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/refinevad-ci-cold.XXXXXX")
git clone -q "$repo" "$work/repo"
mkdir "$work/home"
# CI runs with shared/ beside the clone (the real-data tests read it from there).
[ -d "$repo/../shared" ] && ln -s "$(cd "$repo/../shared" && pwd)" "$work/shared"
echo "cold CI of $(git -C "$repo" rev-parse --short HEAD) in $work (log: $work/ci.log)"

start=$(date +%s)
set +e
(cd "$work/repo" && HOME="$work/home" CI=true bash .ci/run) 2>&1 | while IFS= read -r line; do
  printf '%5d s  %s\n' $(( $(date +%s) - start )) "$line"
done | tee "$work/ci.log"
status=${PIPESTATUS[0]}
set -e

echo
echo "stage                          starts at (s)"
grep -E '^ *[0-9]+ s  (== |\[build-tools\] (all tools ready|[a-z]+ v[0-9.]+: built)|\[INFO\] (Reactor Summary|BUILD))' \
  "$work/ci.log" | sed -E 's/^ *([0-9]+) s  (.*)$/\2\t\1/' | awk -F'\t' '{ printf "%-60s %6s\n", substr($1, 1, 60), $2 }'
echo "total: $(( $(date +%s) - start )) s, exit $status"
exit "$status"
