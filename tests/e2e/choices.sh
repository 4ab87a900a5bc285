#!/usr/bin/env bash
# End-to-end: single- and multiple-choice questions. The example's survey
# gets two (q_channel: one of phone, web, store; q_why: any of speed, price,
# staff), then:
#  - bad configurations are refused with the line and what to do;
#  - import: planted answers are stored as given; unknown, repeated and too
#    many choices are refused with the row and the choices;
#  - survey score: the share choosing each choice and its standard error
#    equal what awk computes from the file (unit weights: p = chosen /
#    answered; se = sqrt(N/(N-1) sum z^2), z = (y - p) / answered for the
#    rows that answered, 0 for the others, N rows in all: the rows without
#    an answer count as 0, as R's svymean on a subset); the file permuted
#    gives the same figures;
#  - a choice answer is no open answer: survey code codes none of them; the
#    alert policy sees it as its codes (response.answers.CODE) without waiting;
#  - a change of the choices makes a new survey version;
#  - manyi serve shows radio buttons and check boxes (Chinese names from
#    display_names) and stores the boxes ticked as codes joined by ';'; a
#    choice that is not one is refused on the page.
# Usage: choices.sh MANYI SOURCE_DIR [GEN]
set -uo pipefail
manyi=$1
src=$(cd "$2" && pwd)
gen=${3:-}
tmp=$(mktemp -d)
. "$(dirname "$0")/lib/assert.sh"
command -v curl >/dev/null || { echo "choices: curl is needed" >&2; exit 77; }
command -v sqlite3 >/dev/null || { echo "choices: sqlite3 is needed" >&2; exit 77; }

serve_edit=serve_add_choices
. "$(dirname "$0")/lib/serve.sh"

# --- bad configurations: refused, saying where and what to do
bad_config() { # WANT-IN-MESSAGE YAML-QUESTION
  sed "s#      - {code: q_channel, .*#$2#" "$cfg" >"$tmp/bad.yaml"
  expect 1 "$manyi" --config "$tmp/bad.yaml" --db "$tmp/none.db" check
  contains "$tmp/err" "$1"
  contains "$tmp/err" "bad.yaml:"
}
bad_config "give 2 to 32 (code: text), not 1" '      - {code: q_channel, text: "Which?", choices: {phone: "By phone"}}'
bad_config "a choice question has no scale" '      - {code: q_channel, text: "Which?", choices: {a: "A", b: "B"}, scale: [1, 5]}'
bad_config "a choice question is not open" '      - {code: q_channel, text: "Which?", choices: {a: "A", b: "B"}, open: true}'
bad_config "only a choice question takes 'multiple'" '      - {code: q_channel, text: "Which?", scale: [1, 5], multiple: true}'
bad_config "choices (code: text)" '      - {code: q_channel, text: "Which?", choices: [a, b]}'
bad_config "choice" '      - {code: q_channel, text: "Which?", choices: {"a b": "A", b: "B"}}'
many=$(for i in $(seq 33); do printf 'c%d: "C%d", ' "$i" "$i"; done)
bad_config "not 33" "      - {code: q_channel, text: \"Which?\", choices: {${many%, }}}"

# --- planted answers: 20,000 responses of 300 customers, some without an
# answer to either (enough for packed blocks, which the score's reader
# thread reads while the choices are read beside it)
awk -F, 'NR > 1 && NR <= 301 { print $1 }' "$example/data/customers.csv" >"$tmp/ids"
awk -v OFS=, 'BEGIN { split("phone web store", ch, " "); split("speed price staff", why, " "); split("web sms email", via, " ")
  print "external_id,survey,customer_id,submitted_at,duration_s,channel,q_overall,q_nps,q_channel,q_why" }
  { id[NR] = $1 }
  END { for (i = 1; i <= 20000; i++) {
    c = i % 4 == 0 ? "" : ch[(i * 7) % 3 + 1]
    w = ""; if (i % 5 != 0) { m = i % 7 + 1
      # listed high bit first on odd rows: the order given does not matter
      for (b = 0; b < 3; b++) { k = i % 2 ? 3 - b : b + 1
        if (int(m / 2 ^ (k - 1)) % 2) w = w (w == "" ? "" : ";") why[k] } }
    printf "P%05d,csat,%s,2026-10-%02dT%02d:%02d:00+08:00,200,%s,%d,%d,%s,%s\n", i, id[(i - 1) % 300 + 1],
      i % 28 + 1, i % 24, i % 60, via[int(i / 7) % 3 + 1], i % 5 + 1, i % 11, c, w } }' "$tmp/ids" >"$tmp/planted.csv"
