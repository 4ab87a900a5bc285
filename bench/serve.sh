#!/usr/bin/env bash
# manyi serve under load: requests a second and latency from wrk (Debian's
# package) with BENCH_CONNECTIONS (default 50) connections on 2 threads,
# against the same work done by the command line, one process per call.
#
#   bash bench/serve.sh BUILD_DIR
#
# On the after-sales example (2,000 customers) with a serve: section:
# 1. BENCH_LINKS (default 40,000) invitations with personal links (made here
#    with Python's sqlite3: a token each and its SHA-256, as survey dispatch
#    stores them).
# 2. Survey submission: wrk POSTs answers, each connection taking the next
#    unused link (bench/serve_submit.lua), for BENCH_SECONDS (default 10).
#    Peer: `manyi import responses` of a one-row file per response, one
#    process each, BENCH_CLI_CALLS (default 100) times.
# 3. Customer look-up: wrk GETs /api/v1/customers?q=PHONE&phone=true (the
#    API runs `customer find` as the client, in a process of its own).
#    Peer: `manyi --json customer find PHONE --phone`, one process each.
# Every stored response is checked afterwards (count = 201 answers).
# Prints a table and one line of JSON.
set -euo pipefail
build=$(cd "${1:?usage: serve.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
LINKS=${BENCH_LINKS:-40000}
SECONDS_=${BENCH_SECONDS:-10}
CONN=${BENCH_CONNECTIONS:-50}
CLI_CALLS=${BENCH_CLI_CALLS:-100}
command -v wrk >/dev/null || { echo "serve bench: wrk is needed (apt-get install wrk)" >&2; exit 1; }
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
pid=
cfg=$dir/manyi.yaml
db=$dir/ex.db
sed "s#\.\./\.\./policies#$src/policies#g" "$src/examples/after-sales/manyi.yaml" >"$cfg"
printf '\nserve:\n  base_url: http://127.0.0.1/\n  client_rate: 100000\n' >>"$cfg"
m() { "$build/manyi" --config "$cfg" --db "$db" "$@"; }
export MANYI_NOW=2026-11-23T09:00:00+08:00
m init >/dev/null
for f in customers staff orders tickets; do m import "$f" "$src/examples/after-sales/data/$f.csv" >/dev/null; done
token=$(m --json serve client add bench --role admin | python3 -c "import json,sys; print(json.load(sys.stdin)['token'])")

python3 - "$db" "$LINKS" "$dir/tokens.txt" <<'PY'
import base64, hashlib, os, sqlite3, sys
db, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = sqlite3.connect(db)
survey = c.execute("select max(id) from surveys where code = 'csat'").fetchone()[0]
customers = [r[0] for r in c.execute("select id from customers order by id")]
now = 1795395600
with open(out, "w") as f:
    for i in range(n):
        cur = c.execute("insert into invitations (external_id, survey_id, customer_id, channel,"
                        " status, created_at) values (?, ?, ?, 'email', 'sent', ?)",
                        (f"B{i}", survey, customers[i % len(customers)], now))
        tok = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
        c.execute("insert into survey_links values (?, ?, ?, ?)",
                  (hashlib.sha256(tok.encode()).digest(), cur.lastrowid, now, now + 86400 * 30))
        f.write(tok + "\n")
c.commit()
PY

"$build/manyi" --config "$cfg" --db "$db" serve --listen 127.0.0.1:0 --no-alerts >/dev/null 2>"$dir/serve.err" &
pid=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$dir/serve.err")
  [ -n "$port" ] && break
  sleep 0.1
done
base=http://127.0.0.1:$port

# wrk's report: requests/s, p50, p99 (ms), non-2xx
wrk_run() { # wrk_run ARGS...
  wrk -t2 -c"$CONN" -d"${SECONDS_}s" --latency "$@" >"$dir/wrk.out" 2>&1
  python3 - "$dir/wrk.out" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(s):
    v, u = re.match(r"([\d.]+)(us|ms|s|m)", s).groups()
    return float(v) * {"us": 1e-3, "ms": 1, "s": 1e3, "m": 6e4}[u]
if "Requests/sec" not in t or "50%" not in t:
    sys.exit("wrk did not report:\n" + t)
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
p50 = ms(re.search(r"50%\s+(\S+)", t).group(1))
p99 = ms(re.search(r"99%\s+(\S+)", t).group(1))
non = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
print(f"{rps:.0f} {p50:.2f} {p99:.2f} {non.group(1) if non else 0}")
PY
}
TOKENS=$dir/tokens.txt wrk_run -s "$here/serve_submit.lua" "$base" >"$dir/submit.txt"
read -r sub_rps sub_p50 sub_p99 sub_bad <"$dir/submit.txt"
stored=$(sqlite3 "$db" "select count(*) from responses where external_id like 'web-%'")
dup=$(sqlite3 "$db" "select count(*) - count(distinct invitation_id) from responses where external_id like 'web-%'")
phone=$(sqlite3 "$db" "select phone from customers where phone is not null limit 1 offset 17")
q=$(python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))" "$phone")
wrk_run -H "Authorization: Bearer $token" "$base/api/v1/customers?q=$q&phone=true" >"$dir/find.txt"
read -r find_rps find_p50 find_p99 find_bad <"$dir/find.txt"
kill -TERM "$pid"
wait "$pid" || true
pid=

