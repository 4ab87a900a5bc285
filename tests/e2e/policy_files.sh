#!/usr/bin/env bash
# End-to-end: policy files on disk (issue 16, finding 7). A policy file or a
# module loaded with require() that group or others can write is refused, and
# so is either in a folder they can write (they could replace tiers.lua); the
# hash of every module a policy can require is in the audit log, and a
# changed module is recorded again with its previous hash.
# Usage: policy_files.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping" >&2; exit 77; }
export MANYI_NOW=2026-11-01T00:00:00Z
. "$(dirname "$0")/lib/assert.sh"
umask 022
mkdir "$tmp/pol"
cat >"$tmp/pol/tiers.lua" <<'LUA'
local helper = require("helper")
return { tier = function(c, p) return helper.tier(c), "from helper" end }
LUA
printf 'return { tier = function(c) return "C" end }\n' >"$tmp/pol/helper.lua"
sed -e "s#file: \.\./\.\./policies/tiers\.lua#file: pol/tiers.lua#" \
    -e "s#\.\./\.\./policies/#$src/policies/#" "$example/manyi.yaml" >"$tmp/manyi.yaml"
db=$tmp/p.db
m() { "$manyi" --config "$tmp/manyi.yaml" --db "$db" "$@"; }
expect 0 m init
printf 'external_id,name,kind,created_at\nC1,a,person,2026-01-01\n' >"$tmp/c.csv"
expect 0 m import customers "$tmp/c.csv"
expect 0 m eval tiers --dry-run

# --- the module's hash is in the audit log (computed here with sha256sum)
h1=$(sha256sum <"$tmp/pol/helper.lua" | cut -d' ' -f1)
q="SELECT json_extract(detail, '\$.sha256') || '|' || ifnull(json_extract(detail, '\$.previous'), '-')
   FROM audit_log WHERE action = 'policy' AND object = '$tmp/pol/helper.lua' ORDER BY id"
same "$(sqlite3 "$db" "$q")" "$h1|-" "the module's audit entry"
printf 'return { tier = function(c) return "B" end }\n' >"$tmp/pol/helper.lua"
h2=$(sha256sum <"$tmp/pol/helper.lua" | cut -d' ' -f1)
expect 0 m eval tiers --dry-run
same "$(sqlite3 "$db" "$q")" "$h1|-
$h2|$h1" "the module's audit entries after it changed"
expect 0 m audit verify

# --- writable by group or others: the module, the policy, the folder
chmod 666 "$tmp/pol/helper.lua"
expect 1 m eval tiers --dry-run
contains "$tmp/err" "group or others can write this policy file (mode 0666): run 'chmod go-w $tmp/pol/helper.lua'"
chmod 664 "$tmp/pol/helper.lua"
expect 1 m eval tiers --dry-run
contains "$tmp/err" "group or others can write this policy file (mode 0664)"
chmod 644 "$tmp/pol/helper.lua"
chmod 664 "$tmp/pol/tiers.lua"
expect 1 m eval tiers --dry-run
contains "$tmp/err" "run 'chmod go-w $tmp/pol/tiers.lua'"
chmod 644 "$tmp/pol/tiers.lua"
chmod 777 "$tmp/pol"
expect 1 m eval tiers --dry-run
contains "$tmp/err" "group or others can write the policy folder $tmp/pol (mode 0777)"
chmod 775 "$tmp/pol"
expect 1 m eval tiers --dry-run
contains "$tmp/err" "run 'chmod go-w $tmp/pol'"
chmod 755 "$tmp/pol"
expect 0 m eval tiers --dry-run
contains "$tmp/out" "1 customers, 1 changed"

echo "policy_files: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
