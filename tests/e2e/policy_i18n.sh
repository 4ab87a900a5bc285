#!/usr/bin/env bash
# End-to-end (issue 19, item 2): the bundled policies' reasons in the
# language of manyi's messages, through manyi.tr and the catalogue.
#  - `eval tiers` and `eval points` on the example, once in English and once
#    with --lang zh_CN on a copy: the same tiers and points, and every
#    Chinese reason is its English reason rewritten by the rules below (sed:
#    derived apart from the catalogue's lookup);
#  - `eval departments` gives the evaluation's reasons in Chinese, with the
#    same numbers as in English;
#  - `policy test` passes in either language (manyi.tr does not translate
#    during a test), and the English default stays English.
# Usage: policy_i18n.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL= LANGUAGE= LC_MESSAGES= LANG=C.UTF-8
. "$(dirname "$0")/lib/assert.sh"
cfg=$src/examples/after-sales/manyi.yaml
en() { "$manyi" --config "$cfg" --db "$tmp/en.db" "$@"; }
zh() { "$manyi" --lang zh_CN --config "$cfg" --db "$tmp/zh.db" "$@"; }

expect 0 en init
for e in customers staff orders interactions tickets responses; do
  expect 0 en import "$e" "$src/examples/after-sales/data/$e.csv"
done
cp "$tmp/en.db" "$tmp/zh.db"
expect 0 en eval tiers
expect 0 zh eval tiers
expect 0 en eval points
expect 0 zh eval points

q() { sqlite3 -separator '|' "$1" "$2"; }
# --- tiers: the same decisions, the reason rewritten word for word
tiers='select c.external_id, h.new_tier, h.reason from tier_history h join customers c on c.id = h.customer_id order by h.id'
q "$tmp/en.db" "$tiers" >"$tmp/tiers.en"
q "$tmp/zh.db" "$tiers" >"$tmp/tiers.zh"
same "$(wc -l <"$tmp/tiers.en")" "$(wc -l <"$tmp/tiers.zh")" "tier history rows in both languages"
same "$(cut -d'|' -f1,2 "$tmp/tiers.en" | md5sum)" "$(cut -d'|' -f1,2 "$tmp/tiers.zh" | md5sum)" "the same tiers"
sed -E -e 's/ but ([0-9]+) of ([0-9]+) orders refunded or cancelled \(([0-9]+%) > ([0-9]+%)\)$/，但有 \1 笔订单退款或取消（共 \2 笔，\3 > \4）/' \
  -e 's/spend 12m ([0-9.]+) (>=|<) ([0-9.]+)/12 个月消费 \1 \2 \3/' \
  -e 's/ and ([0-9]+) orders >= /，且 \1 笔订单 >= /' \
  -e 's/\|([0-9]+) orders < /|\1 笔订单 < /' \
  -e 's/no orders yet$/尚无订单/' "$tmp/tiers.en" >"$tmp/tiers.want"
if cmp -s "$tmp/tiers.want" "$tmp/tiers.zh"; then ok; else bad "Chinese tier reasons"; diff "$tmp/tiers.want" "$tmp/tiers.zh" | head >&2; fi
contains "$tmp/tiers.zh" "，但有 "
contains "$tmp/tiers.zh" "|P|尚无订单"
lacks "$tmp/tiers.zh" "orders"

# --- points: the same entries, the reason rewritten
points='select idempotency_key, points, reason from loyalty_ledger order by idempotency_key'
q "$tmp/en.db" "$points" >"$tmp/points.en"
q "$tmp/zh.db" "$points" >"$tmp/points.zh"
same "$(cut -d'|' -f1,2 "$tmp/points.en" | md5sum)" "$(cut -d'|' -f1,2 "$tmp/points.zh" | md5sum)" "the same ledger entries"
sed -E -e 's/\|order ([0-9.]+) ([A-Z]*) x ([0-9.]+) per unit x ([0-9.]+) \(tier ([A-Z])\)/|订单 \1 \2 x 每单位 \3 分 x \4（\5 级）/' \
  -e 's/\|order ([0-9.]+) ([A-Z]*) x ([0-9.]+) per unit x ([0-9.]+) \(no tier\)/|订单 \1 \2 x 每单位 \3 分 x \4（无等级）/' \
  -e 's/\|answered survey /|回答了问卷 /' -e 's/\|feedback /|反馈 /' -e 's/\|referral /|推荐 /' \
  "$tmp/points.en" >"$tmp/points.want"
if cmp -s "$tmp/points.want" "$tmp/points.zh"; then ok; else bad "Chinese points reasons"; diff "$tmp/points.want" "$tmp/points.zh" | head >&2; fi
contains "$tmp/points.zh" "|回答了问卷 (csat) "
contains "$tmp/points.zh" "|244|订单 122.00 CNY x 每单位 1 分 x 2.0（A 级） = 244"

# --- evaluation: Chinese sentences with the English run's numbers
expect 0 en --json eval departments --period 2026Q3
grep -o '"support 2026-Q3: score [0-9.]*, grade [A-Z]' "$tmp/out" | sed 's/.*score //; s/, grade / /' >"$tmp/score.en"
expect 0 zh --json eval departments --period 2026Q3
contains "$tmp/out" "support 2026-Q3：得分 $(cut -d' ' -f1 "$tmp/score.en")，等级 $(cut -d' ' -f2 "$tmp/score.en")，目标未评估"
contains "$tmp/out" "满意度：未评估（0 份回答，需要 30 份）"
contains "$tmp/out" "改进措施：没有计划中的改进措施 -> 1.00 x 0.10"
lacks "$tmp/out" "not assessed ("

# --- policy test: the policies' own words, whatever the language
expect 0 "$manyi" --lang zh_CN --config "$cfg" policy test
contains "$tmp/out" "个通过，0 个失败"
expect 0 "$manyi" --config "$cfg" policy test
en_reason=$(q "$tmp/en.db" "select reason from tier_history where reason like 'spend 12m%' limit 1")
case $en_reason in "spend 12m "*) ok ;; *) bad "English reasons stay English: '$en_reason'" ;; esac

echo "policy_i18n: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
