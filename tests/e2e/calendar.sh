#!/usr/bin/env bash
# End-to-end: manyi calendar and manyi cron on the example's calendars, with
# values worked out by hand. The 'standard' calendar: Asia/Shanghai (UTC+8, no
# DST), Mon-Fri 09:00-12:00 + 13:30-18:00 (450 min), Sat 09:00-12:00 (180 min);
# holidays 2026-01-01, 02-17, 02-18, 05-01, 10-01, 10-02; working day 2026-02-14
# (a Saturday: it gets the Monday hours).
# Usage: calendar.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MANYI_NOW=2026-11-20T04:00:00Z # Friday 12:00 in Shanghai
. "$(dirname "$0")/lib/assert.sh"
m() { "$manyi" --config "$example/manyi.yaml" "$@"; }

# --- help
expect 0 "$manyi" calendar --help;  contains "$tmp/out" "Usage: manyi"
expect 0 "$manyi" cron --help;      contains "$tmp/out" "Usage: manyi"
expect 0 "$manyi" --help;           contains "$tmp/out" "calendar"

# --- add: Fri 17:30 + 90m = 30m on Friday + 60m of the Saturday half day
expect 0 m calendar standard add 2026-11-20T17:30 90m
contains "$tmp/out" "ends 2026-11-21T10:00:00+08:00 Sat (2026-11-21T02:00:00Z)"
# the same start given in UTC
expect 0 m calendar standard add 2026-11-20T09:30:00Z 1h30m
contains "$tmp/out" "ends 2026-11-21T10:00:00+08:00 Sat"
# 240m: 30 Fri + 180 Sat + 30 Mon
expect 0 m calendar standard add 2026-11-20T17:30 240m
contains "$tmp/out" "ends 2026-11-23T09:30:00+08:00 Mon"
# working Saturday 2026-02-14 has the full weekday hours: 60 Fri + 180 + 30 after lunch
expect 0 m calendar standard add 2026-02-13T17:00 4h30m
contains "$tmp/out" "ends 2026-02-14T14:00:00+08:00 Sat"
# National Day: Wed 60m, Oct 1-2 closed, Sat Oct 3 09:00 + 60m
expect 0 m calendar standard add 2026-09-30T17:00 2h
contains "$tmp/out" "ends 2026-10-03T10:00:00+08:00 Sat"
# a deadline that uses up the morning ends at 12:00, not at 13:30
expect 0 m calendar standard add 2026-11-23T11:00 60m
contains "$tmp/out" "ends 2026-11-23T12:00:00+08:00 Mon"
# 0m from a closed instant: the next opening
expect 0 m calendar standard add 2026-11-21T12:00 0m
contains "$tmp/out" "ends 2026-11-23T09:00:00+08:00 Mon"
expect 0 m --json calendar standard add 2026-11-20T17:30 90m
contains "$tmp/out" '"end": "2026-11-21T02:00:00Z"'
contains "$tmp/out" '"seconds": 5400'
# round the clock: no seam at midnight
expect 0 m calendar round-the-clock add 2026-11-20T23:30 1h
contains "$tmp/out" "ends 2026-11-21T00:30:00+08:00 Sat"

# --- between
expect 0 m calendar standard between 2026-11-23T11:00 2026-11-23T14:00
contains "$tmp/out" "90 minutes (1h30m)"
expect 0 m calendar standard between 2026-11-23T14:00 2026-11-23T11:00
contains "$tmp/out" "-90 minutes (-1h30m)"
# Fri 450 + working Sat 450 + Mon 450 + Thu 450 (Tue, Wed are holidays)
expect 0 m calendar standard between 2026-02-13 2026-02-20
contains "$tmp/out" "1800 minutes (30h)"
# 2026: 261 weekdays - 6 holidays = 255 x 450, 52 Saturdays x 180, +270 for 02-14
expect 0 m calendar standard between 2026-01-01 2027-01-01
contains "$tmp/out" "124380 minutes (2073h)"
expect 0 m --json calendar standard between 2026-11-23T11:00 2026-11-23T14:00:30
contains "$tmp/out" '"seconds": 5430'

# --- show
expect 0 m calendar standard show --from 2026-02-13 --days 7
contains "$tmp/out" "2026-02-14 Sat working day 09:00-12:00 13:30-18:00 = 7h30m  (UTC 01:00Z-04:00Z 05:30Z-10:00Z)"
contains "$tmp/out" "2026-02-15 Sun             closed"
contains "$tmp/out" "2026-02-17 Tue holiday     closed"
contains "$tmp/out" "2026-02-19 Thu             09:00-12:00 13:30-18:00 = 7h30m"
[ "$(grep -c '^2026-' "$tmp/out")" = 7 ] && ok || bad "show --days 7 did not print 7 days"
expect 0 m calendar standard show # from today (MANYI_NOW), 7 days
contains "$tmp/out" "2026-11-20 Fri"
contains "$tmp/out" "2026-11-21 Sat             09:00-12:00             = 3h"
contains "$tmp/out" "2026-11-26 Thu"
expect 0 m --json calendar standard show --from 2026-10-01 --days 1
contains "$tmp/out" '"kind": "holiday"'
expect 0 m calendar round-the-clock show --from 2026-11-20 --days 1
contains "$tmp/out" "00:00-24:00             = 24h    (UTC 16:00Z(-1d)-16:00Z)"

