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

# tests/e2e/lib/jsoncmp.js WANT GOT TOL: prints the worst relative error, exit 1 on a mismatch

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
  if rel=$(node "$src/tests/e2e/lib/jsoncmp.js" "$data/expected/$name.json" "$tmp/out.json" "$tol"); then
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

D=q_quality,q_attitude,q_speed,q_price
check drivers_four -- drivers "$S" --y q_overall --x $D --performance $D
check drivers_seven -- drivers "$S" --y q_overall \
  --x q_quality,q_attitude,q_speed,q_repair,q_price,q_explain,q_wait
# drivers --bootstrap: R refits the resamples manyi draws (printed with
# --resamples; the committed ones must still come out of seed 11)
BD=$data/drivers_boot.csv
BX="--y q_overall --x q_quality,q_attitude,q_speed,q_price"
check drivers_boot_resamples -- drivers "$BD" $BX --bootstrap 40 --seed 11 --resamples
check drivers_bootstrap -- drivers "$BD" $BX --bootstrap 40 --seed 11
check drivers_bootstrap_80 -- drivers "$BD" $BX --bootstrap 40 --seed 11 --conf 0.8
boot() { "$manyi" --json stats drivers "$BD" $BX --bootstrap 40 "$@" | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify(JSON.parse(s).bootstrap.shapley_share)))'; }
a=$(boot --seed 11); b=$(boot --seed 11); c=$(boot --seed 12)
if [ -n "$a" ] && [ "$a" = "$b" ]; then ok; else bad "bootstrap: seed 11 twice differs: $a / $b"; fi
if [ -n "$c" ] && [ "$a" != "$c" ]; then ok; else bad "bootstrap: seed 12 gives seed 11's intervals"; fi
# a driver that is 0 but in one row: resamples without that row are left out
printf 'y,a,b\n1,2,0\n2,1,0\n3,4,0\n4,3,1\n5,6,0\n6,5,0\n7,8,0\n8,7,0\n' >"$tmp/rare.csv"
sk=$("$manyi" --json stats drivers "$tmp/rare.csv" --y y --x a,b --bootstrap 50 --seed 3 |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).bootstrap.skipped))')
if [ -n "$sk" ] && [ "$sk" -gt 0 ] && [ "$sk" -lt 50 ]; then ok; else bad "bootstrap: skipped '$sk' (want 1..49)"; fi
expect 2 "--seed needs --bootstrap B" -- drivers "$BD" $BX --seed 4
expect 2 "--bootstrap must be a whole number from 2" -- drivers "$BD" $BX --bootstrap 1
expect 2 "--bootstrap must be a whole number from 2" -- drivers "$BD" $BX --bootstrap 2.5
expect 2 "--conf 1.5 must be between 0 and 1" -- drivers "$BD" $BX --bootstrap 10 --conf 1.5
T=$data/tenure.csv
check km_tenure -- km "$T" --time months --event churned --event-value yes --at 0.5,6,12,24,40
check km_tenure_by_plan -- km "$T" --time months --event churned --event-value yes \
  --at 0.5,6,12,24,40 --by plan
check km_small -- km "$data/km_small.csv" --time t --event status --at 2,2.5,5
P=q_overall,q_quality,q_attitude,q_speed,q_repair,q_price,q_explain,q_wait
# varimax iterates to R's stopping rule (relative change < 1e-5); manyi runs
# the same iteration, so the two stop at the same step and agree to rounding
check pca_varimax2 -- pca "$S" --cols $P --factors 2
check pca_varimax3 -- pca "$S" --cols $P --factors 3 --rotate varimax
check pca_none3 -- pca "$S" --cols $P --factors 3 --rotate none
check pca_one -- pca "$S" --cols $P
DIMS='product:0.4:1:5:q_quality,q_price;service:0.6:1:5:q_attitude,q_speed,q_repair'
check index_two -- index "$S" --dims "$DIMS"
check index_by_channel -- index "$S" --dims "$DIMS" --by channel
check index_weighted -- index "$S" --dims "$DIMS" --weight weight
check index_three -- index "$S" --dims 'nps:1:0:10:q_nps;overall:2:1:5:q_overall;wait:1:1:5:q_wait,q_explain'
check trend_12 -- trend "$data/trend.csv" --col csat
check trend_5 -- trend "$data/trend.csv" --col csat --period 5
check trend_missing -- trend "$data/trend.csv" --col csat_na --period 12
check kmeans_three -- kmeans "$data/clusters.csv" --cols x,y --k 3 --starts 10 --seed 42

