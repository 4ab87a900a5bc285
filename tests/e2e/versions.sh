#!/usr/bin/env bash
# End-to-end: questionnaire versions. The example's responses answer version
# 1 of csat; version 2 moves the response-speed questions to a 1-7 scale and
# rewords q_wait so that it is no longer reverse-scored. Scored under version
# 2, the old answers keep the meaning they had when given: each is scored by
# its own version and mapped onto the new scale, so the 0-100 scores (a
# linear map of the scale) are those of version 1, and the item means are
# the hand-mapped values computed below in SQL.
# Usage: versions.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib/assert.sh"
command -v sqlite3 >/dev/null || { echo "versions: needs sqlite3"; exit 77; }
export MANYI_NOW=2026-11-01T00:00:00Z
jx() { sqlite3 :memory: "select json_extract(readfile('$1'), '$2')"; }
sql() { sqlite3 "$tmp/ex.db" "$1"; }

sed "s#\.\./\.\./policies/#$src/policies/#" "$example/manyi.yaml" >"$tmp/v1.yaml"
sed -e 's#{code: q_speed, text: "We answered quickly.", dimension: response_speed, scale: \[1, 5\]}#{code: q_speed, text: "We answered quickly.", dimension: response_speed, scale: [1, 7]}#' \
    -e 's#{code: q_wait, text: "I had to wait too long.", dimension: response_speed, scale: \[1, 5\], reverse: true}#{code: q_wait, text: "I got my answer in good time.", dimension: response_speed, scale: [1, 7]}#' \
    "$tmp/v1.yaml" >"$tmp/v2.yaml"
[ "$(diff "$tmp/v1.yaml" "$tmp/v2.yaml" | grep -c '^>')" = 2 ] && ok || bad "version 2 changes two questions"
v1() { "$manyi" --config "$tmp/v1.yaml" --db "$tmp/ex.db" "$@"; }
v2() { "$manyi" --config "$tmp/v2.yaml" --db "$tmp/ex.db" "$@"; }

expect 0 v1 init
for e in customers responses; do expect 0 v1 import "$e" "$example/data/$e.csv"; done
expect 0 v1 --json survey score csat --period 2026Q3
cp "$tmp/out" "$tmp/v1.json"
expect 0 v2 --json survey score csat --period 2026Q3   # opening the database stores version 2
cp "$tmp/out" "$tmp/v2.json"
same "$(sql "select group_concat(version) from surveys where code = 'csat'")" "1,2" "two versions stored"
same "$(sql "select q.scale_max || ' ' || q.reverse from questions q join surveys v on v.id = q.survey_id where v.version = 2 and q.code = 'q_wait'")" \
  "7 0" "version 2 of q_wait"

# The 0-100 scores and the index do not move: same answers, same meaning.
for path in '$.index.dimension_score_0_100.response_speed' '$.index.index' '$.dimensions.response_speed.score' \
            '$.csat.p' '$.nps.nps'; do
  a=$(jx "$tmp/v1.json" "$path"); b=$(jx "$tmp/v2.json" "$path")
  same "$(awk -v a="$a" -v b="$b" 'BEGIN { d = a - b; if (d < 0) d = -d; print (a != "" && d < 1e-9) ? "equal" : a " vs " b }')" \
    equal "$path under version 2"
done
# The raw means are in version 2's terms: q_speed v -> 1 + (v - 1) * 6/4,
# q_wait (reversed in version 1) v -> 1 + (5 - v) * 6/4; the dimension's raw
# mean is the mean over responses of the mean of their answered items.
want=$(sql "select printf('%.9f', avg(m)) from (select avg(case q.code when 'q_speed' then 1 + (a.value - 1) * 1.5 else 1 + (5 - a.value) * 1.5 end) m
              from responses r join answers a on a.response_id = r.id join questions q on q.id = a.question_id
              where q.code in ('q_speed', 'q_wait') and a.value is not null
                and r.submitted_at >= unixepoch('2026-06-30T16:00:00Z') and r.submitted_at < unixepoch('2026-09-30T16:00:00Z')
                and r.id not in (select response_id from response_flags)
              group by r.id)")
same "$(printf '%.9f' "$(jx "$tmp/v2.json" '$.dimensions.response_speed.mean_raw')")" "$want" \
  "response_speed raw mean in version 2's terms (SQL)"
same "$(printf '%.9f' "$(jx "$tmp/v1.json" '$.dimensions.response_speed.mean_raw')")" \
  "$(sql "select printf('%.9f', avg(m)) from (select avg(case q.code when 'q_speed' then a.value else 6 - a.value end) m
              from responses r join answers a on a.response_id = r.id join questions q on q.id = a.question_id
              where q.code in ('q_speed', 'q_wait') and a.value is not null
                and r.submitted_at >= unixepoch('2026-06-30T16:00:00Z') and r.submitted_at < unixepoch('2026-09-30T16:00:00Z')
              group by r.id)")" \
  "response_speed raw mean in version 1 (SQL)"

echo "versions: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
