#!/usr/bin/env bash
# End-to-end: manyi report satisfaction on the bundled example, in JSON,
# Markdown and HTML. The HTML is rendered by headless Chromium: the
# screenshot must not be blank, the numbers in the page must equal the JSON,
# every chart canvas must have been drawn by Chart.js. Figures are checked
# against plain SQL; hostile names must come out escaped; errors leave no file.
# Usage: report.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib/assert.sh"
export MANYI_NOW=2026-11-23T09:00:00+08:00
m() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" "$@"; }
sql() { sqlite3 "$tmp/ex.db" "$1"; }
# jf FILE PATH: a value of a JSON file (sqlite3's JSON functions)
jf() { sqlite3 :memory: "select json_extract(readfile('$1'), '$2')"; }
jl() { sqlite3 :memory: "select json_array_length(readfile('$1'), '$2')"; }
f1() { printf '%.1f' "$1"; }

# The example's data and tiers, without the demo's wave and cleaning (this
# test adds its own wave and expects no flags).
expect 0 m init
for entity in customers staff orders interactions tickets responses; do
  expect 0 m import "$entity" "$example/data/$entity.csv"
done
expect 0 m eval tiers
expect 0 m survey code csat --complaints
expect 0 m eval departments --period 2026Q3

# --- JSON: the document
expect 0 m report satisfaction --period 2026Q3 --format json --output "$tmp/r.json"
[ -s "$tmp/r.json" ] && ok || bad "no JSON report"
same "$(jf "$tmp/r.json" '$.period.label') $(jf "$tmp/r.json" '$.previous_period.code')" "2026-Q3 2026Q2" "periods"
same "$(jf "$tmp/r.json" '$.survey')" csat "the first survey by default"
same "$(jf "$tmp/r.json" '$.sample.scored')" "$(jf "$tmp/r.json" '$.sample.responses')" "no flags: every response scored"
# The score service's own figures, called the same way
m --json survey score csat --period 2026Q3 >"$tmp/score.json"
same "$(jf "$tmp/r.json" '$.headline.nps.value')" "$(jf "$tmp/score.json" '$.nps.nps')" "headline NPS = survey score"
same "$(jf "$tmp/r.json" '$.headline.index.value')" "$(jf "$tmp/score.json" '$.index.index')" "headline index = survey score"

# CSAT by hand: 2026Q3 in Asia/Shanghai is [2026-06-30T16:00Z, 2026-09-30T16:00Z);
# top-2-box = q_overall 4 or 5, of the unflagged responses that answered it
# (no invitations, so every design weight is 1).
Q3="r.submitted_at >= strftime('%s','2026-06-30 16:00:00') and r.submitted_at < strftime('%s','2026-09-30 16:00:00')"
csat_sql() {
  sql "select printf('%.6f', 100.0 * sum(a.value >= 4) / count(*)) from responses r
       join surveys s on s.id = r.survey_id join answers a on a.response_id = r.id
       join questions q on q.id = a.question_id and q.code = 'q_overall'
       where s.code = 'csat' and a.value is not null and $1
       and not exists (select 1 from response_flags f where f.response_id = r.id)"
}
same "$(printf '%.6f' "$(jf "$tmp/r.json" '$.headline.csat.value')")" "$(csat_sql "$Q3")" "CSAT 2026Q3 = SQL top-2-box"
# the trend's 2025Q3 point: [2025-06-30T16:00Z, 2025-09-30T16:00Z)
same "$(jf "$tmp/r.json" '$.trend[3].period')" 2025Q3 "trend: eight quarters ending with the report's"
same "$(printf '%.6f' "$(jf "$tmp/r.json" '$.trend[3].csat.value')")" \
  "$(csat_sql "r.submitted_at >= strftime('%s','2025-06-30 16:00:00') and r.submitted_at < strftime('%s','2025-09-30 16:00:00')")" \
  "trend CSAT 2025Q3 = SQL"
