#!/usr/bin/env bash
# End-to-end (issue 19, item 3): the CLI's messages in Chinese or English.
# --lang zh_CN, the configuration's `language: zh_CN` or a Chinese locale
# give Chinese usage, help, "did you mean", unknown command, subcommand and
# option, file errors (not found, permission denied) and the import's line
# errors (on the terminal and in the rejects file); the default is English.
# Usage: cli_i18n.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL= LANGUAGE= LC_MESSAGES= LANG=C.UTF-8
. "$(dirname "$0")/lib/assert.sh"
chmod 0711 "$tmp"
mkdir -m 0755 "$tmp/pub"
cfg=$tmp/pub/manyi.yaml
sed "s#\.\./\.\./policies/#$src/policies/#" "$src/examples/after-sales/manyi.yaml" >"$cfg"
chmod 0644 "$cfg"
db=$tmp/pub/i.db
m() { "$manyi" --config "$cfg" --db "$db" "$@"; }
zh() { "$manyi" --lang zh_CN --config "$cfg" --db "$db" "$@"; }
expect 0 m init

# --- unknown command: did you mean, in each language
expect 2 "$manyi" --lang zh_CN custmer
contains "$tmp/err" "manyi: 未知命令 'custmer'（您是不是要用 'customer'？）"
contains "$tmp/err" "请尝试 'manyi --help'。"
expect 2 "$manyi" custmer
contains "$tmp/err" "manyi: unknown command 'custmer' (did you mean 'customer'?)"
contains "$tmp/err" "Try 'manyi --help'."
lacks "$tmp/err" "未知"
expect 2 "$manyi" --lang zh_CN frobnicate
contains "$tmp/err" "manyi: 未知命令 'frobnicate'"
lacks "$tmp/err" "您是不是"
# the locale decides when --lang does not; --lang wins over the locale
expect 2 env LANG=zh_CN.UTF-8 "$manyi" custmer
contains "$tmp/err" "未知命令 'custmer'"
expect 2 env LANG=zh_CN.UTF-8 "$manyi" --lang en custmer
contains "$tmp/err" "unknown command 'custmer'"
# with --json the error is JSON, its message in the language chosen
expect 2 "$manyi" --lang zh_CN --json custmer
contains "$tmp/err" '"code":"usage"'
contains "$tmp/err" "未知命令 'custmer'"

# --- unknown subcommand and option
expect 2 zh customer custmer
contains "$tmp/err" "manyi customer: 未知子命令 'custmer'；可用的有：show, refer, find, add, edit, history"
contains "$tmp/err" "请尝试 'manyi customer --help'。"
expect 2 zh customer fnd
contains "$tmp/err" "未知子命令 'fnd'（您是不是要用 'find'？）"
expect 2 zh export --foo customers
contains "$tmp/err" "manyi export: 未知选项"
expect 2 m export --foo customers
contains "$tmp/err" "manyi export: unknown option"

# --- usage and help
expect 0 "$manyi" --lang zh_CN --help
contains "$tmp/out" "用法：manyi [--config FILE] [--db FILE] [--json] [--quiet] 命令 [参数...]"
contains "$tmp/out" "  check      检查配置并给出摘要"
contains "$tmp/out" "  import     导入客户、员工、订单、互动、工单或调查回答"
contains "$tmp/out" "显示本帮助；某个命令的帮助见 'manyi 命令 --help'"
expect 0 "$manyi" --help
contains "$tmp/out" "Usage: manyi [--config FILE]"
contains "$tmp/out" "  check      validate the configuration and summarise it"
lacks "$tmp/out" "用法"
for c in import export check init; do
  expect 0 "$manyi" --lang zh_CN "$c" --help
  contains "$tmp/out" "用法：manyi"
done
expect 0 "$manyi" --lang zh_CN import --help
contains "$tmp/out" "退出状态：0 已导入，1 未导入任何内容（出错），3 已保存正确的行、"

# --- every command's and subcommand's help, from the command table itself:
# the bash completion lists the commands and their subcommands, so a new one
# whose help is not translated fails here. Each help in Chinese starts with
# 用法：, holds Chinese and no English prose: after dropping command lines
# ('manyi eval staff ...') no run of three lowercase English words is left
# (option names, placeholders and field names are single words).
"$manyi" --completion bash | sed -n '/case \$cmd in/,/esac/p' |
  sed -n 's/^    \([a-z-]*\)) words="\([^"]*\)".*/\1 \2/p' >"$tmp/table"
