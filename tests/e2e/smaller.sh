#!/usr/bin/env bash
# End-to-end: the smaller findings of issue 16 (finding 9): escape sequences
# from imported data reach no terminal raw; a BOM starting a later CSV line is
# a bad row; sample sizes past 2^53 are refused; `sla backtest` refuses an
# unknown kind; `audit verify` without --anchor sees entries cut from the end
# of the log (through the anchor file DB-audit-head).
# Usage: smaller.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
data=$example/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping" >&2; exit 77; }
export MANYI_NOW=2026-11-01T00:00:00Z
. "$(dirname "$0")/lib/assert.sh"
db=$tmp/s.db
m() { "$manyi" --config "$example/manyi.yaml" --db "$db" "$@"; }
esc=$(printf '\033')
raw() { if grep -q "$esc" "$1"; then bad "$2: a raw ESC reached the terminal: $(od -c "$1" | head -3)"; else ok; fi; }

expect 0 m init
# --- escape sequences in an imported name and in error messages
printf 'external_id,name,kind,created_at\nE1,"\033]0;owned\007\033[2J\033[31mRed",person,2026-01-01\n' >"$tmp/esc.csv"
expect 0 m import customers "$tmp/esc.csv"
expect 0 m customer show E1
raw "$tmp/out" "customer show"
contains "$tmp/out" '\x1B[31mRed'
expect 1 m customer show "$(printf 'X\033[2J')"
raw "$tmp/err" "an error naming an id"
printf 'external_id,name,kind,created_at\nE2,"\033[31mx",alien,2026-01-01\n' >"$tmp/esc2.csv"
expect 1 m import customers "$tmp/esc2.csv"
raw "$tmp/err" "an import error quoting a row"

# --- a BOM at the start of a later line (two files joined with cat)
printf '\357\273\277external_id,name,kind,created_at\nB1,b,person,2026-01-01\n\357\273\277B2,c,person,2026-01-01\nB3,d,person,2026-01-01\n' >"$tmp/bom.csv"
expect 1 m import customers "$tmp/bom.csv"
contains "$tmp/err" "bom.csv:3:1: a byte order mark (U+FEFF) starts this line"
expect 3 m import customers "$tmp/bom.csv" --rejects "$tmp/bom-rej.csv"
same "$(sqlite3 "$db" "SELECT group_concat(external_id, ' ') FROM customers WHERE external_id LIKE '%B_'")" "B1 B3" \
  "customers stored from a file with a BOM inside"

# --- sample size past what can be counted
expect 2 m stats sample-size --margin 1e-10
contains "$tmp/err" "more than can be counted"
lacks "$tmp/out" "-9223372036854775808"
expect 0 m stats sample-size --margin 0.05
contains "$tmp/out" "385"

# --- sla backtest with an unknown kind
expect 1 m sla backtest --kind complaints --target resolution=2h --period 2026Q3
contains "$tmp/err" "unknown ticket kind 'complaints': use one of inquiry (咨询)"

# --- the audit anchor: entries cut from the end are seen without --anchor
expect 0 m eval tiers --dry-run
expect 0 m audit verify
[ -s "$db-audit-head" ] && ok || bad "no anchor file $db-audit-head"
same "$(cut -d' ' -f1 "$db-audit-head")" "$(sqlite3 "$db" 'SELECT max(id) FROM audit_log')" "the anchor's entry"
sqlite3 "$db" "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id > (SELECT max(id) - 2 FROM audit_log)"
expect 1 m audit verify
contains "$tmp/err" "is not in the log: entries were removed or the chain was rewritten"
# another audited command does not move the anchor past the cut
expect 0 m eval tiers --dry-run
expect 1 m audit verify
# a damaged anchor file is an error, not a pass
echo "junk" >"$db-audit-head"
expect 1 m audit verify
contains "$tmp/err" "is not 'ID HASH'"

echo "smaller: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