same "$(jf "$tmp/r.json" '$.trend[7].csat.value')" "$(jf "$tmp/r.json" '$.headline.csat.value')" "last trend point = headline"
same "$(jl "$tmp/r.json" '$.trend')" 8 "eight trend points"
# The trend's periods come from one pass over their span (each response folded
# into the score of its period): each equals its own `survey score --period`.
for i in 0 1 2 3 4 5 6 7; do
  code=$(jf "$tmp/r.json" "\$.trend[$i].period")
  if m --json survey score csat --period "$code" >"$tmp/p.json" 2>/dev/null; then
    same "$(jf "$tmp/r.json" "\$.trend[$i].responses") $(jf "$tmp/r.json" "\$.trend[$i].nps.value") $(jf "$tmp/r.json" "\$.trend[$i].nps.se") $(jf "$tmp/r.json" "\$.trend[$i].index.se")" \
      "$(jf "$tmp/p.json" '$.responses') $(jf "$tmp/p.json" '$.nps.nps') $(jf "$tmp/p.json" '$.nps.se') $(jf "$tmp/p.json" '$.index.se')" \
      "trend $code = survey score --period $code"
  else
    same "$(jf "$tmp/r.json" "\$.trend[$i].responses")" 0 "trend $code: no responses, as survey score says"
  fi
done
# previous-period CSAT (its change is tested in targets.sh)
same "$(printf '%.6f' "$(jf "$tmp/r.json" '$.headline.csat.previous.value')")" \
  "$(csat_sql "r.submitted_at >= strftime('%s','2026-03-31 16:00:00') and r.submitted_at < strftime('%s','2026-06-30 16:00:00')")" \
  "previous CSAT 2026Q2 = SQL"
# Pareto of the open answers = a GROUP BY over the stored codes of the period
same "$(sqlite3 :memory: "select group_concat(json_extract(value, '$.category') || ':' || json_extract(value, '$.count'), ' ') from json_each(json_extract(readfile('$tmp/r.json'), '$.categories.answers.categories'))")" \
  "$(sql "select group_concat(category || ':' || n, ' ') from (select c.category, count(*) n from text_codes c
          join responses r on r.id = c.response_id join surveys s on s.id = r.survey_id
          where c.source = 'survey' and s.code = 'csat' and c.category <> '' and $Q3 group by 1 order by 2 desc, 1)")" \
  "Pareto counts = SQL GROUP BY"
same "$(printf '%.6f' "$(sqlite3 :memory: "select json_extract(value, '$.cumulative') from json_each(json_extract(readfile('$tmp/r.json'), '$.categories.answers.categories')) order by key desc limit 1")")" \
  1.000000 "the Pareto ends at 100 %"
same "$(jf "$tmp/r.json" '$.departments.evaluated') $(jl "$tmp/r.json" '$.departments.rows')" "1 4" "stored evaluation of four departments"
same "$(jl "$tmp/r.json" '$.drivers.items')" 7 "seven driver items"
# the drivers' intervals (Poisson replicate weights in the same pass) hold the share
same "$(sqlite3 :memory: "select count(*) from json_each(json_extract(readfile('$tmp/r.json'), '$.drivers.items'))
      where json_extract(value, '$.share_lower') <= json_extract(value, '$.share')
        and json_extract(value, '$.share') <= json_extract(value, '$.share_upper')")" 7 "each driver's interval holds its share"
same "$(printf '%.6f' "$(sqlite3 :memory: "select sum(json_extract(value, '$.share')) from json_each(json_extract(readfile('$tmp/r.json'), '$.drivers.items'))")")" \
  1.000000 "relative-weight shares sum to 1"
# no personal data: no customer's name, phone or e-mail in the report
name=$(sql "select name from customers where external_id = 'C0000008'")
lacks "$tmp/r.json" "$name"
lacks "$tmp/r.json" "@example"

# --- Markdown: the same numbers as the JSON
expect 0 m report satisfaction --period 2026Q3 --format md --output "$tmp/r.md"
contains "$tmp/r.md" "| CSAT % (top-2-box) | $(f1 "$(jf "$tmp/r.json" '$.headline.csat.value')") |"
contains "$tmp/r.md" "| NPS | $(f1 "$(jf "$tmp/r.json" '$.headline.nps.value')") |"
contains "$tmp/r.md" "| Index (0-100) | $(f1 "$(jf "$tmp/r.json" '$.headline.index.value')") |"
for i in 0 1 2 3 4 5; do
  contains "$tmp/r.md" "| $(jf "$tmp/r.json" "\$.dimensions[$i].dimension") | $(printf '%.2f' "$(jf "$tmp/r.json" "\$.dimensions[$i].weight")") | $(f1 "$(jf "$tmp/r.json" "\$.dimensions[$i].score")") |"