[ "$(wc -l <"$tmp/table")" -ge 25 ] && ok || bad "the completion lists $(wc -l <"$tmp/table") commands"
grep -q '^policy test hooks --help' "$tmp/table" && ok || bad "the completion lacks policy's subcommands"
grep -q '^stats describe mean ' "$tmp/table" && ok || bad "the completion lacks the statistics"
helps=0
while read -r c words; do
  subs=
  for w in $words; do [ "$w" = --help ] && break; subs="$subs $w"; done
  for s in "" $subs; do
    # shellcheck disable=SC2086
    expect 0 "$manyi" --lang zh_CN $c $s --help
    helps=$((helps + 1))
    head -1 "$tmp/out" | grep -q '^用法：' && ok || bad "'manyi $c $s --help' does not start with 用法：: $(head -1 "$tmp/out")"
    grep -qP '[\x{4e00}-\x{9fff}]' "$tmp/out" && ok || bad "'manyi $c $s --help' has no Chinese"
    if sed 's/manyi [a-z -]*//g' "$tmp/out" | grep -P '(?<![-\w])[a-z]{2,}( [a-z]{2,}){2}' >"$tmp/english"; then
      bad "'manyi $c $s --help' has English: $(head -3 "$tmp/english")"
    else ok; fi
    # and in English without --lang
    # shellcheck disable=SC2086
    expect 0 "$manyi" $c $s --help
    head -1 "$tmp/out" | grep -q '^Usage: ' && ok || bad "'manyi $c $s --help' does not start with Usage:"
    grep -qP '[\x{4e00}-\x{9fff}]' "$tmp/out" && bad "'manyi $c $s --help' in English has Chinese" || ok
  done
done <"$tmp/table"
[ "$helps" -ge 100 ] && ok || bad "only $helps helps checked"
expect 0 "$manyi" --lang zh_CN appoint T1 --help
contains "$tmp/out" "用法：manyi"
# the catalogue: nothing untranslated or fuzzy, and every text of the table
# (`manyi --pot`, what `make pot` takes) is in it
if command -v msgfmt >/dev/null && command -v msgmerge >/dev/null; then
  msgfmt --check --statistics -o /dev/null "$src/po/zh_CN.po" 2>"$tmp/stat"
  grep -qE 'untranslated|fuzzy' "$tmp/stat" && bad "po/zh_CN.po: $(cat "$tmp/stat")" || ok
  "$manyi" --pot >"$tmp/table.pot"
  msgmerge -q -o "$tmp/table.po" "$src/po/zh_CN.po" "$tmp/table.pot"
  msgfmt --statistics -o /dev/null "$tmp/table.po" 2>"$tmp/stat"
  grep -qE 'untranslated|fuzzy' "$tmp/stat" && bad "the command table's texts not in po/zh_CN.po: $(cat "$tmp/stat")" || ok
else
  echo "cli_i18n: no msgfmt/msgmerge: the catalogue's statistics are not checked"
fi

# --- no English noun or note pasted into a Chinese sentence
expect 1 zh points show NOPE
contains "$tmp/err" "manyi: 未知客户 'NOPE'"
lacks "$tmp/err" "customer"
expect 1 zh interaction log --customer NOPE --channel phone
contains "$tmp/err" "字段 'customer_id'：未知客户 'NOPE'（请先导入客户）"
lacks "$tmp/err" "import customers first"
expect 1 m interaction log --customer NOPE --channel phone
contains "$tmp/err" "field 'customer_id': unknown customer 'NOPE' (import customers first)"
expect 1 zh calendar nope show
contains "$tmp/err" "中没有日历 'nope'；现有的日历为："
lacks "$tmp/err" "has no calendar"
expect 1 "$manyi" --lang zh_CN --json --config "$cfg" --db "$db" calendar nope show
contains "$tmp/err" '"code":"not found"'

# --- check's summary, init and status: labels and notes in the language chosen
expect 0 zh check
contains "$tmp/out" "$cfg：正常"
contains "$tmp/out" "  时区         Asia/Shanghai"
contains "$tmp/out" "  日历         2 个（另有内置的 24x7）"
contains "$tmp/out" " csat（10 道题）"
lacks "$tmp/out" "questions"
expect 0 m check
contains "$tmp/out" "  timezone     Asia/Shanghai"
expect 0 "$manyi" --lang zh_CN --config "$cfg" --db "$tmp/pub/z.db" init
contains "$tmp/out" "数据库 $tmp/pub/z.db 已就绪（模式版本 "
contains "$tmp/out" "  部门：配置中 4 个，新增 4 个，变更 0 个"
expect 0 "$manyi" --lang zh_CN --config "$cfg" --db "$tmp/pub/z.db" status
contains "$tmp/out" "$tmp/pub/z.db（模式版本 "

