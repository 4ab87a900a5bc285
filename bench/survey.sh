#!/usr/bin/env bash
# manyi survey scoring benchmark against R's survey package (run by `make bench`).
#
#   bash bench/survey.sh BUILD_DIR
#
# Generates N responses to the csat survey of examples/after-sales (and N/10
# customers) with `manyi-gen --design stratified`: every response answers an
# invitation of its own that carries a stratum (the customer's tier) and a
# design weight. Loads them into a manyi database: manyi init and import
# customers, then the invitations with the sqlite3 shell (manyi has no
# invitation import), then the responses and their answers with INSERT ...
# SELECT in the sqlite3 shell (BENCH_LOAD=sql, the default: 1M responses in
# 107 s against 173 s with manyi import on the busy development machine; the
# import has its own benchmark, run.sh) or with manyi import responses
# (BENCH_LOAD=import). Then, in the same run:
#   manyi  survey score csat [--by tier] on all N rows (wall time and peak
#          RSS from /usr/bin/time -v), and survey score csat --to T on the
#          first n rows by submission time (n = BENCH_R_ROWS) and on n/4
#   R      Rscript bench/survey_peer.R on the same n and n/4 rows, exported
#          from the database with the sqlite3 shell: svydesign with strata
#          and weights, svymean, svycontrast (see that file); then, not
#          timed, once more on n under manyi's design (weights only)
# and checks that CSAT, NPS, their standard errors, the index and its six
# dimension scores agree between manyi and R on the n rows (relative
# difference at most BENCH_TOL). R is not run on N: the figure for N is an
# extrapolation, linear in the rows, and printed as one, with R's two sizes
# to judge the linearity.
#
# The report, on the same database in the same run:
#   manyi  report satisfaction --period P --format json and --format html
#          (P = BENCH_REPORT_PERIOD; the default 2026Q4 is the generated
#          data's last quarter, October only: its eight quarters from 2025Q1
#          are the fewest the seasonality accepts); compared with manyi's own
#          survey score csat on all N rows (the report's cost in full scores)
#   R      Rscript bench/report_peer.R on the rows of the report's
#          seasonality periods (every response in them, exported with the
#          sqlite3 shell): the report's section 5 only, the three headline
#          figures per period with svyby and decompose(); run when R runs on
#          all N rows (BENCH_R_ROWS >= N), else skipped (no extrapolation).
#          The report computes much more than this peer (breakdowns with
#          tests, drivers with 200 bootstrap resamples, categories, ...), so
#          report / peer overstates the report's cost for the same figures.
#          The seasonal figures, adjusted values and per-period values must
#          agree with R's (BENCH_TOL).
#
# Environment:
#   BENCH_RESPONSES=10000000  N (k and M suffixes: 100k, 10M)
#   BENCH_R_ROWS=1000000      n, the rows R computes on (at most N; k and M)
#   BENCH_DIR=DIR      work directory (kept afterwards; the CSVs and the loaded
#                      database are reused when counts, seed, config and schema
#                      match); default a fresh /tmp/manyi-bench.* removed at the end
#   BENCH_SEED=42      generator seed
#   BENCH_LOAD=sql     how the responses get into the database: sql or import
#   BENCH_KEEP=1       keep the default temporary directory
#   BENCH_TOL=1e-6     largest relative difference accepted between manyi and R
#   BENCH_REPORT_PERIOD=2026Q4  the report's period (a quarter or a month)
#   RSCRIPT=Rscript    the R front end (missing R or survey package: R is skipped)
#   SQLITE3=PATH       the sqlite3 shell (for loading invitations and the export)
#
# Exit status: 0 when manyi ran and (if R ran) the figures agree; 1 when a
# manyi command or R failed or the figures differ; 2 on a usage or setup error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

# shellcheck source=bench/common.sh
source "$here/common.sh"