# ---- survey designs: svydesign + svymean(na.rm = TRUE), rake, postStratify
DS=$data/design.csv
W="--weight weight"
check mean_strat -- mean "$DS" --col score $W --strata stratum
check mean_cluster -- mean "$DS" --col score $W --cluster psu
check mean_strat_cluster -- mean "$DS" --col score $W --strata stratum --cluster psu
check mean_strat_cluster_90 -- mean "$DS" --col score $W --strata stratum --cluster psu --conf 0.9
check mean_strat_cluster_fpc -- mean "$DS" --col score $W --strata stratum --cluster psu --fpc psu_pop
check mean_fpc_implied -- mean "$DS" --col score --strata stratum --cluster psu --fpc psu_pop
check mean_fpc_fraction -- mean "$DS" --col score --strata stratum --cluster psu --fpc frac
check mean_strat_fpc_rows -- mean "$DS" --col score --strata stratum --fpc pop_rows
check mean_nest -- mean "$DS" --col score $W --strata stratum --cluster psu_in_stratum --nest
L=$data/lonely.csv
for r in remove certainty adjust average; do
  check "mean_lonely_$r" -- mean "$L" --col y --weight weight --strata stratum --cluster psu --lonely-psu $r
done
check mean_lonely_adjust_fpc -- mean "$L" --col y --weight weight --strata stratum --cluster psu \
  --fpc psu_pop --lonely-psu adjust
MT=$data/margins_tier.csv
MC=$data/margins_channel.csv
# raking runs R's iteration with R's stopping rule, so 1e-9 holds for R's
# loose default (epsilon 1) as for a tight run
check rake_two -- rake "$DS" --col score $W --margin "tier=$MT,channel=$MC"
check rake_one -- rake "$DS" --col score $W --margin "tier=$MT"
check rake_tight -- rake "$DS" --col score $W --margin "tier=$MT,channel=$MC" --epsilon 1e-12 --maxit 100
check rake_design -- rake "$DS" --col score $W --strata stratum --cluster psu --fpc psu_pop \
  --margin "channel=$MC,tier=$MT"
check poststrat_tier -- rake "$DS" --col score $W --poststratify "tier=$MT"
check poststrat_design -- rake "$DS" --col score $W --strata stratum --cluster psu --poststratify "channel=$MC"
check describe_weighted -- describe "$S" --col q_overall --weight weight
check describe_weighted_design -- describe "$DS" --col score --weight weight

# --by G on describe and mean: overall fields + groups; with a design each
# group is a domain of the whole design (svyby)
check describe_by_channel -- describe "$S" --col q_overall --by channel
check describe_by_g -- describe "$data/small.csv" --col x --by g
check mean_by_segment -- mean "$S" --col q_overall --by segment
check mean_design_by_channel -- mean "$DS" --col score $W --strata stratum --cluster psu \
  --fpc psu_pop --by channel
check mean_design_by_stratum -- mean "$DS" --col score $W --strata stratum --cluster psu \
  --fpc psu_pop --by stratum
