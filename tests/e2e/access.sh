#!/usr/bin/env bash
# End-to-end: roles (every role against real commands), the agents' department,
# masking for analysts, and the audit log's hash chain (recorded events, an
# independent SHA-256 of an entry, tampering behind manyi's back).
# Roles live in the database: the test's user owns it, so it sets its own role
# by writing the roles table directly (as any owner of the file could; that is
# why the owner is admin when it has no row).
# Usage: access.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MANYI_NOW=2026-11-01T00:00:00Z
. "$(dirname "$0")/lib/assert.sh"
command -v sqlite3 >/dev/null && command -v sha256sum >/dev/null || { echo "access: needs sqlite3 and sha256sum"; exit 77; }
me=$(id -un)
data=$src/examples/after-sales/data

# The example with its own copy of the policies (so that one can be edited).
cp -r "$src/policies" "$tmp/policies"
sed "s#\.\./\.\./policies/#$tmp/policies/#" "$src/examples/after-sales/manyi.yaml" >"$tmp/base.yaml"
{ cat "$tmp/base.yaml"; printf 'users:\n  somebody-else: {role: admin}\n'; } >"$tmp/other.yaml"
# The test user's row in the roles table (agents work for hotline).
set_role() {
  local dept=NULL; [ "$1" = agent ] && dept="'hotline'"
  sqlite3 "$tmp/ex.db" "INSERT OR REPLACE INTO roles VALUES ('$me', '$1', $dept, 'test', 0)"
}
as() { local role=$1; shift; set_role "$role"; "$manyi" --config "$tmp/base.yaml" --db "$tmp/ex.db" "$@"; }
single() { "$manyi" --config "$tmp/base.yaml" --db "$tmp/ex.db" "$@"; }

# --- init: the user who runs it is the first admin, recorded in the roles table
expect 0 single init; contains "$tmp/out" "roles: 1 granted (the first admin: $me)"
expect 0 single role list; contains "$tmp/out" "$me"; contains "$tmp/out" "admin"
for e in customers staff orders tickets; do expect 0 single import "$e" "$data/$e.csv"; done
[ "$(stat -c %a "$tmp/ex.db")" = 600 ] && ok || bad "database mode is not 0600"
# --- a configuration grants no role: users: is refused, naming the file and the fix
expect 1 "$manyi" --config "$tmp/other.yaml" --db "$tmp/ex.db" status
contains "$tmp/err" "$tmp/other.yaml:"; contains "$tmp/err" "'users:' no longer gives roles"
contains "$tmp/err" "manyi role grant USER ROLE"
# help needs no role
expect 0 as auditor ticket --help; contains "$tmp/out" "Usage: manyi"

# --- manyi role: changes audited, bad input refused with the reason
expect 0 as admin role grant zhao.min agent --department hotline; contains "$tmp/out" "zhao.min is now agent of hotline"
expect 0 as admin role grant zhao.min analyst
expect 0 as admin --json role list; contains "$tmp/out" '"user": "zhao.min"'; contains "$tmp/out" '"role": "analyst"'
expect 0 as admin role revoke zhao.min
same "$(sqlite3 "$tmp/ex.db" "SELECT group_concat(detail, ' ') FROM audit_log WHERE action = 'role' AND object = 'zhao.min'")" \
  '{"grant":"agent","department":"hotline"} {"grant":"analyst","previous":"agent"} {"revoke":"analyst"}' "role changes in the audit log"
expect 2 as admin role grant zhao.min; contains "$tmp/err" "grant needs USER and ROLE"
expect 2 as admin role; contains "$tmp/err" "Usage: manyi"
expect 1 as admin role grant zhao.min boss; contains "$tmp/err" "unknown role 'boss': use admin, agent, analyst, auditor, supervisor or department_head"
expect 1 as admin role grant 'x;rm -rf' admin; contains "$tmp/err" "is not a user name"
expect 1 as admin role grant "$(printf 'a%.0s' {1..40})" admin; contains "$tmp/err" "is not a user name"
expect 1 as admin role grant zhao.min agent; contains "$tmp/err" "add --department CODE"
expect 1 as admin role grant zhao.min agent --department nowhere; contains "$tmp/err" "unknown department 'nowhere'"
expect 1 as admin role grant zhao.min auditor --department hotline; contains "$tmp/err" "only agents, supervisors and department heads have a department"
expect 1 as admin role revoke zhao.min; contains "$tmp/err" "user 'zhao.min' has no role to revoke"
same "$(sqlite3 "$tmp/ex.db" "SELECT count(*) FROM roles WHERE user <> '$me'")" 0 "no role left behind by bad input"

