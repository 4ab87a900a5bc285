#!/usr/bin/env bash
# End-to-end: manyi serve, driven with curl. Invitations carry a personal
# link (only its digest stored); the questionnaire is the invitation's survey
# version in English and Chinese; answers are checked as the import checks a
# row, stored once (the export shows exactly what was sent), audited, and
# the alert hook opens a follow-up for a detractor. Bad input: wrong content
# types, oversized and malformed bodies, unknown, malformed and expired
# tokens, other methods, SQL and script in the text, a slow client holding a
# connection, slow clients from one address holding no more than
# serve.per_address connections; kill -9 while answers pour in (integrity_check, every answer
# stored once or not at all, a resubmission completes it); SIGTERM stops it.
# Usage: serve.sh MANYI SOURCE_DIR [GEN]
set -uo pipefail
manyi=$1
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
. "$(dirname "$0")/lib/assert.sh"
command -v curl >/dev/null || { echo "serve: curl is needed" >&2; exit 77; }
. "$(dirname "$0")/lib/serve.sh"

# --- the links: one per message sent, in the text and the payload; only digests kept
sent=$(sql "select count(*) from outbox where kind = 'survey_invitation' and status is not 'skipped'")
same "$(sql 'select count(*) from survey_links')" "$sent" "one link per invitation sent"
same "$(sql "select count(*) from outbox where kind = 'survey_invitation' and status is not 'skipped'
  and json_extract(payload, '\$.link') like 'https://survey.example.com/s/%'
  and instr(subject, json_extract(payload, '\$.link')) > 0")" "$sent" "each message carries its link"
same "$(sql "select count(distinct json_extract(payload, '\$.link')) from outbox where kind = 'survey_invitation'
  and json_extract(payload, '\$.link') is not null")" "$sent" "every link differs"
same "$(sql "select count(*) from survey_links where length(token_digest) = 32 and typeof(token_digest) = 'blob'
  and expires_at = created_at + 30 * 86400")" "$sent" "digests of 32 bytes, 30 days"
t0=$(token_of 0)
same "${#t0}" 43 "a token is 43 characters"
same "$(sql "select count(*) from survey_links where hex(token_digest) like '%$(printf %s "$t0" | xxd -p | head -c 16 | tr a-f A-F)%'")" 0 \
  "the token itself is not kept"

start
get "$base/healthz"
same "$code" 200 "healthz"
contains "$tmp/body" '"status":"ok"'

# the questionnaire: every question, the radio buttons of each scale
get "$base/s/$t0"
same "$code" 200 "the questionnaire opens"
survey="survey_id = (select max(id) from surveys where code = 'csat')"
same "$(grep -o 'type="radio"' "$tmp/body" | wc -l)" \
  "$(sql "select sum(scale_max - scale_min + 1) from questions where open = 0 and $survey")" \
  "one radio button per scale point"
same "$(grep -o '<textarea' "$tmp/body" | wc -l)" "$(sql "select count(*) from questions where open = 1 and $survey")" \
  "one text box per open question"
contains "$tmp/body" "Overall, how satisfied are you with our service?"
contains "$tmp/body" '<html lang="en">'
lacks "$tmp/body" "<script"
get -H 'Accept-Language: zh-CN,zh;q=0.9,en;q=0.5' "$base/s/$t0"
contains "$tmp/body" '<html lang="zh-CN">'
contains "$tmp/body" "总体而言，您对我们的服务满意吗？"
contains "$tmp/body" "提交"
get "$base/s/$t0?lang=en" -H 'Accept-Language: zh-CN'
contains "$tmp/body" '<html lang="en">'
get -I "$base/s/$t0"
same "$code" 200 "HEAD"
curl -s -D "$tmp/headers" -o /dev/null "$base/s/$t0"
contains "$tmp/headers" "Content-Security-Policy: default-src 'none'"
contains "$tmp/headers" "Referrer-Policy: no-referrer"
contains "$tmp/headers" "Cache-Control: no-store"

