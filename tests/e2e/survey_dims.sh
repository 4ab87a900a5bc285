#!/usr/bin/env bash
# End-to-end: the per-dimension figures and the customer effort score of
# `manyi survey score` against R (tests/data/survey/reference.R wrote
# tests/data/survey/expected/*.json): the after-sales example's 2026Q3 and
# a small effort survey (tests/data/survey/ces.yaml). 1e-9 relative.
# Usage: survey_dims.sh MANYI SOURCE_DIR
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
data=$src/tests/data/survey
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib/assert.sh"
command -v node >/dev/null || { echo "node not found: skipping" >&2; exit 77; }
m() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" "$@"; }
c() { "$manyi" --config "$tmp/ces.yaml" --db "$tmp/ces.db" "$@"; }
jx() { sqlite3 :memory: "select json_extract(readfile('$tmp/out'), '$1')"; }
# against WANT: the JSON in $tmp/out matches the expected file within 1e-9
against() {
  if rel=$(node "$src/tests/e2e/lib/jsoncmp.js" "$data/expected/$1.json" "$tmp/out" 1e-9); then
    ok; echo "ok   $1 (max rel err $rel)"
  else bad "$1 differs from R"; fi
}

expect 0 m init
expect 0 m import customers "$example/data/customers.csv"
expect 0 m import responses "$example/data/responses.csv"
expect 0 m --json survey score csat --period 2026Q3
against example_2026Q3
same "$(jx '$.dimensions.price.alpha')" "" "one item: alpha is null"
same "$(jx '$.dimensions.response_speed.items')" '["q_speed","q_wait"]' "a dimension's items"
# the existing figures stay, and the dimension score is the index's
same "$(jx '$.csat.question') $(jx '$.nps.question')" "q_overall q_nps" "csat and nps unchanged"
same "$(printf '%.10f' "$(jx '$.dimensions.response_speed.score')")" \
  "$(printf '%.10f' "$(jx '$.index.dimension_score_0_100.response_speed')")" "dimension score = index's"
lacks "$tmp/out" '"ces"'
expect 0 m survey score csat --period 2026Q3
contains "$tmp/out" "response_speed"
contains "$tmp/out" "alpha 0.78"

# Waves: a stratified one (W, weights N_h/n_h by region) and a cluster one
# (W2, two whole regions, weights M/m). The invited customers answer with
# their first example response (W on the 24th, W2 on the 25th of November);
# the files R read are the ones built here. W alone has the strata of its
# regions; the quarter mixes both waves: W's strata, W2 one stratum of two
# clusters (R: svydesign(ids = ~psu, strata = ~stratum, weights = ~w), a
# lonely PSU "adjust").
w() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/w.db" "$@"; }
export MANYI_NOW=2026-11-23T09:00:00+08:00
expect 0 w init
expect 0 w import customers "$example/data/customers.csv"
expect 0 w survey sample csat --wave W --method stratified --by region --size 300 --seed 11
expect 0 w survey sample csat --wave W2 --method cluster --by region --clusters 2 --seed 5 --quiet-days 0
sqlite3 -csv -header :memory: "attach '$tmp/w.db' as w" ".import --csv $example/data/responses.csv ex" \
  "select 'W' || printf('%04d', i.id) external_id, 'csat' survey, c.external_id customer_id,
     case v.code when 'W' then '2026-11-24T10:00:00+08:00' else '2026-11-25T10:00:00+08:00' end submitted_at,
     i.external_id invitation, x.q_overall, x.q_quality,
     x.q_attitude, x.q_speed, x.q_repair, x.q_price, x.q_explain, x.q_wait, x.q_nps
   from w.invitations i join w.survey_waves v on v.id = i.wave_id join w.customers c on c.id = i.customer_id
   join ex x on x.external_id = (select min(external_id) from ex y where y.customer_id = c.external_id)
   order by i.id" >"$tmp/wave.csv"
sqlite3 -csv -header "$tmp/w.db" "select i.external_id invitation, printf('%.17g', i.weight) weight, v.code wave,
  v.method, i.stratum from invitations i join survey_waves v on v.id = i.wave_id order by i.id" >"$tmp/weights.csv"
same "$(cmp "$tmp/wave.csv" "$data/wave_responses.csv" && cmp "$tmp/weights.csv" "$data/wave_weights.csv" && echo same)" same \
  "the waves and their answers are those R read"
expect 0 w import responses "$tmp/wave.csv"
expect 0 w --json survey score csat --wave W
against wave_weighted
expect 0 w --json survey score csat --period 2026Q4
against waves_mixed
expect 0 w --json survey score csat --period 2026Q4 --by region
against waves_by_region
same "$(jx '$.groups.East.dimensions.price.n')" "$(sqlite3 "$tmp/w.db" "select count(*) from answers a
  join questions q on q.id = a.question_id join responses r on r.id = a.response_id
  join customers c on c.id = r.customer_id where q.code = 'q_price' and a.value is not null and c.region = 'East'")" \
  "a group's answers counted in SQL"
expect 0 w survey score csat --period 2026Q4 --by region
contains "$tmp/out" "East"
unset MANYI_NOW

