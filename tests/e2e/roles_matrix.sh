#!/usr/bin/env bash
# End-to-end: the roles x commands x paths matrix (issue 16, findings 3 and 4).
# For each role (admin, agent of hotline, analyst, auditor), with the OS user as
# the identity and the role in the database's roles table:
#  - every command and subcommand: a role that may not run it is refused and
#    the database is byte-for-byte the same (no write, not even an audit entry);
#  - every command an analyst may run, every export entity, and REPL SQL over
#    every table and view: no personal value in clear (the values are read
#    from the database with the sqlite3 shell, not from manyi), the audit log
#    and the roles refused; REPL SQL writes nothing for any role;
#  - an agent who opens a ticket for a customer sees that customer masked;
#  - a configuration cannot grant a role, and a set-user-id manyi records its
#    caller (the real uid), not the service account.
# Usage: roles_matrix.sh MANYI SOURCE_DIR [MANYI_GEN]
set -uo pipefail
manyi=$1
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MANYI_NOW=2026-11-01T00:00:00Z
export LC_ALL=C.UTF-8
. "$(dirname "$0")/lib/assert.sh"
command -v sqlite3 >/dev/null || { echo "roles_matrix: needs sqlite3"; exit 77; }
me=$(id -un)
data=$src/examples/after-sales/data
db=$tmp/ex.db
cfg=$tmp/manyi.yaml
sed "s#\.\./\.\./policies/#$src/policies/#" "$src/examples/after-sales/manyi.yaml" >"$cfg"
m() { "$manyi" --config "$cfg" --db "$db" "$@"; }
set_role() {
  local dept=NULL; [ "$1" = agent ] && dept="'hotline'"
  sqlite3 "$db" "INSERT OR REPLACE INTO roles VALUES ('$me', '$1', $dept, 'test', 0)"
}
as() { local role=$1; shift; set_role "$role"; m "$@"; }
dump() { sqlite3 "$db" .dump | md5sum; }
# The same without the audit log (a REPL session records itself).
data_dump() { sqlite3 "$db" .dump | grep -v '^INSERT INTO audit_log' | md5sum; }

# --- the data: the example, with messages and jobs that carry contacts
expect 0 m init
for e in customers staff orders interactions tickets responses; do expect 0 m import "$e" "$data/$e.csv"; done
expect 0 m import staff "$data/technicians.csv"
expect 0 m eval tiers
MANYI_NOW=2026-10-01T09:00:00+08:00 expect 0 m survey sample csat --wave W1 --method srs --size 40 --seed 7
MANYI_NOW=2026-10-01T09:00:00+08:00 expect 0 m survey dispatch csat --wave W1
phone=$(sqlite3 "$db" "SELECT phone FROM customers WHERE external_id = 'C0000001'")
expect 0 m jobs add notify --key n1 --payload "{\"channel\":\"sms\",\"recipient\":\"$phone\",\"subject\":\"hello\",\"customer\":\"C0000001\"}"
expect 0 m tick
same "$(sqlite3 "$db" "SELECT count(*) > 10 FROM outbox WHERE channel IN ('sms', 'email')")" 1 "outbox messages to phones and e-mails"
same "$(sqlite3 "$db" "SELECT count(*) FROM outbox WHERE recipient = '$phone' AND kind = 'notify'")" 1 "the notify job's message is in the outbox"

