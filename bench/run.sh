#!/usr/bin/env bash
# manyi import benchmark against the sqlite3 shell (run by `make bench`).
#
#   bash bench/run.sh BUILD_DIR
#
# Generates 1M customers and 10M survey responses with BUILD_DIR/manyi-gen,
# then times, on the same files in the same run:
#   manyi:   manyi --config CONFIG --db DB init
#            manyi --config CONFIG --db DB import customers customers.csv
#            manyi --config CONFIG --db DB import responses responses.csv
#   sqlite3: bench/peer.sql (same columns, UNIQUE external_id, WAL,
#            synchronous=NORMAL), then .import --csv --skip 1 of each file.
#
# Environment:
#   BENCH_SCALE=0.01   scale the row counts (default 1: 1M customers, 10M responses)
#   BENCH_DIR=DIR      work directory (kept afterwards; generated CSVs are reused
#                      when counts and seed match); default a fresh /tmp/manyi-bench.*
#                      that is removed at the end
#   BENCH_SEED=42      generator seed
#   BENCH_CONFIG=FILE  manyi configuration (default examples/after-sales/manyi.yaml)
#   BENCH_KEEP=1       keep the default temporary directory
#   SQLITE3=PATH       the sqlite3 shell to compare with (default: sqlite3 on PATH)
#
# Exit status: 0 when both sides ran, 1 when a manyi step failed (the sqlite3
# side still runs and is reported), 2 on a usage or setup error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

# shellcheck source=bench/common.sh
source "$here/common.sh"