check describe_weighted_by_tier -- describe "$DS" --col score --weight weight --by tier
expect 1 "--by psu, level 'W3': $DS: column 'score': no values in this group" -- mean "$DS" --col score --by psu
expect 1 "--by psu, level 'W3': $DS: column 'score': no values in this group" -- describe "$DS" --col score --weight weight --by psu
expect 1 "no column 'nope'" -- describe "$S" --col q_overall --by nope
expect 2 "unknown option '--by'" -- prop "$S" --col q_overall --success 4,5 --by channel

# prop and nps on a design: svyciprop / svymean of the score, svyby domains,
# differences by svycontrast on svyby(covmat = TRUE)
check prop_weighted_logit -- prop "$S" --col q_overall --success 4,5 --weight weight --method logit
check prop_design -- prop "$DS" --col nps --success 9,10 $W --strata stratum --cluster psu --fpc psu_pop
check prop_design_logit_90 -- prop "$DS" --col nps --success 9,10 $W --strata stratum --cluster psu \
  --fpc psu_pop --method logit --conf 0.9
check prop_design_cluster -- prop "$DS" --col nps --success 7,8 $W --cluster psu
check nps_design -- nps "$DS" --col nps $W --strata stratum --cluster psu --fpc psu_pop
check nps_design_by_channel -- nps "$DS" --col nps $W --strata stratum --cluster psu --fpc psu_pop \
  --by channel
check nps_design_by_tier -- nps "$DS" --col nps $W --strata stratum --cluster psu --by tier
expect 2 "methods are wald and logit" -- prop "$DS" --col nps --success 9 --strata stratum --method wilson
expect 2 "--nest needs --strata" -- nps "$DS" --col nps --nest
expect 1 "stratum 'b' has only one PSU" -- nps "$L" --col y --weight weight --strata stratum --cluster psu
expect 1 "missing weight" -- prop "$S" --col q_overall --success 5 --weight q_repair
expect 1 "NPS score 3.5 is not a whole number" -- nps "$L" --col weight --strata stratum

# design errors and edge cases
expect 1 "lonely.csv: stratum 'b' has only one PSU (cluster 'b1')" -- \
  mean "$L" --col y --weight weight --strata stratum --cluster psu
expect 1 "cluster '1' is in stratum 'north' (line 2) and in stratum 'south' (line 22)" -- \
  mean "$DS" --col score --strata stratum --cluster psu_in_stratum
expect 2 "--nest needs --strata and --cluster" -- mean "$DS" --col score --cluster psu --nest
expect 2 "--lonely-psu needs --strata" -- mean "$DS" --col score --lonely-psu remove
expect 2 "unknown lonely-PSU rule 'scale'" -- mean "$L" --col y --strata stratum --lonely-psu scale
printf 'x,s,k,w\n1,a,1,2\n2,,2,2\n3,b,3,2\n' >"$tmp/nostrat.csv"
expect 1 "nostrat.csv:3: field 's': missing stratum" -- mean "$tmp/nostrat.csv" --col x --strata s
printf 'x,s,k,w\n1,a,1,2\n2,a,,2\n3,b,3,2\n' >"$tmp/noclus.csv"
expect 1 "noclus.csv:3: field 'k': missing cluster" -- mean "$tmp/noclus.csv" --col x --cluster k
printf 'x,s,k,w\n1,a,1,2\n,a,2,\n3,b,3,2\n' >"$tmp/nowt.csv"
expect 1 "nowt.csv:3: field 'w': missing weight" -- mean "$tmp/nowt.csv" --col x --weight w
printf 'x,s,k,w\n,a,1,2\n,a,2,2\n' >"$tmp/dnone.csv"
expect 1 "no values: all 2 rows are missing" -- mean "$tmp/dnone.csv" --col x --strata s --cluster k
printf 'x,w,k\n1,0,a\n2,0,b\n' >"$tmp/zerowk.csv"
expect 1 "all 2 weights are 0" -- mean "$tmp/zerowk.csv" --col x --weight w --cluster k
printf 'x,k\n1,a\n2,a\n' >"$tmp/onepsu.csv"
expect 1 "the design has only one PSU" -- mean "$tmp/onepsu.csv" --col x --cluster k
printf 'x,s,f\n1,a,10\n2,a,0.5\n3,b,0.5\n' >"$tmp/fpcmix.csv"
expect 1 "mixes population sizes" -- mean "$tmp/fpcmix.csv" --col x --strata s --fpc f
printf 'x,s,f\n1,a,10\n2,a,12\n3,b,10\n4,b,10\n' >"$tmp/fpcvar.csv"
expect 1 "stratum 'a': the fpc varies within the stratum (10 in line 2, 12 in line 3)" -- \
  mean "$tmp/fpcvar.csv" --col x --strata s --fpc f