# Personal data typed into free text (issue 16): a phone number, an e-mail
# address and the customer's own name planted in every column that holds
# free text, for a customer of the hotline (a ticket subject and note, an
# interaction summary, a survey verbatim, policy reasons in the ledger and
# the tier history, a message subject, a job's error).
plant_phone='+86 139-1234-5678'; plant_digits=13912345678; plant_mail=planted.person@leak.example
hot_customer=$(sqlite3 "$db" "SELECT c.external_id FROM customers c JOIN tickets t ON t.customer_id = c.id JOIN departments d ON d.id = t.department_id WHERE d.code = 'hotline' ORDER BY c.id LIMIT 1")
hot_ticket=$(sqlite3 "$db" "SELECT t.external_id FROM tickets t JOIN departments d ON d.id = t.department_id WHERE d.code = 'hotline' ORDER BY t.id LIMIT 1")
hot_name=$(sqlite3 "$db" "SELECT c.name FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.external_id = '$hot_ticket'")
tail=" asks: call $plant_phone or write to $plant_mail"
planted="$hot_name$tail"
own="(SELECT name FROM customers WHERE id = customer_id) || '$tail'"  # the row's own customer
expect 0 m ticket note "$hot_ticket" "$planted"
sqlite3 "$db" "UPDATE tickets SET subject = '$planted' WHERE external_id = '$hot_ticket';
  UPDATE interactions SET summary = $own WHERE id = (SELECT min(id) FROM interactions);
  INSERT OR REPLACE INTO answer_texts SELECT r.id, q.id, (SELECT name FROM customers WHERE id = r.customer_id) || '$tail' FROM responses r JOIN questions q ON q.survey_id = r.survey_id AND q.open = 1 ORDER BY r.id LIMIT 1;
  INSERT INTO loyalty_ledger(customer_id, kind, points, reason, idempotency_key, created_at) SELECT id, 'adjust', 1, name || '$tail', 'plant-1', strftime('%s', '2026-10-31') FROM customers WHERE external_id = '$hot_customer';
  INSERT INTO tier_history(customer_id, old_tier, new_tier, reason, changed_at) SELECT id, tier, 'planted', name || '$tail', 0 FROM customers WHERE external_id = '$hot_customer';
  UPDATE outbox SET subject = coalesce($own, 'someone$tail') WHERE id = (SELECT min(id) FROM outbox);
  UPDATE jobs SET error = 'someone$tail' WHERE key = 'n1';
  UPDATE customers SET special_needs = 'planted-needs: insulin pump' WHERE external_id = '$hot_customer'"
same "$(sqlite3 "$db" "SELECT (SELECT count(*) FROM answer_texts WHERE text LIKE '%$plant_mail') + (SELECT count(*) FROM ticket_events WHERE detail LIKE '%$plant_mail%')")" 2 "free text planted"
# an improvement action's title, problem, measure and notes (issue 16: shown
# in clear by action list/show to analysts)
expect 0 m action add --department hotline --title "someone$tail" --problem "problem: someone$tail" \
  --measure "measure: someone$tail"
action_id=$(sed -n 's/^action \([0-9]*\) planned$/\1/p' "$tmp/out")
expect 0 m action update "$action_id" --stage do --note "note: someone$tail"

# Every personal value stored, read with the sqlite3 shell (the truth to
# look for): customers' names, phones, e-mails and birthdays, every
# recipient of a message, and what was planted in free text.
{ sqlite3 "$db" "SELECT name FROM customers UNION SELECT phone FROM customers UNION
  SELECT email FROM customers UNION SELECT birthday FROM customers UNION SELECT special_needs FROM customers UNION
  SELECT recipient FROM outbox WHERE channel <> 'internal'"
  printf '%s\n' "$plant_phone" "$plant_digits" "$plant_mail" "139-1234" "1234-5678"; } | grep -v '^$' >"$tmp/personal"
[ "$(wc -l <"$tmp/personal")" -gt 100 ] && ok || bad "too few personal values"
# clean FILE WHAT: FILE shows none of them
clean() {
  if grep -qF -f "$tmp/personal" "$1"; then
    bad "$2 shows personal data in clear: $(grep -oF -f "$tmp/personal" "$1" | head -3 | tr '\n' ' ')"
  else ok; fi
}
# leaks FILE WHAT: FILE does show some (proves that clean can fail)
leaks() { if grep -qF -f "$tmp/personal" "$1"; then ok; else bad "$2 shows no personal data"; fi; }

appt=$(sqlite3 "$db" "SELECT count(*) FROM appointments")
echo 'print(1)' >"$tmp/one.lua"
printf 'x\n1\n2\n3\n' >"$tmp/x.csv"

