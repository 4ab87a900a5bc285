#!/usr/bin/env bash
# End-to-end: `manyi kpi` on the bundled example, every figure recounted here
# in plain SQL (written apart from core/store/kpi_counts.c: joins and
# GROUP BY instead of per-customer EXISTS) and every interval recomputed with
# the Wilson formula. 2026Q3 in Asia/Shanghai is [2026-06-30T16:00Z,
# 2026-09-30T16:00Z); the period before, 2026Q2, starts 2026-03-31T16:00Z.
# Usage: kpi.sh MANYI SOURCE_DIR
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
data=$example/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib/assert.sh"
m() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" "$@"; }
sql() { sqlite3 "$tmp/ex.db" "$1"; }
jx() { sqlite3 :memory: "select json_extract(readfile('$tmp/out'), '$1')"; }
export MANYI_NOW=2026-11-23T09:00:00+08:00

expect 0 m init
for f in customers staff orders tickets responses; do expect 0 m import "$f" "$data/$f.csv"; done
expect 0 m eval tiers
expect 0 m survey clean csat   # flagged responses leave the recommendation rate

P0=$(sql "select unixepoch('2026-04-01', '-8 hours')")
P1=$(sql "select unixepoch('2026-07-01', '-8 hours')")
P2=$(sql "select unixepoch('2026-10-01', '-8 hours')")
# purchases: orders neither cancelled nor refunded
V="create temp view buy as select customer_id c, ordered_at t from orders where status in ('placed', 'paid', 'shipped', 'completed');
create temp view act as select distinct c from buy where t >= $P1 and t < $P2;
create temp view prev as select distinct c from buy where t >= $P0 and t < $P1;
create temp view old as select distinct c from buy where t < $P1;
create temp view first as select c, min(t) t from buy group by c;
create temp view compl as select distinct customer_id c from tickets where kind = 'complaint' and opened_at >= $P1 and opened_at < $P2;"
q() { sqlite3 "$tmp/ex.db" "$V $1"; }

# check NAME X N: numerator, denominator and the Wilson 95% interval
check() {
  local name=$1 x=$2 n=$3
  same "$(jx "\$.$name.numerator") $(jx "\$.$name.denominator")" "$x $n" "$name counts"
  same "$(sqlite3 :memory: "select printf('%.9e %.9e %.9e', json_extract(readfile('$tmp/out'), '\$.$name.rate'), json_extract(readfile('$tmp/out'), '\$.$name.ci_lower'), json_extract(readfile('$tmp/out'), '\$.$name.ci_upper'))")" \
    "$(sqlite3 :memory: "with v(x, n, z) as (select $x.0, $n.0, 1.959963984540054), w as (select x / n p, n, z from v)
      select printf('%.9e %.9e %.9e', p, (p + z*z/(2*n) - z * sqrt(p*(1-p)/n + z*z/(4*n*n))) / (1 + z*z/n),
                                         (p + z*z/(2*n) + z * sqrt(p*(1-p)/n + z*z/(4*n*n))) / (1 + z*z/n)) from w")" \
    "$name: rate and Wilson interval"
}

expect 0 m --json kpi --period 2026Q3
cp "$tmp/out" "$tmp/all.json"
same "$(jx '$.period') $(jx '$.previous_period')" "2026-Q3 2026-Q2" "periods"
nps_n=$(sql "select count(*) from answers a join questions q on q.id = a.question_id join responses r on r.id = a.response_id left join response_flags f on f.response_id = r.id where q.code = 'q_nps' and a.value is not null and f.response_id is null and r.submitted_at >= $P1 and r.submitted_at < $P2")
prom=$(sql "select count(*) from answers a join questions q on q.id = a.question_id join responses r on r.id = a.response_id left join response_flags f on f.response_id = r.id where q.code = 'q_nps' and a.value in (9, 10) and f.response_id is null and r.submitted_at >= $P1 and r.submitted_at < $P2")
check recommendation_rate "$prom" "$nps_n"
check repurchase_rate "$(q "select count(*) from old join act using (c)")" "$(q "select count(*) from old")"
check complaint_rate "$(q "select count(*) from act join compl using (c)")" "$(q "select count(*) from act")"
check retention_rate "$(q "select count(*) from prev join act using (c)")" "$(q "select count(*) from prev")"
check churn_rate "$(q "select count(*) from prev where c not in (select c from act)")" "$(q "select count(*) from prev")"
same "$(jx '$.complaint_rate.complaints') $(jx '$.complaint_rate.purchases')" \
  "$(q "select (select count(*) from tickets where kind = 'complaint' and opened_at >= $P1 and opened_at < $P2) || ' ' || (select count(*) from buy where t >= $P1 and t < $P2)")" \
  "complaints and purchases"