printf 'x,w\n5,1\n,2\n' >"$tmp/dfzero.csv"
"$manyi" --json stats mean "$tmp/dfzero.csv" --col x --weight w >"$tmp/out" 2>&1 &&
  grep -q '"df": 0' "$tmp/out" && grep -q '"ci_lower": null' "$tmp/out" && ok || bad "mean design df 0"
expect 2 "column 'stratum' is given both as a number" -- mean "$DS" --col score --weight stratum --strata stratum

# rake: margins files and levels
printf 'level,count\ngold,260\nsilver,390\n' >"$tmp/short.csv"
expect 1 "field 'tier': level 'bronze' is not in the margins file" -- rake "$DS" --col score --margin "tier=$tmp/short.csv"
printf 'level,count\ngold,260\nsilver,390\nbronze,650\nplatinum,5\n' >"$tmp/extra.csv"
expect 1 "extra.csv:5: level 'platinum' has no rows in the sample" -- rake "$DS" --col score --margin "tier=$tmp/extra.csv"
printf 'level,count\ngold,260\nsilver,390\ngold,650\n' >"$tmp/dup.csv"
expect 1 "dup.csv:4: level 'gold' is given twice (also on line 2)" -- rake "$DS" --col score --margin "tier=$tmp/dup.csv"
printf 'level,count\ngold,260\nsilver,-390\nbronze,650\n' >"$tmp/neg.csv"
expect 1 "neg.csv:3: field 'count': -390 for level 'silver' must be > 0" -- rake "$DS" --col score --margin "tier=$tmp/neg.csv"
printf 'level,count\ngold,260\nsilver,\nbronze,650\n' >"$tmp/nocount.csv"
expect 1 "nocount.csv:3: field 'count': missing count for level 'silver'" -- rake "$DS" --col score --margin "tier=$tmp/nocount.csv"
printf 'level,n\ngold,260\n' >"$tmp/nocol.csv"
expect 1 "no column 'count'; the columns are: level, n" -- rake "$DS" --col score --margin "tier=$tmp/nocol.csv"
printf 'level,count\n"gold,260\nsilver,390\n' >"$tmp/badcsv.csv"
expect 1 "quoted field is not closed" -- rake "$DS" --col score --margin "tier=$tmp/badcsv.csv"
printf 'level,count\nphone,520\nweb,800\n' >"$tmp/ch1320.csv"
expect 1 "--margin: margin 'channel' totals 1320 but margin 'tier' totals 1300" -- \
  rake "$DS" --col score --margin "tier=$MT,channel=$tmp/ch1320.csv"