# --- every command: ROLES-ALLOWED|COMMAND. Refused: exit 1, the reason, no
# write. Allowed to an analyst: no personal value in what it prints or writes.
while IFS='|' read -r allowed cmd; do
  read -r -a args <<<"$cmd"
  name=${args[0]}; [ "$name" = --json ] && name=${args[1]}
  for role in admin agent analyst auditor; do
    set_role "$role"
    before=$(dump)
    rm -f "$tmp/o.csv"
    m "${args[@]}" </dev/null >"$tmp/out" 2>"$tmp/err"
    status=$?
    if [[ " $allowed " == *" $role "* ]]; then
      if grep -q "may not" "$tmp/err"; then bad "$role was refused: $cmd"; cat "$tmp/err" >&2; else ok; fi
      [ "$name" = export ] && same "$status" 0 "$role: exit status of '$cmd'"
      if [ "$role" = analyst ]; then
        cat "$tmp/out" "$tmp/err" >"$tmp/seen"; [ -f "$tmp/o.csv" ] && cat "$tmp/o.csv" >>"$tmp/seen"
        clean "$tmp/seen" "analyst: $cmd"
      fi
    else
      same "$status" 1 "$role: exit status of refused '$cmd'"
      contains "$tmp/err" "user '$me' (role $role) may not run 'manyi $name"
      same "$(dump)" "$before" "$role: the database after refused '$cmd'"
    fi
  done
done <<EOF2
admin|init
admin|import customers $data/customers.csv
admin analyst|export customers $tmp/o.csv
admin analyst|export staff $tmp/o.csv
admin analyst|export orders $tmp/o.csv
admin analyst|export interactions $tmp/o.csv
admin analyst|export tickets $tmp/o.csv
admin analyst|export responses $tmp/o.csv
admin analyst|export outbox $tmp/o.csv
admin analyst|export jobs $tmp/o.csv
admin agent analyst|customer show $hot_customer
admin agent analyst|--json customer show $hot_customer
admin|customer refer C0000003 C0000004
admin analyst|status
admin agent analyst auditor|stats describe $tmp/x.csv
admin|eval tiers --dry-run
admin|eval points --dry-run
admin analyst|explain tier $hot_customer
admin analyst|--json explain tier $hot_customer
admin agent analyst|points show $hot_customer
admin|points redeem $hot_customer 1 --key m-1
admin|points expire --dry-run
admin|policy test
admin agent analyst|calendar standard show --days 1
admin agent analyst auditor|cron 0 9 * * *
admin analyst|repl $tmp/one.lua
admin agent|ticket list --limit 5 --department hotline
admin agent|ticket show $hot_ticket
admin agent|ticket sla $hot_ticket
admin agent|ticket note $hot_ticket matrix
admin|jobs list
admin|jobs show n1
admin|jobs add points-expire --key m-0
admin|jobs retry n1
admin|run --until-idle
admin|tick
admin|outbox list
admin|outbox export $tmp/o.csv
admin agent|appoint list
admin agent|appoint skills
admin agent|appoint $hot_ticket --skill boiler --duration 60m --dry-run
admin|appoint cancel 999
admin|appoint done 999
admin analyst|sla backtest --priority high --response 4h
admin|care run --dry-run
admin analyst|survey status
admin analyst|survey score --survey csat
admin|survey clean --survey csat
admin analyst|action list
admin analyst|action show $action_id
admin analyst|--json action list
admin analyst|--json action show $action_id
admin|action add --title x
admin analyst|report satisfaction --period 2026Q3 --format md
admin analyst|kpi --period 2026Q3
admin auditor|audit list --action export
admin auditor|audit verify
admin auditor|role list
admin|role grant matrix.user analyst
admin|role revoke matrix.user
EOF2

