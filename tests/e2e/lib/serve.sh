# What the manyi serve tests share (sourced after $manyi, $src, $tmp and
# assert.sh): the example with a serve: section and a wave of 40 invitations
# sent, a server on a free port (start/stop), the invitations' tokens, and
# calls to the JSON API as a client (tok, api).
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
example=$src/examples/after-sales
db=$tmp/ex.db
cfg=$tmp/manyi.yaml
# the example's configuration, its policies by absolute path, and a serve: section
sed "s#\.\./\.\./policies#$src/policies#g" "$example/manyi.yaml" >"$cfg"
printf '\nserve:\n  base_url: https://survey.example.com/\n  link_days: 30\n' >>"$cfg"
# serve_add_choices FILE: the example's survey gets two choice questions
# after q_comment (q_channel: one of phone, web, store; q_why: any of speed,
# price, staff), and Chinese names for the first's choices
serve_add_choices() {
  python3 - "$1" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
anchor = '      - {code: q_comment, text: "Anything else you want to tell us?", open: true}\n'
assert anchor in s
s = s.replace(anchor, anchor +
  '      - {code: q_channel, text: "How did you reach us?", choices: {phone: "By phone", web: "On the web", store: "In a store"}}\n'
  '      - {code: q_why, text: "What mattered most?", choices: {speed: "Speed", price: "Price", staff: "Our staff"}, multiple: true}\n')
anchor = '    surveys: {csat: '
assert anchor in s
s = s.replace(anchor, '    choices: {phone: 电话, web: 网站, store: 门店}\n' + anchor, 1)
open(p, 'w').write(s)
EOF
}
# a test may change the configuration first: serve_edit, a command given its path
[ -z "${serve_edit:-}" ] || "$serve_edit" "$cfg"
m() { "$manyi" --config "$cfg" --db "$db" "$@"; }
sql() { sqlite3 "$db" "$1"; }
export MANYI_NOW=2026-11-23T09:00:00+08:00

expect 0 m init
for f in customers staff orders tickets; do expect 0 m import "$f" "$example/data/$f.csv"; done
expect 0 m eval tiers
expect 0 m survey sample csat --wave W1 --method srs --size 40 --seed 7
expect 0 m survey dispatch csat --wave W1


token_of() { # the token of the n-th invitation sent
  sql "select substr(json_extract(payload, '\$.link'), length('https://survey.example.com/s/') + 1) from outbox where kind = 'survey_invitation'
    and json_extract(payload, '\$.link') is not null order by id limit 1 offset $1"
}

# --- the server on a free port
start() {
  : >"$tmp/serve.err"
  # the binary itself, not through m(): the signals must reach it
  "$manyi" --config "$cfg" --db "$db" serve --listen 127.0.0.1:0 --access-log "$tmp/access.log" "$@" \
    2>"$tmp/serve.err" &
  pid=$!
  pids+=("$pid")
  port=
  for _ in $(seq 200); do
    port=$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$tmp/serve.err")
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { bad "the server did not start"; cat "$tmp/serve.err" >&2; }
  base=http://127.0.0.1:$port
}
stop() { # SIGTERM: the server finishes and exits 0
  kill -TERM "$pid"
  wait "$pid"
  same "$?" 0 "SIGTERM stops the server cleanly"
}
# get URL [curl args]: the body in $tmp/body, the status in $code
get() { code=$(curl -s -o "$tmp/body" -w '%{http_code}' "$@"); }
post() { local u=$1; shift; get -X POST "$u" "$@"; }
# the JSON value that a Python expression of d (the JSON of FILE) gives: jq_ FILE EXPR
jq_() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
# API clients' tokens by name (serve client add): api NAME METHOD PATH [JSON]
# calls the API as that client, the answer in $tmp/body, the status in $code
declare -A tok
api() {
  local who=$1 method=$2 path=$3
  shift 3
  if [ $# -gt 0 ]; then
    get -X "$method" -H "Authorization: Bearer ${tok[$who]}" -H 'Content-Type: application/json' \
      --data-binary "$1" "$base$path"
  else
    get -X "$method" -H "Authorization: Bearer ${tok[$who]}" "$base$path"
  fi
}
