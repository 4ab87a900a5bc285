#!/usr/bin/env bash
# The memory of `manyi import customers` at two sizes (DESIGN.md principle 4:
# memory must not grow with the rows).
#
#   bash bench/customers_rss.sh BUILD_DIR [SIZE1 SIZE2]
#
# For each size (default 1M and 2M customers; 100k, 10M also work) it
# generates the customers with BUILD_DIR/manyi-gen (seed 42), imports them
# into a fresh database in one transaction, and prints the wall-clock and
# CPU seconds and the peak RSS (/usr/bin/time -v), then the ratio of the two
# peaks (near 1.00 when memory is bounded). Run it under the timing lock:
#   flock /work/notes/timing.lock bash bench/customers_rss.sh build
#
# Environment:
#   BENCH_DIR=DIR      work directory (kept; generated CSVs are reused);
#                      default a fresh /tmp/manyi-bench.* removed at the end
#   BENCH_SEED=42      generator seed
#   BENCH_CONFIG=FILE  manyi configuration (default examples/after-sales/manyi.yaml)
#   BENCH_KEEP=1       keep the default temporary directory
#
# Exit status: 0 when both imports ran, 1 when one failed, 2 on a usage or setup error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

# shellcheck source=bench/common.sh
source "$here/common.sh"

usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
if [[ $# -ge 1 && ($1 == -h || $1 == --help) ]]; then usage; exit 0; fi
[[ $# -eq 1 || $# -eq 3 ]] || { usage >&2; exit 2; }
bench_setup "$1"
sizes=("$(bench_count SIZE1 "${2:-1M}")" "$(bench_count SIZE2 "${3:-2M}")")
for n in "${sizes[@]}"; do ((n >= 1)) || die "a size must be at least 1 customer"; done
[[ -x /usr/bin/time ]] || die "/usr/bin/time is not installed (apt-get install time)"
# About 100 bytes a customer in CSV and 300 in the database, WAL as large.
bench_workdir $(((sizes[0] + sizes[1]) * 800 / 1024))

echo "manyi import customers, peak RSS: ${sizes[0]} and ${sizes[1]} customers (seed $seed)"
echo "work dir: $work"
printf '%-12s %10s %10s %14s\n' customers "wall s" "CPU s" "peak RSS MB"
rss=()
status=0
for n in "${sizes[@]}"; do
    data=$work/customers-c$n-s$seed
    if [[ ! -f $data/customers.csv ]]; then
        mkdir -p "$data"
        "$gen" --out "$data" --seed "$seed" --customers "$n" --responses 1 --only customers >"$work/gen.log" 2>&1 ||
            die "manyi-gen failed; see $work/gen.log"
    fi
    db=$work/customers-$n.db
    rm -f "$db" "$db"-*
    "$manyi" --config "$config" --db "$db" init >"$work/init.log" 2>&1 || die "manyi init failed; see $work/init.log"
    if ! /usr/bin/time -v -o "$work/time-$n.txt" "$manyi" --config "$config" --db "$db" \
        import customers "$data/customers.csv" >"$work/import-$n.log" 2>&1; then
        echo "bench: the import of $n customers failed:" >&2
        tail -n 5 "$work/import-$n.log" | sed 's/^/bench:   | /' >&2
        status=1
        continue
    fi
    awk -v n="$n" -F': ' '
        /Elapsed \(wall clock\)/ { k = split($2, t, ":"); wall = 0; for (i = 1; i <= k; i++) wall = wall * 60 + t[i] }
        /User time/ { cpu += $2 } /System time/ { cpu += $2 }
        /Maximum resident set size/ { rss = $2 }
        END { printf "%-12s %10.1f %10.1f %14.0f\n", n, wall, cpu, rss / 1024 }' "$work/time-$n.txt"
    rss+=("$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time-$n.txt")")
    rm -f "$db" "$db"-*
done
if ((${#rss[@]} == 2)); then
    awk -v a="${rss[0]}" -v b="${rss[1]}" 'BEGIN { printf "peak RSS ratio (second / first): %.2f\n", b / a }'
fi
exit "$status"