usage() { sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
if [[ $# -eq 1 && ($1 == -h || $1 == --help) ]]; then usage; exit 0; fi
[[ $# -eq 1 ]] || { usage >&2; exit 2; }
bench_setup "$1"
peer_sql=$here/peer.sql

scale=${BENCH_SCALE:-1}
[[ $scale =~ ^([0-9]+([.][0-9]*)?|[.][0-9]+)$ ]] || die "BENCH_SCALE must be a positive number like 1 or 0.01, not '$scale'"
n_customers=$(awk -v s="$scale" 'BEGIN { printf "%d", 1000000 * s + 0.5 }')
n_responses=$(awk -v s="$scale" 'BEGIN { printf "%d", 10000000 * s + 0.5 }')
((n_customers >= 1)) || die "BENCH_SCALE=$scale leaves no customers"

# The sqlite3 shell learnt `.import --csv --skip` in 3.32.
sqlite_version=$("$sqlite" -version | awk '{ print $1 }')
awk -v v="$sqlite_version" 'BEGIN { split(v, a, "."); exit !(a[1] > 3 || (a[1] == 3 && a[2] >= 32)) }' ||
    die "$sqlite is SQLite $sqlite_version; the benchmark needs 3.32 or newer (.import --csv --skip)"


# About 100 bytes a customer and 80 a response in CSV; measured at full scale:
# manyi's database 2.5 GB with a WAL as large while it imports, the peer's
# 1.2 GB: ask for 8x the CSV size.
bench_workdir $(((n_customers * 100 + n_responses * 80) * 8 / 1024))


echo "manyi bench: $n_customers customers, $n_responses responses (BENCH_SCALE=$scale, seed $seed)"
echo "work dir: $work"

# --- data -----------------------------------------------------------------
data=$work/data-c$n_customers-r$n_responses-s$seed
gen_s="reused"
if [[ -f $data/customers.csv && -f $data/responses.csv ]]; then
    echo "data: reusing $data"
else
    mkdir -p "$data"
    gen_s=$(run "$work/gen.log" "$gen" --out "$data" --seed "$seed" --customers "$n_customers" \
        --responses "$n_responses" --only customers,responses)
    [[ $gen_s != failed ]] || die "manyi-gen failed; see above"
fi
sizes="customers.csv $(mb "$data/customers.csv"), responses.csv $(mb "$data/responses.csv")"
if [[ $gen_s == reused ]]; then echo "data: $sizes"; else echo "data: $sizes; generated in $gen_s s"; fi

# --- manyi ----------------------------------------------------------------
mdb=$work/manyi.db
rm -f "$mdb" "$mdb-wal" "$mdb-shm"
manyi_ok=1
m_init=$(run "$work/manyi-init.log" "$manyi" --config "$config" --db "$mdb" init)
m_cust=skipped
m_resp=skipped
if [[ $m_init != failed ]]; then
    m_cust=$(run "$work/manyi-customers.log" "$manyi" --config "$config" --db "$mdb" import customers "$data/customers.csv")
    if [[ $m_cust != failed ]]; then
        m_resp=$(run "$work/manyi-responses.log" "$manyi" --config "$config" --db "$mdb" import responses "$data/responses.csv")
    fi
fi
[[ $m_init != failed && $m_cust != failed && $m_resp != failed ]] || {
    manyi_ok=0
    echo "bench: the manyi side did not complete (see the messages above); the sqlite3 side runs anyway" >&2
}

# --- sqlite3 peer ---------------------------------------------------------
pdb=$work/peer.db
rm -f "$pdb" "$pdb-wal" "$pdb-shm"
p_init=$(run "$work/peer-init.log" "$sqlite" -bail "$pdb" ".read \"$peer_sql\"")
[[ $p_init != failed ]] || die "sqlite3 could not create the peer schema (bench/peer.sql)"
p_cust=$(run "$work/peer-customers.log" "$sqlite" -bail "$pdb" "PRAGMA synchronous=NORMAL" \
    ".import --csv --skip 1 \"$data/customers.csv\" customers")
p_resp=$(run "$work/peer-responses.log" "$sqlite" -bail "$pdb" "PRAGMA synchronous=NORMAL" \
    ".import --csv --skip 1 \"$data/responses.csv\" responses")
[[ $p_cust != failed && $p_resp != failed ]] || die "the sqlite3 peer failed; see above"
# .import reports bad rows on stderr but carries on: require the full count.
p_rows=$("$sqlite" "$pdb" "SELECT (SELECT count(*) FROM customers) || ' ' || (SELECT count(*) FROM responses)")
[[ $p_rows == "$n_customers $n_responses" ]] ||
    die "the sqlite3 peer loaded '$p_rows' rows, expected '$n_customers $n_responses'; see $work/peer-*.log"

# --- report ---------------------------------------------------------------
sum() {
    local a
    for a; do [[ $a =~ ^[0-9.]+$ ]] || { echo -; return; }; done
    awk -v a="$1" -v b="$2" -v c="$3" 'BEGIN { printf "%.2f", a + b + c }'
}
m_total=$(sum "$m_init" "$m_cust" "$m_resp")
p_total=$(sum "$p_init" "$p_cust" "$p_resp")
dbsize() { awk -v a="$(stat -c %s "$1" 2>/dev/null || echo 0)" -v b="$(stat -c %s "$1-wal" 2>/dev/null || echo 0)" \
    'BEGIN { printf "%.0f MB (+%.0f MB WAL)", a / 1e6, b / 1e6 }'; }

echo
m_version=$("$manyi" --version 2>/dev/null | head -n 1) || m_version=
echo "versions: ${m_version:-manyi (--version failed)}; sqlite3 $sqlite_version"
awk -v rows_c="$n_customers" -v rows_r="$n_responses" \
    -v mi="$m_init" -v mc="$m_cust" -v mr="$m_resp" -v mt="$m_total" \
    -v pi="$p_init" -v pc="$p_cust" -v pr="$p_resp" -v pt="$p_total" '
function num(x) { return x ~ /^[0-9.]+$/ }
function ratio(m, p) { return (num(m) && num(p) && p > 0) ? sprintf("%.2f", m / p) : "-" }
function rate(n, s) { return (n > 0 && num(s) && s > 0) ? sprintf("%.0f", n / s) : "-" }
function row(step, n, m, p) {
    printf "%-18s %10s %10s %8s %14s %14s\n", step, m, p, ratio(m, p), rate(n, m), rate(n, p)
}
BEGIN {
    printf "%-18s %10s %10s %8s %14s %14s\n", "step", "manyi s", "sqlite3 s", "ratio", "manyi rows/s", "sqlite3 rows/s"
    row("init / schema", 0, mi, pi)
    row("import customers", rows_c, mc, pc)
    row("import responses", rows_r, mr, pr)
    row("total", rows_c + rows_r, mt, pt)
}'
echo
echo "databases: manyi $(dbsize "$mdb"), sqlite3 $(dbsize "$pdb")"
echo "ratio = manyi seconds / sqlite3 seconds (lower is better; 1.00 = as fast as the bare shell)"

if ((manyi_ok == 0)); then
    if [[ -n ${BENCH_DIR:-} || ${BENCH_KEEP:-0} == 1 ]]; then
        echo "bench: FAILED: manyi did not complete every step; logs are in $work" >&2
    else
        echo "bench: FAILED: manyi did not complete every step; rerun with BENCH_KEEP=1 to keep the logs" >&2
    fi
    exit 1
fi