expect 0 m import responses "$tmp/planted.csv" --no-alerts
contains "$tmp/out" "20000 rows read, 20000 added"
[ "$(sql 'select count(*) from response_blocks')" -ge 4 ] && ok || bad "the planted responses are not packed in blocks"
same "$(sql "select a.text from answer_texts a join responses r on r.id = a.response_id
  join questions q on q.id = a.question_id where r.external_id = 'P00009' and q.code = 'q_why'")" \
  "price;speed" "the codes stored as given"

# the figures from the file itself: chosen, answered, p, se per choice
expected() { # COLUMN [channel=CHANNEL] CHOICES...: of every row, or of a channel's (a domain)
  local col=$1 via=; shift
  case $1 in channel=*) via=${1#channel=}; shift ;; esac
  awk -F, -v col="$col" -v via="$via" -v list="$*" 'NR == 1 { for (k = 1; k <= NF; k++) { if ($k == col) f = k; if ($k == "channel") v = k }; next }
    { N++; if ($f != "" && (via == "" || $v == via)) { A++; ans[N] = ";" $f ";" } }
    END { n = split(list, ch, " ")
      for (j = 1; j <= n; j++) { c = 0
        for (r = 1; r <= N; r++) if (r in ans && index(ans[r], ";" ch[j] ";")) c++
        p = c / A; s = 0
        for (r = 1; r <= N; r++) if (r in ans) { y = index(ans[r], ";" ch[j] ";") > 0; z = (y - p) / A; s += z * z }
        printf "%s %d %d %.9f %.9f\n", ch[j], c, A, p, sqrt(N / (N - 1) * s) } }' "$tmp/planted.csv"
}
got() { # QUESTION [GROUP] (from $tmp/score.json)
  python3 -c 'import json, sys
q = json.load(open(sys.argv[1]))["choices"][sys.argv[2]]
if len(sys.argv) > 3: q = q["groups"][sys.argv[3]]
for c in q["choices"]:
    print("%s %d %d %.9f %.9f" % (c["choice"], c["chosen"], q["n"], c["p"], c["se"]))' "$tmp/score.json" "$@"
}
score() { m --json survey score csat --from 2026-10-01T00:00:00+08:00 --to 2026-11-01T00:00:00+08:00 >"$tmp/score.json"; }
expect 0 score
same "$(got q_channel)" "$(expected q_channel phone web store)" "q_channel: chosen, answered, p, se"
same "$(got q_why)" "$(expected q_why speed price staff)" "q_why: chosen, answered, p, se"
same "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["choices"]["q_why"]["multiple"])' "$tmp/score.json")" \
  True "q_why is multiple"
expect 0 m survey score csat --from 2026-10-01T00:00:00+08:00 --to 2026-11-01T00:00:00+08:00
contains "$tmp/out" "q_why: 16000 answers (several choices each), % choosing"
contains "$tmp/out" "q_channel: 15000 answers, % choosing"
cp "$tmp/score.json" "$tmp/score1.json"
# --by channel: each channel's shares, a domain of the whole (the other rows count as 0)
m --json survey score csat --from 2026-10-01T00:00:00+08:00 --to 2026-11-01T00:00:00+08:00 --by channel \
  >"$tmp/score.json"
for via in web sms email; do
  same "$(got q_why "$via")" "$(expected q_why "channel=$via" speed price staff)" "q_why, channel $via"
  same "$(got q_channel "$via")" "$(expected q_channel "channel=$via" phone web store)" "q_channel, channel $via"
done
same "$(python3 -c 'import json,sys; a, b = json.load(open(sys.argv[1]))["choices"], json.load(open(sys.argv[2]))["choices"]
print(all(a[q]["choices"] == b[q]["choices"] for q in a))' "$tmp/score1.json" "$tmp/score.json")" True \
  "--by leaves the figures of every response as they were"
expect 0 m survey score csat --from 2026-10-01T00:00:00+08:00 --to 2026-11-01T00:00:00+08:00 --by channel
contains "$tmp/out" "    channel email: "

