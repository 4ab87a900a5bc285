#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a
# bounded time from its seed corpus and regressions; fails on any crash,
# leak, sanitizer report or broken assertion. A crashing input is left in
# $BUILD/crashes/<target>/: copy it to tests/fuzz/regressions/<target>/
# once the bug is fixed.
#   FUZZ_SECONDS  seconds per target (default 45)
#   FUZZ_BUILD    build directory (default build-fuzz in the source tree)
#   FUZZ_TARGETS  targets to run (default: all)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${FUZZ_SECONDS:-45}
build=${FUZZ_BUILD:-$src/build-fuzz}
targets=${FUZZ_TARGETS:-config records import time cron policy form}
command -v clang >/dev/null || { echo "fuzz: clang is needed (apt-get install clang)" >&2; exit 1; }

CC=clang cmake -S "$src" -B "$build" -DMANYI_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
# shellcheck disable=SC2086 # one target name per word
cmake --build "$build" -j2 --target $(printf 'fuzz_%s ' $targets) >"$build/build.log" 2>&1 ||
  { tail -40 "$build/build.log" >&2; exit 1; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=0
for t in $targets; do
  work=$build/corpus/$t   # what the run learns; the committed seeds stay as they are
  crashes=$build/crashes/$t
  mkdir -p "$work" "$crashes"
  regressions=$src/tests/fuzz/regressions/$t
  dirs=("$work" "$src/tests/fuzz/corpus/$t")
  [ -d "$regressions" ] && dirs+=("$regressions")
  log=$build/fuzz_$t.log
  if "$build/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -max_len=16384 -print_final_stats=1 -artifact_prefix="$crashes/" "${dirs[@]}" >"$log" 2>&1; then
    echo "fuzz_$t: $(grep -o 'number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$') runs in ${seconds}s, no crash"
  else
    failed=1
    echo "fuzz_$t: CRASH (log $log, input in $crashes/)" >&2
    grep -E -A30 '^==[0-9]+==ERROR|runtime error|Assertion|deadly signal' "$log" | head -60 >&2
  fi
done
exit "$failed"
