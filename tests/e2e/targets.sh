#!/usr/bin/env bash
# End-to-end, on a small planted data set whose figures are derived here by
# hand (plain SQL and the formulas in Python, not the program's output):
# - the report's change of CSAT between a plain quarter and a quarter with a
#   stratified (design-weighted) wave: z = (p1 - p0) / sqrt(se0^2 + se1^2)
#   with each period's design-based SE, p from the normal (issue 15, 4);
# - "not assessed" kept apart from "not passed" in `eval departments` (text,
#   JSON) and the report (JSON, Markdown) (issue 15, 5);
# - the company's CSAT against the 90 % target per quarter and for the year
#   to date, judged on the interval's lower bound, with the gaps (issue 15, 6);
# - a missing interval prints "-" in text output, never [0.00, 0.00] (15, 7).
# Usage: targets.sh MANYI SOURCE_DIR
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib/assert.sh"
command -v python3 >/dev/null || { echo "targets: python3 not found: skipped" >&2; exit 77; }
# The example's configuration, with min_responses 2 so that one department
# is judged on three answers and another, with one answer, is not.
sed -e "s|\.\./\.\./policies|$src/policies|" -e 's/min_responses: 30 /min_responses: 2  /' \
  "$example/manyi.yaml" >"$tmp/manyi.yaml"
db=$tmp/t.db
m() { "$manyi" --config "$tmp/manyi.yaml" --db "$db" "$@"; }
sql() { sqlite3 "$db" "$1"; }
jf() { sqlite3 :memory: "select json_extract(readfile('$1'), '$2')"; }
export MANYI_NOW=2026-07-01T09:00:00+08:00

expect 0 m init
for f in customers staff tickets; do expect 0 m import "$f" "$example/data/$f.csv"; done
# 2026Q3: a wave stratified by region, 20 invitations, weights N_h / n_h
expect 0 m survey sample csat --wave W3 --method stratified --by region --size 20 --seed 5 --quiet-days 0
same "$(sql "select count(*) from (select stratum from invitations group by 1 having count(*) >= 2)")" 5 \
  "five strata of at least two (no lonely PSU)"
# 2026Q1: answers about tickets (invitations that followed a ticket):
# support 5, 4, 2 (3 answers, 2 satisfied: judged, below 90 %); technical 5
# (1 answer: fewer than min_responses 2, not assessed).
sql "insert into invitations(external_id, survey_id, customer_id, ticket_id, channel, created_at)
     select 'T-' || t.external_id, 1, t.customer_id, t.id, 'email', 0 from tickets t
     where t.id in (select t2.id from tickets t2 join departments d on d.id = t2.department_id
                    where d.code = 'support' order by t2.id limit 3)
        or t.id = (select min(t3.id) from tickets t3 join departments d on d.id = t3.department_id
                   where d.code = 'technical')"
{
  echo external_id,survey,customer_id,submitted_at,invitation,q_overall
  sqlite3 -csv "$db" "select 'D' || i.id, 'csat', c.external_id, '2026-02-10T10:00:00+08:00', i.external_id,
       case row_number() over (order by i.id) when 1 then 5 when 2 then 4 when 3 then 2 else 5 end
     from invitations i join customers c on c.id = i.customer_id join tickets t on t.id = i.ticket_id
     join departments d on d.id = t.department_id order by d.code = 'technical', i.id"
  # 2026Q2: 60 plain answers, 59 satisfied (p0 = 59/60, se0 = sqrt(p0 (1 - p0) / 59) = 1/60)
  for i in $(seq 1 60); do
    printf 'P%02d,csat,C%07d,2026-05-10T10:00:00+08:00,,%s\n' "$i" "$((100 + i))" "$([ "$i" = 60 ] && echo 2 || echo 5)"
  done
  # 2026Q3: the wave's 20 answers, q_overall 5 4 3 2 1 5 4 ... by invitation
  sqlite3 -csv "$db" "select 'W' || i.id, 'csat', c.external_id, '2026-07-10T10:00:00+08:00', i.external_id,
       5 - (row_number() over (order by i.id) - 1) % 5
     from invitations i join customers c on c.id = i.customer_id where i.wave_id is not null order by i.id"
} >"$tmp/responses.csv"
expect 0 m import responses "$tmp/responses.csv"
same "$(sql "select count(*) from responses")" 84 "84 planted responses"

