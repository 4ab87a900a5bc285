# Helpers for kill -9 loops; sourced after assert.sh (needs $tmp).
# Seed $RANDOM from CRASH_SEED (or a fresh value) and print it, so a failing
# run can be repeated with the same kill points.
seed_random() {
  seed=${CRASH_SEED:-$RANDOM}
  RANDOM=$seed
  echo "random seed $seed (CRASH_SEED=$seed repeats these kill points)"
}
# now_ms: milliseconds on a clock that only moves forward.
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# kill_after MS CMD...: runs CMD in the background and kills it with SIGKILL
# after MS milliseconds unless it has finished. Sets $status to its exit
# status (137 when killed). CMD must be the program itself, not a shell
# function, so that the signal hits it and not a subshell.
kill_after() {
  local ms=$1; shift
  "$@" >"$tmp/killed.out" 2>"$tmp/killed.err" &
  local pid=$!
  sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  status=$?
}
# random_ms MAX: a random whole number of milliseconds in [0, MAX).
random_ms() { echo $(((RANDOM * 32768 + RANDOM) % ($1 > 0 ? $1 : 1))); }