expect 2 "'tier' is not VAR=FILE.csv" -- rake "$DS" --col score --margin tier
expect 2 "give --margin or --poststratify, not both" -- rake "$DS" --col score --margin "tier=$MT" --poststratify "tier=$MT"
expect 2 "--poststratify takes one VAR=FILE.csv" -- rake "$DS" --col score --poststratify "tier=$MT,channel=$MC"
expect 2 "variable 'tier' is given twice" -- rake "$DS" --col score --margin "tier=$MT,tier=$MT"
expect 2 "the analysed column cannot be a raking variable" -- rake "$DS" --col tier --margin "tier=$MT"
printf 'x,t\n1,a\n2,\n' >"$tmp/rakemiss.csv"
printf 'level,count\na,5\n' >"$tmp/ma.csv"
expect 1 "rakemiss.csv:3: field 't': missing value; every row is calibrated" -- rake "$tmp/rakemiss.csv" --col x --margin "t=$tmp/ma.csv"
printf 'x,t,w\n1,a,0\n2,b,0\n3,b,1\n' >"$tmp/rakezero.csv"
printf 'level,count\na,5\nb,5\n' >"$tmp/mab.csv"
expect 1 "margin 't' level 'a' has no rows with a weight > 0" -- rake "$tmp/rakezero.csv" --col x --weight w --margin "t=$tmp/mab.csv"
printf 'x,t,w\n1,a,0\n4,a,1\n2,b,2\n3,b,1\n' >"$tmp/rakew0.csv"
"$manyi" --json stats rake "$tmp/rakew0.csv" --col x --weight w --margin "t=$tmp/mab.csv" >"$tmp/out" 2>&1 &&
  grep -q '"se": null' "$tmp/out" && grep -q '"mean": 3.166666' "$tmp/out" && ok || bad "rake with a zero weight: se null as R"
"$manyi" --json stats rake "$DS" --col score $W --margin "tier=$MT,channel=$MC" --epsilon 1e-12 --maxit 1 >"$tmp/out" 2>&1 &&
  grep -q '"converged": false' "$tmp/out" && ok || bad "rake not converged is reported"
expect 1 "all 2 weights are 0" -- describe "$tmp/zerowk.csv" --col x --weight w
"$manyi" stats rake --help >"$tmp/out" 2>&1
grep -q "survey::rake" "$tmp/out" && grep -q "postStratify" "$tmp/out" && ok || bad "stats rake --help"

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
expect 2 "unknown option '--strata'" -- describe "$S" --col q_overall --strata channel
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
expect 1 "negw.csv:3: field 'w': negative weight" -- index "$tmp/negw.csv" --dims 'a:1:0:5:x' --weight w
printf 'x,w\n1,0\n2,0\n' >"$tmp/zerow.csv"
expect 1 "all 2 weights are 0" -- mean "$tmp/zerow.csv" --col x --weight w
# drivers
cols=$(printf 'x%d,' $(seq 1 16)); cols=${cols%,}
{ echo "y,$cols"; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  printf '%d' $((i % 7)); for j in $(seq 1 16); do printf ',%d' $(((i * j + j) % 11)); done; echo
done; } >"$tmp/wide.csv"
expect 1 "limited to 15 predictors" -- drivers "$tmp/wide.csv" --y y --x "$cols"
expect 1 "predictor 'k' is constant" -- drivers "$tmp/const.csv" --y y --x a,k
expect 1 "predictor 'b' is collinear" -- drivers "$tmp/coll.csv" --y y --x a,b,c
printf 'y,a,b\n2,1,3\n2,2,1\n2,3,4\n2,4,2\n' >"$tmp/consty.csv"
expect 1 "--y y: the outcome has the same value in all 4 rows" -- drivers "$tmp/consty.csv" --y y --x a,b
expect 2 "--performance lists 1 column for 2 drivers" -- drivers "$S" --y q_overall --x q_quality,q_price --performance q_quality
printf 'y,a,b\n1,,\n2,3,4\n' >"$tmp/onecase.csv"
expect 1 "1 complete case for 3 coefficients" -- drivers "$tmp/onecase.csv" --y y --x a,b
# km
printf 't,e,g\n3,1,a\n-1,0,a\n' >"$tmp/negt.csv"
expect 1 "negt.csv:3: field 't': time -1 is negative" -- km "$tmp/negt.csv" --time t --event e
printf 't,e,g\n3,yes,a\n4,no,b\n' >"$tmp/yesno.csv"
expect 1 "yesno.csv:2: field 'e': 'yes' is not 0 or 1; give --event-value" -- km "$tmp/yesno.csv" --time t --event e
printf 't,e,g\n,1,a\n3,,b\n' >"$tmp/kmnone.csv"
expect 1 "no rows with both a time and an event value" -- km "$tmp/kmnone.csv" --time t --event e
printf 't,e,g\n3,1,a\n4,1,a\n,1,b\n' >"$tmp/kmempty.csv"
expect 1 "--by g: group 'b' has no rows" -- km "$tmp/kmempty.csv" --time t --event e --by g
printf 't,e\n7,1\n' >"$tmp/kmone.csv"
"$manyi" --json stats km "$tmp/kmone.csv" --time t --event e --at 7 >"$tmp/out" 2>&1 &&
  grep -q '"median": 7' "$tmp/out" && grep -q '"median_ci_lower": null' "$tmp/out" &&
  grep -q '"se": null' "$tmp/out" && ok || bad "km n=1"