# --- the REPL's dot-commands that show a customer's view
order=$(sqlite3 "$db" "SELECT o.external_id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.birthday IS NOT NULL ORDER BY o.id LIMIT 1")
bday=$(sqlite3 "$db" "SELECT birthday FROM customers WHERE birthday IS NOT NULL ORDER BY id LIMIT 1")
bday_customer=$(sqlite3 "$db" "SELECT external_id FROM customers WHERE birthday IS NOT NULL ORDER BY id LIMIT 1")
set_role admin
expect 0 m repl -e ".explain tier $bday_customer"; contains "$tmp/out" "$bday"
set_role analyst
expect 0 m repl -e ".explain tier $bday_customer"; clean "$tmp/out" "analyst: .explain tier"; contains "$tmp/out" "${bday:0:4}-**-**"
expect 0 m repl -e ".explain points $order"; clean "$tmp/out" "analyst: .explain points"
expect 0 m repl -e "manyi.customer('$bday_customer')"; clean "$tmp/out" "analyst: manyi.customer"

# --- exports: masked for analysts, and the audit entry says what was in them
set_role analyst
expect 0 m export outbox "$tmp/outbox.csv"; clean "$tmp/outbox.csv" "analyst: export outbox"
contains "$tmp/outbox.csv" "***"
expect 0 m export jobs "$tmp/jobs.csv"; clean "$tmp/jobs.csv" "analyst: export jobs"
contains "$tmp/jobs.csv" "***${phone: -2}"
set_role admin
expect 0 m export outbox "$tmp/outbox-admin.csv"; leaks "$tmp/outbox-admin.csv" "admin: export outbox"
set_role auditor
expect 0 m audit list --action export
grep -F ' export         outbox ' "$tmp/out" | tail -2 >"$tmp/outbox-entries"
contains <(head -1 "$tmp/outbox-entries") '"masked":true,"personal_columns":["recipient","subject","payload"]'
contains <(tail -1 "$tmp/outbox-entries") '"masked":false,"personal_columns":["recipient","subject","payload"]'
contains <(grep -F ' export         orders ' "$tmp/out") '"masked":false,"personal_columns":[]'
# free text: an admin reads it as written; an analyst's exports mask it
for e in tickets interactions responses outbox jobs; do
  set_role admin; expect 0 m export $e "$tmp/$e-admin.csv"; contains "$tmp/$e-admin.csv" "$plant_mail"
  set_role analyst; expect 0 m export $e "$tmp/$e.csv"; clean "$tmp/$e.csv" "analyst: free text in export $e"
  contains "$tmp/$e.csv" "p***@leak.example"; contains "$tmp/$e.csv" "***78"
done
contains "$tmp/tickets.csv" "${hot_name:0:1}*** asks: call ***78 or write to p***@leak.example"
set_role admin; expect 0 m points show "$hot_customer"; contains "$tmp/out" "$plant_mail"
expect 0 m ticket show "$hot_ticket"; contains "$tmp/out" "$plant_mail"
set_role admin; expect 0 m action show "$action_id"; contains "$tmp/out" "note: someone asks: call $plant_phone"
set_role analyst; expect 0 m action show "$action_id"; contains "$tmp/out" "note: someone asks: call ***78 or write to p***@leak.example"
contains "$tmp/out" "measure: someone asks: call ***78"
set_role analyst; expect 0 m points show "$hot_customer"; clean "$tmp/out" "analyst: points show reasons"
contains "$tmp/out" "***78"

# --- REPL SQL over every table and view, for each role that has the REPL
tables=$(sqlite3 "$db" "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name")
[ "$(echo "$tables" | wc -l)" -gt 25 ] && ok || bad "too few tables: $tables"
for t in $tables; do
  cat >"$tmp/read.lua" <<LUA
ok_, rows_ = pcall(manyi.sql, "SELECT * FROM $t")
if not ok_ then print("ERR " .. tostring(rows_)) else
  for _, r in ipairs(rows_) do for k, v in pairs(r) do print(k, v) end end
  print("rows " .. #rows_)
end
LUA
  cat >"$tmp/write.lua" <<LUA
for _, q in ipairs({"DELETE FROM $t", "UPDATE $t SET rowid = rowid", "INSERT INTO $t DEFAULT VALUES", "DROP TABLE $t"}) do
  print(pcall(manyi.sql, q) and ("WROTE " .. q) or "refused")
end
LUA
  for role in admin analyst; do
    set_role "$role"
    before=$(data_dump)
    expect 0 m repl "$tmp/write.lua"
    lacks "$tmp/out" "WROTE"
    same "$(data_dump)" "$before" "$role: the database after REPL writes to $t"
    expect 0 m repl "$tmp/read.lua"
    if [ "$role" = analyst ]; then
      clean "$tmp/out" "analyst: REPL SQL on $t"
      case $t in
        audit_log|roles) contains "$tmp/out" "ERR"; contains "$tmp/out" "reading $t is refused: only admins and auditors read it" ;;
        *) lacks "$tmp/out" "ERR" ;;
      esac
    else
      lacks "$tmp/out" "ERR"
    fi
  done