usage() { sed -n '2,61p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
if [[ $# -eq 1 && ($1 == -h || $1 == --help) ]]; then usage; exit 0; fi
[[ $# -eq 1 ]] || { usage >&2; exit 2; }
bench_setup "$1"

n_resp=$(bench_count BENCH_RESPONSES "${BENCH_RESPONSES:-10000000}")
n_r=$(bench_count BENCH_R_ROWS "${BENCH_R_ROWS:-1000000}")
((n_resp >= 1000)) || die "BENCH_RESPONSES=$n_resp is too small (at least 1000)"
((n_r <= n_resp)) || n_r=$n_resp
((n_r >= 400)) || die "BENCH_R_ROWS=$n_r is too small (at least 400)"
n_r4=$((n_r / 4))
n_cust=$((n_resp / 10))
load=${BENCH_LOAD:-sql}
[[ $load == sql || $load == import ]] || die "BENCH_LOAD must be sql or import, not '$load'"
tol=${BENCH_TOL:-1e-6}
report_period=${BENCH_REPORT_PERIOD:-2026Q4}
[[ $report_period =~ ^[0-9]{4}(Q[1-4]|-(0[1-9]|1[0-2]))$ ]] ||
    die "BENCH_REPORT_PERIOD must be a quarter like 2026Q4 or a month like 2026-10, not '$report_period'"
[[ $tol =~ ^[0-9.]+(e-?[0-9]+)?$ ]] || die "BENCH_TOL must be a number like 1e-6, not '$tol'"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is not installed (apt-get install time); it measures the peak RSS"

rscript=${RSCRIPT:-Rscript}
have_r=1
if ! command -v "$rscript" >/dev/null; then
    have_r=0
    echo "bench: R: skipped ($rscript not found: apt-get install r-base-core r-cran-survey, or set RSCRIPT=PATH)" >&2
elif ! "$rscript" -e 'suppressPackageStartupMessages(library(survey))' >/dev/null 2>&1; then
    have_r=0
    echo "bench: R: skipped (R has no survey package: apt-get install r-cran-survey)" >&2
fi

# CSV: about 100 bytes a customer, 90 a response and 45 an invitation; the
# database about 300 bytes a response with a WAL as large while importing;
# the exports 40 bytes a row.
bench_workdir $(((n_cust * 100 + n_resp * (90 + 45 + 600) + n_r * 60) / 1024 + 1024))

echo "manyi survey bench: $n_resp responses of $n_cust customers, R on $n_r and $n_r4 (seed $seed)"
echo "work dir: $work"

# --- data -------------------------------------------------------------------
data=$work/survey-c$n_cust-r$n_resp-s$seed
if [[ -f $data/customers.csv && -f $data/responses.csv && -f $data/invitations.csv ]]; then
    echo "data: reusing $data"
else
    mkdir -p "$data"
    gen_s=$(run "$work/gen.log" "$gen" --out "$data" --seed "$seed" --customers "$n_cust" \
        --responses "$n_resp" --only customers,responses --design stratified)
    [[ $gen_s != failed ]] || die "manyi-gen failed; see above"
    echo "data: customers.csv $(mb "$data/customers.csv"), responses.csv $(mb "$data/responses.csv"),"\
        "invitations.csv $(mb "$data/invitations.csv"); generated in $gen_s s"
fi

# --- the database (reused when nothing it depends on changed) ----------------
db=$work/survey.db
stamp="$(cksum <"$config" | awk '{ print $1 }') $(cat "$root"/schemas/base.sql "$root"/schemas/migrations/*.sql | cksum | awk '{ print $1 }') $n_cust $n_resp $seed $load"
if [[ -f $db && -f $db.stamp && $(cat "$db.stamp") == "$stamp" ]]; then
    echo "database: reusing $db ($(mb "$db"))"
else
    rm -f "$db" "$db-wal" "$db-shm" "$db.stamp"
    m() { "$manyi" --config "$config" --db "$db" "$@"; }
    s_init=$(run "$work/init.log" m init)
    [[ $s_init != failed ]] || die "manyi init failed; see above"
    s_cust=$(run "$work/customers.log" m import customers "$data/customers.csv")
    [[ $s_cust != failed ]] || die "manyi import customers failed; see above"
    # a page cache as large as manyi's (256 MiB): the indexes by customer get random inserts
    s_inv=$(run "$work/invitations.log" "$sqlite" -bail "$db" "PRAGMA synchronous=NORMAL" "PRAGMA cache_size=-262144" \
        "CREATE TEMP TABLE inv_csv (external_id TEXT, survey TEXT, customer_id TEXT, channel TEXT, stratum TEXT, weight REAL, created_at INTEGER)" \
        ".import --csv --skip 1 \"$data/invitations.csv\" inv_csv" \
        "INSERT INTO invitations (external_id, survey_id, customer_id, channel, stratum, weight, status, created_at, sent_at)
           SELECT i.external_id, (SELECT max(id) FROM surveys WHERE code = i.survey), c.id, i.channel, i.stratum,
                  i.weight, 'sent', i.created_at, i.created_at
           FROM inv_csv i JOIN customers c ON c.external_id = i.customer_id ORDER BY i.rowid")
    [[ $s_inv != failed ]] || die "loading the invitations with sqlite3 failed; see above"
    if [[ $load == import ]]; then
        s_resp=$(run "$work/responses.log" m import responses "$data/responses.csv")
        [[ $s_resp != failed ]] || die "manyi import responses failed; see above"
    else
        s_resp=$(run "$work/responses.log" "$sqlite" -bail "$db" "PRAGMA synchronous=NORMAL" "PRAGMA cache_size=-262144" \
            "CREATE TEMP TABLE resp_csv (external_id TEXT, survey TEXT, customer_id TEXT, submitted_at TEXT,
               duration_s INTEGER, channel TEXT, q_overall TEXT, q_quality TEXT, q_attitude TEXT, q_speed TEXT,
               q_repair TEXT, q_price TEXT, q_explain TEXT, q_wait TEXT, q_nps TEXT, q_comment TEXT, invitation TEXT)" \
            ".import --csv --skip 1 \"$data/responses.csv\" resp_csv" \
            "BEGIN" \
            "INSERT INTO responses (id, external_id, survey_id, customer_id, invitation_id, submitted_at, duration_s,
                                    channel, weight, wave_id, stratum, scale_answers)
               SELECT r.rowid, r.external_id, v.id, c.id, i.id, unixepoch(r.submitted_at), r.duration_s, r.channel,
                      i.weight, i.wave_id, i.stratum,
                      (SELECT json_group_object(id, CAST(a AS INTEGER)) FROM (SELECT q.id,
                          CASE q.code WHEN 'q_overall' THEN q_overall WHEN 'q_quality' THEN q_quality
                            WHEN 'q_attitude' THEN q_attitude WHEN 'q_speed' THEN q_speed
                            WHEN 'q_repair' THEN q_repair WHEN 'q_price' THEN q_price
                            WHEN 'q_explain' THEN q_explain WHEN 'q_wait' THEN q_wait
                            WHEN 'q_nps' THEN q_nps END AS a
                        FROM questions q WHERE q.survey_id = v.id AND q.open = 0 ORDER BY q.id) WHERE a <> '')
               FROM resp_csv r JOIN (SELECT code, max(id) AS id FROM surveys GROUP BY code) v ON v.code = r.survey
               JOIN customers c ON c.external_id = r.customer_id
               JOIN invitations i ON i.external_id = r.invitation ORDER BY r.rowid" \
            "INSERT INTO answer_texts (response_id, question_id, text)
               SELECT r.rowid, q.id, r.q_comment FROM resp_csv r
               JOIN questions q ON q.code = 'q_comment' AND q.survey_id = (SELECT max(id) FROM surveys WHERE code = r.survey)
               WHERE r.q_comment <> '' ORDER BY r.rowid" \
            "UPDATE invitations SET status = 'responded' WHERE id IN (SELECT invitation_id FROM responses)" \
            "COMMIT")
        [[ $s_resp != failed ]] || die "loading the responses with sqlite3 failed; see above"
        # packed for the scans as an import packs them (rows loaded with SQL are not)
        s_pack=$(run "$work/pack.log" m survey pack)
        [[ $s_pack != failed ]] || die "manyi survey pack failed; see above"
        s_resp="$s_resp + pack $s_pack"
    fi
    rows=$("$sqlite" "$db" "SELECT (SELECT count(*) FROM invitations) || ' ' || (SELECT count(*) FROM responses WHERE invitation_id IS NOT NULL)")
    [[ $rows == "$n_resp $n_resp" ]] || die "the database holds '$rows' invitations and responses with one, expected '$n_resp $n_resp'; see $work/*.log"
    echo "$stamp" >"$db.stamp"
    echo "database: $(mb "$db"); manyi init $s_init s, import customers $s_cust s, invitations (sqlite3) $s_inv s, responses ($load) $s_resp s (setup, not compared)"
fi

# --- the rows R computes on: the first n (and n/4) by submission time -------
# to_of K: the instant (UTC) just after the K-th response by submission time.
to_of() {
    "$sqlite" "$db" "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', submitted_at + 1, 'unixepoch') FROM responses
                     ORDER BY submitted_at LIMIT 1 OFFSET $(($1 - 1))"
}
to_n=$(to_of "$n_r")
to_n4=$(to_of "$n_r4")
# The answers of a response as columns (both exports; schema 11 keeps them in scale_answers).
answers=$(for q in q_overall q_quality q_attitude q_speed q_repair q_price q_explain q_wait q_nps; do
    printf "CAST(r.scale_answers ->> ('\$.' || (SELECT id FROM questions WHERE survey_id = r.survey_id AND code = '%s')) AS REAL) AS %s, " "$q" "$q"
done)
answers=${answers%, }
export_rows() { # TO FILE: the rows submitted before TO, as survey_peer.R reads them
    "$sqlite" -bail -csv -header "$db" "SELECT r.id, i.stratum, i.weight, c.tier,
        $answers
      FROM responses r JOIN surveys v ON v.id = r.survey_id AND v.code = 'csat'
      JOIN invitations i ON i.id = r.invitation_id JOIN customers c ON c.id = r.customer_id
      WHERE r.submitted_at < unixepoch('$1')
      ORDER BY r.id" >"$2"
}

# --- measured commands --------------------------------------------------------
out=$work/out
mkdir -p "$out"
rm -f "$out"/*
rc=0
# timed NAME CMD...: runs CMD under /usr/bin/time -v with stdout to out/NAME.out;
# sets secs[NAME] (wall), cpu[NAME] (user + system seconds) and rss[NAME]
# (peak RSS in MB), or "failed".
declare -A secs rss cpu
timed() {
    local name=$1 t0 t1 st=0
    shift
    t0=$(now)
    /usr/bin/time -v -o "$out/$name.time" "$@" >"$out/$name.out" 2>"$out/$name.err" || st=$?
    t1=$(now)
    if ((st != 0)); then
        echo "bench: failed (exit $st): $*" >&2
        tail -n 5 "$out/$name.err" | sed 's/^/bench:   | /' >&2
        secs[$name]=failed rss[$name]=- cpu[$name]=-
        rc=1
        return 0
    fi
    secs[$name]=$(elapsed "$t0" "$t1")
    rss[$name]=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$out/$name.time")
    cpu[$name]=$(awk -F': ' '/User time|System time/ { t += $2 } END { printf "%.2f", t }' "$out/$name.time")
}
score=("$manyi" --json --config "$config" --db "$db" survey score csat)

# The database file once through the page cache, so that no timed command pays for the disk.
cat "$db" >/dev/null
timed manyi_N "${score[@]}"
timed manyi_N_tier "${score[@]}" --by tier
timed manyi_n "${score[@]}" --to "$to_n"
timed manyi_n4 "${score[@]}" --to "$to_n4"
report=("$manyi" --config "$config" --db "$db" report satisfaction --period "$report_period")
timed report_json "${report[@]}" --format json --output "$out/report.json"
timed report_html "${report[@]}" --format html --output "$out/report.html"
# The sqlite3 shell peer (issue 14's T1/T2): the same N responses as one wide
# row each (the pivot above, loaded by .import, the load not timed), then one
# SELECT of the CSAT top-2-box and NPS point estimates, and the same GROUP BY tier.
if [[ ! -s $work/wide.db ]]; then
    export_rows 9999-12-31T00:00:00Z "$work/wide.csv"
    rm -f "$work/wide.db"
    "$sqlite" "$work/wide.db" ".import --csv $work/wide.csv wide" && rm -f "$work/wide.csv"
fi
peer_sql="SELECT avg(q_overall >= 4), 100.0 * (avg(q_nps >= 9) - avg(q_nps <= 6)) FROM wide"
cat "$work/wide.db" >/dev/null
timed sql_N "$sqlite" "$work/wide.db" "$peer_sql"
timed sql_N_tier "$sqlite" "$work/wide.db" "$peer_sql GROUP BY tier"
# the report peer's rows: every response of the seasonality's periods, with
# its period in the configuration's zone (Asia/Shanghai, UTC+8 all year)
report_periods=()
if [[ ${secs[report_json]} != failed ]]; then
    mapfile -t report_periods < <(jq -r '.seasonality.periods[]?' "$out/report.json")
fi
r_report=0 e_rep=
if ((have_r && n_r >= n_resp && ${#report_periods[@]} > 0)); then
    if grep -q '^timezone: *Asia/Shanghai' "$config"; then
        r_report=1
    else
        echo "bench: R report peer skipped: it takes periods in UTC+8 and $config has another timezone" >&2
    fi
fi
if ((r_report)); then
    if [[ $report_period == *Q* ]]; then
        pexpr="strftime('%Y', r.submitted_at + 28800, 'unixepoch') || 'Q' || ((CAST(strftime('%m', r.submitted_at + 28800, 'unixepoch') AS INTEGER) + 2) / 3)"
    else
        pexpr="strftime('%Y-%m', r.submitted_at + 28800, 'unixepoch')"
    fi
    export_report() { # FILE
        "$sqlite" -bail -csv -header "$db" "SELECT $pexpr AS period,
        coalesce(i.weight, 1) AS weight,
        $answers
      FROM responses r JOIN surveys v ON v.id = r.survey_id AND v.code = 'csat'
      LEFT JOIN invitations i ON i.id = r.invitation_id
      WHERE r.flagged = 0
      ORDER BY r.id" >"$1"
    }
    e_rep=$(run "$work/export-report.log" export_report "$out/rows-report.csv")
    [[ $e_rep != failed ]] || die "exporting the report's rows with sqlite3 failed; see above"
    freq=4
    [[ $report_period == *Q* ]] || freq=12
    timed r_report "$rscript" "$here/report_peer.R" "$out/rows-report.csv" "$freq" "${report_periods[@]}"
    [[ ${secs[r_report]} != failed ]] || r_report=0
fi
e_n=skipped e_n4=skipped got_n=$n_r got_n4=$n_r4
if ((have_r)); then
    e_n=$(run "$work/export-n.log" export_rows "$to_n" "$out/rows-n.csv")
    e_n4=$(run "$work/export-n4.log" export_rows "$to_n4" "$out/rows-n4.csv")
    [[ $e_n != failed && $e_n4 != failed ]] || die "exporting the rows with sqlite3 failed; see above"
    got_n=$(($(wc -l <"$out/rows-n.csv") - 1))
    got_n4=$(($(wc -l <"$out/rows-n4.csv") - 1))
fi
r_ok=0
if ((have_r)); then
    timed r_n "$rscript" "$here/survey_peer.R" "$out/rows-n.csv"
    timed r_n4 "$rscript" "$here/survey_peer.R" "$out/rows-n4.csv"
    # not compared: the standard errors under manyi's design (weights only)
    timed r_check "$rscript" "$here/survey_peer.R" "$out/rows-n.csv" check
    [[ ${secs[r_n]} != failed && ${secs[r_n4]} != failed && ${secs[r_check]} != failed ]] && r_ok=1
fi

# --- cross-check on the n rows --------------------------------------------------
# manyi's JSON as "key value" lines named as survey_peer.R prints them.
flat() { jq -r '"responses \(.responses)", "csat.p \(.csat.p)", "csat.se \(.csat.se)", "nps.nps \(.nps.nps)",
                 "nps.se \(.nps.se)", "index.index \(.index.index)",
                 (.index.dimension_score_0_100 | to_entries[] | "index.dimension_score_0_100.\(.key) \(.value)")' "$1"; }
field() { awk -v k="$2" '$1 == k { v = $2 } END { print v == "" ? "-" : v }' "$1" 2>/dev/null || echo -; }
echo
if [[ ${secs[manyi_n]} != failed ]]; then
    flat "$out/manyi_n.out" >"$out/manyi_n.txt" || die "cannot read manyi's JSON output $out/manyi_n.out"
    m_rows=$(field "$out/manyi_n.txt" responses)
    if ((have_r)) && [[ $m_rows != "$got_n" ]]; then
        echo "bench: manyi scored $m_rows responses before $to_n, the export holds $got_n" >&2
        rc=1
    fi
    got_n=$m_rows
fi
if ((r_ok)) && [[ ${secs[manyi_n]} != failed ]]; then
    compare() { # R_OUTPUT TITLE [MANYI_KEY_VALUE_FILE]
        printf '%-44s %22s %22s %10s\n' "$2" manyi R "rel. diff"
        awk -v tol="$tol" '
        function abs(x) { return x < 0 ? -x : x }
        NR == FNR { if ($1 !~ /^(#|time\.|rows|strata|stratified\.)/) { want[$1] = $2; keys[++n] = $1 }; next }
        $1 in want { got[$1] = $2 }
        END {
            for (i = 1; i <= n; i++) {
                k = keys[i]; a = want[k]
                if (!(k in got)) { bad++; printf "%-44s %22s %22.10g %10s\n", k, "missing", a, "-"; continue }
                b = got[k]
                if (a == b && a !~ /^[-+]?[0-9.]/) { printf "%-44s %22s %22s %10s\n", k, b, a, "same"; continue }
                m = abs(a) > abs(b) ? abs(a) : abs(b); d = m > 0 ? abs(a - b) / m : 0
                if (d > tol) bad++
                if (d > worst) worst = d
                printf "%-44s %22.10g %22.10g %10.2g%s\n", k, b, a, d, (d > tol ? "  DIFFERENT" : "")
            }
            printf "verify: %d figures, %d different (tolerance %s), largest relative difference %.2g\n", n, bad, tol, worst
            exit bad > 0
        }' "$1" "${3:-$out/manyi_n.txt}"
    }
    compare "$out/r_check.out" "n = $got_n rows; R: weights only" || rc=1
    compare "$out/r_n.out" "the same, R: strata and weights (timed)" || rc=1
    echo "standard errors with the strata (R, timed run): CSAT $(field "$out/r_n.out" stratified.csat.se)," \
        "NPS $(field "$out/r_n.out" stratified.nps.se); manyi's score uses the weights only, as R's check above"
fi

# the report's seasonality as "key value" lines named as report_peer.R prints them
if ((r_report)); then
    jq -r '.seasonality as $s | ("csat", "nps", "index") as $k
        | ($s[$k].seasonal[]? | "\($k).seasonal.\(.label) \(.value)"),
          "\($k).adjusted \($s[$k].last.adjusted // "null")",
          ($s.periods | to_entries[] | "\($k).value.\(.value) \($s[$k].values[.key] // "null")")' \
        "$out/report.json" >"$out/report.txt" || die "cannot read the report's JSON $out/report.json"
    echo
    if [[ $(jq -r '.seasonality.available' "$out/report.json") != true ]]; then
        echo "bench: the report has no seasonality for $report_period: $(jq -r '[.seasonality.reason, .seasonality.csat.reason] | map(select(.)) | first' "$out/report.json")" >&2
        rc=1
    fi
    compare "$out/r_report.out" "report $report_period section 5 (${#report_periods[@]} periods)" "$out/report.txt" || rc=1
fi

# --- report ---------------------------------------------------------------------
echo
m_version=$("$manyi" --version 2>/dev/null | head -n 1) || m_version=
r_version="R skipped"
if ((r_ok)); then r_version=$(grep -h '^# R' "$out/r_n.out" | sed 's/^# //'); fi
echo "versions: ${m_version:-manyi (--version failed)}; ${r_version:-R ?}; sqlite3 $("$sqlite" -version | awk '{ print $1 }')"
((have_r)) && echo "export (sqlite3 shell, not compared): $got_n rows $e_n s, $got_n4 rows $e_n4 s${e_rep:+; the rows of the report peer $e_rep s}"
{
    for k in manyi_N manyi_N_tier sql_N sql_N_tier manyi_n manyi_n4 r_n r_n4 report_json report_html r_report; do
        printf '%s|%s|%s|%s|%s|%s\n' "$k" "${secs[$k]:-skipped}" "${rss[$k]:--}" \
            "$(field "$out/$k.out" time.load)" "$(field "$out/$k.out" time.compute)" "${cpu[$k]:--}"
    done
} | awk -F'|' -v N="$n_resp" -v n="$got_n" -v n4="$got_n4" -v P="$report_period" -v nrep="$(field "$out/r_report.out" rows)" '
function num(x) { return x ~ /^[0-9.]+$/ }
function ratio(a, b) { return (num(a) && num(b) && b > 0) ? sprintf(a / b >= 100 ? "%.0f" : "%.3f", a / b) : "-" }
{ s[$1] = $2; r[$1] = $3; l[$1] = $4; c[$1] = $5; u[$1] = $6 }
function row(label, rows, k) {
    printf "%-34s %10s %9s %9s %9s %10s %10s\n", label, rows, s[k], u[k], r[k], ratio(rows, s[k]), (num(c[k]) ? c[k] : "-")
}
END {
    printf "%-34s %10s %9s %9s %9s %10s %10s\n", "command", "rows", "wall s", "CPU s", "RSS MB", "rows/s", "R compute"
    row("manyi survey score csat", N, "manyi_N")
    row("manyi survey score csat --by tier", N, "manyi_N_tier")
    row("sqlite3 shell: CSAT + NPS points only", N, "sql_N")
    row("sqlite3 shell: the same GROUP BY tier", N, "sql_N_tier")
    row("manyi survey score csat --to T", n, "manyi_n")
    row("manyi survey score csat --to T4", n4, "manyi_n4")
    row("Rscript survey_peer.R", n, "r_n")
    row("Rscript survey_peer.R", n4, "r_n4")
    row("manyi report satisfaction json", N, "report_json")
    row("manyi report satisfaction html", N, "report_html")
    row("Rscript report_peer.R", nrep, "r_report")
    print ""
    printf "T1 score / sqlite3 points: %s wall (target <= 0.5); T2 --by tier / score: %s (target <= 1.3; the shell GROUP BY / SELECT: %s); T3 report html / score: %s (target <= 3); T4 peak RSS MB: score %s, --by tier %s, report %s (target <= 512)\n", ratio(s["manyi_N"], s["sql_N"]), ratio(s["manyi_N_tier"], s["manyi_N"]), ratio(s["sql_N_tier"], s["sql_N"]), ratio(s["report_html"], s["manyi_N"]), r["manyi_N"], r["manyi_N_tier"], r["report_html"]
    printf "report %s against one full score (manyi survey score csat, N rows): json %s wall, %s CPU; html %s wall, %s CPU\n", P, ratio(s["report_json"], s["manyi_N"]), ratio(u["report_json"], u["manyi_N"]), ratio(s["report_html"], s["manyi_N"]), ratio(u["report_html"], u["manyi_N"])
    if (num(s["r_report"]))
        printf "report %s json / R section-5 peer (the same trend and seasonality figures on %s rows; the report also computes sections 1-4 and 6-9): %s wall, %s CPU\n", P, nrep, ratio(s["report_json"], s["r_report"]), ratio(u["report_json"], u["r_report"])
    else if (s["r_report"] == "failed")
        print "R report peer: failed (see above)"
    else
        print "R report peer: skipped (it runs when R runs on all N rows, BENCH_R_ROWS >= BENCH_RESPONSES)"
    if (!num(s["r_n"])) { print "R: skipped or failed; no ratio"; exit }
    printf "at equal size (n = %d): manyi / R = %s wall, %s CPU (end to end; R compute alone %s s, load %s s)\n", n, ratio(s["manyi_n"], s["r_n"]), ratio(u["manyi_n"], u["r_n"]), c["r_n"], l["r_n"]
    printf "at n/4 = %d: manyi / R = %s wall, %s CPU\n", n4, ratio(s["manyi_n4"], s["r_n4"]), ratio(u["manyi_n4"], u["r_n4"])
    printf "R scaling: %.2fx the wall time, %s the CPU time for %.2fx the rows (compute %s); proportional would be %.2fx\n", s["r_n"] / s["r_n4"], ratio(u["r_n"], u["r_n4"]), n / n4, ratio(c["r_n"], c["r_n4"]), n / n4
    if (N > n) {
        # the line through R at n/4 and at n: a fixed part (start, library) plus a cost per row
        for (t = 0; t < 2; t++) {
            if (t == 0) { y1 = s["r_n4"]; y2 = s["r_n"]; m = s["manyi_N"]; what = "wall" }
            else { y1 = u["r_n4"]; y2 = u["r_n"]; m = u["manyi_N"]; what = "CPU" }
            b = (y2 - y1) / (n - n4); a = y2 - b * n
            if (b <= 0) { printf "R %s: no growth between n/4 and n measured; no extrapolation to N\n", what; continue }
            ext = a + b * N
            printf "EXTRAPOLATION (not measured), %s: R on N = %d rows = %.2f s + %.3g s/row x N = %.0f s,\n", what, N, a, b, ext
            printf "  assuming R linear in the rows as between n/4 and n; manyi on N measured %s s: manyi / R(extrapolated) = %s\n", m, ratio(m, ext)
        }
    }
}'
echo "wall = whole command (manyi: open, read the rows from SQLite, compute, print JSON; R: start, read the"
echo "exported CSV, compute, print); CPU = user + system seconds of the command (steadier than wall on a"
echo "shared machine); ratios = manyi seconds / R seconds (lower is better); RSS = peak resident memory"
echo "(/usr/bin/time -v). manyi on n rows reads them from the N-row database (--to T)."

if ((rc != 0)); then
    echo "bench: FAILED: a command failed or the figures differ (see above)" >&2
    if [[ -z ${BENCH_DIR:-} && ${BENCH_KEEP:-0} != 1 ]]; then
        echo "bench: rerun with BENCH_KEEP=1 or BENCH_DIR=DIR to keep the database and every program's output" >&2
    else
        echo "bench: the outputs are in $out" >&2
    fi
fi
exit "$rc"