# --- hand figures: per quarter and the year to date, CSAT and its
# design-based SE (Taylor linearisation of sum(w y) / sum(w), strata with
# replacement: var = sum_h n_h / (n_h - 1) sum_i (z_i - zbar_h)^2, z_i = w_i
# (y_i - p) / sum(w)); rows outside a wave weigh 1. Without a wave in the
# span there are no strata (one stratum of all rows).
sqlite3 -csv "$db" "select strftime('%m', r.submitted_at, 'unixepoch', '+8 hours'),
     coalesce(i.weight, 1), case when w.method = 'stratified' then w.code || '/' || i.stratum else '' end,
     a.value >= 4
   from responses r join answers a on a.response_id = r.id join questions q on q.id = a.question_id
   left join invitations i on i.id = r.invitation_id left join survey_waves w on w.id = i.wave_id
   where q.code = 'q_overall'" >"$tmp/rows.csv"
python3 - "$tmp/rows.csv" >"$tmp/hand.txt" <<'EOF'
import csv, math, sys
from statistics import NormalDist
rows = [(int(m), float(w), s, int(y)) for m, w, s, y in csv.reader(open(sys.argv[1]))]
def est(rs):
    W = sum(w for _, w, _, _ in rs)
    p = sum(w * y for _, w, _, y in rs) / W
    strata = {}
    for _, w, s, y in rs:
        strata.setdefault(s, []).append(w * (y - p) / W)
    var = 0
    for z in strata.values():
        zb = sum(z) / len(z)
        var += len(z) / (len(z) - 1) * sum((v - zb) ** 2 for v in z)
    return p, math.sqrt(var), len(rs)