# --- an answer out of range: said in the page's language, the answers kept, nothing stored
before=$(sql "select count(*) from responses")
post "$base/s/$t0" --data-urlencode "q_overall=9" --data-urlencode "q_comment=<b>kept</b>"
same "$code" 400 "out of range"
contains "$tmp/body" "Question 1: choose one answer from 1 to 5."
contains "$tmp/body" "&lt;b&gt;kept&lt;/b&gt;</textarea>"
post "$base/s/$t0" -H 'Accept-Language: zh' -d "q_nps=11"
contains "$tmp/body" "第 9 题：请在 0 到 10 之间选择一个答案。"
post "$base/s/$t0" -d "q_overall=abc"
same "$code" 400 "not a number"
post "$base/s/$t0" -d "zzz=1"
same "$code" 400 "a field that is no question"
contains "$tmp/body" "is not a question of survey"
post "$base/s/$t0" -d "q_overall=1&q_overall=2"
same "$code" 400 "a field twice"
post "$base/s/$t0" -d "q_overall=%ZZ"
same "$code" 400 "a bad escape"
post "$base/s/$t0" -d "q_comment=%C3%28"
same "$code" 400 "not UTF-8"
post "$base/s/$t0" -d "q_comment=a%00b"
same "$code" 400 "a NUL byte"
post "$base/s/$t0" -H 'Content-Type: application/json' -d '{"q_overall":5}'
same "$code" 415 "JSON to the form"
post "$base/s/$t0" -H 'Content-Type: text/plain' -d 'q_overall=5'
same "$code" 415 "text/plain to the form"
head -c 70000 /dev/zero | tr '\0' a >"$tmp/big"
post "$base/s/$t0" --data-binary "@$tmp/big"
same "$code" 413 "a body over max_body"
post "$base/s/$t0" -H 'Transfer-Encoding: chunked' --data-binary "@$tmp/big"
same "$code" 413 "a chunked body over max_body"
head -c 10001 /dev/zero | tr '\0' x >"$tmp/long"
post "$base/s/$t0" --data-urlencode "q_comment@$tmp/long"
same "$code" 400 "an answer over 10000 bytes"
contains "$tmp/body" "Question 10: the answer is too long"
same "$(sql "select count(*) from responses")" "$before" "nothing stored by the refusals"

# --- tokens and paths that open nothing
get "$base/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
same "$code" 404 "a token never given"
contains "$tmp/body" "Unknown link"
get "$base/s/${t0:0:20}"
same "$code" 404 "a token cut short"
get "$base/s/$t0%27%20OR%201=1--"
same "$code" 404 "SQL in the token"
get "$base/s/"
same "$code" 404 "no token"
get "$base/"
same "$code" 404 "the root"
get "$base/s/../healthz"
[ "$code" = 404 ] || [ "$code" = 200 ] && ok || bad "dot segments: $code"
get -X DELETE "$base/s/$t0"
same "$code" 405 "DELETE"
get -X POST "$base/healthz"
same "$code" 405 "POST /healthz"

# --- a good answer, with SQL and script in the comment: stored once, exactly as sent
comment="我要投诉'); DROP TABLE responses;-- <script>alert(1)</script>"
post "$base/s/$t0" --data-urlencode "_opened=$(( $(date -d "$MANYI_NOW" +%s) - 95 ))" \
  -d "q_overall=4&q_quality=5&q_nps=9" --data-urlencode "q_comment=$comment"
same "$code" 200 "stored"
contains "$tmp/body" "Thank you"
inv0=$(sql "select i.external_id from invitations i where i.status = 'responded'")
cust0=$(sql "select c.external_id from invitations i join customers c on c.id = i.customer_id where i.status = 'responded'")
expect 0 m export responses "$tmp/r.csv"
same "$(grep -c '^web-' "$tmp/r.csv")" 1 "one web response"
same "$(python3 -c "
import csv,sys
r=[x for x in csv.DictReader(open('$tmp/r.csv')) if x['external_id'].startswith('web-')][0]
print(r['customer_id'], r['channel'], r['duration_s'], r['q_overall'], r['q_quality'], r['q_attitude'], r['q_nps'], r['q_comment'] == sys.argv[1])
" "$comment")" "$cust0 web 95 4 5  9 True" "the stored response is what was sent"
same "$(sql "select count(*) from audit_log where action = 'survey-answer' and object = '$inv0'")" 1 "audited"
# a second submission: refused politely, nothing changes
post "$base/s/$t0" -d "q_overall=1"
same "$code" 409 "a second submission"
contains "$tmp/body" "Already answered"
get "$base/s/$t0"
same "$code" 200 "the link after the answer"
contains "$tmp/body" "Already answered"
same "$(sql "select count(*) from responses r join invitations i on i.id = r.invitation_id where i.external_id = '$inv0'")" 1 \
  "still one response"

