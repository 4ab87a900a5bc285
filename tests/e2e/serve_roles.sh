#!/usr/bin/env bash
# End-to-end: every call of manyi serve's JSON API for every role. The
# expectations are README.md's table of roles (written out below by hand,
# not read from core/cli/commands.c): a call a role may not make gets 403
# with the reason and changes nothing in the database (not even the audit
# log); one it may make does not get 403. The department-scoped roles
# (agent, supervisor, department_head, all of support) are tried on a
# ticket and a customer of their department and of another one. An
# analyst's answers show no personal data in clear (the customer's phone,
# read with the sqlite3 shell), an admin's do (so the check can fail).
# Usage: serve_roles.sh MANYI SOURCE_DIR [GEN]
set -uo pipefail
manyi=$1
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
. "$(dirname "$0")/lib/assert.sh"
command -v curl >/dev/null || { echo "serve_roles: curl is needed" >&2; exit 77; }
command -v sqlite3 >/dev/null || { echo "serve_roles: sqlite3 is needed" >&2; exit 77; }
. "$(dirname "$0")/lib/serve.sh"

for spec in admin:admin analyst:analyst auditor:auditor "agent:agent --department support" \
            "supervisor:supervisor --department support" "head:department_head --department support"; do
  # shellcheck disable=SC2086 # the role and its options, word by word
  expect 0 m --json serve client add "${spec%%:*}" --role ${spec#*:}
  tok[${spec%%:*}]=$(jq_ "$tmp/out" "d['token']")
done
roles="admin analyst auditor agent supervisor head"

# a ticket and a customer of support, and of another department
ticket_of() {
  sql "select t.external_id from tickets t join departments d on d.id = t.department_id
    where d.code $1 'support' and t.status <> 'resolved' order by t.id limit 1"
}
own_t=$(ticket_of =)
other_t=$(ticket_of '<>')
own_c=$(sql "select c.external_id from customers c join tickets t on t.customer_id = c.id
  where t.external_id = '$own_t'")
other_c=$(sql "select c.external_id from customers c where not exists (select 1 from tickets t
  join departments d on d.id = t.department_id where t.customer_id = c.id and d.code = 'support')
  order by c.id limit 1")
staff=$(sql "select s.external_id from staff s join departments d on d.id = s.department_id
  where d.code = 'support' order by s.id limit 1")
[ -n "$own_t" ] && [ -n "$other_t" ] && [ -n "$own_c" ] && [ -n "$other_c" ] && [ -n "$staff" ] && ok ||
  bad "the example lacks a ticket, customer or staff member of support and of another department"

start
dump() { sqlite3 "$db" .dump | md5sum; }

# The calls: WHO|METHOD|PATH|BODY. WHO: the roles that may make the call
# (README.md, "Roles, masking and the audit log"); "scoped" means admin,
# plus agent, supervisor and head on their own department's ticket or
# customer; an own/other pair tries both.
n=0
while IFS='|' read -r who method path body; do
  for role in $roles; do
    n=$((n + 1))
    p=${path//@N/$n}
    b=${body//@N/$n}
    allowed=0
    case " $who " in *" $role "*) allowed=1 ;; esac
    case " $who " in *" scoped-own "*) case $role in admin | agent | supervisor | head) allowed=1 ;; esac ;; esac
    case " $who " in *" scoped-other "*) [ "$role" = admin ] && allowed=1 ;; esac
    before=$(dump)
    if [ -n "$b" ]; then api "$role" "$method" "$p" "$b"; else api "$role" "$method" "$p"; fi
    if [ "$allowed" = 1 ]; then
      if [ "$code" != 403 ] && [ "$code" != 401 ]; then ok; else bad "$role: $method $p: $code, want it allowed: $(cat "$tmp/body")"; fi
    else
      same "$code" 403 "$role: $method $p"
      contains "$tmp/body" "may not"
      same "$(dump)" "$before" "$role: the database after the refused $method $p"
    fi
  done
done <<EOF
admin analyst agent supervisor head|GET|/api/v1/customers?q=$own_c&id=true|
scoped-own analyst|GET|/api/v1/customers/$own_c|
scoped-other analyst|GET|/api/v1/customers/$other_c|
scoped-own analyst|GET|/api/v1/customers/$own_c/history|
scoped-other analyst|GET|/api/v1/customers/$other_c/history|
scoped-own analyst|GET|/api/v1/customers/$own_c/points|
scoped-other analyst|GET|/api/v1/customers/$other_c/points|
admin|POST|/api/v1/customers/$own_c/points/redeem|{"points":1,"key":"k@N","reason":"roles"}
admin agent supervisor head|POST|/api/v1/tickets|{"customer":"$own_c","kind":"inquiry","category":"general","severity":"low","channel":"phone","subject":"roles @N","id":"RT@N"}
scoped-own|GET|/api/v1/tickets/$own_t|
scoped-other|GET|/api/v1/tickets/$other_t|
scoped-own|POST|/api/v1/tickets/$own_t/reply|{"text":"reply @N"}
scoped-other|POST|/api/v1/tickets/$other_t/reply|{"text":"reply @N"}
scoped-own|POST|/api/v1/tickets/$own_t/stage|{"stage":"acknowledged"}
scoped-other|POST|/api/v1/tickets/$other_t/stage|{"stage":"acknowledged"}
scoped-own|POST|/api/v1/tickets/$own_t/assign|{"staff":"$staff","reassign":true}
scoped-other|POST|/api/v1/tickets/$other_t/assign|{"staff":"$staff","reassign":true}
admin agent supervisor head|POST|/api/v1/interactions|{"customer":"$own_c","channel":"phone","summary":"roles @N","id":"RI@N"}
admin analyst head|GET|/api/v1/surveys/csat/score|
EOF
same "$n" $((19 * 6)) "every call for every role"

# --- an analyst sees no personal data in clear, an admin does
phone=$(sql "select phone from customers where external_id = '$own_c'")
name=$(sql "select name from customers where external_id = '$own_c'")
while read -r call clear; do
  api analyst GET "$call"
  same "$code" 200 "analyst: $call"
  lacks "$tmp/body" "$clear"
  api admin GET "$call"
  contains "$tmp/body" "$clear"
done <<EOF
/api/v1/customers/$own_c $phone
/api/v1/customers?q=$own_c&id=true $phone
/api/v1/customers/$own_c/history $name
EOF
stop

echo "serve_roles: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
