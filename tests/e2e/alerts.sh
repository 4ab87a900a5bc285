#!/usr/bin/env bash
# End-to-end: the closed loop on feedback (policies/alert.lua), at intake
# (import responses, then survey code) and as the batch eval alerts.
# Planted responses whose answers are known: overall 2 -> one follow-up; overall
# 5 with "我要投诉" coded as complaint -> one (priority 1); overall 4 with praise ->
# none; overall 1 -> one; overall 3 -> none. At intake the import opens the two
# detractors' and survey code the complaint's, and eval alerts has nothing
# left; a failing alert policy at intake stores every response, is named,
# stops being asked after 100 failures in a row and leaves them to eval
# alerts; an import killed with SIGKILL and rerun opens each follow-up once.
# The batch: a rerun and --rescan open nothing new. On the example's 5,000 responses the run is killed with SIGKILL at random
# points and rerun: the follow-ups are then exactly the responses with an
# overall answer of 1 or 2 (counted with awk over responses.csv), one each.
# Hostile alert policies (a raise, an endless loop, a department that does not
# exist) are named with file:line and the response, and the others are processed.
# The report counts the follow-ups, those called back and closed, with medians.
# Usage: alerts.sh MANYI SOURCE_DIR
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
data=$example/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping" >&2; exit 77; }
. "$(dirname "$0")/lib/assert.sh"
. "$(dirname "$0")/lib/kill.sh"
export MANYI_NOW=2026-11-02T01:00:00Z
m() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/p.db" "$@"; }
sql() { sqlite3 "$1" "$2"; }

# --- planted responses ----------------------------------------------------------
expect 0 m init
for e in customers staff tickets; do expect 0 m import "$e" "$data/$e.csv"; done
head -1 "$data/responses.csv" >"$tmp/planted.csv"
cat >>"$tmp/planted.csv" <<'CSV'
P1,csat,C0000001,2026-11-01T10:00:00+08:00,120,web,2,3,3,3,3,3,3,3,5,
P2,csat,C0000002,2026-11-01T10:01:00+08:00,120,web,5,5,5,5,5,5,5,1,9,产品还是有问题，我要投诉
P3,csat,C0000003,2026-11-01T10:02:00+08:00,120,web,4,4,4,4,4,4,4,2,8,师傅很专业，点赞
P4,csat,C0000004,2026-11-01T10:03:00+08:00,120,sms,1,2,2,2,2,2,2,4,1,
P5,csat,C0000005,2026-11-01T10:04:00+08:00,120,web,3,3,3,3,3,3,3,3,6,
CSV
cp "$tmp/p.db" "$tmp/ready.db"
followups() {
  sql "$tmp/p.db" "SELECT r.external_id || ':' || t.external_id || ':' || t.priority FROM response_followups f
    JOIN responses r ON r.id = f.response_id JOIN tickets t ON t.id = f.ticket_id ORDER BY r.external_id" | paste -sd' '
}
# at intake: the detractors' follow-ups open with the import, the complaint's
# once survey code has coded it; eval alerts then has nothing left
expect 0 m import responses "$tmp/planted.csv"
contains "$tmp/out" "alert.lua: 2 follow-ups opened"
contains "$tmp/out" "P1 -> T0003001 callback for support: call back C0000001: overall answer 2 (<= 2)"
same "$(followups)" "P1:T0003001:2 P4:T0003002:2" "the import opens the detractors' follow-ups"
expect 0 m survey code csat
contains "$tmp/out" "alert.lua: 1 follow-up opened"
contains "$tmp/out" "P2 -> T0003003 callback for support: call back C0000002: comment coded as complaint"
same "$(followups)" "P1:T0003001:2 P2:T0003003:1 P4:T0003002:2" "survey code opens the complaint's"
expect 0 m --json survey code csat --recode
same "$(sql :memory: "SELECT json_extract('$(cat "$tmp/out")', '$.alerts.opened')")" 0 "recoding opens no second follow-up"
expect 0 m eval alerts
contains "$tmp/out" "0 responses, 0 follow-ups opened"
same "$(sql "$tmp/p.db" "SELECT last_response_id = (SELECT max(id) FROM responses) FROM alert_mark")" 1 \
  "the import moved the mark past the responses it saw"

# with --rejects (one thread, commits as it goes): the good rows are asked about too
cp "$tmp/ready.db" "$tmp/p.db"; rm -f "$tmp/p.db-wal" "$tmp/p.db-shm"
{ cat "$tmp/planted.csv"; echo "P6,csat,C9999999,2026-11-01T10:05:00+08:00,120,web,1,1,1,1,1,1,1,1,0,"; } >"$tmp/some_bad.csv"
expect 3 m import responses "$tmp/some_bad.csv" --rejects "$tmp/rejects.csv"
contains "$tmp/out" "6 rows read, 5 added"
contains "$tmp/out" "alert.lua: 2 follow-ups opened"
same "$(followups)" "P1:T0003001:2 P4:T0003002:2" "--rejects: the good rows' detractors get theirs"

