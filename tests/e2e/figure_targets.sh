#!/usr/bin/env bash
# End-to-end (issue 19, "targets for NPS and the index"): the report's verdict
# judges NPS and the satisfaction index against evaluation.targets.nps and
# .index as it judges CSAT: met when the lower bound of the period's 95 %
# interval reaches the target, not met otherwise (with the sentence that says
# why when the figure itself is above it), no target set when absent; in the
# JSON, the HTML (English and Chinese) and the findings. Targets outside
# their scales are refused at load with file:line.
# Usage: figure_targets.sh MANYI SOURCE_DIR [MANYI_GEN]
set -uo pipefail
manyi=$1
src=$(cd "$2" && pwd)
example=$src/examples/after-sales
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v python3 >/dev/null || { echo "python3 not found: skipping" >&2; exit 77; }
. "$(dirname "$0")/lib/assert.sh"
export MANYI_NOW=2026-10-25T00:00:00+08:00 MANYI_CHARTJS=$tmp/chart.js
echo "/* stand-in */ window.Chart = function () {};" >"$MANYI_CHARTJS"
db=$tmp/t.db
base=$tmp/base.yaml
sed "s#\.\./\.\./policies/#$example/../../policies/#; s#\./data/#$example/data/#g" "$example/manyi.yaml" >"$base"
# targets NPS INDEX (empty: not set) -> $tmp/c.yaml
targets() {
  grep -v '^    nps: \|^    index: ' "$base" | sed "s/^    satisfaction: 0.90 .*$/    satisfaction: 0.90${1:+\n    nps: $1}${2:+\n    index: $2}/" >"$tmp/c.yaml"
}
m() { "$manyi" --config "$tmp/c.yaml" --db "$db" "$@"; }
targets "" ""
expect 0 m init
for e in customers staff orders interactions tickets responses; do expect 0 m --quiet import "$e" "$example/data/$e.csv"; done

# the status each figure must have, by the rule, from the JSON's own figures
check() { # WHAT NPS_TARGET INDEX_TARGET
  expect 0 m --json report satisfaction --period 2026Q3
  python3 - "$tmp/out" "$2" "$3" <<'PY' && ok || bad "$1: the verdict's NPS and index targets"
import json, sys
d = json.load(open(sys.argv[1]))
f = {x["figure"]: x for x in d["summary"]["figures"]}
for name, t in (("nps", sys.argv[2]), ("index", sys.argv[3])):
    h = d["headline"][name]
    if t == "":
        assert f[name]["target"] is None and f[name]["target_status"] is None, (name, f[name])
        continue
    t = float(t)
    want = "met" if h["ci_lower"] >= t else "not_met"
    assert f[name]["target"] == t and f[name]["target_status"] == want, (name, f[name], h["ci_lower"])
    assert d["company_target"]["targets"][name] == t
assert f["csat"]["target"] == 90 and f["csat"]["target_status"] == "not_met"  # unchanged
PY
}
# none set: as before
check "no targets" "" ""
# NPS 26.5 [21.2, 31.8] and index 68.0 [66.9, 69.1] in 2026Q3 (report_i18n.sh)
targets 20 70
check "NPS met, index missed" 20 70
grep -q '"target_status": "met"' "$tmp/out" && ok || bad "no figure is met"
contains "$tmp/out" "NPS of 26.5 meets the target of 20.0."
contains "$tmp/out" "Index (0-100) of 68.0 misses the target of 70.0 by 2.0 points."
# the figure above its target, its interval's lower bound below
targets 25 60
check "NPS above its target, not met" 25 60
contains "$tmp/out" "NPS of 26.5 is above the target of 25.0, but the lower bound of its 95 % interval (21.2) is below it: not met yet."
contains "$tmp/out" "Index (0-100) of 68.0 meets the target of 60.0."
expect 0 m report satisfaction --period 2026Q3 --format html --output "$tmp/en.html"
python3 - "$tmp/en.html" <<'PY' && ok || bad "the HTML verdict's NPS and index rows"
import re, sys
t = open(sys.argv[1]).read()
t = re.sub(r"<script.*?</script>", "", t, flags=re.S)
rows = {}
for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", t, flags=re.S):
    cells = re.findall(r"<td[^>]*>(.*?)</td>", tr, flags=re.S)
    if cells and cells[0] in ("NPS", "Index (0-100)"): rows.setdefault(cells[0], cells)
assert rows["NPS"][4:6] == ["25.0", "not met"], rows["NPS"]
assert rows["Index (0-100)"][4:6] == ["60.0", "met"], rows["Index (0-100)"]
PY
expect 0 m --lang zh_CN report satisfaction --period 2026Q3 --format html --output "$tmp/zh.html"
contains "$tmp/zh.html" "高于目标 25.0，但其 95% 置信区间的下限（21.2）低于目标：尚未达标。"
contains "$tmp/zh.html" "<td>60.0</td><td>达标</td>"

# targets outside their scales
targets 150 ""
expect 1 m check
contains "$tmp/err" "target nps 150: an NPS target is in points, -100 to 100 (e.g. 30)"
grep -qE "c.yaml:[0-9]+:[0-9]+: target nps" "$tmp/err" && ok || bad "no file:line for a bad NPS target"
targets "" -5
expect 1 m check
contains "$tmp/err" "target index -5: an index target is in points, 0 to 100 (e.g. 80)"
targets "" 0.8
expect 0 m check # a share is a valid (if odd) index target: 0.8 points

echo "figure_targets: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
