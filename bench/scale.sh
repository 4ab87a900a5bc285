#!/usr/bin/env bash
# manyi at scale (issue 14's T7): generate, import and score 100M responses.
#
#   bash bench/scale.sh BUILD_DIR
#
# Generates N responses of N/10 customers with manyi-gen (no survey design:
# every response weighs 1), then, on a fresh database:
#   manyi init; manyi import customers customers.csv
#   manyi import responses, in parts of BENCH_PART rows read from a pipe
#       (the header, then the next BENCH_PART lines of responses.csv): each
#       part is one transaction, as a company loading a day or a month at a
#       time; one import of all N would hold a write-ahead log as large as
#       the database until it commits
#   manyi survey score csat, and survey score csat --by tier
# then checks the score's counts against awk's count over the CSV (the CSAT
# top-2-box and NPS classes; every response weighs 1) and times awk as a
# floor for one pass over the data.
# and prints the wall time and peak RSS (/usr/bin/time -v) of each step: for
# the import the sum of the parts' times and the largest part's RSS. The
# score's peak RSS must not grow with N (issue 14's T4 bound, 64 MB). There is
# no peer at this size: survey.sh compares the same commands with the sqlite3
# shell and R at 10M; this benchmark shows they still run, and in linear time,
# at ten times that.
#
# Environment:
#   BENCH_RESPONSES=100M  N (k and M suffixes)
#   BENCH_PART=10M        rows per import transaction
#   BENCH_DIR=DIR         work directory (kept; the CSVs are reused when the
#                         counts and seed match, the database is always new);
#                         default a fresh /tmp/manyi-bench.* removed at the end
#   BENCH_SEED=42         generator seed
#   BENCH_CONFIG=FILE     manyi configuration (default examples/after-sales/manyi.yaml)
#
# Needs about 130 bytes of CSV and 450 of database a response (100M: 13 GB and
# 45 GB) plus a write-ahead log of up to a part's size.
#
# Exit status: 0 when every step ran, 1 when one failed, 2 on a usage or setup error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

# shellcheck source=bench/common.sh
source "$here/common.sh"

