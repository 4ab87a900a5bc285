#!/usr/bin/env bash
# End-to-end: `manyi stats` against the R fixtures in tests/data/stats/expected
# (written by tests/data/stats/reference.R), plus error cases.
# Usage: stats.sh MANYI SOURCE_DIR [MANYI_GEN]
# Every number in an expected file must match the JSON manyi prints at the
# same path within 1e-9 relative (or 1e-13 absolute, for values that are 0
# in exact arithmetic); null must be null. Fields manyi adds are not checked.
set -uo pipefail
manyi=$1
src=$2
data=$src/tests/data/stats
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v node >/dev/null || { echo "node not found: skipping" >&2; exit 77; }
failures=0
passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

cat >"$tmp/cmp.js" <<'EOF'
const fs = require('fs');
const [want, got, tol] = [JSON.parse(fs.readFileSync(process.argv[2])),
                          JSON.parse(fs.readFileSync(process.argv[3])), +process.argv[4]];
let worst = 0, errs = [];
function walk(w, g, path) {
  if (w === null) { if (g !== null) errs.push(`${path}: want null, got ${g}`); return; }
  if (typeof w === 'number') {
    if (typeof g !== 'number') { errs.push(`${path}: want ${w}, got ${g}`); return; }
    const d = Math.abs(w - g), rel = w === 0 ? d : d / Math.abs(w);
    if (d > 1e-13) worst = Math.max(worst, rel);
    if (d > 1e-13 && rel > tol) errs.push(`${path}: want ${w}, got ${g} (rel ${rel.toExponential(2)})`);
    return;
  }
  if (typeof w === 'string') { if (w !== g) errs.push(`${path}: want ${w}, got ${g}`); return; }
  if (Array.isArray(w) && !Array.isArray(g) && w.length === 1) return walk(w[0], g, path);
  if (typeof g !== 'object' || g === null) { errs.push(`${path}: missing`); return; }
  for (const k of Object.keys(w)) walk(w[k], Array.isArray(w) ? g[+k] : g[k], `${path}.${k}`);
}
walk(want, got, '');
console.log(worst.toExponential(2));
if (errs.length) { console.error(errs.join('\n')); process.exit(1); }
EOF

# check CASE [TOL] -- ARGS...: run manyi --json stats ARGS, compare with expected/CASE.json
max_rel=0
check() {
  local name=$1 tol=1e-9
  shift
  if [ "$1" != "--" ]; then tol=$1; shift; fi
  shift
  if ! "$manyi" --json stats "$@" >"$tmp/out.json" 2>"$tmp/err"; then
    bad "$name: manyi stats $* failed"; cat "$tmp/err" >&2; return
  fi
  if rel=$(node "$tmp/cmp.js" "$data/expected/$name.json" "$tmp/out.json" "$tol"); then
    ok
    max_rel=$(node -e "console.log(Math.max($max_rel, $rel))")
    echo "ok   $name (max rel err $rel)"
  else
    bad "$name"
  fi
}
# expect STATUS TEXT -- ARGS...: exit status and a piece of stderr
expect() {
  local want=$1 text=$2
  shift 3
  "$manyi" stats "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then bad "exit $got (want $want): stats $*"; cat "$tmp/err" >&2; return; fi
  if ! grep -qF -- "$text" "$tmp/err"; then bad "stats $*: stderr lacks '$text'"; cat "$tmp/err" >&2; return; fi
  ok
}

S=$data/survey.csv
check describe_overall -- describe "$S" --col q_overall
check describe_price -- describe "$S" --col q_price
check describe_small -- describe "$data/small.csv" --col x
check mean_overall -- mean "$S" --col q_overall
check mean_overall_90 -- mean "$S" --col q_overall --conf 0.9
check mean_weighted -- mean "$S" --col q_overall --weight weight
for m in wald wilson wilson-cc clopper-pearson logit; do
  check "prop_${m//-/_}" -- prop "$S" --col q_overall --success 4,5 --method "$m"
done
printf 'v\n1\n0\n0\n0\n0\n0\n0\n0\n0\n0\n0\n0\n' >"$tmp/onein12.csv"
check prop_small_cc -- prop "$tmp/onein12.csv" --col v --method wilson-cc
check prop_weighted -- prop "$S" --col q_overall --success 4,5 --weight weight
check nps_overall -- nps "$S" --col q_nps
check nps_by_channel -- nps "$S" --col q_nps --by channel
check nps_weighted_by_channel -- nps "$S" --col q_nps --by channel --weight weight
check sample_size_default -- sample-size --margin 0.05
check sample_size_fpc -- sample-size --margin 0.05 --population 2000
check sample_size_99 -- sample-size --conf 0.99 --margin 0.03 --p 0.3 --population 10000
check ttest_welch -- ttest "$S" --col q_overall --group segment
check ttest_pooled -- ttest "$S" --col q_overall --group segment --var-equal
grep -v '^c,' "$data/small.csv" >"$tmp/small_ab.csv"
check ttest_small_conf90 -- ttest "$tmp/small_ab.csv" --col x --group g --conf 0.9
check ttest_paired -- ttest "$data/paired.csv" --col score --group time --paired --id id
check anova_channel -- anova "$S" --col q_overall --group channel
check anova_small -- anova "$data/small.csv" --col x --group g
check kruskal_channel -- kruskal "$S" --col q_overall --group channel
check kruskal_small -- kruskal "$data/small.csv" --col x --group g
check mannwhitney_segment -- mannwhitney "$S" --col q_overall --group segment
check mannwhitney_small -- mannwhitney "$tmp/small_ab.csv" --col x --group g
check chisq_channel_segment -- chisq "$S" --row channel --col segment
check chisq_yates -- chisq "$S" --row segment --col repeat_buyer --yates
check chisq_counts -- chisq "$data/counts.csv" --row row --col col --count n
check alpha_five -- alpha "$S" --cols q_overall,q_quality,q_attitude,q_speed,q_repair
check alpha_reverse -- alpha "$S" --cols q_overall,q_quality,q_attitude,q_speed,q_repair,q_wait \
  --reverse q_wait --scale-min 1 --scale-max 5