# --- every role against real commands: ALLOWED-ROLES COMMAND...
echo 'print(1)' >"$tmp/script.lua"
printf 'x\n1\n2\n3\n' >"$tmp/x.csv"
hotline_customer=$(sqlite3 "$tmp/ex.db" "SELECT c.external_id FROM customers c JOIN tickets t ON t.customer_id = c.id JOIN departments d ON d.id = t.department_id WHERE d.code = 'hotline' ORDER BY c.id LIMIT 1")
other_customer=$(sqlite3 "$tmp/ex.db" "SELECT external_id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM tickets t JOIN departments d ON d.id = t.department_id WHERE t.customer_id = c.id AND d.code = 'hotline') ORDER BY id LIMIT 1")
hotline_ticket=$(sqlite3 "$tmp/ex.db" "SELECT t.external_id FROM tickets t JOIN departments d ON d.id = t.department_id WHERE d.code = 'hotline' ORDER BY t.id LIMIT 1")
while IFS='|' read -r allowed cmd; do
  for role in admin agent analyst auditor; do
    read -r -a args <<<"$cmd"
    if [[ " $allowed " == *" $role "* ]]; then
      as "$role" "${args[@]}" </dev/null >"$tmp/out" 2>"$tmp/err"
      if grep -q "may not" "$tmp/err"; then bad "$role was refused: $cmd"; cat "$tmp/err" >&2; else ok; fi
    else
      expect 1 as "$role" "${args[@]}"
      contains "$tmp/err" "user '$me' (role $role) may not run 'manyi ${args[0]}"
    fi
  done
done <<EOF2
admin|init
admin analyst|status
admin agent analyst|customer show $hotline_customer
admin analyst|export customers $tmp/c.csv
admin analyst|explain tier $hotline_customer
admin|eval tiers --dry-run
admin agent analyst|points show $hotline_customer
admin|points redeem $hotline_customer 1 --key e2e-1
admin|points expire --dry-run
admin|policy test
admin agent analyst|calendar standard show --days 1
admin analyst|repl $tmp/script.lua
admin agent|ticket list --limit 1 --department hotline
admin agent|ticket show $hotline_ticket
admin|jobs list
admin|jobs add points-expire --key e2e-0
admin|tick
admin|outbox list
admin auditor|audit verify
admin auditor|audit list --action export
admin agent analyst auditor|stats describe $tmp/x.csv
admin agent analyst auditor|cron '0 9 * * *'
admin agent|appoint list
admin agent|appoint $hotline_ticket --skill boiler --duration 60m --dry-run
admin|appoint cancel 1
admin analyst|sla backtest --priority high --response 4h
admin|care run --dry-run
admin analyst|survey status
admin analyst|survey score --survey csat
admin|survey clean --survey csat
admin analyst|action list
admin|action add --title x
admin auditor|role list
admin|role grant e2e.user analyst
EOF2

# --- agents see the customers of their department only
expect 0 as agent customer show "$hotline_customer"
expect 1 as agent customer show "$other_customer"
contains "$tmp/err" "may not see customer '$other_customer'"
expect 1 as agent points show --last 3 "$other_customer"; contains "$tmp/err" "may not see customer '$other_customer'"
expect 0 as agent points show --last 3 "$hotline_customer"
other_ticket=$(sqlite3 "$tmp/ex.db" "SELECT t.external_id FROM tickets t JOIN departments d ON d.id = t.department_id WHERE d.code <> 'hotline' ORDER BY t.id LIMIT 1")
expect 0 as agent ticket show "$hotline_ticket"
expect 1 as agent ticket show "$other_ticket"; contains "$tmp/err" "may not touch ticket '$other_ticket'"
expect 1 as agent ticket note "$other_ticket" "hello"; contains "$tmp/err" "may not touch ticket '$other_ticket'"
expect 1 as agent appoint "$other_ticket" --skill boiler --duration 60m --dry-run
contains "$tmp/err" "may not touch ticket '$other_ticket'"
expect 1 as agent ticket list; contains "$tmp/err" "lists the tickets of hotline only: add --department hotline"
expect 1 as agent ticket list --department=technical; contains "$tmp/err" "add --department hotline"
expect 0 as agent ticket list -d hotline