# the command line, one process a call (the one-row files made beforehand)
cust=$(sqlite3 "$db" "select external_id from customers limit 1")
python3 - "$src/examples/after-sales/data/responses.csv" "$dir" "$CLI_CALLS" "$cust" <<'PY'
import csv, sys
cols = next(csv.reader(open(sys.argv[1])))
for i in range(int(sys.argv[3])):
    row = {c: "" for c in cols}
    row.update(external_id=f"CLI{i}", survey="csat", customer_id=sys.argv[4],
               submitted_at="2026-11-23T01:00:00Z", channel="web", q_overall="4", q_nps="9")
    with open(f"{sys.argv[2]}/one-{i}.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        w.writerow([row[c] for c in cols])
PY
t0=$(date +%s.%N)
for i in $(seq 0 $((CLI_CALLS - 1))); do m import responses "$dir/one-$i.csv" --no-alerts >/dev/null; done
t1=$(date +%s.%N)
cli_sub=$(python3 -c "print(f'{$CLI_CALLS / ($t1 - $t0):.1f}')")
t0=$(date +%s.%N)
for _ in $(seq "$CLI_CALLS"); do m --json customer find "$phone" --phone >/dev/null; done
t1=$(date +%s.%N)
cli_find=$(python3 -c "print(f'{$CLI_CALLS / ($t1 - $t0):.1f}')")

printf '%-28s %10s %10s %9s %9s %8s\n' "work ($CONN connections)" "serve/s" "CLI/s" "ratio" "p50 ms" "p99 ms"
printf '%-28s %10s %10s %9s %9s %8s\n' "survey submission" "$sub_rps" "$cli_sub" \
  "$(python3 -c "print(f'{$sub_rps / $cli_sub:.1f}x')")" "$sub_p50" "$sub_p99"
printf '%-28s %10s %10s %9s %9s %8s\n' "customer look-up (API)" "$find_rps" "$cli_find" \
  "$(python3 -c "print(f'{$find_rps / $cli_find:.1f}x')")" "$find_p50" "$find_p99"
echo "check: $stored responses stored by the submissions, $dup stored twice; non-2xx: submit $sub_bad, find $find_bad"
printf '{"submit_rps":%s,"submit_p99_ms":%s,"cli_submit_per_s":%s,"find_rps":%s,"find_p99_ms":%s,"cli_find_per_s":%s,"stored":%s,"duplicates":%s}\n' \
  "$sub_rps" "$sub_p99" "$cli_sub" "$find_rps" "$find_p99" "$cli_find" "$stored" "$dup"
[ "$dup" -eq 0 ]
