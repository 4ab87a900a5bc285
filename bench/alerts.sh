#!/usr/bin/env bash
# The cost of the alert hook (issue 18: with the alert hook on 1M responses,
# the cost must be <= 1.2x the same step without it). Not run by `make bench`.
#
#   bash bench/alerts.sh BUILD_DIR
#
# The step is the intake of a day's survey responses: `manyi import responses`
# then `manyi survey code csat` (the coding policy over the open answers),
# after which the responses are scored. With the alert hook, `manyi eval
# alerts` runs after it: the alert policy (policies/alert.lua with the
# example's params) over every response, opening the follow-ups it decides.
# Generates N responses (and N/10 customers) with manyi-gen, then, on one
# database in the same run:
#   A  import responses + survey code              (the step without the hook)
#   B  eval alerts                                 (what the hook adds)
#   C  eval alerts --dry-run with a policy returning nil (the batch's reading
#      and the policy bridge without the policy's own work or any write)
# and prints B / A + 1 (the target: <= 1.2) with the rate and microseconds a
# response of each part, and the follow-ups opened (checked against an awk
# count of overall answers 1-2 in the CSV, the generator's comments being
# coded to no complaint category).
#
# Environment:
#   BENCH_RESPONSES=1000000  N (k and M suffixes)
#   BENCH_DIR=DIR      work directory (kept; the CSVs are reused when N and seed match)
#   BENCH_SEED=42      generator seed
#   BENCH_JOBS=1       --jobs of eval alerts
#   BENCH_KEEP=1       keep the default temporary directory
#
# Exit status: 0 when everything ran and the follow-ups are as counted; 1
# when a step failed or the count differs; 2 on a usage or setup error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=bench/common.sh
source "$here/common.sh"

usage() { sed -n '2,32p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
if [[ $# -eq 1 && ($1 == -h || $1 == --help) ]]; then usage; exit 0; fi
[[ $# -eq 1 ]] || { usage >&2; exit 2; }
bench_setup "$1"

n=$(bench_count BENCH_RESPONSES "${BENCH_RESPONSES:-1000000}")
((n >= 1000)) || die "BENCH_RESPONSES must be at least 1000"
nc=$((n / 10))
jobs=${BENCH_JOBS:-1}
bench_workdir $((n * 2))
echo "alerts bench: $n responses of $nc customers (seed $seed, --jobs $jobs); work dir: $work"

data=$work/alerts-c$nc-r$n-s$seed
if [[ ! -f $data/responses.csv ]]; then
    mkdir -p "$data"
    g=$(run "$work/gen.log" "$gen" --out "$data" --seed "$seed" --customers "$nc" --responses "$n" \
        --only customers,responses)
    [[ $g != failed ]] || die "manyi-gen failed"
fi
want=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "q_overall") c = i; next }
                $c == "1" || $c == "2" { k++ } END { print k + 0 }' "$data/responses.csv")

db=$work/alerts.db
rm -f "$db" "$db-wal" "$db-shm"
m() { "$manyi" --config "$config" --db "$db" "$@"; }
export MANYI_NOW=2026-11-02T09:00:00+08:00
[[ $(run "$work/init.log" m init) != failed ]] || die "manyi init failed"
[[ $(run "$work/cust.log" m import customers "$data/customers.csv") != failed ]] || die "import customers failed"
printf 'return { alert = function() return nil end }\n' >"$work/nil.lua"

t_imp=$(run "$work/import.log" m import responses "$data/responses.csv")
t_code=$(run "$work/code.log" m survey code csat)
# eval alerts exits 3 when the policy failed on some responses: on a loaded
# machine a call can overrun its wall-time budget (limits.policy_time). That
# is counted and reported, not a failed run.
alerts() { m "$@" || [[ $? == 3 ]]; }
t_nil=$(run "$work/nil.log" alerts eval alerts --dry-run --policy "$work/nil.lua" --jobs "$jobs")
t_alert=$(run "$work/alerts.log" alerts --json eval alerts --jobs "$jobs")
for t in "$t_imp" "$t_code" "$t_nil" "$t_alert"; do [[ $t != failed ]] || exit 1; done
opened=$(sed -n 's/.*"opened": \([0-9]*\).*/\1/p' "$work/alerts.log" | head -1)
failed=$(sed -n 's/^  "failed": \([0-9]*\).*/\1/p' "$work/alerts.log" | head -1)

awk -v n="$n" -v imp="$t_imp" -v code="$t_code" -v nil="$t_nil" -v al="$t_alert" '
  function row(name, s) { printf "%-44s %8.2f %12.0f %10.2f\n", name, s, n / s, 1e6 * s / n }
  BEGIN {
    printf "%-44s %8s %12s %10s\n", "step", "s", "responses/s", "us/resp"
    row("A1 import responses", imp)
    row("A2 survey code csat", code)
    row("A  the step without the hook (A1 + A2)", imp + code)
    row("B  eval alerts (policies/alert.lua)", al)
    row("C  eval alerts --dry-run, a nil policy", nil)
    printf "\nwith the hook / without = (A + B) / A = %.3f (target <= 1.2)\n", (imp + code + al) / (imp + code)
    printf "against the import alone: (A1 + B) / A1 = %.3f\n", (imp + al) / imp
  }'
echo "follow-ups opened: $opened (awk over the CSV: $want overall answers of 1-2); the policy failed on ${failed:-0} (time budget on a loaded machine)"
# each failure is a response whose follow-up was not opened (a rerun --rescan opens it)
[[ $((opened + ${failed:-0})) -ge $want && $opened -le $want ]] ||
    { echo "bench: the follow-ups differ from the count" >&2; exit 1; }