# --- analysts see personal data masked (the example's first customer)
expect 0 as admin customer show C0000001; contains "$tmp/out" "李春玉"; contains "$tmp/out" "+86 198 2033 3129"
expect 0 as analyst customer show C0000001
contains "$tmp/out" "C0000001  李***"
contains "$tmp/out" "phone ***29, email l***@corp.example.net, birthday 1983-**-**"
lacks "$tmp/out" "李春玉"
expect 0 as analyst --json customer show C0000001; contains "$tmp/out" '"email": "l***@corp.example.net"'
expect 0 as analyst export customers "$tmp/masked.csv"
contains "$tmp/masked.csv" "C0000001,李***,person,West,manufacturing,***29,l***@corp.example.net,1983-**-**"
lacks "$tmp/masked.csv" "li.chunyu@"
expect 0 as admin explain tier C0000001;   contains "$tmp/out" "birthday           1983-10-21"
expect 0 as analyst explain tier C0000001; contains "$tmp/out" "birthday           1983-**-**"
expect 0 as analyst --json explain tier C0000001; contains "$tmp/out" '"birthday": "1983-**-**"'
# The REPL: analysts' SQL reads the personal columns as NULL; views are masked.
cat >"$tmp/pii.lua" <<'LUA'
r = manyi.sql([[select name, phone, email, birthday, region from customers where external_id = ?]], "C0000001")[1]
print(tostring(r.name) .. "|" .. tostring(r.phone) .. "|" .. tostring(r.email) .. "|" .. tostring(r.birthday) .. "|" .. r.region)
print(#manyi.sql([[select 1 from customers where name like '李%']]))
print("view " .. manyi.customer("C0000001").birthday)
LUA
expect 0 as admin repl "$tmp/pii.lua"
contains "$tmp/out" "李春玉|+86 198 2033 3129|li.chunyu@corp.example.net|1983-10-21|West"
contains "$tmp/out" "view 1983-10-21"
expect 0 as analyst repl "$tmp/pii.lua"
contains "$tmp/out" "nil|nil|nil|nil|West"
contains "$tmp/out" "view 1983-**-**"
lacks "$tmp/out" "李春玉"
same "$(sed -n 2p "$tmp/out")" "0" "an analyst cannot search by name"
same "$(wc -l <"$tmp/masked.csv")" "$(wc -l <"$data/customers.csv")" "masked export rows"
# Special needs are health data: never shown in part to an analyst (show, export, SQL, views).
expect 0 as admin customer edit C0000002 --special-needs "wheelchair user, hard of hearing"
expect 0 as admin export customers "$tmp/full.csv"
contains "$tmp/full.csv" "wheelchair user, hard of hearing"
expect 0 as analyst customer show C0000002; lacks "$tmp/out" "wheelchair"
expect 0 as analyst --json customer show C0000002; lacks "$tmp/out" "wheelchair"
expect 0 as analyst export customers "$tmp/masked2.csv"; lacks "$tmp/masked2.csv" "wheelchair"
same "$(head -1 "$tmp/masked2.csv")" "$(head -1 "$tmp/full.csv")" "masked and full exports have the same columns"
printf 'r = manyi.sql([[select special_needs from customers where external_id = ?]], "C0000002")[1]\nprint(tostring(r.special_needs))\n' >"$tmp/needs.lua"
expect 0 as analyst repl "$tmp/needs.lua"; lacks "$tmp/out" "wheelchair"
expect 0 as admin repl "$tmp/needs.lua"; contains "$tmp/out" "wheelchair user, hard of hearing"

# --- the audit log: what was recorded
expect 0 as auditor audit list --action export
contains "$tmp/out" "$me"; contains "$tmp/out" '"masked":true'
expect 0 as auditor --json audit list --action config
same "$(grep -c '"action": "config"' "$tmp/out")" "1" "one config entry: one configuration file used"
contains "$tmp/out" "\"sha256\": \"$(sha256sum "$tmp/base.yaml" | cut -d' ' -f1)\""
expect 0 as auditor audit list --since 2030-01-01; same "$(cat "$tmp/out")" "" "nothing after 2030"; contains "$tmp/err" "no audit entries"
expect 2 as auditor audit list --since yesterday; contains "$tmp/err" "--since"
expect 0 as auditor audit list --action import; contains "$tmp/out" '"argv":["import","tickets"'
expect 0 as auditor audit list --action eval;   contains "$tmp/out" '"argv":["eval","tiers","--dry-run"],"status":0,"role":"admin"'
expect 0 as auditor audit list --action points-redeem; contains "$tmp/out" "points-redeem"
# A policy edit is recorded once, with the old and new hash.
old=$(sha256sum "$tmp/policies/tiers.lua" | cut -d' ' -f1)
echo "-- edited" >>"$tmp/policies/tiers.lua"
new=$(sha256sum "$tmp/policies/tiers.lua" | cut -d' ' -f1)
expect 0 as admin status
expect 0 as admin status
expect 0 as auditor --json audit list --action policy
same "$(grep -c "\"sha256\": \"$new\"" "$tmp/out")" "1" "policy change recorded once"
contains "$tmp/out" "\"previous\": \"$old\""

