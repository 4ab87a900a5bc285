#!/usr/bin/env bash
# End-to-end: a customer answers the hosted questionnaire in a real browser.
# Headless Chromium (tests/e2e/lib/browser.py, the DevTools protocol over
# its pipe) opens the personal link on a phone-sized screen, taps answers,
# types a comment in Chinese with markup in it, picks a choice and ticks
# two boxes, and sends; the stored response must be exactly what was
# tapped, ticked and typed. Once in Chinese (the
# browser's language), once in English (?lang=en).
# Usage: serve_browser.sh MANYI SOURCE_DIR [GEN]
set -uo pipefail
manyi=$1
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
. "$(dirname "$0")/lib/assert.sh"
command -v chromium >/dev/null || { echo "serve_browser: chromium is not installed" >&2; exit 77; }
serve_edit=serve_add_choices # and a single and a multiple choice
. "$(dirname "$0")/lib/serve.sh"
start

# fill URL ANSWERS_JSON: the browser's report in $tmp/report
fill() {
  printf '%s' "$2" >"$tmp/answers.json"
  if timeout 120 python3 "$src/tests/e2e/lib/browser.py" "$1" "$tmp/answers.json" >"$tmp/report" 2>"$tmp/browser.err"; then
    ok
  else
    bad "the browser failed on $1"
    cat "$tmp/browser.err" >&2
  fi
}
report() { python3 -c "import json,sys; r=json.load(open('$tmp/report')); print(eval(sys.argv[1]))" "$1"; }
stored() { # the web response of invitation n as exported: q_overall q_quality q_nps | comment | choices
  m export responses "$tmp/r.csv" >/dev/null 2>&1
  python3 - "$tmp/r.csv" "$(sql "select i.id from invitations i join survey_links l on l.invitation_id = i.id
    order by l.created_at, i.id limit 1 offset $1")" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["external_id"] == "web-" + sys.argv[2]:
        print(r["channel"], r["q_overall"], r["q_quality"], r["q_nps"], "|", r["q_comment"], "|",
              r["q_channel"], r["q_why"])
PY
}

comment='送货很快，但是安装师傅迟到了 <b>2</b> 小时 & "没有道歉"'
answers=$(python3 -c "import json,sys; print(json.dumps({'q_overall': 2, 'q_quality': 4, 'q_nps': 10, 'q_comment': sys.argv[1], 'q_channel': ['store'], 'q_why': ['speed', 'staff']}, ensure_ascii=False))" "$comment")
# Chinese: the language of a Chinese browser (Accept-Language is Chromium's own)
fill "$base/s/$(token_of 0)?lang=zh_CN" "$answers"
same "$(report "r['before']['lang']")" zh-CN "the page in Chinese"
same "$(report "r['before']['title']")" "售后服务满意度调查" "the survey's Chinese name"
same "$(report "r['before']['questions']")" 12 "every question on the page"
same "$(report "r['before']['fits_phone']")" True "no sideways scrolling on a phone"
same "$(report "r['before']['checked']")" "q_overall=2 q_quality=4 q_nps=10 q_channel=store q_why=speed q_why=staff" \
  "the taps took"
contains "$tmp/report" "感谢您的反馈"
same "$(stored 0)" "web 2 4 10 | $comment | store speed;staff" "stored as tapped, ticked and typed"

fill "$base/s/$(token_of 1)?lang=en" '{"q_overall": 5, "q_nps": 0}'
same "$(report "r['before']['lang']")" en "the page in English"
contains "$tmp/report" "Thank you"
same "$(stored 1)" "web 5  0 |  |  " "the English page stores the same way"

# the same link again in the browser: answered already, nothing changes
fill "$base/s/$(token_of 1)?lang=en" '{}'
contains "$tmp/report" "Already answered"
same "$(sql "select count(*) from responses where external_id like 'web-%'")" 2 "two responses"
stop

echo "serve_browser: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
