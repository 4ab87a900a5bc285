#!/usr/bin/env bash
# manyi statistics benchmark against R, pandas and a plain C loop (run by `make bench`).
#
#   bash bench/stats.sh BUILD_DIR
#
# Generates with BUILD_DIR/manyi-stats-gen 10M survey responses
# (id,region,nps,csat,score) and 1M rows of y,x1..x10, then runs each
# workload on the same file in the same run with four programs:
#   manyi    BUILD_DIR/manyi --json stats ... (one process per workload)
#   R        Rscript bench/stats_peer.R (data.table::fread if installed, base R)
#   pandas   $PYTHON bench/stats_peer.py (pandas.read_csv, pandas/numpy)
#   C loop   BUILD_DIR/manyi-stats-loop: parse into arrays, then one pass
# Workloads: NPS by region (stats nps --by), top-2-box CSAT (stats prop
# --success 4,5), mean/variance by region (stats anova: group means and sums
# of squares), OLS of y on 10 predictors (stats regress). Every number the C
# loop prints is checked against manyi, R and pandas (relative difference at
# most BENCH_TOL); any difference fails the run. Prints the end-to-end seconds
# of each command and the ratios, then load and compute measured inside each
# peer.
#
# Environment:
#   BENCH_SCALE=0.01   scale the row counts (default 1: 10M responses, 1M OLS rows)
#   BENCH_DIR=DIR      work directory (kept afterwards; generated CSVs are reused
#                      when counts and seed match); default a fresh /tmp/manyi-bench.*
#                      that is removed at the end
#   BENCH_SEED=42      generator seed
#   BENCH_KEEP=1       keep the default temporary directory
#   BENCH_REPEAT=1     run each command N times and keep the fastest
#   BENCH_TOL=1e-9     largest relative difference accepted between two results
#   RSCRIPT=Rscript    the R front end (a missing R is skipped, not a failure)
#   PYTHON=/usr/bin/python3  a Python with pandas and numpy (missing: skipped)
# OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and MKL_NUM_THREADS default to 1, so
# that every program computes on one core as manyi does.
#
# Exit status: 0 when manyi ran every workload and all results agree; 1 when a
# manyi command or a peer failed, or results differ; 2 on a usage or setup error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# shellcheck source=bench/common.sh
source "$here/common.sh"