done
contains "$tmp/r.md" "## 9. Improvement actions"

# --- errors: usage, unknown survey, bad period, no responses, unwritable output
echo previous >"$tmp/keep.html"
expect 1 m report satisfaction --period 2026Q5 --output "$tmp/keep.html";  contains "$tmp/err" "is not a period"
expect 1 m report satisfaction --period 2026Q3 --survey nope --output "$tmp/keep.html"; contains "$tmp/err" "no survey 'nope'"
expect 1 m report satisfaction --period 2019Q1 --output "$tmp/keep.html";  contains "$tmp/err" "no responses to survey csat in 2019Q1"
same "$(cat "$tmp/keep.html")" previous "a failed report leaves the output file alone"
expect 1 m report satisfaction --period 2026Q3 --output "$tmp/r.json/x.md"; contains "$tmp/err" "cannot write"
expect 1 m report satisfaction --period 2026Q3 --output "$tmp/nodir/x.md";  contains "$tmp/err" "nothing was written"
same "$(ls "$tmp" | grep -c '\.tmp\.')" 0 "no temporary file left"
expect 2 m report satisfaction;                      contains "$tmp/err" "needs --period"
expect 2 m report weekly --period 2026Q3;            contains "$tmp/err" "'satisfaction'"
expect 2 m report satisfaction --period 2026Q3 --format xlsx; contains "$tmp/err" "use html, pdf, md or json"
expect 0 m report --help;                            contains "$tmp/out" "--format"
MANYI_CHARTJS=$tmp/none.js expect 1 m report satisfaction --period 2026Q3 --format html --output "$tmp/x.html"
contains "$tmp/err" "libjs-chart.js"
[ ! -e "$tmp/x.html" ] && ok || bad "a failed HTML report left a file"
# A quarter without a previous one: the change is null with its reason
expect 0 m report satisfaction --period 2025Q1 --format json --output "$tmp/q1.json"
same "$(jf "$tmp/q1.json" '$.headline.csat.change')" "" "no previous responses: change null"
contains "$tmp/q1.json" "the previous period 2024Q4 has no responses"

# --- hostile names: a region and a department name with markup
mkdir -p "$tmp/h/x"
sed -e "s|\.\./\.\./policies|$src/policies|" \
    -e 's|name: Customer Support Center|name: "</script><script>alert(1)</script> Support"|' \
    "$example/manyi.yaml" >"$tmp/h/x/manyi.yaml"
cp "$tmp/ex.db" "$tmp/h.db"
sqlite3 "$tmp/h.db" "update customers set region = '</script><b>R</b>' where region = 'West'"
hm() { "$manyi" --config "$tmp/h/x/manyi.yaml" --db "$tmp/h.db" "$@"; }
expect 0 hm report satisfaction --period 2026Q3 --format md --output "$tmp/h.md"
contains "$tmp/h.md" "&lt;/script&gt;&lt;b&gt;R&lt;/b&gt;"
lacks "$tmp/h.md" "<script>"

# --- a wave in the period: invitations, answers and the response rate by wave
cp "$tmp/ex.db" "$tmp/w.db"
wm() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/w.db" "$@"; }
expect 0 wm survey sample csat --wave W4 --method stratified --by tier --size 40 --seed 3
read -r inv1 cust1 <<<"$(sqlite3 "$tmp/w.db" "select i.external_id, c.external_id from invitations i join customers c on c.id = i.customer_id order by i.id limit 1" | tr '|' ' ')"
read -r inv2 cust2 <<<"$(sqlite3 "$tmp/w.db" "select i.external_id, c.external_id from invitations i join customers c on c.id = i.customer_id order by i.id limit 1 offset 1" | tr '|' ' ')"
printf '%s\n' 'external_id,survey,customer_id,submitted_at,duration_s,invitation,q_overall,q_quality,q_nps' \
  "W1,csat,$cust1,2026-11-24T10:00:00+08:00,300,$inv1,5,5,9" \
  "W2,csat,$cust2,2026-11-24T11:00:00+08:00,300,$inv2,2,3,4" >"$tmp/w.csv"