# --- the batches' summaries, each one sentence in the language chosen
expect 0 zh eval tiers --dry-run
contains "$tmp/out" "试运行 $src/policies/tiers.lua：0 位客户，0 位变更，0 位未变，0 位失败"
expect 0 m eval tiers --dry-run
contains "$tmp/out" "dry run of $src/policies/tiers.lua: 0 customers, 0 changed, 0 unchanged, 0 failed"
expect 0 zh eval points --dry-run
contains "$tmp/out" "个事件，0 个已入账（0 积分），0 个跳过，0 个失败"
contains "$tmp/out" "  退款：0 笔已冲正（0 积分）"
lacks "$tmp/out" "refunds"
expect 0 zh eval alerts --dry-run
contains "$tmp/out" "份回答，将开启 0 张回访工单"
expect 0 m eval alerts --dry-run
contains "$tmp/out" "0 follow-ups would be opened"

# --- files: not found, permission denied
expect 1 zh import customers "$tmp/none.csv"
contains "$tmp/err" "manyi: $tmp/none.csv: 无法打开：没有那个文件或目录"
contains "$tmp/err" "manyi: 未从 $tmp/none.csv 导入任何内容"
expect 1 m import customers "$tmp/none.csv"
contains "$tmp/err" "cannot open: No such file or directory"
expect 1 zh export customers "$tmp/no/such/folder/x.csv"
contains "$tmp/err" "无法写入 $tmp/no/such/folder/x.csv：没有那个文件或目录（未写入任何内容）"
expect 1 "$manyi" --lang zh_CN --config "$tmp/none.yaml" check
contains "$tmp/err" "$tmp/none.yaml 处没有配置文件：请用 --config FILE 指定一个"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
  # another user: the database (mode 0600) is not theirs
  expect 1 setpriv --reuid=65534 --regid=65534 --clear-groups "$manyi" --lang zh_CN --config "$cfg" --db "$db" status
  contains "$tmp/err" "无法打开数据库 $db：权限不够"
else
  echo "cli_i18n: not root (or no setpriv): the permission case is skipped"
fi

# --- the import's line errors, on the terminal and in the rejects file
printf 'external_id,name,kind,created_at\nK1,x,alien,2026-01-01\nK2,y,person,notadate\nK3,,person,2026-01-01\n' >"$tmp/bad.csv"
expect 1 zh import customers "$tmp/bad.csv"
contains "$tmp/err" "bad.csv:2: 字段 'kind'：'alien' 不是以下之一：person, company, government"
contains "$tmp/err" "manyi: 未从 $tmp/bad.csv 导入任何内容（请修正该行，或用 --rejects FILE 保存正确的行）"
expect 1 m import customers "$tmp/bad.csv"
contains "$tmp/err" "bad.csv:2: field 'kind': 'alien' is not one of person, company, government"
expect 3 zh import customers "$tmp/bad.csv" --rejects "$tmp/rej.csv"
contains "$tmp/out" "bad.csv：读取 3 行，新增 0，更新 0，未变 0，拒绝 3"
contains "$tmp/out" "被拒绝的行及原因见 $tmp/rej.csv"
contains "$tmp/rej.csv" "字段 'created_at'：'notadate' 不是日期/时间：请用 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM:SS，可带 Z 或 +HH:MM"
contains "$tmp/rej.csv" "字段 'name'：为空，但此字段必填"
printf 'external_id,nmae,kind,created_at\nK1,x,person,2026-01-01\n' >"$tmp/col.csv"
expect 1 zh import customers "$tmp/col.csv"
contains "$tmp/err" "col.csv:1: 缺少必需的列 'name'"

# --- the configuration's language, when --lang is not given
sed 's/^version: \(.*\)$/version: \1\nlanguage: zh_CN/' "$cfg" >"$tmp/pub/zh.yaml"
grep -q '^language: zh_CN' "$tmp/pub/zh.yaml" || { echo "no version: line to put language after" >&2; exit 1; }
expect 1 "$manyi" --config "$tmp/pub/zh.yaml" --db "$db" import customers "$tmp/bad.csv"
contains "$tmp/err" "字段 'kind'：'alien' 不是以下之一"
expect 1 "$manyi" --lang en --config "$tmp/pub/zh.yaml" --db "$db" import customers "$tmp/bad.csv"
contains "$tmp/err" "field 'kind': 'alien' is not one of"

echo "cli_i18n: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