done
# the same through a view, a subquery, a join and a CTE
set_role analyst
cat >"$tmp/paths.lua" <<'LUA'
for _, q in ipairs({
  "SELECT (SELECT recipient FROM outbox LIMIT 1) AS r",
  "WITH x AS (SELECT * FROM customers) SELECT name, phone, email, birthday FROM x",
  "SELECT o.recipient, c.phone FROM outbox o JOIN customers c ON c.id = o.customer_id",
  "SELECT json_extract(payload, '$.recipient') AS r FROM jobs",
  "SELECT count(*) AS n FROM outbox WHERE recipient LIKE '+86%'",
  "SELECT group_concat(name) AS g FROM staff"}) do
  for _, r in ipairs(manyi.sql(q)) do for k, v in pairs(r) do print(k, v) end end
end
print(pcall(manyi.sql, "SELECT * FROM customer_points JOIN audit_log ON 1") and "audit read" or "audit refused")
LUA
expect 0 m repl "$tmp/paths.lua"; clean "$tmp/out" "analyst: REPL SQL paths"
contains "$tmp/out" "n	0"; contains "$tmp/out" "audit refused"

# --- agents: opening a ticket for a customer does not unlock the customer.
# A customer without tickets; the agent works for the department the routing
# policy gives the new ticket (where the customer had nothing before).
far=$(sqlite3 "$db" "SELECT external_id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.customer_id = c.id) AND phone IS NOT NULL AND email IS NOT NULL AND birthday IS NOT NULL ORDER BY id LIMIT 1")
far_phone=$(sqlite3 "$db" "SELECT phone FROM customers WHERE external_id = '$far'")
set_role agent
expect 1 m customer show "$far"; contains "$tmp/err" "may not see customer '$far'"
expect 0 m ticket open --customer "$far" --kind inquiry --category general --severity low --channel phone --subject "who is this" --id T-MX1
dept=$(sqlite3 "$db" "SELECT d.code FROM tickets t JOIN departments d ON d.id = t.department_id WHERE t.external_id = 'T-MX1'")
sqlite3 "$db" "UPDATE roles SET department = '$dept' WHERE user = '$me'"
agent() { m "$@"; }  # the row just written: agent of $dept
expect 0 agent customer show "$far"; clean "$tmp/out" "agent: customer of a ticket they opened"
contains "$tmp/out" "***"
expect 0 agent --json customer show "$far"; clean "$tmp/out" "agent: customer of a ticket they opened (json)"
expect 0 agent ticket show T-MX1   # the ticket itself is theirs to work
# ... and its free text as the customer: masked
far_name=$(sqlite3 "$db" "SELECT name FROM customers WHERE external_id = '$far'")
expect 0 agent ticket note T-MX1 "$far_name: $plant_phone, $plant_mail"
sqlite3 "$db" "UPDATE tickets SET subject = '$far_name asks: $plant_mail' WHERE external_id = 'T-MX1'"
for j in "" --json; do
  expect 0 agent $j ticket show T-MX1; clean "$tmp/out" "agent: ticket show $j of a customer they opened"
  contains "$tmp/out" "p***@leak.example"; contains "$tmp/out" "${far_name:0:1}***"
  expect 0 agent $j ticket list --department "$dept"; clean "$tmp/out" "agent: ticket list $j"
  expect 0 agent $j points show "$far"; clean "$tmp/out" "agent: points show $j"
