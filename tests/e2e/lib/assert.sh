# The checks the end-to-end scripts share. Sourced after $tmp is set; each
# script ends with: echo "NAME: $passes passed, $failures failed"; [ "$failures" -eq 0 ]
failures=0
passes=0

ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
# expect STATUS CMD...: run with stdin from $tmp/in if it exists (else
# nothing), keep stdout/stderr in $tmp/out and $tmp/err, check the status.
expect() {
  local want=$1; shift
  if [ -f "$tmp/in" ]; then "$@" <"$tmp/in" >"$tmp/out" 2>"$tmp/err"; else "$@" </dev/null >"$tmp/out" 2>"$tmp/err"; fi
  local got=$?
  rm -f "$tmp/in"
  if [ "$got" -eq "$want" ]; then ok; else bad "exit $got (want $want): $*"; cat "$tmp/err" >&2; fi
}
contains() { if grep -qF -- "$2" "$1"; then ok; else bad "$1 lacks '$2'"; cat "$1" >&2; fi; }
lacks() { if grep -qF -- "$2" "$1"; then bad "$1 has '$2'"; cat "$1" >&2; else ok; fi; }
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', want '$2'"; fi; }
