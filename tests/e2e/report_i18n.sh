#!/usr/bin/env bash
# End-to-end: the report leads with the verdict, in Chinese or English
# (--lang, the configuration's language, the locale), declares its language,
# shows no codes or test names as text, replaces an empty chart by a sentence,
# and keeps the JSON's fields (adding summary and language).
# Usage: report_i18n.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib/assert.sh"
export MANYI_NOW=2026-10-25T00:00:00+08:00 MANYI_CHARTJS=${MANYI_CHARTJS:-}
[ -n "$MANYI_CHARTJS" ] || export MANYI_CHARTJS=$tmp/chart.js
[ -s "$MANYI_CHARTJS" ] || echo "/* stand-in */ window.Chart = function () {};" >"$MANYI_CHARTJS"
m() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" "$@"; }
m init >/dev/null
for entity in customers staff orders interactions tickets responses; do
  m import "$entity" "$example/data/$entity.csv" >/dev/null
done
r() { m report satisfaction --period 2026Q3 "$@"; }
visible() { sed -e '/<script/,/<\/script>/d' "$1"; } # the page without its data and code

# --- Chinese: the page's language, the verdict first, sentences, no codes
expect 0 m --lang zh_CN report satisfaction --period 2026Q3 --format html --output "$tmp/zh.html"
contains "$tmp/zh.html" '<html lang="zh-CN">'
contains "$tmp/zh.html" "Noto Sans CJK SC"
visible "$tmp/zh.html" >"$tmp/zh.txt"
contains "$tmp/zh.txt" "<h1>满意度报告"
first=$(grep -o '<h2>[^<]*</h2>' "$tmp/zh.txt" | head -2 | tr -d '\n')
same "$first" "<h2>摘要</h2><h2>发现与建议</h2>" "the first sections of the Chinese report"
grep -qE "满意率 CSAT %（前两档） 为 [0-9.]+，未达到目标 90.0，差 [0-9.]+ 个百分点。" "$tmp/zh.txt" && ok || bad "no sentence on the CSAT target in Chinese"
contains "$tmp/zh.txt" "继续保持"
# display names of the configuration's display_names: (zh_CN), the names above them in English
contains "$tmp/zh.txt" "<h1>满意度报告 2026-Q3: 售后服务满意度调查 (csat)</h1>"
contains "$tmp/zh.txt" "无按客户等级的分组"
lacks "$tmp/zh.txt" '<table id="t-by_tier">'
contains "$tmp/zh.txt" "<td>产品符合承诺。</td>"
contains "$tmp/zh.txt" "<td>产品质量</td>"
for code in keep_up_the_good_work concentrate_here prop.test not_met; do lacks "$tmp/zh.txt" "$code"; done
# no empty frame: the complaints are not coded, so a sentence stands for their chart
contains "$tmp/zh.txt" "无投诉帕累托图"
lacks "$tmp/zh.txt" 'id="chart-pareto-complaints"'

# --- the figures of the verdict are the JSON's (CSAT 75.9 against 90, 2026Q2 77.7)
expect 0 m --json report satisfaction --period 2026Q3
python3 - "$tmp/out" <<'PY' && ok || bad "the JSON's summary does not hold the headline's figures"
import json, sys
d = json.load(open(sys.argv[1]))
for k in ["report", "sample", "headline", "company_target", "dimensions", "breakdowns", "trend",
          "seasonality", "drivers", "categories", "departments", "actions"]:
    assert k in d, k                      # the fields tests compare are kept
f = {x["figure"]: x for x in d["summary"]["figures"]}
assert abs(f["csat"]["value"] - d["headline"]["csat"]["value"]) < 1e-9
assert abs(f["csat"]["previous"] - d["headline"]["csat"]["previous"]["value"]) < 1e-9
assert f["csat"]["target"] == 90 and f["csat"]["target_status"] == "not_met"
top = d["summary"]["drivers"]
assert len(top) == 3
# importance x gap recomputed from the drivers' items on the 1-5 scale
pr = sorted((i["importance"] * (5 - i["performance"]) / 4, i["question"]) for i in d["drivers"]["items"])[::-1]
assert [q for _, q in pr[:3]] == [t["question"] for t in top], (pr[:3], top)
assert d["language"] == "en" and d["summary"]["recommendations"]
PY

# --- English by default (the locale C), from the locale, and from the configuration
expect 0 env LANG=C LANGUAGE= LC_ALL= "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" \
  report satisfaction --period 2026Q3 --format html --output "$tmp/en.html"