usage() { sed -n '2,37p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
if [[ $# -eq 1 && ($1 == -h || $1 == --help) ]]; then usage; exit 0; fi
[[ $# -eq 1 ]] || { usage >&2; exit 2; }
bench_setup "$1"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is not installed (apt-get install time); it measures the peak RSS"

n_resp=$(bench_count BENCH_RESPONSES "${BENCH_RESPONSES:-100M}")
part=$(bench_count BENCH_PART "${BENCH_PART:-10M}")
((n_resp >= 1000)) || die "BENCH_RESPONSES=$n_resp is too small (at least 1000)"
((part >= 1000)) || die "BENCH_PART=$part is too small (at least 1000)"
n_cust=$((n_resp / 10))
need_kb=$(((n_resp * 450 + part * 450) / 1024 + 1024))
data_name=scale-c$n_cust-r$n_resp-s$seed
[[ -n ${BENCH_DIR:-} && -f $BENCH_DIR/$data_name/responses.csv ]] || need_kb=$((need_kb + n_resp * 130 / 1024))
bench_workdir "$need_kb"

echo "manyi scale bench: $n_resp responses of $n_cust customers, imported $part at a time (seed $seed)"
echo "work dir: $work"

out=$work/out
mkdir -p "$out"
rc=0
declare -A secs rss
# timed NAME CMD...: CMD under /usr/bin/time -v, output to out/NAME.*; adds
# its wall seconds to secs[NAME] and keeps the largest peak RSS in rss[NAME] (MB).
timed() {
    local name=$1 t0 t1 st=0 r
    shift
    t0=$(now)
    /usr/bin/time -v -o "$out/$name.time" "$@" >>"$out/$name.out" 2>>"$out/$name.err" || st=$?
    t1=$(now)
    if ((st != 0)); then
        echo "bench: failed (exit $st): $*" >&2
        tail -n 5 "$out/$name.err" | sed 's/^/bench:   | /' >&2
        secs[$name]=failed
        rc=1
        return 1
    fi
    [[ ${secs[$name]:-0} == failed ]] ||
        secs[$name]=$(awk -v a="${secs[$name]:-0}" -v b="$(elapsed "$t0" "$t1")" 'BEGIN { printf "%.2f", a + b }')
    r=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$out/$name.time")
    ((r > ${rss[$name]:-0})) && rss[$name]=$r
    return 0
}

data=$work/$data_name
if [[ -f $data/customers.csv && -f $data/responses.csv ]]; then
    echo "data: reusing $data"
    secs[gen]=reused
else
    mkdir -p "$data"
    timed gen "$gen" --out "$data" --seed "$seed" --customers "$n_cust" --responses "$n_resp" \
        --only customers,responses || die "manyi-gen failed; see above"
fi
echo "data: customers.csv $(mb "$data/customers.csv"), responses.csv $(mb "$data/responses.csv")"

db=$work/scale.db
rm -f "$db" "$db"-*
m=("$manyi" --config "$config" --db "$db")
timed init "${m[@]}" init || die "manyi init failed"
timed customers "${m[@]}" import customers "$data/customers.csv" || die "manyi import customers failed"

# the responses, part by part: split feeds each part (the header, then the
# next $part lines) to a manyi import of its own through a pipe
importer=$work/import-part.sh
{
    echo 'set -o pipefail'
    printf '{ printf "%%s\\n" %q; cat; } | /usr/bin/time -v -o %q/responses-"${FILE##*/}".time' "$(head -n 1 "$data/responses.csv")" "$out"
    printf ' %q' "${m[@]}" import responses /dev/stdin --format csv
    printf ' >>%q/responses.out 2>>%q/responses.err || exit 1\n' "$out" "$out"
    echo 'echo "bench: ${FILE##*/} imported" >&2'
} >"$importer"
parts=$(((n_resp + part - 1) / part))
t0=$(now)
if tail -n +2 "$data/responses.csv" | split -l "$part" --filter="bash $importer" - "$out/part-"; then
    secs[responses]=$(elapsed "$t0" "$(now)")
    rss[responses]=$(cat "$out"/responses-*.time | awk -F': ' '/Maximum resident set size/ { r = $2 > r ? $2 : r } END { printf "%.0f", r / 1024 }')
else
    echo "bench: importing the responses failed; see $out/responses.err" >&2
    tail -n 5 "$out/responses.err" | sed 's/^/bench:   | /' >&2
    secs[responses]=failed
    rc=1
fi
stored=$("$sqlite" "$db" "SELECT count(*) FROM responses")
[[ $stored == "$n_resp" ]] || { echo "bench: the database holds $stored responses, expected $n_resp" >&2; rc=1; }

cat "$db" >/dev/null 2>&1 || true # once through the page cache where it fits
score=("${m[@]}" --json survey score csat)
timed score "${score[@]}" || true
timed score_tier "${score[@]}" --by tier || true
scored=$(jq -r '.responses' "$out/score.out" 2>/dev/null || echo -)
[[ $scored == "$n_resp" ]] || { echo "bench: the score counts $scored responses, expected $n_resp" >&2; rc=1; }

# The score's counts against awk over the CSV (every response weighs 1, so
# CSAT's n and top-2-box count and NPS's n, promoters and detractors are
# counts). The generator quotes only the comment, the last column, so a
# split on commas finds the scale answers.
t0=$(now)
expected=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; o = c["q_overall"]; p = c["q_nps"]; next }
    $o != "" { n++; if ($o >= 4) x++ }
    $p != "" { m++; if ($p >= 9) pr++; else if ($p <= 6) de++ }
    END { printf "%d %d %d %d %d", n, x, m, pr, de }' "$data/responses.csv")
secs[check]=$(elapsed "$t0" "$(now)")
got=$(jq -r '"\(.csat.n) \(.csat.x) \(.nps.n) \(.nps.n_promoters) \(.nps.n_detractors)"' "$out/score.out" 2>/dev/null || echo -)
if [[ $got == "$expected" ]]; then
    echo "check: CSAT n, top-2-box, NPS n, promoters, detractors equal awk's count of the CSV ($got)"
else
    echo "bench: the score's counts ($got) differ from awk's count of the CSV ($expected)" >&2
    rc=1
fi

echo
echo "versions: $("$manyi" --version 2>/dev/null | head -n 1); database $(mb "$db")"
printf '%-44s %12s %10s %10s %12s\n' step rows "wall s" "RSS MB" "rows/s"
line() { # LABEL ROWS KEY
    local s=${secs[$3]:-skipped}
    printf '%-44s %12s %10s %10s %12s\n' "$1" "$2" "$s" "${rss[$3]:--}" \
        "$(awk -v n="$2" -v s="$s" 'BEGIN { print (s + 0 > 0) ? sprintf("%.0f", n / s) : "-" }')"
}
line "manyi-gen (customers and responses)" "$n_resp" gen
line "manyi import customers" "$n_cust" customers
line "manyi import responses ($parts parts)" "$n_resp" responses
line "manyi survey score csat" "$n_resp" score
line "manyi survey score csat --by tier" "$n_resp" score_tier
line "awk: the same counts over the CSV" "$n_resp" check
exit $rc
