#!/usr/bin/env bash
# End-to-end: the upgrade to the response layout (schema version 11) of a
# version-10 database, built here with the sqlite3 shell from schemas/
# (base.sql and migrations up to 0010) and filled with planted responses:
#  - every scale answer lands in responses.scale_answers and every open answer
#    in answer_texts, and the view `answers` shows exactly the rows the old
#    table held (compared as the sqlite3 shell prints them);
#  - weight, wave and stratum are the invitation's (1, none, none without
#    one), flagged is 1 exactly for the responses response_flags names;
#  - afterwards the triggers keep them so (a flag added and withdrawn, an
#    invitation's weight changed, a response stored by plain SQL);
#  - kill -9 at random points of the upgrade: the database passes
#    integrity_check and is version 10 whole (its answers table unchanged) or
#    the latest version complete; the rerun ends as an uninterrupted upgrade does.
# Usage: upgrade.sh MANYI SOURCE_DIR [MANYI_GEN]
set -uo pipefail
. "$(dirname "$0")/lib/setup.sh" "$@"
need_sqlite3
seeded_kills
sql() { sqlite3 -bail "$1" "$2"; }
N=${UPGRADE_RESPONSES:-40000}

echo "== a version-10 database with $N planted responses"
v10=$tmp/v10.db
{
  cat "$src/schemas/base.sql"
  for f in "$src"/schemas/migrations/*.sql; do
    n=$(basename "$f" | sed 's/_.*//; s/^0*//')
    [ "$n" -le 10 ] && cat "$f"
  done
  echo "PRAGMA application_id = $((0x4D4E5949)); PRAGMA user_version = 10;"
} | sqlite3 -bail "$v10" >/dev/null || { echo "could not build the version-10 schema" >&2; exit 1; }
sql "$v10" "
PRAGMA foreign_keys = ON;
BEGIN;
INSERT INTO surveys VALUES (1, 'csat', 1, 'CSAT', 'csat', '{}', 0);
INSERT INTO questions (id, survey_id, position, code, text, dimension, scale_min, scale_max, open) VALUES
  (3, 1, 1, 'q_a', 'a', 'overall', 1, 5, 0), (5, 1, 2, 'q_b', 'b', 'quality', 1, 5, 0),
  (7, 1, 3, 'q_c', 'c', 'quality', 1, 5, 0), (11, 1, 4, 'q_nps', 'n', 'recommendation', 0, 10, 0);
INSERT INTO questions (id, survey_id, position, code, text, open) VALUES (13, 1, 5, 'q_text', 't', 1);
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 100)
INSERT INTO customers (id, external_id, name, kind, created_at) SELECT i, 'C' || i, 'n' || i, 'person', 0 FROM k;
INSERT INTO survey_waves VALUES (1, 'csat', 'W1', 1, 'stratified', '{}', 0),
                                (2, 'csat', 'W2', 1, 'cluster', '{}', 0);
-- every third response answers an invitation: weights 1.5-4.5, strata S0-S2, the first 100 in two waves
WITH RECURSIVE k(i) AS (SELECT 3 UNION ALL SELECT i + 3 FROM k WHERE i + 3 <= $N)
INSERT INTO invitations (id, external_id, survey_id, customer_id, channel, stratum, weight, status, created_at, wave_id)
  SELECT i, 'I' || i, 1, 1 + (i / 3 - 1) % 100, 'email', 'S' || (i % 3), 1.5 + (i % 4), 'responded', 0,
         CASE WHEN i <= 300 THEN 1 + (i % 2) END FROM k;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $N)
INSERT INTO responses (id, external_id, survey_id, customer_id, invitation_id, submitted_at, duration_s, channel)
  SELECT i, 'R' || i, 1, 1 + i % 100, CASE WHEN i % 3 = 0 THEN i END, 1700000000 + i * 60, 100, 'web' FROM k;
-- four scale answers (one missing every 7th, a half point every 11th), one text every 5th
INSERT INTO answers (response_id, question_id, value)
  SELECT r.id, q.id, CASE WHEN q.id = 11 THEN r.id % 11 WHEN r.id % 11 = 0 THEN 2.5 ELSE 1 + (r.id + q.id) % 5 END
  FROM responses r JOIN questions q ON q.open = 0 WHERE NOT (r.id % 7 = 0 AND q.id = 5);
INSERT INTO answers (response_id, question_id, text) SELECT id, 13, 'text of ' || id FROM responses WHERE id % 5 = 0;
INSERT INTO response_flags SELECT id, 'speeder', NULL, 0 FROM responses WHERE id % 97 = 0;
COMMIT;" || { echo "could not plant the data" >&2; exit 1; }