# --- calendar errors
expect 1 m calendar nope show;                         contains "$tmp/err" "has no calendar 'nope'; it has: standard round-the-clock"
expect 2 m calendar standard add 2026-11-20 1d;        contains "$tmp/err" "ambiguous for business time"
expect 2 m calendar standard add tomorrow 1h;          contains "$tmp/err" "START:"
expect 2 m calendar standard add 2026-11-20;           contains "$tmp/err" "add takes START and DURATION"
expect 2 m calendar standard frob;                     contains "$tmp/err" "unknown subcommand 'frob'"
expect 2 m calendar standard show --days 0;            contains "$tmp/err" "--days"
expect 2 m calendar standard;                          contains "$tmp/err" "give a calendar NAME"
expect 1 m calendar standard add 2300-01-01T00:00Z 1h; contains "$tmp/err" "outside the supported range"
cat >"$tmp/mars.yaml" <<'EOF'
version: 1
database: x.db
calendars:
  mars:
    timezone: Mars/Olympus_Mons
    hours:
      mon: [09:00-17:00]
  files:
    timezone: Asia/Shanghai
    ics: bad.ics
    hours:
      mon: [09:00-17:00]
departments:
  - code: d
    name: D
    calendar: mars
EOF
printf 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261224T180000Z\r\nSUMMARY:Party\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$tmp/bad.ics"
expect 1 "$manyi" --config "$tmp/mars.yaml" calendar mars show
contains "$tmp/err" "calendar 'mars': unknown time zone 'Mars/Olympus_Mons'"
expect 1 "$manyi" --config "$tmp/mars.yaml" calendar files show
contains "$tmp/err" "calendar 'files': $tmp/bad.ics: event 'Party' starts at a time of day"

# --- cron
expect 0 m cron '30 9 * * mon-fri' --tz Asia/Shanghai --after 2026-11-20T09:30 --count 3
contains "$tmp/out" "2026-11-23T09:30:00+08:00 Mon  2026-11-23T01:30:00Z"
contains "$tmp/out" "2026-11-25T09:30:00+08:00 Wed  2026-11-25T01:30:00Z"
[ "$(wc -l <"$tmp/out")" = 3 ] && ok || bad "cron --count 3 printed $(wc -l <"$tmp/out") lines"
expect 0 "$manyi" cron '0 0 29 2 *' --after 2026-01-01 --count 2
contains "$tmp/out" "2028-02-29T00:00:00Z Tue"
contains "$tmp/out" "2032-02-29T00:00:00Z Sun"
# New York, spring gap: 02:30 does not exist on 2026-03-08, fires at 03:00 EDT
expect 0 "$manyi" cron '30 2 * * *' --tz America/New_York --after 2026-03-07T12:00 --count 2
contains "$tmp/out" "2026-03-08T03:00:00-04:00 Sun  2026-03-08T07:00:00Z"
contains "$tmp/out" "2026-03-09T02:30:00-04:00 Mon  2026-03-09T06:30:00Z"
# autumn overlap: 01:30 fires once, at its first (EDT) occurrence
expect 0 "$manyi" cron '30 1 * * *' --tz America/New_York --after 2026-10-31T12:00 --count 2
contains "$tmp/out" "2026-11-01T01:30:00-04:00 Sun  2026-11-01T05:30:00Z"
contains "$tmp/out" "2026-11-02T01:30:00-05:00 Mon  2026-11-02T06:30:00Z"
# either day field: every 13th and every Friday
expect 0 "$manyi" --json cron '0 0 13 * fri' --after 2026-04-10T00:00Z --count 2
contains "$tmp/out" '"at": "2026-04-13T00:00:00Z"'
contains "$tmp/out" '"at": "2026-04-17T00:00:00Z"'
expect 2 "$manyi" cron '0 25 * * *';             contains "$tmp/err" "cron: field 2 (hour): 25 is out of range 0-23"
expect 2 "$manyi" cron '0 0 31 2 *';             contains "$tmp/err" "never matches"
expect 2 "$manyi" cron '* * * *';                contains "$tmp/err" "4 fields where 5 are needed"
expect 2 "$manyi" cron "$(head -c 400 /dev/zero | tr '\0' '*')"; contains "$tmp/err" "longer than 256"
expect 2 "$manyi" cron '* * * * *' --tz Mars/X;  contains "$tmp/err" "unknown time zone 'Mars/X'"
expect 2 "$manyi" cron '* * * * *' --count 0;    contains "$tmp/err" "--count"
expect 2 "$manyi" cron;                          contains "$tmp/err" "give one quoted EXPR"
expect 1 "$manyi" cron '0 0 29 2 *' --after 2197-01-01; contains "$tmp/err" "no firing time before the year 2200"

echo "calendar.sh: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