# --- the alert hook: a detractor without a comment gets a follow-up at once
t1=$(token_of 1)
post "$base/s/$t1" -d "q_overall=1&q_nps=0"
same "$code" 200 "a detractor's answers"
same "$(sql "select count(*) from response_followups f join responses r on r.id = f.response_id
  join invitations i on i.id = r.invitation_id join survey_links l on l.invitation_id = i.id")" 1 "one follow-up opened"
contains "$tmp/serve.err" "follow-up T"

# --- a slow client holding a connection does not hold the others
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /s/%s HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nq_over' "$t1" >&3
get "$base/healthz"
same "$code" 200 "answered while a client stalls"
exec 3>&-

# --- the access log: one JSON line per request, tokens cut short
same "$(python3 -c "
import json
n=0
for line in open('$tmp/access.log'):
    j=json.loads(line); n+=1
    assert set(j) >= {'at','method','path','status','bytes','ms'}
print(n > 30)")" True "the access log is JSON lines"
lacks "$tmp/access.log" "$t0"
contains "$tmp/access.log" "/s/${t0:0:6}..."
stop
contains "$tmp/serve.err" "stopped"

# --- expired: 31 days on, a link opens nothing
MANYI_NOW=2026-12-25T09:00:00+08:00 start
get "$base/s/$(token_of 2)"
same "$code" 410 "an expired link"
contains "$tmp/body" "This link has expired"
stop

# --- kill -9 while answers arrive: each stored whole or not at all; a rerun completes
start --no-alerts
for k in $(seq 3 22); do
  curl -s -o /dev/null -X POST "$base/s/$(token_of "$k")" -d "q_overall=$(( k % 5 + 1 ))&q_nps=$(( k % 11 ))" &
done
sleep 0.$((RANDOM % 3))
kill -9 "$pid"
wait 2>/dev/null
same "$(sql 'pragma integrity_check')" ok "integrity after kill -9"
same "$(sql "select count(*) from invitations i where (i.status = 'responded') <> exists (select 1 from responses r where r.invitation_id = i.id)")" 0 \
  "responded exactly where a response is stored"
start --no-alerts
for k in $(seq 3 22); do post "$base/s/$(token_of "$k")" -d "q_overall=$(( k % 5 + 1 ))&q_nps=$(( k % 11 ))"; done
same "$(sql "select count(*) from responses where external_id like 'web-%'")" 22 "every answer stored once"
same "$(sql "select count(*) from responses r join invitations i on i.id = r.invitation_id where r.external_id like 'web-%'
  and i.status = 'responded'")" 22 "each with its invitation"
stop

# --- configuration and start-up errors
sed "s#base_url: https://survey.example.com/#base_url: ftp://x#" "$cfg" >"$tmp/bad.yaml"
expect 1 "$manyi" --config "$tmp/bad.yaml" check
contains "$tmp/err" "write the address customers open"
sed "s#link_days: 30#link_days: 0#" "$cfg" >"$tmp/bad.yaml"
expect 1 "$manyi" --config "$tmp/bad.yaml" check
expect 1 m serve --listen nowhere
contains "$tmp/err" "host:port"
expect 2 m serve extra
expect 0 m serve --help
contains "$tmp/out" "GET  /s/TOKEN"
start
expect 1 m serve --listen "127.0.0.1:$port"
contains "$tmp/err" "cannot listen on 127.0.0.1:$port"
stop

# --- slow clients from one address hold at most serve.per_address connections
printf '  per_address: 4\n' >>"$cfg"
start
for k in 3 4 5 6; do # four clients that send a byte and stall
  eval "exec $k<>/dev/tcp/127.0.0.1/$port"
  printf 'P' >&"$k"
done
until_code() { # WANT CURL-ARGS...: asks up to 50 times, 0.1 s apart, until the answer is WANT
  local want=$1 try
  shift
  for try in $(seq 50); do
    get --max-time 5 "$@"
    [ "$code" = "$want" ] && return
    sleep 0.1
  done
}
until_code 000 "$base/healthz" # once the server has taken the four
same "$code" 000 "a fifth connection from that address is refused"
get --max-time 5 --interface 127.0.0.2 "http://127.0.0.1:$port/healthz"
same "$code" 200 "another address is served meanwhile"
for k in 3 4 5 6; do eval "exec $k>&-"; done
until_code 200 "$base/healthz"
same "$code" 200 "the address is served again once they are gone"
stop
sed "s#per_address: 4#per_address: 300#" "$cfg" >"$tmp/bad.yaml"
expect 1 "$manyi" --config "$tmp/bad.yaml" check
contains "$tmp/err" "300 is out of range: use 0 to 256"

echo "serve: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