# the same as a batch: an import and coding that leave the hook to eval alerts
cp "$tmp/ready.db" "$tmp/p.db"; rm -f "$tmp/p.db-wal" "$tmp/p.db-shm"
expect 0 m import responses "$tmp/planted.csv" --no-alerts
expect 0 m survey code csat --no-alerts
same "$(sql "$tmp/p.db" "SELECT group_concat(category) FROM text_codes t JOIN responses r ON r.id = t.response_id WHERE r.external_id = 'P2'")" \
  "repair_quality,complaint" "P2's comment is coded as a complaint"
same "$(sql "$tmp/p.db" "SELECT count(*) FROM response_followups")" 0 "--no-alerts opens nothing"
expect 0 m eval alerts --dry-run
contains "$tmp/out" "dry run of"
contains "$tmp/out" "5 responses, 3 follow-ups would be opened, 2 without"
same "$(sql "$tmp/p.db" "SELECT count(*) FROM response_followups")" 0 "a dry run opens nothing"
expect 0 m eval alerts
contains "$tmp/out" "5 responses, 3 follow-ups opened, 2 without, 0 with one already, 0 failed"
contains "$tmp/out" "P2 -> T0003002 callback for support: call back C0000002: comment coded as complaint"
got=$(sql "$tmp/p.db" "SELECT r.external_id || ':' || t.kind || ':' || t.priority || ':' || d.code || ':' || t.status
  FROM response_followups f JOIN responses r ON r.id = f.response_id JOIN tickets t ON t.id = f.ticket_id
  JOIN departments d ON d.id = t.department_id ORDER BY r.external_id" | paste -sd' ')
same "$got" "P1:callback:2:support:new P2:callback:1:support:new P4:callback:2:support:new" "the follow-ups"
same "$(sql "$tmp/p.db" "SELECT count(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
  WHERE t.kind = 'callback' AND e.kind = 'opened' AND e.actor = 'policy:alert'
  AND json_extract(e.detail, '$.response') IN ('P1', 'P2', 'P4')")" 3 "each follow-up's log names its response"
# the SLA of its own: callback, first response within 4 h on 24x7
expect 0 m ticket sla T0003001
contains "$tmp/out" "first_response"
expect 0 m eval alerts
contains "$tmp/out" "0 responses, 0 follow-ups opened"
expect 0 m eval alerts --rescan
contains "$tmp/out" "5 responses, 0 follow-ups opened, 2 without, 3 with one already, 0 failed"
same "$(sql "$tmp/p.db" "SELECT count(*) FROM tickets WHERE kind = 'callback'")" 3 "a rerun opens no new follow-up"

# --- the report counts them -------------------------------------------------------
MANYI_NOW=2026-11-02T02:30:00Z expect 0 m ticket reply T0003001 "called back, apologised"
MANYI_NOW=2026-11-02T05:00:00Z expect 0 m ticket resolve T0003001 "replacement sent"
MANYI_NOW=2026-11-02T04:00:00Z expect 0 m ticket reply T0003002 "called back"
MANYI_NOW=2026-11-03T00:00:00Z expect 0 m report satisfaction --period 2026-11 --format json --output "$tmp/r.json"
# by hand: opened 01:00; T0003001 contacted after 1.5 h, resolved after 4 h;
# T0003002 contacted after 3 h; T0003003 open. Median contact (1.5, 3) = 2.25 h.
j() { sqlite3 :memory: "SELECT json_extract(CAST(readfile('$tmp/r.json') AS TEXT), '$1')"; }
same "$(j '$.followups.opened')" 3 "report: follow-ups opened"
same "$(j '$.followups.contacted')" 2 "report: called back"
same "$(j '$.followups.closed')" 1 "report: closed"
same "$(j '$.followups.open')" 2 "report: still open"
same "$(j '$.followups.median_contact_hours')" 2.25 "report: median hours to the call-back"
same "$(j '$.followups.median_close_hours')" 4.0 "report: median hours to closing"
MANYI_NOW=2026-11-03T00:00:00Z expect 0 m report satisfaction --period 2026-11 --format md
contains "$tmp/out" "Detractors called back"

# --- hostile alert policies: named with file:line and the response, the rest go on
cat >"$tmp/hostile.lua" <<'LUA'
local function alert(r, c, t, p)
  if r.external_id == "P1" then error("no score for you") end
  if r.external_id == "P2" then while true do end end
  if r.external_id == "P4" then return {department = "nowhere", kind = "callback", priority = 2, reason = "x"} end
  return {department = "support", kind = "callback", priority = 3, reason = "all others"}
end
return { alert = alert }
LUA
cp "$tmp/ready.db" "$tmp/p.db"; rm -f "$tmp/p.db-wal" "$tmp/p.db-shm"
expect 0 m import responses "$tmp/planted.csv" --no-alerts
expect 3 m eval alerts --policy "$tmp/hostile.lua" --failures "$tmp/fail.csv"
contains "$tmp/err" "$tmp/hostile.lua:2: no score for you (response P1)"
contains "$tmp/err" "$tmp/hostile.lua:3:"
contains "$tmp/err" "(response P2)"
contains "$tmp/err" "department 'nowhere', which is not a department of the configuration"
contains "$tmp/err" "(response P4)"
contains "$tmp/out" "5 responses, 2 follow-ups opened, 0 without, 0 with one already, 3 failed"
same "$(sql "$tmp/p.db" "SELECT group_concat(r.external_id) FROM response_followups f JOIN responses r ON r.id = f.response_id ORDER BY 1")" \
  "P3,P5" "the responses the policy did not fail on are processed"
same "$(tail -n +2 "$tmp/fail.csv" | cut -d, -f2 | paste -sd' ')" "P1 P2 P4" "--failures lists the failing responses"
# a policy that fails on every response: the breaker stops it, nothing moves
printf 'return { alert = function(r) error("broken for " .. r.external_id) end }\n' >"$tmp/broken.lua"
cp "$tmp/ready.db" "$tmp/p.db"; rm -f "$tmp/p.db-wal" "$tmp/p.db-shm"
expect 0 m import responses "$tmp/planted.csv" --no-alerts
expect 4 m eval alerts --policy "$tmp/broken.lua" --max-failures 3
contains "$tmp/err" "the breaker stopped eval alerts"
contains "$tmp/err" "broken.lua:1: broken for P1 (response P1)"
same "$(sql "$tmp/p.db" "SELECT (SELECT count(*) FROM response_followups) || ' ' || (SELECT count(*) FROM alert_mark)")" \
  "0 0" "a stopped run commits neither follow-ups nor the mark"
# a broken file is refused before anything runs
printf 'return { alret = function() end }\n' >"$tmp/typo.lua"
expect 1 m eval alerts --policy "$tmp/typo.lua"
contains "$tmp/err" "unknown hook 'alret' (did you mean 'alert'?)"
expect 2 m eval alerts --as-of 2026-01-01
expect 2 m eval tiers --rescan

# --- hostile policies at intake: every response is stored, the failures named --
want=$(awk -F, 'NR > 1 && ($7 == "1" || $7 == "2") { n++ } END { print n }' "$data/responses.csv")
same "$want" 108 "detractors in the example (awk)"
# the bundled policy waits for the coding of a comment: at the import only
# the detractors without one
silent=$(awk -F, 'NR > 1 && ($7 == "1" || $7 == "2") && $16 == "" { n++ } END { print n }' "$data/responses.csv")
same "$silent" 98 "detractors without a comment (awk)"
total=$(($(wc -l <"$data/responses.csv") - 1))
# the example's configuration with another alert policy
with_alert() { sed "s|file: ../../policies/alert.lua|file: $1|" "$example/manyi.yaml" >"$tmp/alt.yaml"; }
ma() { "$manyi" --config "$tmp/alt.yaml" --db "$tmp/p.db" "$@"; }
# raises on the 993 answers of 3 (awk), loops on one response, else the bundled rule
cat >"$tmp/intake.lua" <<'LUA'
local function alert(r, c, t, p)
  local overall = r.answers.q_overall
  if overall == 3 then error("no score for " .. r.external_id) end
  if r.external_id == "R000000005" then while true do end end
  if overall and overall <= 2 then
    return {department = "support", kind = "callback", priority = 2, reason = "detractor"}
  end
end
return { alert = alert }
LUA
same "$(awk -F, 'NR > 1 && $7 == 3 { n++ } END { print n }' "$data/responses.csv")" 993 "answers of 3 (awk)"
for policy in "$tmp/intake.lua" "$tmp/broken.lua"; do
  with_alert "$policy"
  grep -q "file: $policy" "$tmp/alt.yaml" || { echo "FAIL: the configuration's alert policy was not replaced"; failures=$((failures + 1)); }
  sed -i "s|\.\./\.\./|$src/|g; s|file: data/|file: $data/|g" "$tmp/alt.yaml"
  cp "$tmp/ready.db" "$tmp/p.db"; rm -f "$tmp/p.db-wal" "$tmp/p.db-shm"
  expect 0 ma import responses "$data/responses.csv"
  contains "$tmp/out" "$total rows read, $total added"
  contains "$tmp/err" "warning: the alert policy $policy failed on"
  contains "$tmp/err" "manyi eval alerts asks it again"
  same "$(sql "$tmp/p.db" "SELECT count(*) FROM alert_mark")" 0 "$(basename "$policy"): the mark stays for eval alerts"
  [ "$policy" = "$tmp/broken.lua" ] && continue
  contains "$tmp/err" "failed on 994 responses"
  contains "$tmp/err" "(the first: $tmp/intake.lua:4: instruction budget exhausted"
  same "$(sql "$tmp/p.db" "SELECT count(*) FROM response_followups")" "$want" "the responses it did not fail on opened theirs (it does not wait for coding)"
done
contains "$tmp/err" "failed on 100 responses, and was not asked again after so many failures in a row"
contains "$tmp/err" "broken.lua:1: broken for"
# an alert policy that does not load: the import refuses, says why and what to do
printf 'return { alert = function( end }\n' >"$tmp/syntax.lua"
with_alert "$tmp/syntax.lua"
sed -i "s|\.\./\.\./|$src/|g" "$tmp/alt.yaml"
cp "$tmp/ready.db" "$tmp/p.db"; rm -f "$tmp/p.db-wal" "$tmp/p.db-shm"
expect 1 ma import responses "$data/responses.csv"
contains "$tmp/err" "syntax.lua:1:"
contains "$tmp/err" "or give --no-alerts"
same "$(sql "$tmp/p.db" "SELECT count(*) FROM responses")" 0 "nothing imported past a policy that does not load"
expect 0 ma import responses "$data/responses.csv" --no-alerts
expect 1 ma survey code csat
contains "$tmp/err" "must load first"
# with the bundled policy, survey code opens the commented detractors' follow-ups
# and eval alerts the others'
expect 0 m survey code csat
same "$(sql "$tmp/p.db" "SELECT count(*) FROM response_followups")" $((want - silent)) "survey code: the commented detractors"
expect 0 m eval alerts
same "$(sql "$tmp/p.db" "SELECT count(*) FROM response_followups")" "$want" "eval alerts catches up after an intake without the hook"

# --- kill -9 during an import with the hook: nothing or all, then once each -----
seed_random
for round in 1 2 3; do
  cp "$tmp/ready.db" "$tmp/p.db"; rm -f "$tmp/p.db-wal" "$tmp/p.db-shm"
  kill_after "$(random_ms 300)" "$manyi" --config "$example/manyi.yaml" --db "$tmp/p.db" import responses "$data/responses.csv"
  same "$(sql "$tmp/p.db" "PRAGMA integrity_check")" ok "import round $round: integrity after the kill"
  same "$(sql "$tmp/p.db" "SELECT (SELECT count(*) FROM responses) || ' ' || (SELECT count(*) FROM response_followups)")" \
    "$(sql "$tmp/p.db" "SELECT CASE WHEN count(*) THEN '$total $silent' ELSE '0 0' END FROM responses")" \
    "import round $round: the killed import stored all or nothing"
  expect 0 m import responses "$data/responses.csv"
  expect 0 m survey code csat
  same "$(sql "$tmp/p.db" "SELECT count(*) || ' ' || count(DISTINCT response_id) FROM response_followups")" "$want $want" \
    "import round $round: one follow-up per detractor after the rerun and the coding"
done

# --- kill -9 at random points, then rerun: one follow-up per detractor -----------
cp "$tmp/ready.db" "$tmp/p.db"; rm -f "$tmp/p.db-wal" "$tmp/p.db-shm"
expect 0 m import responses "$data/responses.csv" --no-alerts
expect 0 m survey code csat --no-alerts
cp "$tmp/p.db" "$tmp/base.db"
seed_random
for round in 1 2 3 4 5; do
  cp "$tmp/base.db" "$tmp/p.db"; rm -f "$tmp/p.db-wal" "$tmp/p.db-shm"
  for k in 1 2 3; do
    kill_after "$(random_ms 400)" "$manyi" --config "$example/manyi.yaml" --db "$tmp/p.db" eval alerts --chunk 50
  done
  expect 0 m eval alerts --chunk 50
  same "$(sql "$tmp/p.db" "SELECT count(*) || ' ' || count(DISTINCT response_id) || ' ' || (SELECT count(*) FROM tickets WHERE kind = 'callback') FROM response_followups")" \
    "$want $want $want" "round $round: one follow-up per detractor after kills"
  same "$(sql "$tmp/p.db" "PRAGMA integrity_check")" ok "round $round: integrity"
done

echo "alerts: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