# What the old layout holds, printed by the shell, to compare with the view.
old_answers=$(sql "$v10" "SELECT response_id, question_id, value, text FROM answers ORDER BY 1, 2" | md5sum)
old_count=$(sql "$v10" "SELECT count(*) FROM answers")
m() { "$manyi" --config "$src/examples/after-sales/manyi.yaml" --db "$1" status; }

echo "== an uninterrupted upgrade"
cp "$v10" "$tmp/ref.db"
t0=$(now_ms)
expect 0 m "$tmp/ref.db"
ref_ms=$(($(now_ms) - t0))
echo "upgrade of $N responses: $ref_ms ms"
latest=$(ls "$src/schemas/migrations" | sort | tail -1 | sed 's/^0*//; s/_.*//')
same "$(sql "$tmp/ref.db" "PRAGMA user_version")" "$latest" "version after the upgrade"
same "$(sql "$tmp/ref.db" "SELECT response_id, question_id, value, text FROM answers ORDER BY 1, 2" | md5sum)" \
  "$old_answers" "the view answers shows the old rows"
same "$(sql "$tmp/ref.db" "SELECT count(*) FROM answers")" "$old_count" "answers counted through the view"
same "$(sql "$tmp/ref.db" "SELECT count(*) FROM answer_texts")" $((N / 5)) "open answers in answer_texts"
# 7: q_b missing (7 | id), 1 + (7 + 3) % 5 = 1, 1 + (7 + 7) % 5 = 5, 7 % 11 = 7; 8: all four;
# 22: half points (11 | id), 22 % 11 = 0
same "$(sql "$tmp/ref.db" "SELECT scale_answers FROM responses WHERE id IN (7, 8, 22) ORDER BY id")" \
  '{"3":1,"7":5,"11":7}
{"3":2,"5":4,"7":1,"11":8}
{"3":2.5,"5":2.5,"7":2.5,"11":0}' "scale_answers of planted responses (by hand)"
same "$(sql "$tmp/ref.db" "SELECT count(*) FROM responses WHERE scale_answers IS NULL")" 0 "every response has its scale answers"
same "$(sql "$tmp/ref.db" "SELECT weight || ' ' || coalesce(wave_id, '-') || ' ' || coalesce(stratum, '-') FROM responses WHERE id IN (1, 3, 4, 6) ORDER BY id")" \
  "1.0 - -
4.5 2 S0
1.0 - -
3.5 1 S0" "design of planted responses (by hand: 3 -> weight 1.5 + 3, wave 1 + 1, S0)"
same "$(sql "$tmp/ref.db" "SELECT count(*) FROM responses r JOIN invitations i ON i.id = r.invitation_id
                          WHERE r.weight IS NOT i.weight OR r.wave_id IS NOT i.wave_id OR r.stratum IS NOT i.stratum")" 0 \
  "every response carries its invitation's design"
same "$(sql "$tmp/ref.db" "SELECT group_concat(id) FROM (SELECT id FROM responses WHERE flagged = 1 ORDER BY id)")" \
  "$(sql "$v10" "SELECT group_concat(id) FROM (SELECT DISTINCT response_id AS id FROM response_flags ORDER BY 1)")" "flagged"
same "$(sql "$tmp/ref.db" "PRAGMA integrity_check")" ok "integrity after the upgrade"
same "$(sql "$tmp/ref.db" "PRAGMA foreign_key_check")" "" "foreign keys after the upgrade"
ref_rows=$(sql "$tmp/ref.db" "SELECT * FROM responses ORDER BY id" | md5sum)

echo "== the triggers keep the copies right"
db=$tmp/ref.db
sql "$db" "INSERT INTO response_flags VALUES (1, 'duplicate', NULL, 0), (1, 'speeder', NULL, 0)"
same "$(sql "$db" "SELECT flagged FROM responses WHERE id = 1")" 1 "a flag sets flagged"
sql "$db" "DELETE FROM response_flags WHERE response_id = 1 AND reason = 'speeder'"
same "$(sql "$db" "SELECT flagged FROM responses WHERE id = 1")" 1 "flagged while a flag is left"
sql "$db" "DELETE FROM response_flags WHERE response_id = 1"
same "$(sql "$db" "SELECT flagged FROM responses WHERE id = 1")" 0 "the last flag withdrawn clears flagged"
sql "$db" "UPDATE invitations SET weight = 9.25, stratum = 'S9' WHERE id = 6"
same "$(sql "$db" "SELECT weight || ' ' || stratum FROM responses WHERE id = 6")" "9.25 S9" "an invitation's new design reaches its response"
sql "$db" "INSERT INTO invitations (id, external_id, survey_id, customer_id, channel, stratum, weight, status, created_at, wave_id)
           VALUES ($((N + 1)), 'Inew', 1, 1, 'email', 'S5', 7.0, 'sent', 0, 1);
           INSERT INTO responses (id, external_id, survey_id, customer_id, invitation_id, submitted_at, scale_answers)
           VALUES ($((N + 1)), 'Rnew', 1, 1, $((N + 1)), 1800000000, '{\"3\":4}')"
