#!/usr/bin/env bash
# End-to-end: `manyi policy test` on the example. The shipped cases of every
# default policy pass; a broken case makes it exit 1 and name the case; usage
# errors exit 2. Usage: policy_test.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

bad() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
# expect STATUS CMD...: run, keep stdout/stderr in $tmp/out, $tmp/err, check the exit status.
expect() {
  local want=$1; shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then bad "exit $got (want $want): $*"; cat "$tmp/out" "$tmp/err" >&2; fi
}
contains() { grep -qF -- "$2" "$1" || { bad "$1 lacks '$2'"; cat "$1" >&2; }; }
lacks() { ! grep -qF -- "$2" "$1" || { bad "$1 has '$2'"; cat "$1" >&2; }; }
m() { "$manyi" --config "$src/examples/after-sales/manyi.yaml" "$@"; }

# --- help
expect 0 m policy --help;            contains "$tmp/out" "test [PATH]"
expect 0 m policy test --help;       contains "$tmp/out" "Usage: manyi [--config FILE] [--quiet] policy test [PATH]"
expect 2 m policy;                   contains "$tmp/err" "Usage: manyi [--config FILE] policy SUBCOMMAND"
expect 2 m policy frob;              contains "$tmp/err" "unknown subcommand 'frob'"
expect 2 m policy test --frob;       contains "$tmp/err" "unknown option '--frob'"
expect 2 m policy test a b;          contains "$tmp/err" "give one PATH"

# --- the shipped cases pass (default PATH: policies/tests beside the policy files)
expect 0 m policy test
lacks "$tmp/out" "FAIL"
for f in tiers routing escalation evaluation care; do contains "$tmp/out" "tests/$f.yaml: "; done
summary=$(tail -n 1 "$tmp/out")
[[ $summary =~ ^([0-9]+)\ passed,\ 0\ failed$ ]] && [ "${BASH_REMATCH[1]}" -ge 40 ] ||
  bad "summary: $summary"
expect 0 m policy test "$src/policies/tests/routing.yaml"
contains "$tmp/out" "12 passed, 0 failed"
expect 0 m --quiet policy test "$src/policies/tests"
lacks "$tmp/out" "ok "

# --- a broken case fails the run and is named, with what was expected and got
cp "$src/policies/tests/tiers.yaml" "$tmp/tiers.yaml"
cat >>"$tmp/tiers.yaml" <<'YAML'

- name: a deliberately wrong expectation
  hook: tier
  customer: {orders_total: 40, orders_12m: 30, spend_12m: 150000, refunded_orders: 0, cancelled_orders: 0}
  expect: {tier: C}
YAML
expect 1 m policy test "$tmp/tiers.yaml"
contains "$tmp/out" "FAIL  $tmp/tiers.yaml:"
contains "$tmp/out" "a deliberately wrong expectation: expected tier 'C', got 'A'"
contains "$tmp/out" "12 passed, 1 failed"

# --- a care item's service flag is compared too: the special-needs call is one
sed 's/template: special_needs_call, service: true}/template: special_needs_call, service: false}/' \
  "$src/policies/tests/care.yaml" >"$tmp/care.yaml"
[ "$(grep -c 'service: false' "$tmp/care.yaml")" = 1 ] || bad "care.yaml: service not replaced"
expect 1 m policy test "$tmp/care.yaml"
contains "$tmp/out" "expected item 1 service false, got true; decision: [{special_needs, phone, special_needs_call, service}]"
sed -i 's/service: false}/service: maybe}/' "$tmp/care.yaml"
expect 1 m policy test "$tmp/care.yaml"; contains "$tmp/out" "expect.items[1].service must be true or false"

# --- a candidate policy (file:) that breaks a rule is caught by the same cases
sed 's/if share > p.max_bad_share/if share >= p.max_bad_share/' "$src/policies/tiers.lua" >"$tmp/candidate.lua"
sed 's/^  hook: tier$/  hook: tier\n  file: candidate.lua/' "$src/policies/tests/tiers.yaml" >"$tmp/candidate.yaml"
expect 1 m policy test "$tmp/candidate.yaml"
contains "$tmp/out" "exactly 20 % refunded keeps the tier: expected tier 'A', got 'B'"
contains "$tmp/out" "11 passed, 1 failed"

# --- broken test files are reported with a position
printf -- '- name: typo\n  hook: tier\n  custmer: {}\n  expect: {tier: A}\n' >"$tmp/typo.yaml"
expect 1 m policy test "$tmp/typo.yaml"
contains "$tmp/out" "typo.yaml:3:12: unknown key 'custmer' (did you mean 'customer'?)"
printf -- 'a: [\n' >"$tmp/bad.yaml"
expect 1 m policy test "$tmp/bad.yaml";  contains "$tmp/out" "invalid YAML"
expect 1 m policy test "$tmp/none.yaml"; contains "$tmp/err" "no such file or folder"
mkdir "$tmp/empty"
expect 1 m policy test "$tmp/empty";     contains "$tmp/err" "no test files"

[ "$failures" -eq 0 ] && echo "policy_test: all checks passed"
[ "$failures" -eq 0 ]
