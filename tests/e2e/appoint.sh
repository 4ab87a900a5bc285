#!/usr/bin/env bash
# End-to-end: on-site appointments on the bundled example. Slots worked out by
# hand on the `standard` calendar (Asia/Shanghai, Mon-Fri 09:00-12:00 +
# 13:30-18:00, Sat 09:00-12:00, holidays 2026-10-01 and 10-02) for the staff of
# data/technicians.csv: aircon S001 S005 S009 (S007 inactive), washer S004
# S006, fridge S001 S006. Then concurrent bookings, and bad input.
# Usage: appoint.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
data=$example/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib/assert.sh"
m() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" "$@"; }
at() { export MANYI_NOW=$1; }
sql() { sqlite3 "$tmp/ex.db" "$1"; }

at 2026-09-30T17:00:00+08:00 # a Wednesday, one business hour left
expect 0 m init
for f in customers staff; do expect 0 m import "$f" "$data/$f.csv"; done
expect 0 m import staff "$data/technicians.csv"
expect 0 m appoint skills --staff S006
contains "$tmp/out" "S006     fridge"
contains "$tmp/out" "S006     washer"

# --- skills that are not codes: the whole import is refused, nothing changes
printf 'external_id,name,department,skills\nS004,X,technical,washer\nS005,Y,technical,Air Con\n' >"$tmp/bad.csv"
expect 1 m import staff "$tmp/bad.csv"
contains "$tmp/err" "field 'skills': skill 'Air Con'"
same "$(sql "select group_concat(skill) from staff_skills k join staff s on s.id = k.staff_id where s.external_id = 'S005'")" "aircon" "S005 keeps its skills"

# an empty cell keeps a member's skills, a quoted empty one clears them
printf 'external_id,name,department,skills\nS013,邓子红,technical,\n' >"$tmp/keep.csv"
expect 0 m import staff "$tmp/keep.csv"
same "$(sql "select count(*) from staff_skills k join staff s on s.id = k.staff_id where s.external_id = 'S013'")" "1" "empty cell keeps"
printf 'external_id,name,department,skills\nS013,邓子红,technical,""\n' >"$tmp/clear.csv"
expect 0 m import staff "$tmp/clear.csv"
same "$(sql "select count(*) from staff_skills k join staff s on s.id = k.staff_id where s.external_id = 'S013'")" "0" "quoted empty clears"

# --- a holiday: Wed 17:00 has 1h, Thu 10-01 and Fri 10-02 are holidays, Sat 09:00
expect 0 m ticket open --customer C0000001 --kind after_sales --category technical --subject 'washer leaks'
expect 0 m appoint T0000001 --skill washer --duration 90m
contains "$tmp/out" "appointment 1 booked for T0000001: S004"
contains "$tmp/out" "2026-10-03T09:00:00+08:00 .. 2026-10-03T10:30:00+08:00"
# the customer is told (notify.visit_booked) by SMS, the channel C0000001 consented to
same "$(sql "select channel || ' ' || recipient || ' ' || status || ' ' || subject from outbox where key = 'notice:T0000001:visit_booked:1'")" \
  "sms +86 198 2033 3129 ready 【售后服务】工单 T0000001：技术人员将于 2026-10-03 09:00 至 2026-10-03 10:30 上门服务，请保持电话畅通。" "visit message"
same "$(sql "select json_extract(payload, '$.appointment') || ' ' || json_extract(payload, '$.starts_at') from outbox where key = 'notice:T0000001:visit_booked:1'")" \
  "1 2026-10-03T09:00:00+08:00" "visit payload"

