#!/usr/bin/env bash
# End-to-end: `manyi survey clean` on responses with known planted defects
# (tests/data/survey/clean_plant.awk, fixed seed): for every reason the
# flagged responses are exactly those the planting script planted and those
# a hand-written SQL query over the same database finds, near misses
# included (missing exactly at the share, straight-lined on 3 and 4 items,
# responses 11 minutes apart, the same answers 61 minutes or 3 days apart).
# Then the metamorphic checks: a second run, and a re-import of the same
# file, change neither the flags nor the scores.
# Usage: clean.sh MANYI SOURCE_DIR [MANYI_GEN]
set -uo pipefail
manyi=$1
src=$2
data=$src/tests/data/survey
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib/assert.sh"
command -v sqlite3 >/dev/null || { echo "clean: needs sqlite3"; exit 77; }
export MANYI_NOW=2026-04-01T09:00:00+08:00
m() { "$manyi" --config "$data/clean.yaml" --db "$tmp/c.db" "$@"; }
sql() { sqlite3 "$tmp/c.db" "$1"; }
jx() { sqlite3 :memory: "select json_extract(readfile('$tmp/out'), '$1')"; }
# ids flagged for a reason (the engine's result), planted for it, and found by SQL
flagged() { sql "select group_concat(e, ' ') from (select r.external_id e from response_flags f join responses r on r.id = f.response_id where f.reason = '$1' order by 1)"; }
planted() { awk -v r="$1" '$2 == r { print $1 }' "$tmp/expected.txt" | sort | paste -sd ' ' -; }
ids() { sql "select group_concat(e, ' ') from (select distinct external_id e from responses where id in ($1) order by 1)"; }
reasons="duplicate speeder straight_liner out_of_range missing"

awk -v seed=7 -v customers="$tmp/customers.csv" -v expected="$tmp/expected.txt" \
  -f "$data/clean_plant.awk" >"$tmp/responses.csv"
expect 0 m init
expect 0 m import customers "$tmp/customers.csv"
expect 0 m import responses "$tmp/responses.csv"
contains "$tmp/out" "190 rows read, 190 added"
answers=$(sql "select count(*) from answers")
# The importer refuses an answer outside its scale; such an answer comes from
# elsewhere (an older manyi, a hand edit): planted here in the database.
sql "update answers set value = 6 where response_id = (select id from responses where external_id = 'P15')
       and question_id = (select id from questions where code = 'a1')"
echo "P15 out_of_range" >>"$tmp/expected.txt"
# A flag the rules do not give (R001 answers all ten), as the integer-division
# rule of an older manyi left it: a run withdraws it.
sql "insert into response_flags values ((select id from responses where external_id = 'R001'), 'missing', 'old rule', 0)"

# --- The hand-written checks, written from the rules in `survey clean --help`,
# not from the engine's SQL. pulse has 10 scale questions (a1-a6 on 1-5,
# b1-b3 on 1-7, nps on 0-10) and an open comment.
# duplicate: the gap to the customer's previous response (by time, then id)
# is at most 10 minutes; or a response at most an hour earlier has the same
# signature (every question's answer in position order, blank as '~').
sig="select group_concat(x, ';') from (select q.code || '=' || coalesce(a.value, a.text, '~') x from questions q
       left join answers a on a.question_id = q.id and a.response_id = r.id where q.survey_id = r.survey_id order by q.position)"
dup_sql="select id from (select id, submitted_at - lag(submitted_at) over (partition by customer_id order by submitted_at, id) gap from responses) where gap <= 600
  union select b.id from (select r.id, r.customer_id c, r.submitted_at s, ($sig) g from responses r) a
  join (select r.id, r.customer_id c, r.submitted_at s, ($sig) g from responses r) b
    on a.c = b.c and a.g = b.g and a.id <> b.id and b.s - a.s between 0 and 3600 and (a.s < b.s or a.id < b.id)"