# the same file permuted, into a database of its own: the same figures
{ head -n 1 "$tmp/planted.csv"; tail -n +2 "$tmp/planted.csv" | sort -t, -k3,3r; } >"$tmp/permuted.csv"
p() { "$manyi" --config "$cfg" --db "$tmp/p.db" "$@"; }
expect 0 p init
expect 0 p import customers "$example/data/customers.csv"
expect 0 p import responses "$tmp/permuted.csv" --no-alerts
p --json survey score csat --from 2026-10-01T00:00:00+08:00 --to 2026-11-01T00:00:00+08:00 >"$tmp/score.json"
same "$(python3 -c 'import json,sys; a, b = (json.load(open(f))["choices"] for f in sys.argv[1:]); print(a == b)' \
  "$tmp/score1.json" "$tmp/score.json")" True "permuted rows: the same choices figures"

# --- 100,000 generated responses with choices put in by SQL: what the score
# counts is what SQL counts (a scan of packed blocks in a thread of its own
# beside the choices' cursor: the two once shared a connection and crashed)
if [ -n "$gen" ]; then
  g() { "$manyi" --config "$cfg" --db "$tmp/g.db" "$@"; }
  "$gen" --out "$tmp/gen" --seed 42 --customers 20000 --responses 100000 --only customers,responses \
    >/dev/null || bad "manyi-gen failed"
  expect 0 g init
  expect 0 g import customers "$tmp/gen/customers.csv"
  expect 0 g import responses "$tmp/gen/responses.csv" --no-alerts
  sqlite3 "$tmp/g.db" "INSERT INTO answer_texts (response_id, question_id, text)
    SELECT r.id, q.id, CASE r.id * 40503 % 11 % 3 WHEN 0 THEN 'phone' WHEN 1 THEN 'web' ELSE 'store' END
    FROM responses r JOIN questions q ON q.survey_id = r.survey_id AND q.code = 'q_channel'
    WHERE r.id * 2654435761 % 7 <> 0"
  expect 0 g --json survey score csat
  same "$(python3 -c 'import json, sys
q = json.load(open(sys.argv[1]))["choices"]["q_channel"]
print(q["n"], " ".join("%s=%d" % (c["choice"], c["chosen"]) for c in q["choices"]))' "$tmp/out")" \
    "$(sqlite3 "$tmp/g.db" "SELECT count(*) FROM answer_texts a JOIN questions q ON q.id = a.question_id
      WHERE q.code = 'q_channel'")$(sqlite3 "$tmp/g.db" "SELECT ' ' || group_concat(t || '=' || n, ' ') FROM
      (SELECT a.text AS t, count(*) AS n FROM answer_texts a JOIN questions q ON q.id = a.question_id
       WHERE q.code = 'q_channel' GROUP BY a.text ORDER BY instr('phone web store', a.text))")" \
    "100,000 responses: answered and chosen as SQL counts them"
fi

# --- refused rows: the row, the question and the choices
cat >"$tmp/badrows.csv" <<EOF
external_id,survey,customer_id,submitted_at,duration_s,channel,q_overall,q_nps,q_channel,q_why
B1,csat,$(sed -n 1p "$tmp/ids"),2026-10-02T10:00:00+08:00,200,web,4,8,phone;web,
B2,csat,$(sed -n 1p "$tmp/ids"),2026-10-02T10:00:00+08:00,200,web,4,8,fax,
B3,csat,$(sed -n 1p "$tmp/ids"),2026-10-02T10:00:00+08:00,200,web,4,8,,speed;speed
B4,csat,$(sed -n 1p "$tmp/ids"),2026-10-02T10:00:00+08:00,200,web,4,8,,speed;;price
B5,csat,$(sed -n 1p "$tmp/ids"),2026-10-02T10:00:00+08:00,200,web,4,8,PHONE,
EOF
expect 3 m import responses "$tmp/badrows.csv" --rejects "$tmp/rej.csv" --no-alerts
contains "$tmp/rej.csv" "field 'q_channel': takes one choice, not 2 (the choices: phone;web;store)"
contains "$tmp/rej.csv" "field 'q_channel': 'fax' is not a choice"
contains "$tmp/rej.csv" "field 'q_why': 'speed' is given twice"
contains "$tmp/rej.csv" "field 'q_why': '' is not a choice"
contains "$tmp/rej.csv" "field 'q_channel': 'PHONE' is not a choice"
same "$(sql "select count(*) from responses where external_id like 'B%'")" 0 "no refused row stored"

