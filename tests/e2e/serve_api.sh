#!/usr/bin/env bash
# End-to-end: manyi serve's JSON API, driven with curl. Clients get tokens
# (serve client add; only digests kept), every endpoint answers what the
# command of the same name answers on the command line (compared as JSON),
# every role gets what the command table allows it (403 otherwise, an agent
# held to its department), each call is audited as api:NAME, an idempotency
# key redeems once, the rate limit answers 429; bad input: no or a wrong or
# revoked token, wrong content types, malformed JSON, unknown fields,
# options smuggled in values, SQL in values, unknown routes and methods.
# Usage: serve_api.sh MANYI SOURCE_DIR [GEN]
set -uo pipefail
manyi=$1
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
. "$(dirname "$0")/lib/assert.sh"
command -v curl >/dev/null || { echo "serve_api: curl is needed" >&2; exit 77; }
. "$(dirname "$0")/lib/serve.sh"

# --- clients: one per role; the token shown once, only its digest kept
for spec in boss:admin ana:analyst aud:auditor "cc:agent --department support" \
            "sup:supervisor --department quality" "hd:department_head --department support"; do
  name=${spec%%:*}
  rest=${spec#*:}
  # shellcheck disable=SC2086 # the role and its options, word by word
  expect 0 m --json serve client add "$name" --role $rest
  tok[$name]=$(jq_ "$tmp/out" "d['token']")
  same "${#tok[$name]}" 43 "$name's token"
done
same "$(sql "select count(*) from api_clients where length(token_digest) = 32")" 6 "six clients, digests"
same "$(sql "select count(*) from api_clients where instr(cast(token_digest as text), '${tok[boss]:0:12}')")" 0 \
  "no token kept"
expect 1 m serve client add x --role agent
contains "$tmp/err" "--department"
expect 1 m serve client add "bad name" --role admin
contains "$tmp/err" "not a client name"
expect 1 m serve client add x --role analyst --department support
expect 1 m serve client add x --role boss
expect 1 m serve client add x --role agent --department nowhere
contains "$tmp/err" "unknown department"
expect 0 m serve client list
contains "$tmp/out" "cc"
contains "$tmp/out" "support"

start
# same_json A B: the two files hold the same JSON
same_json() {
  if python3 -c "import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))" "$1" "$2"; then
    ok
  else
    bad "$3: $(head -c 300 "$1") | $(head -c 300 "$2")"
  fi
}

# --- every read answers what the command answers (as admin)
c1=$(sql "select external_id from customers order by id limit 1")
api boss GET "/api/v1/customers?q=$c1&id=true"
same "$code" 200 "customer find"
m --json customer find "$c1" --id >"$tmp/cli.json"
same_json "$tmp/body" "$tmp/cli.json" "customer find = the command"
api boss GET "/api/v1/customers/$c1"
same "$code" 200 "customer show"
m --json customer show "$c1" >"$tmp/cli.json"
same_json "$tmp/body" "$tmp/cli.json" "customer show = the command"
api boss GET "/api/v1/customers/$c1/history"
same "$code" 200 "customer history"
m --json customer history "$c1" >"$tmp/cli.json"
same_json "$tmp/body" "$tmp/cli.json" "customer history = the command"
api boss GET "/api/v1/customers/$c1/points?lots=true"
same "$code" 200 "points show"
m --json points show "$c1" --lots >"$tmp/cli.json"
same_json "$tmp/body" "$tmp/cli.json" "points show = the command"

# --- writes: a ticket opened, moved, answered, assigned; an interaction; points
api boss POST /api/v1/tickets "{\"customer\":\"$c1\",\"kind\":\"complaint\",\"category\":\"product_quality\",\"severity\":\"high\",\"channel\":\"phone\",\"subject\":\"空调不制冷'); DROP TABLE tickets;--\"}"
same "$code" 201 "ticket open"
t=$(jq_ "$tmp/body" "d['id']")
dept=$(jq_ "$tmp/body" "d['department']")
same "$(sql "select subject from tickets where external_id = '$t'")" "空调不制冷'); DROP TABLE tickets;--" \
  "the subject stored as sent"
api boss GET "/api/v1/tickets/$t"
same "$code" 200 "ticket show"
m --json ticket show "$t" >"$tmp/cli.json"
same_json "$tmp/body" "$tmp/cli.json" "ticket show = the command"
api boss POST "/api/v1/tickets/$t/stage" '{"stage":"acknowledged"}'
same "$code" 200 "ticket stage"
same "$(sql "select stage from tickets where external_id = '$t'")" acknowledged "the stage moved"
api boss POST "/api/v1/tickets/$t/reply" '{"text":"您好，工程师明天上门"}'
same "$code" 200 "ticket reply"
staff=$(sql "select s.external_id from staff s join departments d on d.id = s.department_id where d.code = '$dept' limit 1 offset 1")
api boss POST "/api/v1/tickets/$t/assign" "{\"staff\":\"$staff\",\"reassign\":true}"
same "$code" 200 "ticket assign"
same "$(sql "select s.external_id from tickets t join staff s on s.id = t.assignee_id where t.external_id = '$t'")" "$staff" \
  "assigned"
api boss POST /api/v1/interactions "{\"customer\":\"$c1\",\"channel\":\"chat\",\"summary\":\"<script>x</script>\",\"id\":\"I-API-1\"}"
same "$code" 201 "interaction log"
same "$(sql "select summary from interactions where external_id = 'I-API-1'")" "<script>x</script>" "stored as sent"
expect 0 m points grant "$c1" 500 --reason "test" --key grant-1
get -X POST -H "Authorization: Bearer ${tok[boss]}" -H 'Content-Type: application/json' -H 'Idempotency-Key: r-1' \
  --data-binary '{"points":120,"reason":"gift"}' "$base/api/v1/customers/$c1/points/redeem"
same "$code" 201 "points redeem"
get -X POST -H "Authorization: Bearer ${tok[boss]}" -H 'Content-Type: application/json' -H 'Idempotency-Key: r-1' \
  --data-binary '{"points":120,"reason":"gift"}' "$base/api/v1/customers/$c1/points/redeem"
[ "$code" -lt 300 ] && ok || bad "the same key again: $code"
same "$(sql "select -sum(points) from loyalty_ledger l join customers c on c.id = l.customer_id where c.external_id = '$c1' and l.kind = 'redeem'")" 120 \
  "redeemed once for one key"
api boss POST "/api/v1/customers/$c1/points/redeem" '{"points":1,"reason":"x","key":"k2"}'
same "$code" 201 "the key as a field"
get -X POST -H "Authorization: Bearer ${tok[boss]}" -H 'Content-Type: application/json' -H 'Idempotency-Key: k3' \
  --data-binary '{"points":1,"key":"k4"}' "$base/api/v1/customers/$c1/points/redeem"
same "$code" 400 "a key both ways"
api boss POST "/api/v1/customers/$c1/points/redeem" '{"points":999999,"key":"k5"}'
same "$code" 400 "more than the balance"
api boss GET "/api/v1/surveys/csat/score"
[ "$code" = 200 ] || [ "$code" = 404 ] && ok || bad "survey score: $code"

# --- every call audited as the client
same "$(sql "select count(*) from audit_log where os_user = 'api:boss' and action = 'ticket'")" 4 \
  "ticket calls audited as api:boss"
contains <(sql "select detail from audit_log where os_user = 'api:boss' and action = 'ticket' order by id limit 1") '"role":"admin"'

# --- roles: what the command table allows each
api ana POST /api/v1/tickets "{\"customer\":\"$c1\",\"kind\":\"inquiry\",\"category\":\"general\",\"severity\":\"low\",\"channel\":\"phone\",\"subject\":\"x\"}"
same "$code" 403 "an analyst opens no ticket"
contains "$tmp/body" '"not allowed"'
api ana GET "/api/v1/customers/$c1"
same "$code" 200 "an analyst reads a customer"
contains "$tmp/body" '***'
api aud GET "/api/v1/customers/$c1"
[ "$code" = 403 ] || grep -q '\*\*\*' "$tmp/body" && ok || bad "an auditor sees no plain personal data: $code"
api aud POST "/api/v1/tickets/$t/reply" '{"text":"x"}'
same "$code" 403 "an auditor replies to nothing"
other=$( [ "$dept" = support ] && echo cc_other || echo cc )
api cc GET "/api/v1/tickets/$t"
if [ "$dept" = support ]; then same "$code" 200 "the agent's own department"; else same "$code" 403 "an agent of another department"; fi
api cc POST "/api/v1/customers/$c1/points/redeem" '{"points":1,"key":"k9"}'
[ "$code" = 403 ] || [ "$code" = 201 ] && ok || bad "an agent redeeming: $code"
api sup GET "/api/v1/tickets/$t"
if [ "$dept" = quality ]; then same "$code" 200 "the supervisor's department"; else same "$code" 403 "a supervisor of another department"; fi
api ana GET "/api/v1/surveys/csat/score"
[ "$code" = 200 ] || [ "$code" = 404 ] && ok || bad "an analyst scores: $code"

# --- bad input
get "$base/api/v1/customers/$c1"
same "$code" 401 "no token"
curl -s -D "$tmp/h" -o /dev/null "$base/api/v1/customers/$c1"
contains "$tmp/h" "WWW-Authenticate: Bearer"
get -H "Authorization: Bearer ${tok[boss]}x" "$base/api/v1/customers/$c1"
same "$code" 401 "a wrong token"
get -H "Authorization: Basic Ym9zczp4" "$base/api/v1/customers/$c1"
same "$code" 401 "another scheme"
get -H "Authorization: Bearer ${tok[boss]}" -X POST -H 'Content-Type: text/plain' -d 'x' "$base/api/v1/tickets"
same "$code" 415 "text/plain"
api boss POST /api/v1/tickets '{"customer":'
same "$code" 400 "malformed JSON"
api boss POST /api/v1/tickets '[1,2]'
same "$code" 400 "not an object"
api boss POST /api/v1/tickets '{"customer":"a","customer":"b"}'
same "$code" 400 "a field twice"
api boss POST /api/v1/tickets '{"customer":{"x":1}}'
same "$code" 400 "a nested value"
api boss POST /api/v1/tickets '{"db":"/etc/passwd"}'
same "$code" 400 "an unknown field"
contains "$tmp/body" "unknown field 'db'"
api boss POST "/api/v1/tickets/$t/reply" '{"text":"--help"}'
same "$code" 400 "an option smuggled in a value"
api boss POST "/api/v1/tickets/$t/stage" '{"stage":"acknowledged","reason":"--dry-run"}'
[ "$code" -lt 500 ] && ok || bad "an option as an option's value: $code"
api boss GET "/api/v1/customers/x'%20OR%201=1--"
same "$code" 404 "SQL in the path"
api boss GET "/api/v1/customers?q=x&phone=maybe"
same "$code" 400 "a flag that is not true or false"
api boss GET "/api/v1/customers?q=$c1&id=true&id=true"
same "$code" 400 "a query field twice"
api boss GET /api/v1/customers/
same "$code" 404 "an empty segment"
api boss DELETE "/api/v1/tickets/$t"
same "$code" 405 "DELETE"
api boss GET /api/v2/customers
same "$code" 404 "another version"
head -c 70000 /dev/zero | tr '\0' a >"$tmp/big"
get -X POST -H "Authorization: Bearer ${tok[boss]}" -H 'Content-Type: application/json' --data-binary "@$tmp/big" "$base/api/v1/tickets"
same "$code" 413 "a body over max_body"

# --- the agent's page: signed in with a client's token, kept in a cookie
phone=$(sql "select phone from customers where external_id = '$c1'")
get "$base/agent"
same "$code" 200 "the agent's page"
contains "$tmp/body" 'name="token"'
curl -s -D "$tmp/h" -c "$tmp/jar" -o "$tmp/body" --data-urlencode "token=${tok[boss]}" --data-urlencode "phone=$phone" "$base/agent"
contains "$tmp/h" "Set-Cookie: manyi_agent="
contains "$tmp/h" "HttpOnly; SameSite=Strict"
contains "$tmp/body" "<h2>$c1</h2>"
contains "$tmp/body" "$(sql "select name from customers where external_id = '$c1'")"
contains "$tmp/body" '<table class="history">'
curl -s -b "$tmp/jar" -o "$tmp/body" -G --data-urlencode "phone=$phone" "$base/agent"
contains "$tmp/body" "<h2>$c1</h2>"
lacks "$tmp/body" 'name="token"'
same "$(sql "select count(*) from audit_log where os_user = 'api:boss' and action like 'customer%'")" \
  "$(sql "select count(*) from audit_log where os_user = 'api:boss' and action like 'customer%'")" "look-ups audited as the commands are"
curl -s -o "$tmp/body" --data-urlencode "token=${tok[ana]}" --data-urlencode "phone=$phone" "$base/agent"
lacks "$tmp/body" "$(sql "select name from customers where external_id = '$c1'")"
contains "$tmp/body" "***"
code=$(curl -s -o "$tmp/body" -w '%{http_code}' --data-urlencode "token=${tok[boss]}x" --data-urlencode "phone=$phone" "$base/agent")
same "$code" 401 "the page with a wrong token"
contains "$tmp/body" "This token opens nothing"
curl -s -b "$tmp/jar" -o "$tmp/body" -G --data-urlencode 'phone=<script>alert(1)</script>' "$base/agent"
lacks "$tmp/body" "<script>alert"
curl -s -b "$tmp/jar" -o "$tmp/body" -G --data-urlencode 'phone=--help' "$base/agent"
contains "$tmp/body" "does not start with"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{}' "$base/agent")
same "$code" 415 "JSON to the agent's form"
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$base/agent")
same "$code" 405 "DELETE /agent"

# --- revoked: the token opens nothing
expect 0 m serve client revoke ana
api ana GET "/api/v1/customers/$c1"
same "$code" 401 "a revoked client"
expect 1 m serve client revoke ana
stop

# --- the rate: a client held to serve.client_rate calls a second (here 1, a burst of 2);
# ten calls at once, so that a slow machine cannot spread them out
printf '  client_rate: 1\n' >>"$cfg"
start
calls=()
for k in $(seq 10); do
  curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer ${tok[boss]}" "$base/api/v1/nothing" >"$tmp/rate.$k" &
  calls+=($!)
done
wait "${calls[@]}" # not the server's
codes=$(cat "$tmp"/rate.* | tr '\n' ' ')
case "$codes" in *429*) ok ;; *) bad "no 429 in $codes" ;; esac
curl -s -D "$tmp/h" -o /dev/null -H "Authorization: Bearer ${tok[boss]}" "$base/api/v1/nothing"
contains "$tmp/h" "Retry-After: 1"
api aud GET /api/v1/nothing
same "$code" 404 "another client is not held back"
stop

echo "serve_api: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