speed_sql="select id from responses where duration_s < 60"
# straight_liner: 5 or more answers on one scale, one distinct value
straight_sql="select a.response_id from answers a join questions q on q.id = a.question_id where a.value is not null
  group by a.response_id, q.scale_min, q.scale_max having count(*) >= 5 and count(distinct a.value) = 1"
range_sql="select a.response_id from answers a join questions q on q.id = a.question_id where a.value not between q.scale_min and q.scale_max"
# missing: more than half of 10 unanswered = fewer than 5 of the scale questions answered
missing_sql="select r.id from responses r where (select count(*) from answers a join questions q on q.id = a.question_id
  where a.response_id = r.id and q.open = 0 and a.value is not null) < 5"
hand() { case $1 in duplicate) ids "$dup_sql" ;; speeder) ids "$speed_sql" ;; straight_liner) ids "$straight_sql" ;;
         out_of_range) ids "$range_sql" ;; missing) ids "$missing_sql" ;; esac; }

# The planted sets, by hand (clean_plant.awk's comments say why each one)
same "$(planted duplicate)" "P18 P20 P24 P30 P31 P33 P39" "planted doubles"
same "$(planted straight_liner)" "P05 P06 P09 P11 P38 P39" "planted straight-liners"
same "$(planted missing)" "P12 P14 P40" "planted missing"

check_all() { # LABEL: every reason's flagged set = planted = SQL
  for reason in $reasons; do
    same "$(flagged "$reason")" "$(planted "$reason")" "$1: $reason flagged = planted"
    same "$(flagged "$reason")" "$(hand "$reason")" "$1: $reason flagged = hand-written SQL"
  done
}

expect 0 m --json survey clean pulse
cp "$tmp/out" "$tmp/clean1.json"
check_all "first run"
for reason in $reasons; do
  same "$(jx "\$.$reason.flagged")" "$(planted "$reason" | wc -w)" "$reason count printed"
done
same "$(jx '$.missing.withdrawn') $(jx '$.missing.new')" "1 3" "the old rule's flag withdrawn"
same "$(sql "select detail from response_flags f join responses r on r.id = f.response_id where r.external_id = 'P12' and reason = 'missing'")" \
  "6 of 10 scale questions unanswered" "missing detail"
same "$(sql "select detail from response_flags f join responses r on r.id = f.response_id where r.external_id = 'P05'")" \
  "6 answers on 1-5, all 4" "straight-liner detail"

# --- Metamorphic: the same run again, later, changes nothing (not even the
# flags' times); a re-import of the same file adds nothing and neither do the
# flags and the scores change.
snap() { sql "select r.external_id, f.reason, f.detail, f.flagged_at from response_flags f join responses r on r.id = f.response_id order by 1, 2"; }
snap >"$tmp/snap1"
expect 0 m --json survey score pulse
cp "$tmp/out" "$tmp/score1.json"
same "$(jx '$.responses')" "$(sql "select count(*) from responses where id not in (select response_id from response_flags)")" "scores leave the flagged out"
MANYI_NOW=2026-04-02T09:00:00+08:00 expect 0 m --json survey clean pulse
for reason in $reasons; do same "$(jx "\$.$reason.new") $(jx "\$.$reason.withdrawn")" "0 0" "rerun: $reason unchanged"; done
snap >"$tmp/snap2"
same "$(cmp -s "$tmp/snap1" "$tmp/snap2" && echo same)" same "a rerun leaves the flags as they were"
expect 0 m import responses "$tmp/responses.csv"
contains "$tmp/out" "190 rows read, 0 added"
MANYI_NOW=2026-04-03T09:00:00+08:00 expect 0 m --json survey clean pulse
for reason in $reasons; do same "$(jx "\$.$reason.new") $(jx "\$.$reason.withdrawn")" "0 0" "re-import: $reason unchanged"; done
snap >"$tmp/snap3"
same "$(cmp -s "$tmp/snap1" "$tmp/snap3" && echo same)" same "a re-import leaves the flags as they were"
expect 0 m --json survey score pulse
same "$(cmp -s "$tmp/score1.json" "$tmp/out" && echo same)" same "a re-import leaves the scores as they were"

