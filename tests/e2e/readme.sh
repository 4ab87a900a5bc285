#!/usr/bin/env bash
# End-to-end: README.md's examples show what the current binary prints. Every
# fenced block that follows a line "<!-- readme-test fresh -->" (a new
# database) or "<!-- readme-test loaded -->" (a database holding the example's
# data: init and every import of examples/after-sales/data, as make demo does)
# is run command by command: each "$ manyi ARGS" line is run with README's
# alias (the example's configuration, the database /tmp/demo.db) and what it
# prints (stdout and stderr) must be the block's lines up to the next "$".
# Paths are compared as README shows them: the database as /tmp/demo.db, the
# source folder as /home/you/manyi, the user as you, a job's duration as 0.002 s.
# Usage: readme.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
. "$(dirname "$0")/lib/setup.sh" "$@"
export MANYI_NOW=2026-11-23T00:00:00Z

# The blocks: "@@ KIND LINE" then the block's lines.
awk '/^<!-- readme-test (fresh|loaded) -->$/ {kind = $3; next}
     kind && /^```/ { if (inblock) {inblock = 0; kind = ""} else {inblock = 1; print "@@ " kind " " NR}; next }
     inblock {print}' "$src/README.md" >"$tmp/blocks"
nblocks=$(grep -c '^@@ ' "$tmp/blocks")
[ "$nblocks" -ge 3 ] && ok || bad "README.md has only $nblocks checked blocks"

m() { (cd "$src" && "$manyi" --config examples/after-sales/manyi.yaml --db "$db" "$@"); }
fresh_db() { db=$tmp/fresh$1.db; }
loaded=$tmp/loaded.db
db=$loaded
m init >/dev/null
for entity in customers staff orders interactions tickets responses; do
  m import "$entity" "$example/data/$entity.csv" >/dev/null || bad "import $entity"
done
m import staff "$example/data/technicians.csv" >/dev/null || bad "import technicians"

# Runs the command of one "$ manyi ..." line and compares with want.
check_cmd() {
  local line=$1 at=$2
  eval "set -- ${line#\$ manyi }"
  m "$@" >"$tmp/got" 2>&1
  # paths, the user and a job's duration as README shows them
  sed -e "s#$db#/tmp/demo.db#g" -e "s#$src#/home/you/manyi#g" \
      -e "s#(the first admin: $(id -un))#(the first admin: you)#" \
      -E -e 's#done in [0-9]+\.[0-9]{3} s#done in 0.002 s#' "$tmp/got" >"$tmp/got.n"
  if diff -u "$tmp/want" "$tmp/got.n" >"$tmp/diff"; then ok; else
    bad "README.md:$at '$line' prints otherwise (- README, + manyi):"; cat "$tmp/diff" >&2
  fi
}

cmd= at= n=0
while IFS= read -r l; do
  if [[ $l == '@@ '* ]]; then
    [ -n "$cmd" ] && check_cmd "$cmd" "$at"; cmd=
    read -r _ kind at <<<"$l"
    n=$((n + 1))
    if [ "$kind" = fresh ]; then fresh_db "$n"; else db=$loaded; fi
  elif [[ $l == '$ manyi '* ]]; then
    [ -n "$cmd" ] && check_cmd "$cmd" "$at"
    cmd=$l; : >"$tmp/want"
  elif [ -n "$cmd" ]; then
    printf '%s\n' "$l" >>"$tmp/want"
  fi
done <"$tmp/blocks"
[ -n "$cmd" ] && check_cmd "$cmd" "$at"

echo "readme: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