done
set_role admin; expect 0 m ticket show T-MX1; contains "$tmp/out" "$plant_mail"
# the audit log records the arguments as given (the note above, the
# notify job's recipient): an auditor reads them masked, an admin as given
expect 0 m audit list; contains "$tmp/out" "$plant_mail"; contains "$tmp/out" "$far_name"
set_role auditor
for j in "" --json; do
  expect 0 m $j audit list; clean "$tmp/out" "auditor: audit list $j"
  contains "$tmp/out" "p***@leak.example"; contains "$tmp/out" "${far_name:0:1}***"
done
expect 0 m audit verify
sqlite3 "$db" "INSERT OR REPLACE INTO roles VALUES ('$me', 'agent', '$dept', 'test', 0)"
# ... a ticket somebody else (here: an import) put in the department does
printf 'external_id,customer_id,kind,category,severity,channel,priority,department,status,opened_at,subject\nT-MX2,%s,inquiry,general,low,phone,3,%s,new,2026-10-30T10:00:00Z,call back\n' "$far" "$dept" >"$tmp/t2.csv"
set_role admin; expect 0 m import tickets "$tmp/t2.csv"
sqlite3 "$db" "INSERT OR REPLACE INTO roles VALUES ('$me', 'agent', '$dept', 'test', 0)"
expect 0 agent customer show "$far"; contains "$tmp/out" "$far_phone"

# --- a configuration cannot grant a role
set_role analyst
{ cat "$cfg"; printf 'users:\n  %s: {role: admin}\n' "$me"; } >"$tmp/mine.yaml"
before=$(dump)
expect 1 "$manyi" --config "$tmp/mine.yaml" --db "$db" eval tiers --dry-run
contains "$tmp/err" "'users:' no longer gives roles"
expect 1 "$manyi" --config "$tmp/mine.yaml" --db "$db" role grant "$me" admin
expect 1 m role grant "$me" admin; contains "$tmp/err" "(role analyst) may not run 'manyi role grant'"
same "$(dump)" "$before" "the database after an analyst tried to become admin"

# --- who: the real uid. A set-user-id copy of manyi owned by another account
# (the service account) records its caller, and ignores MANYI_NOW.
# (LeakSanitizer cannot run in a set-user-id process: not with a sanitized build.)
if grep -q __asan_init "$manyi"; then
  echo "SKIP set-user-id: a sanitized build"