# --- the alert policy sees a choice answer as its codes (response.answers.q_why =
# "price;speed"), on import and in eval alerts, and does not wait for coding
cat >"$tmp/alert_price.lua" <<'EOF'
local function alert(response, customer, ticket, params)
  local why = response.answers.q_why
  if not response.coded or not why or not string.find(";" .. why .. ";", ";price;", 1, true) then
    return nil
  end
  return {department = "support", kind = "callback", priority = 2, reason = "price mattered: " .. why}
end
return { alert = alert }
EOF
sed "s#file: $src/policies/alert.lua#file: $tmp/alert_price.lua#" "$cfg" >"$tmp/alert.yaml"
grep -q "alert_price.lua" "$tmp/alert.yaml" && ok || bad "the alert policy was not replaced"
a() { "$manyi" --config "$tmp/alert.yaml" --db "$tmp/a.db" "$@"; }
expect 0 a init
expect 0 a import customers "$example/data/customers.csv"
c1=$(sed -n 1p "$tmp/ids")
printf 'external_id,survey,customer_id,submitted_at,channel,q_overall,q_why\n%s\n%s\n%s\n' \
  "A1,csat,$c1,2026-10-02T10:00:00+08:00,web,5,speed;price" "A2,csat,$c1,2026-10-02T11:00:00+08:00,web,5,speed" \
  "A3,csat,$c1,2026-10-02T12:00:00+08:00,web,5," >"$tmp/a1.csv"
expect 0 a import responses "$tmp/a1.csv"
printf 'external_id,survey,customer_id,submitted_at,channel,q_overall,q_why\n%s\n%s\n' \
  "A4,csat,$c1,2026-10-03T10:00:00+08:00,web,5,price" "A5,csat,$c1,2026-10-03T11:00:00+08:00,web,5,staff" >"$tmp/a2.csv"
expect 0 a import responses "$tmp/a2.csv" --no-alerts
expect 0 a eval alerts
same "$(sqlite3 "$tmp/a.db" "select group_concat(external_id, ' ') from (select r.external_id from response_followups f
  join responses r on r.id = f.response_id order by 1)")" "A1 A4" "follow-ups where price was chosen (import, eval alerts)"

# --- a choice answer is no open answer: nothing of it is coded
expect 0 m survey code csat --no-alerts
same "$(sql "select count(*) from text_codes c join questions q on q.id = c.question_id where q.choices is not null")" \
  0 "survey code leaves the choice answers alone"

# --- a change of the choices is a new version of the survey
version() { sql "select max(version) from surveys where code = 'csat'"; }
v=$(version)
sed -i 's/store: "In a store"/store: "In one of our stores"/' "$cfg"
expect 0 m survey status csat --wave W1 # any command that opens the database brings it in line
same "$(version)" "$((v + 1))" "a choice's new text: a new version"
same "$(sql "select choices || ' ' || multiple from questions q join surveys s on s.id = q.survey_id
  where s.version = $((v + 1)) and s.code = 'csat' and q.code in ('q_channel', 'q_why') order by q.position")" \
  "phone;web;store 0
speed;price;staff 1" "the version's choices and multiple"

# --- the hosted questionnaire
start
t=$(token_of 0)
get "$base/s/$t?lang=en"
same "$code" 200 "the questionnaire"
contains "$tmp/body" '<input type="radio" name="q_channel" value="phone"> By phone</label>'
contains "$tmp/body" '<input type="checkbox" name="q_why" value="staff"> Our staff</label>'
get "$base/s/$t?lang=zh_CN"
contains "$tmp/body" '<input type="radio" name="q_channel" value="store"> 门店</label>'
post "$base/s/$t?lang=en" -d "q_overall=5&q_channel=fax&q_why=speed"
same "$code" 400 "a choice that is none refused"
contains "$tmp/body" "Question 11: choose one of the answers listed."
contains "$tmp/body" 'value="speed" checked> Speed'
post "$base/s/$t?lang=en" -d "q_overall=5&q_channel=web&q_why=speed&q_why=staff"
same "$code" 200 "answers with two boxes ticked"
same "$(sql "select group_concat(q.code || '=' || a.text, ' ') from answer_texts a join questions q on q.id = a.question_id
  join responses r on r.id = a.response_id join invitations i on i.id = r.invitation_id
  where r.invitation_id is not null order by q.position")" "q_channel=web q_why=speed;staff" "stored as codes"
t=$(token_of 1)
post "$base/s/$t?lang=zh_CN" -d "q_channel=web&q_channel=phone"
same "$code" 400 "two answers to a single choice refused"
contains "$tmp/body" "第 11 题：请从列出的选项中选择一项。"
stop

echo "choices: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