# --- Friday 2026-11-20 10:15
at 2026-11-20T10:15:00+08:00
expect 0 m ticket open --customer C0000002 --kind after_sales --category technical --subject 'aircon'
expect 0 m appoint T0000002 --skill aircon --duration 90m --dry-run
contains "$tmp/out" "would book T0000002: S001"
contains "$tmp/out" "2026-11-20T10:15:00+08:00 .. 2026-11-20T11:45:00+08:00"
same "$(sql "select count(*) from appointments")" "1" "a dry run books nothing"
# three aircon technicians free at 10:15: by staff id
expect 0 m appoint T0000002 --skill aircon --duration 90m; contains "$tmp/out" "appointment 2 booked for T0000002: S001"
expect 0 m appoint T0000002 --skill aircon --duration 90m; contains "$tmp/out" "appointment 3 booked for T0000002: S005"
expect 0 m appoint T0000002 --skill aircon --duration 90m; contains "$tmp/out" "appointment 4 booked for T0000002: S009"
contains "$tmp/out" "2026-11-20T10:15:00+08:00 .. 2026-11-20T11:45:00+08:00"
# all busy to 11:45; 11:45 + 90m crosses the 12:00 break: 13:30, S001 first again
expect 0 m appoint T0000002 --skill aircon --duration 90m
contains "$tmp/out" "appointment 5 booked for T0000002: S001"
contains "$tmp/out" "2026-11-20T13:30:00+08:00 .. 2026-11-20T15:00:00+08:00"
# 4h: S001 is busy from 13:30, S005 is not
expect 0 m appoint T0000002 --skill aircon --duration 4h
contains "$tmp/out" "appointment 6 booked for T0000002: S005"
contains "$tmp/out" "2026-11-20T13:30:00+08:00 .. 2026-11-20T17:30:00+08:00"
# Saturday 10:00 has 2h left, Sunday is closed: Monday 09:00
expect 0 m --json appoint T0000002 --skill aircon --duration 3h --after '2026-11-21 10:00'
contains "$tmp/out" '"id": 7'
contains "$tmp/out" '"staff": "S001"'
contains "$tmp/out" '"starts_at": "2026-11-23T09:00:00+08:00"'
contains "$tmp/out" '"ends_at": "2026-11-23T12:00:00+08:00"'
# an --after in the past means now
expect 0 m appoint T0000002 --skill aircon --duration 15m --after 2026-01-01 --dry-run
contains "$tmp/out" "would book T0000002: S001"
contains "$tmp/out" "2026-11-20T11:45:00+08:00 .. 2026-11-20T12:00:00+08:00"

# --- the log, the outbox, list, cancel, done
expect 0 m --json ticket show T0000002
same "$(grep -c '"kind": "appointment"' "$tmp/out")" "6" "six appointment events"
contains "$tmp/out" '"action": "booked"'
same "$(sql "select count(*) from outbox where kind = 'ticket_visit_booked' and ticket_id = (select id from tickets where external_id = 'T0000002')")" "6" "six customer messages"
# C0000002 consented to no SMS and has no e-mail: nothing sent, each row says why
same "$(sql "select group_concat(distinct status || ': ' || reason) from outbox where kind = 'ticket_visit_booked' and ticket_id = 2")" \
  "skipped: no channel the customer consented to (sms: no consent; email: no address)" "no consent, no message"
expect 0 m appoint list --staff S001 --from 2026-11-20T00:00:00Z --to 2026-11-22T00:00:00Z
same "$(wc -l <"$tmp/out")" "2" "S001 has two visits on Friday"
contains "$tmp/out" "2      booked    2026-11-20T10:15:00+08:00"
expect 0 m appoint cancel 2; contains "$tmp/out" "appointment 2 cancelled (T0000002, S001)"
same "$(sql "select status || ' ' || subject from outbox where key = 'notice:T0000002:visit_cancelled:2'")" \
  "skipped 【售后服务】工单 T0000002：原定 2026-11-20 10:15 的上门服务已取消，我们会另行与您约定时间。" "cancel message"