elif [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
  svc=$tmp/svc; mkdir -m 0755 "$svc"; chmod 0755 "$tmp"
  cp "$manyi" "$svc/manyi"; cp "$cfg" "$svc/manyi.yaml"; sqlite3 "$db" ".backup '$svc/svc.db'"
  chown nobody "$svc/manyi" "$svc/svc.db"; chown nobody "$svc"; chmod 4755 "$svc/manyi"  # the configuration stays root's
  sqlite3 "$svc/svc.db" "INSERT OR REPLACE INTO roles VALUES ('$me', 'admin', NULL, 'test', 0)"
  chown nobody "$svc/svc.db"*
  n0=$(sqlite3 "$svc/svc.db" "SELECT count(*) FROM audit_log")
  MANYI_NOW=2001-01-01T00:00:00Z expect 0 "$svc/manyi" --config "$svc/manyi.yaml" --db "$svc/svc.db" jobs add points-expire --key suid-1
  same "$(sqlite3 "$svc/svc.db" "SELECT os_user FROM audit_log WHERE id > $n0 AND action = 'jobs'")" "$me" "audit user under set-user-id"
  same "$(sqlite3 "$svc/svc.db" "SELECT at > 978307200 FROM audit_log WHERE id > $n0 AND action = 'jobs'")" 1 "MANYI_NOW ignored under set-user-id"
  # a configuration of the caller's (uid 4321: some user), or of the service
  # account's, or a link to one, and the caller's own database are refused
  cp "$cfg" "$svc/theirs.yaml"; chown 4321 "$svc/theirs.yaml"
  expect 1 "$svc/manyi" --config "$svc/theirs.yaml" --db "$svc/svc.db" status; contains "$tmp/err" "must be a file of root's"
  expect 1 "$svc/manyi" --config "$svc/svc.db" status; contains "$tmp/err" "must be a file of root's"
  ln -s "$svc/svc.db" "$svc/link.yaml"
  expect 1 "$svc/manyi" --config "$svc/link.yaml" status; contains "$tmp/err" "must be a file of root's"
  # commands that read only the file given read it with the caller's rights
  # (a file only the service account may read)
  printf 'x\n1\n2\n' >"$svc/private.csv"; chown nobody "$svc/private.csv"; chmod 0600 "$svc/private.csv"
  if setpriv --reuid=4321 --regid=4321 --clear-groups true 2>/dev/null; then
    expect 1 setpriv --reuid=4321 --regid=4321 --clear-groups "$svc/manyi" stats describe "$svc/private.csv" --col x
    contains "$tmp/err" "private.csv: cannot open: Permission denied"; lacks "$tmp/out" "sum"
    # a caller without a role (and here without a name) is refused, the data unchanged
    n1=$(sqlite3 "$svc/svc.db" "SELECT count(*) FROM audit_log")
    expect 1 setpriv --reuid=4321 --regid=4321 --clear-groups "$svc/manyi" --config "$svc/manyi.yaml" --db "$svc/svc.db" export customers
    contains "$tmp/err" "user '#4321' has no role in $svc/svc.db: ask an administrator"
    same "$(sqlite3 "$svc/svc.db" "SELECT count(*) FROM audit_log")" "$n1" "nothing recorded for a refused caller"
    lacks "$tmp/out" "C0000001"
  fi
  # export FILE and .output write as the caller (issue 16): the file is the
  # caller's, and goes only where the caller may write. daemon is an analyst
  # here; $svc is the service account's folder (daemon may not write it).
  if id daemon >/dev/null 2>&1 && setpriv --reuid=daemon --regid=daemon --clear-groups true 2>/dev/null; then
    sqlite3 "$svc/svc.db" "INSERT OR REPLACE INTO roles VALUES ('daemon', 'analyst', NULL, 'test', 0)"
    as_daemon() { setpriv --reuid=daemon --regid=daemon --clear-groups "$svc/manyi" --config "$svc/manyi.yaml" --db "$svc/svc.db" "$@"; }
    expect 1 as_daemon export customers "$svc/stolen.csv"
    contains "$tmp/err" "cannot write $svc/stolen.csv: Permission denied"
    [ ! -e "$svc/stolen.csv" ] && ok || bad "the service account's folder got the caller's export"
    mkdir -m 0700 "$tmp/daemon"; chown daemon:daemon "$tmp/daemon"
    expect 0 as_daemon export customers "$tmp/daemon/mine.csv"
    same "$(stat -c %U:%G:%a "$tmp/daemon/mine.csv")" "daemon:daemon:600" "owner and mode of a set-user-id export"
    clean "$tmp/daemon/mine.csv" "daemon (analyst) under set-user-id: export customers"
    printf '.output %s\nmanyi.sql[[select 1 as x]]\n.output\n' "$svc/stolen.txt" | as_daemon repl >"$tmp/out" 2>&1
    [ ! -e "$svc/stolen.txt" ] && ok || bad "the REPL's .output wrote into the service account's folder"
    printf '.output %s\nmanyi.sql[[select 1 as x]]\n.output\n' "$tmp/daemon/out.txt" | as_daemon repl >"$tmp/out" 2>&1
    same "$(stat -c %U:%a "$tmp/daemon/out.txt" 2>&1)" daemon:600 "owner and mode of a set-user-id .output"
  fi
  expect 1 "$svc/manyi" --config "$svc/manyi.yaml" --db "$db" status; contains "$tmp/err" "the database $db must belong to the service account"
  expect 1 "$svc/manyi" --config "$svc/manyi.yaml" --db "$svc/new.db" init; contains "$tmp/err" "the service account creates it"
  chmod 0700 "$tmp"
else
  echo "SKIP set-user-id: needs root and a 'nobody' account"
fi

echo "roles_matrix: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