q = lambda k: [r for r in rows if (r[0] - 1) // 3 + 1 == k]
spans = {'Q1': q(1), 'Q2': q(2), 'Q3': q(3), 'YTD': rows}
for k, rs in spans.items():
    p, se, n = est(rs)
    print(k, repr(100 * p), repr(100 * se), n, repr(100 * p - 90))
p0, se0, _ = est(q(2)); p1, se1, _ = est(q(3))
d, s = 100 * (p1 - p0), 100 * math.sqrt(se0 ** 2 + se1 ** 2)
print('change', repr(d), repr(s), repr(d / s), repr(2 * (1 - NormalDist().cdf(abs(d / s)))))
EOF
# near NAME GOT WANT: equal within 1e-9 relative
near() {
  if python3 -c "import sys; g, w = float(sys.argv[1]), float(sys.argv[2]); sys.exit(abs(g - w) > 1e-9 * max(1, abs(w)))" "$2" "$3" 2>/dev/null
  then ok; else bad "$1: got '$2', want '$3'"; fi
}
hand() { awk -v k="$1" -v f="$2" '$1 == k { print $f }' "$tmp/hand.txt"; }
same "$(hand Q2 2)" 98.33333333333333 "Q2 by hand: 59 of 60"
near "Q2 se by hand = 100/60" "$(hand Q2 3)" 1.6666666666666667

# --- 4: the change of a design-based CSAT, tested by its design-based SE
expect 0 m report satisfaction --period 2026Q3 --format json --output "$tmp/q3.json"
near "CSAT 2026Q3 = hand" "$(jf "$tmp/q3.json" '$.headline.csat.value')" "$(hand Q3 2)"
near "CSAT se 2026Q3 = hand (design-based)" "$(jf "$tmp/q3.json" '$.headline.csat.se')" "$(hand Q3 3)"
near "CSAT 2026Q2 = hand" "$(jf "$tmp/q3.json" '$.headline.csat.previous.value')" "$(hand Q2 2)"
near "change diff" "$(jf "$tmp/q3.json" '$.headline.csat.change.diff')" "$(hand change 2)"
near "change se = sqrt(se0^2 + se1^2)" "$(jf "$tmp/q3.json" '$.headline.csat.change.se')" "$(hand change 3)"
near "change z" "$(jf "$tmp/q3.json" '$.headline.csat.change.z')" "$(hand change 4)"
near "change p (normal)" "$(jf "$tmp/q3.json" '$.headline.csat.change.p_value')" "$(hand change 5)"
contains "$tmp/q3.json" "design-based standard errors"
expect 0 m report satisfaction --period 2026Q3 --format md --output "$tmp/q3.md"
lacks "$tmp/q3.md" "nan"
contains "$tmp/q3.md" "| CSAT % (top-2-box) | $(printf '%.1f' "$(hand Q3 2)") |"
contains "$tmp/q3.md" "| $(printf '%+.1f' "$(hand change 2)") |"

# --- 6: the company's target, per quarter and the year to date
same "$(jf "$tmp/q3.json" '$.company_target.target')" 90.0 "the configured target, in percent"
same "$(sqlite3 :memory: "select group_concat(json_extract(value, '$.period') || ':' || json_extract(value, '$.n') || ':' || json_extract(value, '$.status'), ' ') from json_each(json_extract(readfile('$tmp/q3.json'), '$.company_target.quarters'))")" \
  "2026Q1:4:not_met 2026Q2:60:met 2026Q3:20:not_met" "quarters Q1-Q3: n and the judgement"
for k in 0:Q1 1:Q2 2:Q3; do
  i=${k%%:*} q=${k#*:}
  near "$q CSAT = hand" "$(jf "$tmp/q3.json" "\$.company_target.quarters[$i].csat")" "$(hand "$q" 2)"
  near "$q gap = CSAT - 90" "$(jf "$tmp/q3.json" "\$.company_target.quarters[$i].gap_points")" "$(hand "$q" 5)"
  near "$q lower-bound gap = lower - 90" "$(jf "$tmp/q3.json" "\$.company_target.quarters[$i].lower_bound_gap_points")" \
    "$(python3 -c "print($(jf "$tmp/q3.json" "\$.company_target.quarters[$i].ci_lower") - 90)")"
done
# Q2: 98.3 % with se 1.67 on 59 df: the lower bound, about 95, reaches 90
python3 -c "import sys; sys.exit(not 94.9 < $(jf "$tmp/q3.json" '$.company_target.quarters[1].ci_lower') < 95.1)" && ok || bad "Q2 lower bound near 95"
# the quarter's interval is survey score's for the same span
m --json survey score csat --period 2026Q1 >"$tmp/s1.json"
near "Q1 lower bound = survey score" "$(jf "$tmp/q3.json" '$.company_target.quarters[0].ci_lower')" \
  "$(python3 -c "print(100 * $(jf "$tmp/s1.json" '$.csat.ci_lower'))")"
near "YTD CSAT = hand (all 84 rows, the wave's weights)" "$(jf "$tmp/q3.json" '$.company_target.year_to_date.csat')" "$(hand YTD 2)"
same "$(jf "$tmp/q3.json" '$.company_target.year_to_date.n') $(jf "$tmp/q3.json" '$.company_target.year_to_date.status') $(jf "$tmp/q3.json" '$.company_target.year_to_date.from') $(jf "$tmp/q3.json" '$.company_target.year_to_date.to')" \
  "84 not_met 2026-01-01 2026-10-01" "year to date: 84 answers, not met, 1 January to the period's end"
contains "$tmp/q3.md" "The company's CSAT against the target of 90.0 %"
contains "$tmp/q3.md" "| 2026-Q2 | 98.3 |"
contains "$tmp/q3.md" "| met |"
# a month: its quarter cut at the month's end; a year: Q4 without responses is not assessed
expect 0 m --json report satisfaction --period 2026-07 --format json --output "$tmp/m7.json"
same "$(jf "$tmp/m7.json" '$.company_target.quarters[2].to') $(jf "$tmp/m7.json" '$.company_target.quarters[2].to_date')" \
  "2026-08-01 1" "2026-07: Q3 to date"
expect 0 m --json eval departments --period 2026
same "$(jf "$tmp/out" '$.company.quarters[3].status') $(jf "$tmp/out" '$.company.quarters[3].reason')" \
  "not_assessed no responses in the span" "Q4 without responses: not assessed"
expect 0 m eval departments --period 2026
contains "$tmp/out" "2026-Q2               CSAT  98.3 %"
contains "$tmp/out" "met: lower bound"
contains "$tmp/out" "2026-Q4               not assessed: no responses in the span"

# --- 5: not assessed is not "not passed"
expect 0 m eval departments --period 2026Q1
for want in "support .* grade [A-D] +not passed" "technical .* grade [A-D] +not assessed" "hotline .* grade [A-D] +not assessed"; do
  grep -qE "^$want\$" "$tmp/out" && ok || bad "text: no line '$want'"
done
contains "$tmp/out" "satisfaction: not assessed (1 answers, 2 needed)"
expect 0 m --json eval departments --period 2026Q1
dj() { sqlite3 :memory: "select json_extract(value, '$2') from json_each(json_extract(readfile('$tmp/out'), '$.departments')) where json_extract(value, '$.department') = '$1'"; }
same "$(dj technical '$.status')|$(dj technical '$.passed')|$(dj technical '$.responses')" "not_assessed||1" "JSON: technical not assessed, passed null"
same "$(dj support '$.status')|$(dj support '$.passed')|$(dj support '$.satisfied')" "failed|0|2" "JSON: support failed"
expect 0 m report satisfaction --period 2026Q1 --format json --output "$tmp/q1.json"
rj() { sqlite3 :memory: "select json_extract(value, '$2') from json_each(json_extract(readfile('$tmp/q1.json'), '$.departments.rows')) where json_extract(value, '$.department') = '$1'"; }
same "$(rj technical '$.status')|$(rj technical '$.passed')|$(rj technical '$.metrics.satisfied_share.value')|$(rj technical '$.metrics.satisfied_share.met')|$(rj technical '$.metrics.satisfied_share.status')" \
  "not_assessed||1.0||not_assessed" "report JSON: technical's 100 % of one answer is not judged"
same "$(rj support '$.status')|$(rj support '$.metrics.satisfied_share.met')|$(rj support '$.metrics.satisfied_share.status')" \
  "failed|0|not_met" "report JSON: support judged"
expect 0 m report satisfaction --period 2026Q1 --format md --output "$tmp/q1.md"
contains "$tmp/q1.md" "| technical | Technical Service | "
grep -F "| technical | Technical Service |" "$tmp/q1.md" | grep -qF "| not assessed |" && ok || bad "md: technical not assessed"
grep -F "| support | Customer Support Center |" "$tmp/q1.md" | grep -qF "| no |" && ok || bad "md: support not passed"

# --- 7 (part): a missing interval prints "-" in text; JSON has null. In
# March: two answers from West, one from East (a group of one answer has no
# standard error, so no interval).
{
  echo external_id,survey,customer_id,submitted_at,q_overall,q_nps
  sqlite3 -csv "$db" "select 'M' || row_number() over (), 'csat', external_id, '2026-03-02T10:00:00+08:00', 5, 9
     from (select * from (select external_id from customers where region = 'West' order by id limit 2)
           union all select * from (select external_id from customers where region = 'East' order by id limit 1))"
} >"$tmp/march.csv"
expect 0 m import responses "$tmp/march.csv"
expect 0 m --json survey score csat --period 2026-03 --by region
same "$(jf "$tmp/out" '$.groups.East.csat.n')|$(jf "$tmp/out" '$.groups.East.csat.p')|$(jf "$tmp/out" '$.groups.East.csat.ci_lower')|$(jf "$tmp/out" '$.nps.groups.East.ci_lower')" \
  "1|1.0||" "a group of one answer: CSAT 100 %, intervals null in JSON"
expect 0 m survey score csat --period 2026-03 --by region
lacks "$tmp/out" "[0.00, 0.00]"
contains "$tmp/out" "CSAT %    100.00  -  n 1"
contains "$tmp/out" "NPS       100.00  -  n 1"

echo "targets: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