usage() { sed -n '2,37p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
if [[ $# -eq 1 && ($1 == -h || $1 == --help) ]]; then usage; exit 0; fi
[[ $# -eq 1 ]] || { usage >&2; exit 2; }

build=$(cd "$1" 2>/dev/null && pwd) || die "build directory '$1' does not exist (run 'make' first)"
manyi=$build/manyi
sgen=$build/manyi-stats-gen
loop=$build/manyi-stats-loop
[[ -x $manyi ]] || die "no manyi binary in $build (expected $manyi; run 'make' first)"
[[ -x $sgen ]] || die "no manyi-stats-gen in $build (expected $sgen; run 'make' first)"
[[ -x $loop ]] || die "no manyi-stats-loop in $build (expected $loop; run 'make' first)"
seed=${BENCH_SEED:-42}
[[ $seed =~ ^[0-9]+$ ]] || die "BENCH_SEED must be a whole number, not '$seed'"
repeat=${BENCH_REPEAT:-1}
[[ $repeat =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPEAT must be a whole number >= 1, not '$repeat'"
tol=${BENCH_TOL:-1e-9}
[[ $tol =~ ^[0-9.]+(e-?[0-9]+)?$ ]] || die "BENCH_TOL must be a number like 1e-9, not '$tol'"
scale=${BENCH_SCALE:-1}
[[ $scale =~ ^([0-9]+([.][0-9]*)?|[.][0-9]+)$ ]] || die "BENCH_SCALE must be a positive number like 1 or 0.01, not '$scale'"
n_resp=$(awk -v s="$scale" 'BEGIN { printf "%d", 10000000 * s + 0.5 }')
n_ols=$(awk -v s="$scale" 'BEGIN { printf "%d", 1000000 * s + 0.5 }')
((n_resp >= 100 && n_ols >= 100)) || die "BENCH_SCALE=$scale is too small (at least 100 rows of each file)"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} \
    MKL_NUM_THREADS=${MKL_NUM_THREADS:-1}

# --- peers ------------------------------------------------------------------
rscript=${RSCRIPT:-Rscript}
python=${PYTHON:-/usr/bin/python3}
have_r=1 have_pd=1
if ! command -v "$rscript" >/dev/null; then
    have_r=0
    echo "bench: R: skipped ($rscript not found: apt-get install r-base-core, or set RSCRIPT=PATH)" >&2
elif ! "$rscript" -e 'invisible(0)' >/dev/null 2>&1; then
    have_r=0
    echo "bench: R: skipped ($rscript does not run)" >&2
fi
if ! "$python" -c 'import pandas, numpy' >/dev/null 2>&1; then
    have_pd=0
    echo "bench: pandas: skipped ($python cannot import pandas and numpy: apt-get install python3-pandas, or set PYTHON=PATH)" >&2
fi

# About 28 bytes a response and 71 an OLS row in CSV; the outputs are small.
bench_workdir $(((n_resp * 28 + n_ols * 71) * 12 / 10 / 1024 + 1024))

echo "manyi stats bench: $n_resp responses, $n_ols OLS rows x 10 predictors (BENCH_SCALE=$scale, seed $seed)"
echo "work dir: $work"

# --- data -----------------------------------------------------------------
data=$work/stats-r$n_resp-o$n_ols-s$seed
resp=$data/responses.csv
ols=$data/ols.csv
if [[ -f $resp && -f $ols ]]; then
    echo "data: reusing $data"
    echo "data: responses.csv $(mb "$resp"), ols.csv $(mb "$ols")"
else
    mkdir -p "$data"
    gen_s=$(run "$work/gen.log" "$sgen" --out "$data" --seed "$seed" --responses "$n_resp" --ols-rows "$n_ols")
    [[ $gen_s != failed ]] || die "manyi-stats-gen failed; see above"
    echo "data: responses.csv $(mb "$resp"), ols.csv $(mb "$ols"); generated in $gen_s s"
fi
# Read both files once so that no timed command pays for the disk.
cat "$resp" "$ols" >/dev/null

# --- workloads ------------------------------------------------------------
xs=x1,x2,x3,x4,x5,x6,x7,x8,x9,x10
works=(nps csat groupvar ols)
declare -A label manyi_args peer_args
label[nps]="NPS by region"
label[csat]="top-2-box CSAT"
label[groupvar]="mean/var by region"
label[ols]="OLS 1 + 10 predictors"
manyi_args[nps]="nps|$resp|--col|nps|--by|region"
manyi_args[csat]="prop|$resp|--col|csat|--success|4,5"
manyi_args[groupvar]="anova|$resp|--col|score|--group|region"
manyi_args[ols]="regress|$ols|--y|y|--x|$xs"
peer_args[nps]="nps|$resp|nps|region"
peer_args[csat]="prop|$resp|csat|4,5"
peer_args[groupvar]="groupvar|$resp|score|region"
peer_args[ols]="ols|$ols|y|$xs"

# timed OUT ERR CMD...: run CMD BENCH_REPEAT times with stdout to OUT and
# stderr to ERR (those of the fastest run are kept); print the fastest wall
# time in seconds, or "failed".
timed() {
    local out=$1 err=$2 best="" t0 t1 rc i s
    shift 2
    for ((i = 0; i < repeat; i++)); do
        rc=0
        t0=$(now)
        "$@" >"$out.run" 2>"$err.run" || rc=$?
        t1=$(now)
        if ((rc != 0)); then
            mv "$out.run" "$out"
            mv "$err.run" "$err"
            {
                echo "bench: failed (exit $rc): $*"
                tail -n 5 "$err" | sed 's/^/bench:   | /'
            } >&2
            echo failed
            return 0
        fi
        s=$(awk -v b="$t1" -v a="$t0" 'BEGIN { printf "%.3f", b - a }')
        if [[ -z $best ]] || awk -v s="$s" -v b="$best" 'BEGIN { exit !(s < b) }'; then
            best=$s
            mv "$out.run" "$out"
            mv "$err.run" "$err"
        fi
    done
    rm -f "$out.run" "$err.run"
    echo "$best"
}

# check NAME REF OUT MANYI: every key of REF (the C loop's output) must be in
# OUT with a value within the tolerance; for manyi (MANYI=1) the "extra." keys
# (figures manyi does not print) are left out. Prints a summary line; returns 1
# on a difference.
check() {
    awk -v name="$1" -v tol="$tol" -v manyi="$4" '
        function abs(x) { return x < 0 ? -x : x }
        /^#/ || /^time\./ { next }
        NR == FNR { got[$1] = $2; next }
        manyi && $1 ~ /^extra\./ { next }
        {
            n++
            if (!($1 in got)) { bad++; if (bad <= 10) printf "bench:   %s: %s missing (expected %s)\n", name, $1, $2 > "/dev/stderr"; next }
            a = $2; b = got[$1]
            if (a == "null" || b == "null") { ok = a == b; d = ok ? 0 : 1 }
            else { m = abs(a) > abs(b) ? abs(a) : abs(b); d = m > 0 ? abs(a - b) / m : 0; ok = d <= tol }
            if (d > worst) worst = d
            if (!ok) { bad++; if (bad <= 10) printf "bench:   %s: %s = %s, C loop %s (relative difference %.3g)\n", name, $1, b, a, d > "/dev/stderr" }
        }
        END { printf "%s: %d figures, %d different, largest relative difference %.2g\n", name, n, bad, worst; exit (bad > 0) }
    ' "$3" "$2"
}

# field FILE KEY: the value of KEY in a peer's output, or "-".
field() { awk -v k="$2" '$1 == k { v = $2 } END { print v == "" ? "-" : v }' "$1" 2>/dev/null || echo -; }

out=$work/out
mkdir -p "$out"
rc=0
declare -A t_manyi t_r t_pd t_loop
echo
for w in "${works[@]}"; do
    IFS='|' read -r -a margs <<<"${manyi_args[$w]}"
    IFS='|' read -r -a pargs <<<"${peer_args[$w]}"
    t_manyi[$w]=$(timed "$out/manyi-$w.json" "$out/manyi-$w.err" "$manyi" --json stats "${margs[@]}")
    t_r[$w]=skipped t_pd[$w]=skipped
    if ((have_r)); then t_r[$w]=$(timed "$out/r-$w.txt" "$out/r-$w.err" "$rscript" "$here/stats_peer.R" "${pargs[@]}"); fi
    if ((have_pd)); then t_pd[$w]=$(timed "$out/pandas-$w.txt" "$out/pandas-$w.err" "$python" "$here/stats_peer.py" "${pargs[@]}"); fi
    t_loop[$w]=$(timed "$out/loop-$w.txt" "$out/loop-$w.err" "$loop" "${pargs[@]}")
    [[ ${t_loop[$w]} != failed ]] || die "the C loop failed on $w; see above"

    ref=$out/loop-$w.txt
    if [[ ${t_manyi[$w]} == failed ]]; then
        echo "verify ${label[$w]}: manyi failed (exit status above)"
        rc=1
    else
        "$loop" flatten "$out/manyi-$w.json" >"$out/manyi-$w.txt" || die "cannot read manyi's JSON output $out/manyi-$w.json"
        check "verify ${label[$w]}: manyi" "$ref" "$out/manyi-$w.txt" 1 || rc=1
    fi
    for peer in r pandas; do
        if [[ $peer == r ]]; then t=${t_r[$w]} name=R; else t=${t_pd[$w]} name=pandas; fi
        [[ $t != skipped ]] || continue
        if [[ $t == failed ]]; then
            echo "verify ${label[$w]}: $name failed (see above)"
            rc=1
            continue
        fi
        check "verify ${label[$w]}: $name" "$ref" "$out/$peer-$w.txt" 0 || rc=1
    done
done

# --- report ---------------------------------------------------------------
echo
m_version=$("$manyi" --version 2>/dev/null | head -n 1) || m_version=
r_version="R skipped" pd_version="pandas skipped"
if ((have_r)); then r_version=$(grep -h '^# R' "$out"/r-*.txt 2>/dev/null | head -n 1 | sed 's/^# //') || true; fi
if ((have_pd)); then pd_version=$(grep -h '^# Python' "$out"/pandas-*.txt 2>/dev/null | head -n 1 | sed 's/^# //') || true; fi
echo "versions: ${m_version:-manyi (--version failed)}; ${r_version:-R ?}; ${pd_version:-pandas ?}"
echo "data: responses.csv $n_resp rows (nps 0-10, csat 1-5, score 0-100, about 2 % missing each; 5 regions), ols.csv $n_ols rows"
echo
{
    for w in "${works[@]}"; do
        printf '%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$w" "${label[$w]}" "${t_manyi[$w]}" "${t_r[$w]}" "${t_pd[$w]}" "${t_loop[$w]}" \
            "$(field "$out/loop-$w.txt" time.compute)" \
            "$(field "$out/r-$w.txt" time.load)|$(field "$out/r-$w.txt" time.compute)" \
            "$(field "$out/pandas-$w.txt" time.load)|$(field "$out/pandas-$w.txt" time.compute)|$(field "$out/loop-$w.txt" time.load)"
    done
} | awk -F'|' '
function num(x) { return x ~ /^[0-9.]+$/ }
function ratio(m, p) { return (num(m) && num(p) && p > 0) ? sprintf("%.1f", m / p) : "-" }
function sec(x) { return num(x) ? sprintf("%.3f", x) : x }
{
    w[NR] = $2; m[NR] = $3; r[NR] = $4; p[NR] = $5; c[NR] = $6; pass[NR] = $7
    rl[NR] = $8; rc_[NR] = $9; pl[NR] = $10; pc[NR] = $11; cl[NR] = $12
}
END {
    printf "%-22s %9s %9s %9s %9s %8s %9s %8s %10s\n", "workload (end to end)", "manyi s", "R s", "pandas s", "C loop s",
        "manyi/R", "manyi/pd", "manyi/C", "manyi/pass"
    for (i = 1; i <= NR; i++)
        printf "%-22s %9s %9s %9s %9s %8s %9s %8s %10s\n", w[i], sec(m[i]), sec(r[i]), sec(p[i]), sec(c[i]),
            ratio(m[i], r[i]), ratio(m[i], p[i]), ratio(m[i], c[i]), ratio(m[i], pass[i])
    printf "\n%-22s %9s %9s %9s %9s %9s %9s\n", "inside each peer", "R load", "R comp", "pd load", "pd comp", "C parse", "C pass"
    for (i = 1; i <= NR; i++)
        printf "%-22s %9s %9s %9s %9s %9s %9s\n", w[i], sec(rl[i]), sec(rc_[i]), sec(pl[i]), sec(pc[i]), sec(cl[i]), sprintf("%.4f", pass[i])
}'
echo
echo "end to end = wall time of the whole command (process start, reading the CSV, computing, printing);"
echo "ratios = manyi seconds / peer seconds (lower is better); manyi/pass = manyi over the C loop's pass"
echo "alone over the arrays in memory (the memory-bound limit). Load and compute are measured inside R,"
echo "pandas and the C loop (their sum is less than end to end by the start-up); manyi reports neither."
for w in "${works[@]}"; do
    line=$(grep -h '^# pass' "$out/loop-$w.txt") || continue
    echo "C loop, ${label[$w]}: ${line#\# }"
done

if ((rc != 0)); then
    echo "bench: FAILED: a command failed or the results differ (see above)" >&2
    if [[ -z ${BENCH_DIR:-} && ${BENCH_KEEP:-0} != 1 ]]; then
        echo "bench: rerun with BENCH_KEEP=1 or BENCH_DIR=DIR to keep the data and every program's output" >&2
    else
        echo "bench: the outputs are in $out" >&2
    fi
fi
exit "$rc"