# --- Options move the near misses across, and back
expect 0 m --json survey clean pulse --duplicate-window 11m
same "$(flagged duplicate)" "P18 P20 P22 P24 P30 P31 P33 P39" "11 minutes apart: within an 11m window"
expect 0 m --json survey clean pulse --identical-window 0
same "$(flagged duplicate)" "P18 P20 P30 P31 P33 P39" "same answers 50 min apart: not without --identical-window"
same "$(jx '$.duplicate.withdrawn')" 2 "P22 and P24 withdrawn"
expect 0 m --json survey clean pulse --identical-window 2h
same "$(flagged duplicate)" "P18 P20 P24 P26 P30 P31 P33 P39" "same answers 61 min apart: within 2h"
expect 0 m --json survey clean pulse --straight-min 4
same "$(flagged straight_liner)" "P05 P06 P07 P09 P11 P38 P39" "4 equal answers with --straight-min 4"
expect 0 m --json survey clean pulse --straight-min 3
same "$(flagged straight_liner)" "$(ids "${straight_sql/>= 5/>= 3}")" "--straight-min 3 (SQL)"
contains <(flagged straight_liner) "P08 P09 P10 P11"   # 3 on 1-5; the three 1-7 items
# 0.4: more than 4 of 10 unanswered = fewer than 6 answered
expect 0 m --json survey clean pulse --max-missing 0.4
same "$(flagged missing)" "$(ids "select r.id from responses r where (select count(*) from answers a join questions q on q.id = a.question_id where a.response_id = r.id and q.open = 0) < 6")" "--max-missing 0.4 (SQL)"
contains <(flagged missing) "P13"
expect 0 m --json survey clean pulse --min-duration 61s
same "$(flagged speeder)" "P01 P02 P03 P40" "60 s is a speeder under 61s"
expect 0 m --json survey clean pulse
check_all "back to the defaults"

# --- --help says what counts
expect 0 "$manyi" survey --help
for phrase in "[--duplicate-window 10m] [--identical-window 1h]" "The same answers further apart" \
              "answers on one scale" "0-10 recommendation) neither count nor break the line" \
              "with 0.5 and 9 scale questions, 5" "those no" "longer given (other options) are withdrawn"; do
  contains "$tmp/out" "$phrase"
done

# --- Bad input: a usage error (2) naming the option, nothing changed
snap >"$tmp/snap4"
for bad_opt in "--straight-min 1" "--straight-min 4294967301" "--straight-min ''" "--straight-min 5x" \
               "--max-missing 1" "--max-missing -0.1" "--max-missing nan" "--max-missing ''" \
               "--duplicate-window 0" "--duplicate-window -5m" "--duplicate-window 10x" \
               "--identical-window 00" "--min-duration soon"; do
  eval "expect 2 m survey clean pulse $bad_opt"
  [ -s "$tmp/err" ] && ok || bad "no message for $bad_opt"
done
contains "$tmp/err" "'soon' is not a duration"
expect 2 m survey clean pulse --straight-min 1;  contains "$tmp/err" "from 2 to 1000"
expect 2 m survey clean pulse --max-missing 1;   contains "$tmp/err" "from 0 to below 1"
expect 2 m survey clean nope;                    contains "$tmp/err" "no survey 'nope'"
expect 2 m survey clean;                         contains "$tmp/err" "one survey CODE"
snap >"$tmp/snap5"
same "$(cmp -s "$tmp/snap4" "$tmp/snap5" && echo same)" same "bad options change no flag"
same "$(sql "select count(*) from responses") $(sql "select count(*) from answers")" "190 $answers" "cleaning deletes nothing"

echo "clean: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