expect 2 "--at: 'x' is not a finite number" -- km "$T" --time months --event churned --at 1,x
# pca
expect 1 "column 'k' is constant" -- pca "$tmp/const.csv" --cols a,k,y
expect 1 "3 components of 2 columns" -- pca "$S" --cols q_overall,q_price --factors 3
expect 2 "unknown rotation 'promax'" -- pca "$S" --cols q_overall,q_price --rotate promax
expect 1 "1 complete case: need at least 3" -- pca "$tmp/onecase.csv" --cols a,b
# index
expect 1 "survey.csv:2: field 'q_nps': 9 is outside the scale 1..5 of dimension 'x'" -- \
  index "$S" --dims 'x:1:1:5:q_nps'
expect 2 "is not NAME:WEIGHT:MIN:MAX:COL1,COL2" -- index "$S" --dims 'x:1:1:q_nps'
expect 2 "dimension 'x' is given twice" -- index "$S" --dims 'x:1:1:5:q_price;x:1:1:5:q_wait'
printf 'a,b,g\n1,,u\n2,,u\n' >"$tmp/ixnone.csv"
expect 1 "dimension 'bb' has no values" -- index "$tmp/ixnone.csv" --dims 'aa:1:1:5:a;bb:1:1:5:b'
printf 'a,g\n1,u\n,v\n' >"$tmp/ixgrp.csv"
expect 1 "--by g: group 'v': dimension 'aa' has no values" -- index "$tmp/ixgrp.csv" --dims 'aa:1:1:5:a' --by g
# trend
expect 1 "needs at least 2 full periods (24 values for period 12)" -- trend "$tmp/coll.csv" --col y
expect 2 "--period 1 must be a whole number >= 2" -- trend "$data/trend.csv" --col csat --period 1
# kmeans
expect 1 "k = 3 clusters but only 1 distinct row" -- kmeans "$tmp/same.csv" --cols a --k 3
expect 2 "give --k" -- kmeans "$data/clusters.csv" --cols x,y
"$manyi" --json stats kmeans "$data/clusters.csv" --cols x,y --k 4 --seed 7 >"$tmp/k1" &&
  "$manyi" --json stats kmeans "$data/clusters.csv" --cols x,y --k 4 --seed 7 >"$tmp/k2" &&
  cmp -s "$tmp/k1" "$tmp/k2" && ok || bad "kmeans is not deterministic with --seed"
"$manyi" stats nps --help >"$tmp/out" 2>&1
grep -q "Usage: manyi stats nps" "$tmp/out" && ok || bad "stats nps --help"
"$manyi" stats describe "$S" --col q_overall >"$tmp/out" && grep -q "^median  *4" "$tmp/out" &&
  ok || bad "text output"

echo "stats: $passes passed, $failures failed; max relative error vs R: $max_rel"
[ "$failures" -eq 0 ]