# Entry 1's hash, worked out with sha256sum from its fields (netstrings, NULL = "~,").
ns() { local LC_ALL=C; if [ "$2" = 1 ]; then printf '~,'; else printf '%d:%s,' "${#1}" "$1"; fi; }
row() { sqlite3 "$tmp/ex.db" "SELECT $1 FROM audit_log WHERE id = 1"; }
isnull() { sqlite3 "$tmp/ex.db" "SELECT $1 IS NULL FROM audit_log WHERE id = 1"; }
canon="$(ns "" 1)$(ns 1 0)$(ns "$(row at)" 0)$(ns "$(row os_user)" 0)$(ns "$(row action)" 0)$(ns "$(row object)" "$(isnull object)")$(ns "$(row detail)" "$(isnull detail)")"
same "$(printf '%s' "$canon" | sha256sum | cut -d' ' -f1)" "$(row hash)" "hash of entry 1"

# The newest entry: a manual change that a later read cannot write again.
expect 0 as admin jobs add eval-tiers --key e2e-1
n=$(sqlite3 "$tmp/ex.db" "SELECT count(*) FROM audit_log")
expect 0 as auditor audit verify; contains "$tmp/out" "ok, $n entries, head "
head=$(sed 's/.*head //' "$tmp/out")
expect 0 as auditor audit verify --anchor "$head"
expect 2 as auditor audit verify --anchor nothex; contains "$tmp/err" "--anchor takes a hash"

# --- tampering: the triggers refuse; with them dropped, verify names the entry
cp "$tmp/ex.db" "$tmp/clean.db"
sqlite3 "$tmp/ex.db" "UPDATE audit_log SET os_user = 'x' WHERE id = 3" 2>"$tmp/err" && bad "UPDATE of the audit log was allowed" || ok
contains "$tmp/err" "append-only"
sqlite3 "$tmp/ex.db" "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET os_user = 'x' WHERE id = 3"
expect 1 as auditor audit verify; contains "$tmp/err" "broken at entry 3: its content does not match its hash"
cp "$tmp/clean.db" "$tmp/ex.db"
sqlite3 "$tmp/ex.db" "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 5"
expect 1 as auditor audit verify; contains "$tmp/err" "broken at entry 6"
cp "$tmp/clean.db" "$tmp/ex.db"
sqlite3 "$tmp/ex.db" "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = $n"
# a cut tail keeps a valid chain, but the anchor file beside the database shows it ...
expect 1 as auditor audit verify; contains "$tmp/err" "is not in the log: entries were removed"
expect 1 as auditor audit verify --anchor "$head"; contains "$tmp/err" "is not in the audit log"   # ... as a kept head does
rm "$tmp/ex.db-audit-head"   # without the file, only the chain is checked
expect 0 as auditor audit verify; contains "$tmp/err" "no anchor file"
cp "$tmp/clean.db" "$tmp/ex.db"
sqlite3 "$tmp/ex.db" "INSERT INTO audit_log(id, at, os_user, action) VALUES ($n + 1, 0, 'x', 'export')"
expect 1 as auditor audit verify; contains "$tmp/err" "broken at entry $((n + 1))"
# manyi refuses to chain onto an entry without a hash
expect 1 as admin jobs add eval-tiers --key e2e-2; contains "$tmp/err" "has no hash"

# --- permissions: a database or configuration others can write, a world-writable policy
cp "$tmp/clean.db" "$tmp/perm.db"; chmod 660 "$tmp/perm.db"
sqlite3 "$tmp/perm.db" "UPDATE roles SET role = 'admin', department = NULL WHERE user = '$me'"
expect 1 "$manyi" --config "$tmp/base.yaml" --db "$tmp/perm.db" status
contains "$tmp/err" "other users can write the database $tmp/perm.db (mode 0660): run 'chmod 600 $tmp/perm.db'"
chmod 600 "$tmp/perm.db"
expect 0 "$manyi" --config "$tmp/base.yaml" --db "$tmp/perm.db" status
chmod 646 "$tmp/base.yaml"
expect 1 as admin status; contains "$tmp/err" "other users can write the configuration (mode 0646): run 'chmod go-w $tmp/base.yaml'"
chmod 644 "$tmp/base.yaml"
chmod 664 "$tmp/policies/tiers.lua"   # group-writable is refused too (as ssh does)
expect 1 "$manyi" --config "$tmp/base.yaml" --db "$tmp/perm.db" eval tiers --dry-run
contains "$tmp/err" "group or others can write this policy file (mode 0664): run 'chmod go-w $tmp/policies/tiers.lua'"
chmod 666 "$tmp/policies/tiers.lua"
expect 1 "$manyi" --config "$tmp/base.yaml" --db "$tmp/perm.db" eval tiers --dry-run
contains "$tmp/err" "group or others can write this policy file (mode 0666): run 'chmod go-w $tmp/policies/tiers.lua'"

echo "access: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
