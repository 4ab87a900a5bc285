#!/usr/bin/env bash
# End-to-end, the operator's side: `make install`'s tree (through cmake
# --install with DESTDIR), the man page and the bash completion generated from
# the command table, a mistyped command's suggestion, JSON errors with --json,
# and `manyi run`'s leveled log (one line per job with outcome and duration).
# Usage: operator.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
. "$(dirname "$0")/lib/setup.sh" "$@"
export MANYI_NOW=2026-11-01T00:00:00Z
m() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" "$@"; }
build=$(dirname "$manyi")
commands=$("$manyi" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/Commands:/ {print $1}')
[ "$(echo "$commands" | wc -l)" -ge 20 ] && ok || bad "--help lists too few commands: $commands"

# --- make install DESTDIR=stage PREFIX=/usr: the tree a Debian packager expects
if command -v cmake >/dev/null && [ -f "$build/cmake_install.cmake" ]; then
  DESTDIR=$tmp/stage cmake --install "$build" --prefix /usr >"$tmp/install.log" 2>&1 && ok ||
    { bad "cmake --install failed"; cat "$tmp/install.log" >&2; }
  for f in usr/bin/manyi usr/share/manyi/policies/tiers.lua usr/share/manyi/policies/evaluation.lua \
           usr/share/manyi/schemas/base.sql usr/share/manyi/schemas/manyi.schema.json \
           usr/share/man/man1/manyi.1 usr/share/bash-completion/completions/manyi \
           usr/lib/systemd/system/manyi.service usr/lib/systemd/system/manyi-serve.service; do
    [ -f "$tmp/stage/$f" ] && ok || bad "make install did not put $f"
  done
  [ -x "$tmp/stage/usr/bin/manyi" ] && ok || bad "the installed manyi is not executable"
  contains "$tmp/stage/usr/lib/systemd/system/manyi.service" "ExecStart=/usr/bin/manyi run"
  lacks "$tmp/stage/usr/lib/systemd/system/manyi.service" "@MANYI"
  contains "$tmp/stage/usr/lib/systemd/system/manyi-serve.service" "ExecStart=/usr/bin/manyi serve"
  lacks "$tmp/stage/usr/lib/systemd/system/manyi-serve.service" "@MANYI"
  find "$tmp/stage" -name '*.cmake' >"$tmp/cmakefiles"
  [ -s "$tmp/cmakefiles" ] && bad "build files installed: $(cat "$tmp/cmakefiles")" || ok
else
  echo "operator: no cmake or no cmake_install.cmake beside $manyi: install not checked"
fi

# --- the man page: a section per command of the table, valid troff
expect 0 "$manyi" --man
cp "$tmp/out" "$tmp/manyi.1"
contains "$tmp/manyi.1" ".TH MANYI 1"
for c in $commands; do contains "$tmp/manyi.1" ".SS $c"; done
# each subcommand's own help, from the same table as 'manyi points show --help'
contains "$tmp/manyi.1" "Usage: manyi [\-\-json] points show CUSTOMER"
contains "$tmp/manyi.1" "Usage: manyi policy hooks [\-\-lua]"
contains "$tmp/manyi.1" "eval staff \-\-period P"
if command -v groff >/dev/null; then
  groff -man -Tutf8 -ww -z "$tmp/manyi.1" 2>"$tmp/groff.err"
  [ -s "$tmp/groff.err" ] && { bad "groff warns on manyi.1"; cat "$tmp/groff.err" >&2; } || ok
fi

# --- bash completion: every command, and each command's own options
expect 0 "$manyi" --completion bash
cp "$tmp/out" "$tmp/manyi.bash"
bash -n "$tmp/manyi.bash" && ok || bad "the completion script is not valid bash"
complete_words() { # the completions of the words given (the last one is completed)
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _manyi; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$tmp/manyi.bash" "$@"
}
same "$(complete_words manyi repo)" "report" "completion of 'manyi repo'"
complete_words manyi "" >"$tmp/all"
for c in $commands; do grep -qx "$c" "$tmp/all" && ok || bad "completion lacks command $c"; done
same "$(complete_words manyi --config x.yaml report --per)" "--period" "completion of report's --per"
same "$(complete_words manyi ticket sh)" "show" "completion of 'manyi ticket sh'"
# every subcommand (not only those with an access rule of their own) and statistic
same "$(complete_words manyi customer fi)" "find" "completion of 'manyi customer fi'"
same "$(complete_words manyi survey sam)" "sample" "completion of 'manyi survey sam'"
same "$(complete_words manyi policy ho)" "hooks" "completion of 'manyi policy ho'"
same "$(complete_words manyi stats kru)" "kruskal" "completion of 'manyi stats kru'"
expect 2 "$manyi" --completion zsh;  contains "$tmp/err" "only bash"

# --- a mistyped command or subcommand gets a suggestion
expect 2 "$manyi" custmer;           contains "$tmp/err" "unknown command 'custmer' (did you mean 'customer'?)"
expect 2 "$manyi" reprot;            contains "$tmp/err" "(did you mean 'report'?)"
expect 2 "$manyi" zz;                lacks "$tmp/err" "did you mean"
expect 0 m init
expect 2 m ticket shwo T1;           contains "$tmp/err" "unknown subcommand 'shwo' (did you mean 'show'?)"

# --- with --json, errors are JSON too (one object on stderr)
isjson() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); e=d["error"]; print(e["code"]); print(e["message"])' "$1"; }
expect 2 "$manyi" --json custmer
isjson "$tmp/err" >"$tmp/j" && ok || { bad "not JSON: $(cat "$tmp/err")"; }
contains "$tmp/j" "did you mean 'customer'"
expect 2 m --json report
isjson "$tmp/err" >"$tmp/j" && ok || bad "usage error is not JSON: $(cat "$tmp/err")"
contains "$tmp/j" "usage"
expect 1 "$manyi" --json --config "$tmp/none.yaml" status
isjson "$tmp/err" >"$tmp/j" && ok || bad "failure is not JSON: $(cat "$tmp/err")"
contains "$tmp/j" "no configuration at"
printf 'version: 1\ndatabase: x.db\ndepartmnts: []\n' >"$tmp/bad.yaml"
expect 1 "$manyi" --json --config "$tmp/bad.yaml" check
python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; assert e["line"]==3 and e["column"]==1, e' \
  "$tmp/err" && ok || bad "a config error's JSON lacks its position: $(cat "$tmp/err")"