expect 0 wm import responses "$tmp/w.csv"
expect 0 wm report satisfaction --period 2026Q4 --format json --output "$tmp/w.json"
same "$(sqlite3 :memory: "select json_extract(value, '$.invitations') || ' ' || json_extract(value, '$.answered') || ' ' || json_extract(value, '$.response_rate') || ' ' || json_extract(value, '$.responses') from json_each(json_extract(readfile('$tmp/w.json'), '$.sample.waves')) where json_extract(value, '$.wave') = 'W4'")" \
  "40 2 0.05 2" "wave W4: 40 invited, 2 answered (5 %), 2 responses"
same "$(jf "$tmp/w.json" '$.sample.invitations') $(jf "$tmp/w.json" '$.sample.response_rate')" "40 0.05" "response rate of the period"

# --- seasonality: too few periods says why
same "$(jf "$tmp/r.json" '$.seasonality.available') $(jf "$tmp/r.json" '$.seasonality.csat.n') $(jl "$tmp/r.json" '$.seasonality.csat.values')" \
  "0 7 12" "2026Q3 on the example: 7 of 12 quarters have responses, no seasonality"
same "$(jf "$tmp/r.json" '$.seasonality.csat.reason')" \
  "7 of the 12 quarters from 2023Q4 to 2026Q3 have a CSAT figure; the decomposition needs at least 8 (two full years)" \
  "the reason names the periods and the minimum"
same "$(jf "$tmp/r.json" '$.seasonality.nps.values[11]')" "$(jf "$tmp/r.json" '$.headline.nps.value')" "the series ends with the headline"
contains "$tmp/r.md" "Seasonality of CSAT % (top-2-box): not computed: 7 of the 12 quarters"
expect 0 m report satisfaction --period 2026 --format json --output "$tmp/y.json"
same "$(jf "$tmp/y.json" '$.seasonality.available') $(jf "$tmp/y.json" '$.seasonality.frequency')" "0 " "a year: no seasonality"
contains "$tmp/y.json" "seasonality is by position in the year"

# --- seasonality against R: the example plus the same responses one year
# earlier; tests/data/report/seasonal.R computed every period's CSAT, NPS
# and index from the CSV and ran decompose() on 2023Q4-2026Q3 and
# 2023-10..2026-09 (seasonal_expected.txt).
cp "$tmp/ex.db" "$tmp/s.db"
sm() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/s.db" "$@"; }
awk -F, -v OFS=, 'NR == 1 { print; next } { $1 = "S" substr($1, 2); $4 = (substr($4, 1, 4) - 1) substr($4, 5); print }' \
  "$example/data/responses.csv" >"$tmp/earlier.csv"
expect 0 sm import responses "$tmp/earlier.csv"
expect 0 sm report satisfaction --period 2026Q3 --format json --output "$tmp/sq.json"
expect 0 sm report satisfaction --period 2026-09 --format json --output "$tmp/sm.json"
seasonal_vs_r=$(python3 - "$tmp/sq.json" "$tmp/sm.json" "$src/tests/data/report/seasonal_expected.txt" <<'EOF'
import json, sys
q, m = (json.load(open(f))['seasonality'] for f in sys.argv[1:3])
want = {}
for line in open(sys.argv[3]):
    if not line.startswith('#'):
        k, v = line.split()
        want[k] = None if v == 'null' else float(v)
got = {}
for kind, s in (('quarter', q), ('month', m)):
    for f in ('csat', 'nps', 'index'):
        o = s[f]
        for i, code in enumerate(s['periods']):
            got[f'{kind}.{f}.value.{code}'] = o['values'][i]
            got[f'{kind}.{f}.trend.{code}'] = o['trend'][i] if 'trend' in o else 'missing'
        for p in o.get('seasonal', []):
            got[f'{kind}.{f}.seasonal.{p["label"]}'] = p['value']
        got[f'{kind}.{f}.adjusted'] = o.get('last', {}).get('adjusted', 'missing')
bad = [k for k, v in want.items()
       if not (got.get(k, 'missing') is None and v is None
               or isinstance(got.get(k), float) and v is not None
               and abs(got[k] - v) <= 1e-9 * max(1, abs(v)))]
print(len(want), len(bad), ' '.join(bad[:5]), ' '.join(sorted(set(got) - set(want))[:5]))
EOF
)
same "$seasonal_vs_r" "342 0  " "seasonality: 342 values = R decompose() (count, different, first differing, unexpected)"
same "$(jf "$tmp/sq.json" '$.seasonality.csat.last.period') $(jf "$tmp/sq.json" '$.seasonality.csat.last.position') $(jf "$tmp/sq.json" '$.seasonality.csat.trend_last.period')" \
  "2026Q3 Q3 2026Q1" "adjusted: the report's quarter; the last centred trend two quarters earlier"