same "$(sql "$db" "SELECT weight || ' ' || wave_id || ' ' || stratum FROM responses WHERE id = $((N + 1))")" "7.0 1 S5" \
  "a response stored by SQL gets its invitation's design"
sql "$db" "UPDATE responses SET invitation_id = NULL WHERE id = $((N + 1))"
same "$(sql "$db" "SELECT weight || ' ' || coalesce(wave_id, '-') FROM responses WHERE id = $((N + 1))")" "1.0 -" \
  "a response without an invitation weighs 1"
# 2 holds 1, 3, 5, 2 (by hand as above); 7 has no answer to question 5 and no text
sql "$db" "UPDATE answers SET value = 4 WHERE response_id = 2 AND question_id = 3;
           DELETE FROM answers WHERE response_id = 2 AND question_id = 7;
           INSERT INTO answers (response_id, question_id, value) VALUES (7, 5, 0.5);
           INSERT INTO answers (response_id, question_id, text) VALUES (7, 13, 'by hand');
           UPDATE answers SET text = 'changed' WHERE response_id = 5 AND question_id = 13"
same "$(sql "$db" "SELECT group_concat(response_id || ':' || question_id || '=' || coalesce(value, text), ' ')
                   FROM (SELECT * FROM answers WHERE response_id IN (2, 5, 7) ORDER BY response_id, question_id)")" \
  "2:3=4.0 2:5=3.0 2:11=2.0 5:3=4.0 5:5=1.0 5:7=3.0 5:11=5.0 5:13=changed 7:3=1.0 7:5=0.5 7:7=5.0 7:11=7.0 7:13=by hand" \
  "edits through the view land in scale_answers and answer_texts"
expect_fail_sql() { sqlite3 "$db" "$1" >/dev/null 2>&1 && bad "accepted: $1" || ok; }
expect_fail_sql "UPDATE responses SET scale_answers = '[1,2]' WHERE id = 2"
expect_fail_sql "UPDATE responses SET scale_answers = 'not json' WHERE id = 2"
expect_fail_sql "INSERT INTO answers (response_id, question_id, value) VALUES (7, 5, 3)"
expect_fail_sql "INSERT INTO answers (response_id, question_id, value) VALUES ($((N + 9)), 5, 3)"
expect_fail_sql "INSERT INTO answers (response_id, question_id, value, text) VALUES (4, 13, 1, 'x')"

echo "== kill -9 during the upgrade"
rounds=${CRASH_ROUNDS:-8}
killed=0
for round in $(seq "$rounds"); do
  cp "$v10" "$tmp/k.db"
  rm -f "$tmp/k.db-wal" "$tmp/k.db-shm"
  kill_after "$(random_ms $((ref_ms + ref_ms / 4)))" "$manyi" --config "$src/examples/after-sales/manyi.yaml" --db "$tmp/k.db" status
  [ "$status" -eq 137 ] && killed=$((killed + 1))
  same "$(sql "$tmp/k.db" "PRAGMA integrity_check")" ok "round $round: integrity after kill -9"
  v=$(sql "$tmp/k.db" "PRAGMA user_version")
  if [ "$v" = 10 ]; then
    same "$(sql "$tmp/k.db" "SELECT response_id, question_id, value, text FROM answers ORDER BY 1, 2" | md5sum)" \
      "$old_answers" "round $round: version 10 whole"
    same "$(sql "$tmp/k.db" "SELECT count(*) FROM pragma_table_info('responses') WHERE name = 'scale_answers'")" 0 \
      "round $round: no new column in version 10"
  else
    same "$v" "$latest" "round $round: version 10 or the latest"
  fi
  expect 0 m "$tmp/k.db"
  same "$(sql "$tmp/k.db" "SELECT * FROM responses ORDER BY id" | md5sum)" "$ref_rows" \
    "round $round: the rerun ends as an uninterrupted upgrade"
done
echo "upgrade: $killed of $rounds runs killed"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