# the effort survey: CES, low/high effort boxes, a dimension with a reverse item
cp "$data/ces.yaml" "$tmp/ces.yaml"
expect 0 c init
expect 0 c import customers "$data/ces_customers.csv"
expect 0 c import responses "$data/ces_responses.csv"
expect 0 c --json survey score effort
against ces
same "$(jx '$.ces.question') $(jx '$.ces.low_effort.values') $(jx '$.ces.high_effort.values')" \
  "q_effort 1,2 6,7" "CES boxes"
# the boxes counted here in SQL
same "$(jx '$.ces.low_effort.p')" "$(sqlite3 "$tmp/ces.db" "select 1.0 * sum(a.value <= 2) / count(*) from answers a join questions q on q.id = a.question_id where q.code = 'q_effort'")" \
  "low effort share = SQL count"
expect 0 c survey score effort
contains "$tmp/out" "CES"
contains "$tmp/out" "low effort"

# a kind: ces survey without an effort question is refused by the loader
sed 's/dimension: effort/dimension: support/' "$data/ces.yaml" >"$tmp/bad.yaml"
expect 1 "$manyi" --config "$tmp/bad.yaml" check
contains "$tmp/err" "of kind ces needs a question with dimension: effort"

# The one-pass engine against the row path (MANYI_SCORE_ROWS=1) on the same
# requests: every figure, both ways round (so neither has a field the other
# lacks), 1e-9 relative; the example's quarter, and the waves' stratified and
# cluster designs with and without groups.
engines() { # NAME CMD...: runs CMD with each engine and compares the JSON
  local name=$1; shift
  MANYI_SCORE_ROWS=1 "$@" >"$tmp/rows.json" 2>&1
  "$@" >"$tmp/pass.json" 2>&1
  if node "$src/tests/e2e/lib/jsoncmp.js" "$tmp/rows.json" "$tmp/pass.json" 1e-9 >/dev/null &&
     node "$src/tests/e2e/lib/jsoncmp.js" "$tmp/pass.json" "$tmp/rows.json" 1e-9 >/dev/null; then
    ok; echo "ok   one pass = rows: $name"
  else bad "one pass differs from the rows: $name"; diff "$tmp/rows.json" "$tmp/pass.json" | head -20 >&2; fi
}
engines example_q3 m --json survey score csat --period 2026Q3
engines example_q3_tier m --json survey score csat --period 2026Q3 --by tier
engines example_all_channel m --json survey score csat --by channel --include-flagged
engines example_conf m --json survey score csat --period 2026Q3 --by region --conf 0.9
engines wave w --json survey score csat --wave W
engines waves_q4 w --json survey score csat --period 2026Q4
engines waves_q4_region w --json survey score csat --period 2026Q4 --by region
engines waves_q4_stratum w --json survey score csat --period 2026Q4 --by stratum
engines effort c --json survey score effort
engines effort_tier c --json survey score effort --by tier

# The same at a size that the scan packs into blocks and shares out between
# two threads (migration 0016): the waves' responses copied 24 times with
# other ids (their design columns kept, no invitation), about 12,000 rows.
cp "$tmp/w.db" "$tmp/big.db"
sqlite3 "$tmp/big.db" "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 24)
  INSERT INTO responses (external_id, survey_id, customer_id, submitted_at, duration_s, channel,
    scale_answers, weight, wave_id, stratum, flagged)
  SELECT r.external_id || '-' || k.i, r.survey_id, r.customer_id, r.submitted_at + k.i,
    r.duration_s, r.channel, r.scale_answers, r.weight, r.wave_id, r.stratum, r.flagged
  FROM k, responses r ORDER BY k.i, r.id"
b() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/big.db" "$@"; }
b --json survey score csat >/dev/null 2>&1 # reads rows, then packs them
blocks=$(sqlite3 "$tmp/big.db" "SELECT count(*) FROM response_blocks")
if [ "$blocks" -ge 2 ]; then ok; echo "ok   a score packed the responses: $blocks blocks"
else bad "no blocks after a score of $(sqlite3 "$tmp/big.db" "SELECT count(*) FROM responses") responses"; fi
# `survey pack`: what a score left (the newest, short of a block) waits;
# blocks deleted by hand are packed again; bad arguments are refused.
expect 0 b survey pack csat
contains "$tmp/out" "0 responses packed"
sqlite3 "$tmp/big.db" "DELETE FROM response_blocks"
expect 0 b --json survey pack
want=$(sqlite3 "$tmp/big.db" "SELECT count(*) / 4096 * 4096 FROM responses")
contains "$tmp/out" "\"packed\": $want"
expect 1 b survey pack nosuch
contains "$tmp/err" "no survey 'nosuch' in the configuration"
expect 2 b survey pack --fast
expect 2 b survey pack csat extra
engines big b --json survey score csat --include-flagged
engines big_q4_stratum b --json survey score csat --period 2026Q4 --by stratum
engines big_region b --json survey score csat --by region
engines big_wave b --json survey score csat --wave W

echo "survey_dims: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
