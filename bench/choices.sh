#!/usr/bin/env bash
# What choice questions add to `manyi survey score`: BENCH_RESPONSES
# (default 1,000,000) generated responses (`manyi-gen --seed 42`) on the
# example's survey with two choice questions added (q_channel, one of three;
# q_why, any of three), whose answers SQL puts in for 3 responses in 4 and 4
# in 5. Timed, best of BENCH_RUNS (default 3), wall clock:
#   - `manyi survey score csat` with the choice questions (one more pass,
#     the choices read by a cursor in step with it);
#   - the same score on a copy of the database through the example's own
#     configuration (no choice question: the score alone);
#   - peer: the sqlite3 shell counting each choice's answers with GROUP BY
#     (the counts only: no weights, no standard errors).
# The counts of both sides are compared. Prints a table.
#
#   bash bench/choices.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: choices.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_RESPONSES:-1000000}
RUNS=${BENCH_RUNS:-3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s#\.\./\.\./policies#$src/policies#g" "$src/examples/after-sales/manyi.yaml" >"$dir/plain.yaml"
python3 - "$dir/plain.yaml" "$dir/choice.yaml" <<'EOF'
import sys
s = open(sys.argv[1]).read()
anchor = '      - {code: q_comment, text: "Anything else you want to tell us?", open: true}\n'
s = s.replace(anchor, anchor +
  '      - {code: q_channel, text: "How did you reach us?", choices: {phone: "By phone", web: "On the web", store: "In a store"}}\n'
  '      - {code: q_why, text: "What mattered most?", choices: {speed: "Speed", price: "Price", staff: "Our staff"}, multiple: true}\n')
open(sys.argv[2], 'w').write(s)
EOF
m() { "$build/manyi" --config "$dir/choice.yaml" --db "$dir/c.db" "$@"; }
"$build/manyi-gen" --out "$dir/gen" --seed 42 --customers $((N / 10)) --responses "$N" \
  --only customers,responses >/dev/null
m init >/dev/null
m import customers "$dir/gen/customers.csv" >/dev/null
m import responses "$dir/gen/responses.csv" --no-alerts >/dev/null
sqlite3 "$dir/c.db" "INSERT INTO answer_texts (response_id, question_id, text)
  SELECT r.id, q.id, CASE r.id % 3 WHEN 0 THEN 'phone' WHEN 1 THEN 'web' ELSE 'store' END
  FROM responses r JOIN questions q ON q.survey_id = r.survey_id AND q.code = 'q_channel' WHERE r.id % 4 <> 0;
  INSERT INTO answer_texts (response_id, question_id, text)
  SELECT r.id, q.id, CASE r.id % 4 WHEN 0 THEN 'speed' WHEN 1 THEN 'price;staff' WHEN 2 THEN 'staff'
    ELSE 'speed;price;staff' END
  FROM responses r JOIN questions q ON q.survey_id = r.survey_id AND q.code = 'q_why' WHERE r.id % 5 <> 0;
  PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
cp "$dir/c.db" "$dir/p.db"
"$build/manyi" --config "$dir/plain.yaml" --db "$dir/p.db" survey score csat >/dev/null # its version

best() { # CMD...: the best wall time of RUNS runs, in seconds
  local b=
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >"$dir/last.out"
    t1=$(date +%s.%N)
    b=$(echo "$t0 $t1 ${b:-1e9}" | awk '{ d = $2 - $1; print (d < $3 ? d : $3) }')
  done
  echo "$b"
}
with=$(best m --json survey score csat)
cp "$dir/last.out" "$dir/with.json"
without=$(best "$build/manyi" --config "$dir/plain.yaml" --db "$dir/p.db" survey score csat)
count_sql="SELECT q.code, ch.value, count(*) FROM answer_texts a JOIN questions q ON q.id = a.question_id
  JOIN json_each('[\"' || replace(a.text, ';', '\",\"') || '\"]') ch WHERE q.choices IS NOT NULL
  GROUP BY q.code, ch.value ORDER BY 1, 2"
peer=$(best sqlite3 "$dir/c.db" "$count_sql")
python3 - "$dir/with.json" "$dir/last.out" <<'EOF'
import json, sys
ours = json.load(open(sys.argv[1]))["choices"]
mine = sorted((q, c["choice"], c["chosen"]) for q, v in ours.items() for c in v["choices"])
sql = sorted((q, ch, int(n)) for q, ch, n in (l.split("|") for l in open(sys.argv[2]).read().split()))
if mine != sql:
    sys.exit("the counts differ: manyi %s, sqlite3 %s" % (mine, sql))
print("counts checked: %d choices, the same on both sides" % len(mine))
EOF
printf '%-52s %8s\n' "responses: $N (best of $RUNS)" "wall s"
printf '%-52s %8.2f\n' "manyi survey score, with two choice questions" "$with"
printf '%-52s %8.2f\n' "manyi survey score, without them (the score alone)" "$without"
printf '%-52s %8.2f\n' "sqlite3 shell: the choices' counts (GROUP BY)" "$peer"
printf '%-52s %8.2f\n' "the choices' part of the score / the peer" \
  "$(echo "$with $without $peer" | awk '{ print ($1 - $2) / $3 }')"