check corr_pearson -- corr "$S" --cols q_overall,q_quality,q_price,q_wait
check corr_spearman -- corr "$S" --cols q_overall,q_quality,q_price,q_wait --method spearman
check corr_spearman_small -- corr "$data/ranks.csv" --cols a,b --method spearman
check regress_drivers -- regress "$S" --y q_overall --x q_quality,q_attitude,q_speed,q_price
check regress_one -- regress "$S" --y q_nps --x q_overall

# ---- errors and edge cases
printf 'a,b,g\n1,2,x\n3,abc,y\n' >"$tmp/text.csv"
expect 1 "text.csv:3: field 'b': 'abc' is not a number" -- describe "$tmp/text.csv" --col b
printf 'a\n1\ninf\n' >"$tmp/inf.csv"
expect 1 "inf.csv:3: field 'a': 'inf' is not a finite number" -- mean "$tmp/inf.csv" --col a
printf 'a\n1\n1e999\n' >"$tmp/big.csv"
expect 1 "big.csv:3: field 'a': '1e999' is not a finite number" -- describe "$tmp/big.csv" --col a
printf 'a\nNA\n\n' >"$tmp/none.csv"
expect 1 "no values: all 2 rows are missing" -- describe "$tmp/none.csv" --col a
expect 1 "no column 'zz'; the columns are: a" -- describe "$tmp/none.csv" --col zz
expect 2 "give --col" -- describe "$tmp/none.csv"
expect 2 "unknown option '--cols'" -- describe "$tmp/none.csv" --cols a
expect 2 "not implemented yet" -- mean "$S" --col q_overall --strata channel
expect 2 "unknown statistic 'median'" -- median "$S"
expect 2 "unknown method 'exact'" -- prop "$S" --col q_overall --success 5 --method exact
expect 1 "is not 0 or 1; give --success" -- prop "$S" --col q_overall
printf 'a\n7\n' >"$tmp/one.csv"
"$manyi" --json stats describe "$tmp/one.csv" --col a >"$tmp/out" 2>&1 &&
  grep -q '"sd": null' "$tmp/out" && grep -q '"mean": 7' "$tmp/out" && ok || bad "describe n=1"
"$manyi" --json stats mean "$tmp/one.csv" --col a >"$tmp/out" 2>&1 &&
  grep -q '"se": null' "$tmp/out" && ok || bad "mean n=1"
printf 'a,g\n3,x\n3,x\n3,y\n3,y\n' >"$tmp/same.csv"
"$manyi" --json stats describe "$tmp/same.csv" --col a >"$tmp/out" 2>&1 &&
  grep -q '"sd": 0' "$tmp/out" && ok || bad "describe all equal"
expect 1 "essentially constant" -- ttest "$tmp/same.csv" --col a --group g
expect 1 "no variation within groups" -- anova "$tmp/same.csv" --col a --group g
expect 1 "all 4 values are equal" -- kruskal "$tmp/same.csv" --col a --group g
expect 1 "has 3 levels; this test compares exactly 2" -- ttest "$data/small.csv" --col x --group g
printf 'score,g\n9,a\n11,a\n' >"$tmp/nps11.csv"
expect 1 "nps11.csv:3: field 'score': NPS score 11 is not a whole number from 0 to 10" -- \
  nps "$tmp/nps11.csv" --col score
printf 'score,g\n9,a\n7,a\n,b\n' >"$tmp/npsempty.csv"
expect 1 "--by g: group 'b': no scores" -- nps "$tmp/npsempty.csv" --col score --by g
printf 'y,a,b,c\n1,1,2,3\n2,2,4,5\n4,3,6,2\n3,4,8,1\n5,5,10,0\n' >"$tmp/coll.csv"
expect 1 "predictor 'b' is collinear: a linear combination of the intercept, a" -- \
  regress "$tmp/coll.csv" --y y --x a,b,c
printf 'y,a,k\n1,1,2\n2,2,2\n4,3,2\n3,4,2\n' >"$tmp/const.csv"
expect 1 "predictor 'k' is constant" -- regress "$tmp/const.csv" --y y --x a,k
expect 1 "outside the scale 1..5" -- alpha "$S" --cols q_overall,q_nps --scale-min 1 --scale-max 5
expect 2 "--reverse needs --scale-min" -- alpha "$S" --cols q_overall,q_wait --reverse q_wait
printf 'x,w\n1,1\n2,-1\n' >"$tmp/negw.csv"
expect 1 "negw.csv:3: field 'w': negative weight" -- mean "$tmp/negw.csv" --col x --weight w
printf 'x,w\n1,0\n2,0\n' >"$tmp/zerow.csv"
expect 1 "all 2 weights are 0" -- mean "$tmp/zerow.csv" --col x --weight w
"$manyi" stats nps --help >"$tmp/out" 2>&1
grep -q "Usage: manyi stats nps" "$tmp/out" && ok || bad "stats nps --help"
"$manyi" stats describe "$S" --col q_overall >"$tmp/out" && grep -q "^median  *4" "$tmp/out" &&
  ok || bad "text output"

echo "stats: $passes passed, $failures failed; max relative error vs R: $max_rel"
[ "$failures" -eq 0 ]