contains "$tmp/en.html" '<html lang="en">'
visible "$tmp/en.html" | grep -o '<h2>[^<]*</h2>' | head -1 >"$tmp/h"
contains "$tmp/h" "<h2>Summary</h2>"
contains "$tmp/en.html" "No breakdown by tier: no customer has a tier yet"
contains "$tmp/en.html" "<td>The product works as promised.</td>"
lacks "$tmp/en.html" "产品符合承诺"
expect 0 env LANGUAGE= LC_ALL= LANG=zh_CN.UTF-8 "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" \
  report satisfaction --period 2026Q3 --format md
contains "$tmp/out" "## 摘要"
# a copy of the example's configuration in $tmp (its policies named by absolute path)
variant() { sed -e "s#\.\./\.\./policies/#$src/policies/#" -e "s/^timezone: .*/&\n$1/" "$example/manyi.yaml" >"$tmp/v.yaml"; }
variant "language: zh_CN"
expect 0 env LANG=C "$manyi" --config "$tmp/v.yaml" --db "$tmp/ex.db" report satisfaction --period 2026Q3 --format md
contains "$tmp/out" "## 摘要"
expect 0 env LANG=C "$manyi" --lang en --config "$tmp/v.yaml" --db "$tmp/ex.db" report satisfaction --period 2026Q3 --format md
contains "$tmp/out" "## Summary"

# --- once the customers have tiers, the breakdown by tier names them
expect 0 m eval tiers
expect 0 m --lang zh_CN report satisfaction --period 2026Q3 --format html --output "$tmp/zh2.html"
contains "$tmp/zh2.html" "<td>重点客户</td>"
lacks "$tmp/zh2.html" "无按客户等级的分组"

# --- in a real browser: the Chinese page is not blank, and its PDF's first page
# (the verdict) holds the JSON's numbers
if command -v chromium >/dev/null && command -v pdftotext >/dev/null; then
  expect 0 m --json report satisfaction --period 2026Q3
  cp "$tmp/out" "$tmp/r.json"
  jf() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$tmp/r.json" "$1"; }
  chromium --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/chrome" --screenshot="$tmp/zh.png" \
    --window-size=1200,2000 "file://$tmp/zh2.html" >/dev/null 2>&1
  rows=$(python3 - "$tmp/zh.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
pos, idat = 8, b''
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        width, height, depth, colour = struct.unpack('>IIBB', body[:10])
        bpp = {2: 3, 6: 4, 0: 1, 4: 2}[colour] * depth // 8
    if kind == b'IDAT':
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = 1 + width * bpp
print(len({raw[i:i + stride] for i in range(0, len(raw), stride)}))
PY
)
  [ "${rows:-0}" -gt 100 ] && ok || bad "the Chinese page's screenshot looks blank ($rows distinct scanlines)"
  expect 0 m --lang zh_CN report satisfaction --period 2026Q3 --format pdf --output "$tmp/zh.pdf"
  [ "$(head -c 5 "$tmp/zh.pdf")" = "%PDF-" ] && ok || bad "--format pdf wrote no PDF"
  pdftotext -f 1 -l 1 -layout "$tmp/zh.pdf" "$tmp/p1.txt"
  contains "$tmp/p1.txt" "满意度报告"
  contains "$tmp/p1.txt" "摘要"
  contains "$tmp/p1.txt" "发现与建议"
  for k in csat nps index; do
    v=$(jf "'%.1f' % d['headline']['$k']['value']")
    p=$(jf "'%.1f' % d['headline']['$k']['previous']['value']")
    grep -E " $v +$p " "$tmp/p1.txt" >/dev/null && ok || bad "page 1 of the PDF lacks $k $v (previous $p)"
  done
  contains "$tmp/p1.txt" "$(jf "'%.1f' % d['company_target']['target']")"
  lacks "$tmp/p1.txt" "1. 样本与回收" # the detail starts on page 2
  pdftotext "$tmp/zh.pdf" "$tmp/all.txt"
  contains "$tmp/all.txt" "1. 样本与回收"
  MANYI_CHROMIUM=$tmp/none expect 1 m report satisfaction --period 2026Q3 --format pdf --output "$tmp/x.pdf"
  contains "$tmp/err" "install Debian's package chromium"
  [ -e "$tmp/x.pdf" ] && bad "a failed PDF left a file" || ok
else
  echo "report_i18n: no chromium or pdftotext: the browser and PDF checks are skipped"
fi
expect 2 m report satisfaction --period 2026Q3 --format docx; contains "$tmp/err" "use html, pdf, md or json"

# --- bad input
expect 2 "$manyi" --lang fr check;   contains "$tmp/err" "use zh_CN or en"
variant "language: klingon"
expect 1 "$manyi" --config "$tmp/v.yaml" check
contains "$tmp/err" "language 'klingon': use zh_CN or en"

echo "report_i18n: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
