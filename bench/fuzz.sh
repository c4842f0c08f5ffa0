#!/usr/bin/env bash
# A longer run of the server's fuzz test (FuzzTest): byte-mutated requests of every RPC on the scoring and admin
# ports, against a real server; it fails on any UNKNOWN or INTERNAL status, a hang, a non-finite answer, a WARNING or
# stack trace in the log, a leaked stream slot, or heap growth beyond 256 MiB. Progress every tenth of the cases,
# status codes per RPC at the end; the exit status is the test's. CI runs 2000 cases of seed 20261201.
#   bench/fuzz.sh [seed] [cases]        (default: a seed from the clock, 50000 cases)
# Maven options (an offline repository, ...) go in MAVEN_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."
seed=${1:-$(date +%s)}
cases=${2:-50000}
echo "[fuzz] seed $seed, $cases cases (rerun: bench/fuzz.sh $seed $cases)"
./mvnw -B -ntp -pl inference-server -am test -Dtest=FuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Drefinevad.fuzz.seed="$seed" -Drefinevad.fuzz.cases="$cases" 2>&1 \
  | grep --line-buffered -E '^\[fuzz\]|Tests run:|FAILURE|ended|BUILD'