# --- manyi run: leveled log, one line per job with outcome and duration
expect 0 m jobs add notify --payload '{"channel":"sms","recipient":"+86-138","subject":"hi"}'
expect 0 m run --until-idle --poll 0.05
grep -E '^[0-9TZ:-]+ info  job [^ ]+ \(notify\) done in [0-9]+\.[0-9]{3} s$' "$tmp/err" >/dev/null && ok ||
  { bad "no job line with outcome and duration"; cat "$tmp/err" >&2; }
contains "$tmp/err" "info  manyi run: stopped"
lacks "$tmp/err" "debug"
expect 0 m jobs add notify --key k2 --payload '{"channel":"sms","recipient":"+86-138","subject":"hi"}'
expect 0 m run --until-idle --poll 0.05 -v; contains "$tmp/err" "debug pass:"
expect 0 m run --until-idle --poll 0.05 --log-level warn
[ -s "$tmp/err" ] && bad "--log-level warn logged: $(cat "$tmp/err")" || ok
expect 2 m run --log-level loud;     contains "$tmp/err" "use error, warn, info or debug"
expect 0 m jobs add notify --key k3 --payload '{"channel":"sms"}'
expect 0 m run --until-idle --poll 0.05 --max-attempts 1
grep -E ' error job k3 \(notify\) DEAD after [0-9.]+ s' "$tmp/err" >/dev/null && ok ||
  { bad "a dead job is not an error line"; cat "$tmp/err" >&2; }

echo "operator: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