same "$(jx '$.customer_growth.new_customers') $(jx '$.customer_growth.new_previous') $(jx '$.customer_growth.active') $(jx '$.customer_growth.active_previous')" \
  "$(q "select (select count(*) from first where t >= $P1 and t < $P2) || ' ' || (select count(*) from first where t >= $P0 and t < $P1) || ' ' || (select count(*) from act) || ' ' || (select count(*) from prev)")" \
  "new and active customers"
same "$(jx '$.customer_growth.net_growth')" "$(q "select (select count(*) from act) - (select count(*) from prev)")" "net growth"
check customer_growth.new_share "$(q "select count(*) from first where t >= $P1 and t < $P2")" "$(q "select count(*) from act")"
same "$(printf '%.6f' "$(jx '$.retention_rate.rate')")" "$(printf '%.6f' "$(sqlite3 :memory: "select 1 - json_extract(readfile('$tmp/all.json'), '\$.churn_rate.rate')")")" "churn = 1 - retention"

# by tier: tier C counted the same way
expect 0 m --json kpi --period 2026Q3 --by tier
same "$(jx '$.by') $(sqlite3 :memory: "select group_concat(key, ' ') from json_each(json_extract(readfile('$tmp/out'), '\$.groups'))")" "tier A B C P" "one group per tier"
same "$(jx '$.recommendation_rate.numerator')" "$prom" "overall figures stay beside the groups"
C="(select id from customers where tier = 'C')"
check groups.C.retention_rate "$(q "select count(*) from prev join act using (c) where c in $C")" "$(q "select count(*) from prev where c in $C")"
check groups.C.repurchase_rate "$(q "select count(*) from old join act using (c) where c in $C")" "$(q "select count(*) from old where c in $C")"
# by department: the customers with a ticket of the department opened before the end
expect 0 m --json kpi --period 2026Q3 --by department
D="(select customer_id from tickets t join departments d on d.id = t.department_id where d.code = 'quality' and t.opened_at < $P2)"
check groups.quality.complaint_rate "$(q "select count(*) from act join compl using (c) where c in $D")" "$(q "select count(*) from act where c in $D")"
check groups.quality.recommendation_rate \
  "$(sql "select count(*) from answers a join questions q on q.id = a.question_id join responses r on r.id = a.response_id left join response_flags f on f.response_id = r.id where q.code = 'q_nps' and a.value >= 9 and f.response_id is null and r.submitted_at >= $P1 and r.submitted_at < $P2 and r.customer_id in $D")" \
  "$(sql "select count(*) from answers a join questions q on q.id = a.question_id join responses r on r.id = a.response_id left join response_flags f on f.response_id = r.id where q.code = 'q_nps' and a.value is not null and f.response_id is null and r.submitted_at >= $P1 and r.submitted_at < $P2 and r.customer_id in $D")"

# a year and its year before; the text form; errors
expect 0 m --json kpi --period 2026
same "$(jx '$.previous_period') $(jx '$.from') $(jx '$.to')" "2025-Y 2026-01-01 2027-01-01" "a year"
expect 0 m kpi --period 2026Q3
contains "$tmp/out" "KPIs 2026-Q3 (against 2026-Q2)"
contains "$tmp/out" "retention_rate"
expect 0 m kpi --help;                      contains "$tmp/out" "Usage: manyi"
expect 2 m kpi;                              contains "$tmp/err" "--period"
expect 1 m kpi --period 2026Q5;              contains "$tmp/err" "is not a period"
expect 1 m kpi --period 2026Q3 --by phone;   contains "$tmp/err" "use department, tier or region"
expect 2 m kpi --period 2026Q3 --conf 2

echo "kpi: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
