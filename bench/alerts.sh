#!/usr/bin/env bash
# The cost of the alert hook (issue 18: with the alert hook on 1M responses,
# the cost must be <= 1.2x the same step without it). Not run by `make bench`.
#
#   bash bench/alerts.sh BUILD_DIR
#
# The step is the intake of a day's survey responses: `manyi import
# responses` then `manyi survey code csat` (the coding policy over the open
# answers). With the alert hook (the default when policies.alert is
# configured) the import asks policies/alert.lua about each new response on
# a thread of its own and opens the follow-ups it decides with the rows, and
# survey code asks again about the responses whose comments it coded. Without
# it (--no-alerts on both) nothing is asked. Generates N responses (and N/10
# customers) with manyi-gen, then, each on a fresh database in the same run:
#   A  import responses --no-alerts + survey code --no-alerts  (without the hook)
#   H  import responses + survey code                          (with the hook)
#   B  eval alerts on A's database (the hook as a batch afterwards instead)
#   C  eval alerts --dry-run with a policy returning nil, before B (the
#      batch's reading and the policy bridge alone)
# and prints H / A (the target: <= 1.2) and (A + B) / A, with the rate and
# microseconds a response of each part, and the follow-ups opened by each
# way (checked against an awk count of overall answers 1-2 in the CSV, the
# generator's comments being coded to no complaint category).
#
# Environment:
#   BENCH_RESPONSES=1000000  N (k and M suffixes)
#   BENCH_DIR=DIR      work directory (kept; the CSVs are reused when N and seed match)
#   BENCH_SEED=42      generator seed
#   BENCH_JOBS=1       --jobs of eval alerts
#   BENCH_ROUNDS=3     rounds of A and H in turn (medians reported)
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

export MANYI_NOW=2026-11-02T09:00:00+08:00
# a database with the customers, copied for each way
base=$work/customers.db
rm -f "$base" "$base-wal" "$base-shm"
mb() { "$manyi" --config "$config" --db "$base" "$@"; }
[[ $(run "$work/init.log" mb init) != failed ]] || die "manyi init failed"
[[ $(run "$work/cust.log" mb import customers "$data/customers.csv") != failed ]] || die "import customers failed"
fresh() { rm -f "$1" "$1-wal" "$1-shm"; cp "$base" "$1"; }
printf 'return { alert = function() return nil end }\n' >"$work/nil.lua"

# The two ways in turn, BENCH_ROUNDS times (this virtual machine's speed
# drifts by a third from minute to minute); each step's median is reported.
rounds=${BENCH_ROUNDS:-3}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a whole number of at least 1"
db=$work/without.db hdb=$work/with.db
m() { "$manyi" --config "$config" --db "$db" "$@"; }
mh() { "$manyi" --config "$config" --db "$hdb" "$@"; }
ti=() tc=() thi=() thc=()
for ((r = 1; r <= rounds; r++)); do
    fresh "$db"
    ti+=("$(run "$work/import.log" m import responses "$data/responses.csv" --no-alerts)")
    tc+=("$(run "$work/code.log" m survey code csat --no-alerts)")
    fresh "$hdb"
    thi+=("$(run "$work/himport.log" mh import responses "$data/responses.csv")")
    thc+=("$(run "$work/hcode.log" mh survey code csat)")
    for t in "${ti[-1]}" "${tc[-1]}" "${thi[-1]}" "${thc[-1]}"; do [[ $t != failed ]] || exit 1; done
    echo "round $r: A ${ti[-1]} + ${tc[-1]} s, H ${thi[-1]} + ${thc[-1]} s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
t_imp=$(median "${ti[@]}") t_code=$(median "${tc[@]}") t_himp=$(median "${thi[@]}") t_hcode=$(median "${thc[@]}")

# eval alerts exits 3 when the policy failed on some responses: on a loaded
# machine a call can overrun its wall-time budget (limits.policy_time). That
# is counted and reported, not a failed run.
alerts() { m "$@" || [[ $? == 3 ]]; }
t_nil=$(run "$work/nil.log" alerts eval alerts --dry-run --policy "$work/nil.lua" --jobs "$jobs")
t_alert=$(run "$work/alerts.log" alerts --json eval alerts --jobs "$jobs")
for t in "$t_nil" "$t_alert"; do [[ $t != failed ]] || exit 1; done
opened=$(sed -n 's/.*"opened": \([0-9]*\).*/\1/p' "$work/alerts.log" | head -1)
failed=$(sed -n 's/^  "failed": \([0-9]*\).*/\1/p' "$work/alerts.log" | head -1)
at_intake=$("$sqlite" "$hdb" "SELECT count(*) FROM response_followups")
hfailed=$(cat "$work/himport.log" "$work/hcode.log" | sed -n 's/.*alert policy .* failed on \([0-9]*\) responses.*/\1/p' |
    awk '{ n += $1 } END { print n + 0 }')

awk -v n="$n" -v imp="$t_imp" -v code="$t_code" -v himp="$t_himp" -v hcode="$t_hcode" \
    -v nil="$t_nil" -v al="$t_alert" '
  function row(name, s) { printf "%-48s %8.2f %12.0f %10.2f\n", name, s, n / s, 1e6 * s / n }
  BEGIN {
    printf "\n%-48s %8s %12s %10s\n", "step (A and H: the median of the rounds)", "s", "responses/s", "us/resp"
    row("A1 import responses --no-alerts", imp)
    row("A2 survey code csat --no-alerts", code)
    row("A  the intake without the hook (A1 + A2)", imp + code)
    row("H1 import responses (the hook asked)", himp)
    row("H2 survey code csat (asked again if coded)", hcode)
    row("H  the intake with the hook (H1 + H2)", himp + hcode)
    row("B  eval alerts afterwards instead", al)
    row("C  eval alerts --dry-run, a nil policy", nil)
    printf "\nwith the hook / without = H / A = %.3f (target <= 1.2)\n", (himp + hcode) / (imp + code)
    printf "as a batch afterwards: (A + B) / A = %.3f\n", (imp + code + al) / (imp + code)
  }'
echo "follow-ups opened at intake: $at_intake, by eval alerts: $opened (awk over the CSV: $want overall answers of 1-2); the policy failed on ${hfailed:-0} at intake and ${failed:-0} in eval alerts (time budget on a loaded machine)"
# each failure is a response whose follow-up was not opened (a rerun of eval alerts opens it)
for got in "$at_intake:$hfailed" "$opened:${failed:-0}"; do
    o=${got%%:*} f=${got##*:}
    [[ $((o + f)) -ge $want && $o -le $want ]] ||
        { echo "bench: the follow-ups differ from the count" >&2; exit 1; }
done