expect 1 m appoint cancel 2;  contains "$tmp/err" "appointment 2 is cancelled already"
expect 1 m appoint done 2;    contains "$tmp/err" "only a booked one can be done"
expect 0 m appoint done 3;    contains "$tmp/out" "appointment 3 done"
expect 1 m appoint cancel 99; contains "$tmp/err" "no appointment 99"
expect 2 m appoint cancel abc; contains "$tmp/err" "'abc' is not an appointment ID"
# the cancelled slot is free again
expect 0 m appoint T0000002 --skill aircon --duration 90m
contains "$tmp/out" "appointment 8 booked for T0000002: S001"
contains "$tmp/out" "2026-11-20T10:15:00+08:00"
same "$(sql "select group_concat(json_extract(detail, '$.action'), ',') from ticket_events where kind = 'appointment' and ticket_id = 2")" \
  "booked,booked,booked,booked,booked,booked,cancelled,done,booked" "event actions in order"

# --- two processes at once, many times: never an overlap, every booking made
at 2026-11-27T18:00:00+08:00 # Friday at closing: Saturday 11-28 09:00-12:00 is next
pids=()
for i in 1 2 3 4 5 6 7 8; do
  m appoint T0000002 --skill fridge --duration 2h >"$tmp/c$i.out" 2>"$tmp/c$i.err" &
  pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
same "$fails" "0" "concurrent bookings all succeed"; cat "$tmp"/c*.err >&2
same "$(sql "select count(*) from appointments a join appointments b on a.staff_id = b.staff_id and a.id < b.id and a.status = 'booked' and b.status = 'booked' and a.starts_at < b.ends_at and b.starts_at < a.ends_at")" "0" "no overlap"
# the same slots as one after the other: per staff Sat 09:00, Mon 09:00, 13:30, 15:30
same "$(sql "select group_concat(s.external_id || '@' || strftime('%m-%dT%H:%M', a.starts_at, 'unixepoch', '+8 hours'), ' ') from (select * from appointments where skill = 'fridge' order by starts_at, staff_id) a join staff s on s.id = a.staff_id")" \
  "S001@11-28T09:00 S006@11-28T09:00 S001@11-30T09:00 S006@11-30T09:00 S001@11-30T13:30 S006@11-30T13:30 S001@11-30T15:30 S006@11-30T15:30" "concurrent slots"

# --- errors
expect 1 m appoint T9999999 --skill aircon --duration 1h;   contains "$tmp/err" "no ticket 'T9999999'"
expect 1 m appoint T0000002 --skill plumbing --duration 1h; contains "$tmp/err" "no active staff member has the skill 'plumbing'"
expect 1 m appoint T0000002 --skill aircon --duration 5h
contains "$tmp/err" "a 5h visit is longer than any open span of the calendars of the staff with skill 'aircon' (the longest is 4h30m)"
expect 2 m appoint T0000002 --skill aircon --duration 90x;  contains "$tmp/err" "--duration: '90x' is not a duration"
expect 1 m appoint T0000002 --skill aircon --duration 90s;  contains "$tmp/err" "whole minutes from 1m to 24h"
expect 1 m appoint T0000002 --skill aircon --duration 2d;   contains "$tmp/err" "whole minutes from 1m to 24h"
expect 1 m appoint T0000002 --skill 'Air;con' --duration 1h; contains "$tmp/err" "lowercase letters"
expect 1 m appoint T0000002 --skill aircon --duration 1h --after tomorrow; contains "$tmp/err" "tomorrow"
expect 2 m appoint T0000002 --duration 1h;                  contains "$tmp/err" "needs --skill and --duration"
expect 2 m appoint --skill aircon --duration 1h;            contains "$tmp/err" "give one TICKET"
expect 2 m appoint list --bogus;                            contains "$tmp/err" "list: unknown option"
expect 0 m ticket resolve T0000001 'fixed'
expect 1 m appoint T0000001 --skill washer --duration 1h;   contains "$tmp/err" "ticket T0000001 is resolved"
expect 0 m appoint --help;                                  contains "$tmp/out" "earliest free slot"
expect 0 m --help;                                          contains "$tmp/out" "appoint"
same "$(sql "select count(*) from appointments")" "16" "errors booked nothing"
expect 0 m check

echo "appoint: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