same "$(sqlite3 :memory: "select group_concat(json_extract(value, '$.label'), ' ') from json_each(json_extract(readfile('$tmp/sm.json'), '$.seasonality.csat.seasonal'))")" \
  "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec" "monthly figure in calendar order"
expect 0 sm report satisfaction --period 2026Q3 --format md --output "$tmp/sq.md"
for k in csat nps index; do
  contains "$tmp/sq.md" "| $(jf "$tmp/sq.json" "\$.seasonality.$k.last.period") | $(f1 "$(jf "$tmp/sq.json" "\$.seasonality.$k.last.value")") | $(f1 "$(jf "$tmp/sq.json" "\$.seasonality.$k.last.seasonal")") | $(f1 "$(jf "$tmp/sq.json" "\$.seasonality.$k.last.adjusted")") |"
done
contains "$tmp/sq.md" "| Q4 | $(f1 "$(jf "$tmp/sq.json" '$.seasonality.csat.seasonal[3].value')") | $(f1 "$(jf "$tmp/sq.json" '$.seasonality.nps.seasonal[3].value')") | $(f1 "$(jf "$tmp/sq.json" '$.seasonality.index.seasonal[3].value')") |"

command -v chromium >/dev/null || { echo "report: chromium is not installed (apt-get install chromium): HTML checks skipped"; exit 77; }
chromium_run() { chromium --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/chrome" "$@" 2>>"$tmp/chrome.log"; }

expect 0 hm report satisfaction --period 2026Q3 --format html --output "$tmp/h.html"
lacks "$tmp/h.html" "<script>alert"
lacks "$tmp/h.html" "<b>R</b>"
contains "$tmp/h.html" "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; Support"
contains "$tmp/h.html" '\u003c/script\u003e\u003cb\u003eR\u003c/b\u003e'
chromium_run --virtual-time-budget=5000 --dump-dom "file://$tmp/h.html" >"$tmp/hdom.html"
same "$(grep -o '<script' "$tmp/hdom.html" | wc -l)" 4 "the hostile page keeps its four scripts (labels, data, Chart.js, page)"
contains "$tmp/hdom.html" "data-charts-drawn=\"$(grep -o '<canvas ' "$tmp/h.html" | wc -l)\""

# --- HTML: screenshot and the page's numbers
expect 0 m report satisfaction --period 2026Q3 --format html --output "$tmp/r.html"
same "$(grep -c '<script type="application/json" id="manyi-data">' "$tmp/r.html")" 1 "the document is in the page"
chromium_run --screenshot="$tmp/r.png" --window-size=1200,3000 "file://$tmp/r.html" >/dev/null
# Not blank: the PNG's scanlines (decompressed, still filtered) are not all alike.
rows=$(python3 - "$tmp/r.png" <<'EOF'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat, width = 8, b'', 0
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
EOF
)
[ "${rows:-0}" -gt 100 ] && ok || bad "the screenshot looks blank ($rows distinct scanlines)"
chromium_run --virtual-time-budget=5000 --dump-dom "file://$tmp/r.html" >"$tmp/dom.html"
# six charts drawn; the seasonal one (too few years here) is a sentence, not an empty frame
same "$(grep -o '<canvas [^>]*data-drawn="yes"' "$tmp/dom.html" | wc -l)" 6 "six charts drawn"
contains "$tmp/dom.html" 'data-charts-drawn="6"'
contains "$tmp/dom.html" '<p class="empty">No seasonal chart: the seasonality needs three years'
lacks "$tmp/dom.html" 'id="chart-seasonal"'
lacks "$tmp/dom.html" 'data-error='
# cells of a row in the rendered page: table id, row id [, page] -> "cell|cell|..."
cells() {
  python3 - "${3:-$tmp/dom.html}" "$1" "$2" <<'EOF'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.table = self.row = None; self.cells = []; self.cell = None
    def handle_starttag(self, tag, a):
        a = dict(a)
        if tag == 'table': self.table = a.get('id')
        if tag == 'tr': self.row = a.get('data-row')
        if tag == 'td' and self.table == sys.argv[2] and self.row == sys.argv[3]: self.cell = ''
    def handle_data(self, d):
        if self.cell is not None: self.cell += d
    def handle_endtag(self, tag):
        if tag == 'td' and self.cell is not None: self.cells.append(self.cell); self.cell = None
p = P(); p.feed(open(sys.argv[1]).read()); print('|'.join(p.cells))
EOF
}
for k in csat nps index; do
  same "$(cells t-headline "$k" | cut -d'|' -f2)" "$(f1 "$(jf "$tmp/r.json" "\$.headline.$k.value")")" "page $k = JSON"
done
for i in 0 1 2 3 4 5; do
  d=$(jf "$tmp/r.json" "\$.dimensions[$i].dimension")
  same "$(cells t-dimensions "$d" | cut -d'|' -f3)" "$(f1 "$(jf "$tmp/r.json" "\$.dimensions[$i].score")")" "page dimension $d = JSON"
done
same "$(cells t-trend 2025Q3 | cut -d'|' -f3)" "$(f1 "$(jf "$tmp/r.json" '$.trend[3].csat.value')")" "page trend 2025Q3 = JSON"
# the seasonality's numbers in the page (the database with a year more)
expect 0 sm report satisfaction --period 2026Q3 --format html --output "$tmp/sq.html"
chromium_run --virtual-time-budget=5000 --dump-dom "file://$tmp/sq.html" >"$tmp/sqdom.html"
contains "$tmp/sqdom.html" 'data-charts-drawn="7"'
for i in 0 1 2 3; do
  q=$(jf "$tmp/sq.json" "\$.seasonality.csat.seasonal[$i].label")
  same "$(cells t-seasonal "$q" "$tmp/sqdom.html")" \
    "$q|$(f1 "$(jf "$tmp/sq.json" "\$.seasonality.csat.seasonal[$i].value")")|$(f1 "$(jf "$tmp/sq.json" "\$.seasonality.nps.seasonal[$i].value")")|$(f1 "$(jf "$tmp/sq.json" "\$.seasonality.index.seasonal[$i].value")")" \
    "page seasonal figure $q = JSON"
done
for k in csat nps index; do
  same "$(cells t-adjusted "$k" "$tmp/sqdom.html" | cut -d'|' -f3-6)" \
    "$(f1 "$(jf "$tmp/sq.json" "\$.seasonality.$k.last.value")")|$(f1 "$(jf "$tmp/sq.json" "\$.seasonality.$k.last.seasonal")")|$(f1 "$(jf "$tmp/sq.json" "\$.seasonality.$k.last.adjusted")")|$(f1 "$(jf "$tmp/sq.json" "\$.seasonality.$k.trend_last.value")")" \
    "page $k seasonally adjusted = JSON"
done
same "$(cells t-decomposition 2024Q3 "$tmp/sqdom.html" | cut -d'|' -f2,3)" \
  "$(f1 "$(jf "$tmp/sq.json" '$.seasonality.csat.values[3]')")|$(f1 "$(jf "$tmp/sq.json" '$.seasonality.csat.trend[3]')")" "page decomposition 2024Q3 = JSON"
top=$(jf "$tmp/r.json" '$.categories.answers.categories[0].category')
same "$(cells t-pareto_answers "$top" | cut -d'|' -f2)" "$(jf "$tmp/r.json" '$.categories.answers.categories[0].count')" "page Pareto = JSON"

echo "report: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
