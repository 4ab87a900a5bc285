#!/usr/bin/env bash
# Metamorphic tests of the survey math and the report (issue 15): a net
# under the scoring engine that needs no expected values. One database with
# three design-weighted waves (2026Q3: stratified by tier; 2026Q4:
# stratified by region and a cluster wave of whole regions), every response
# answering an invitation (so every row carries a design weight), then:
#   scale    every weight times 7.3                -> no estimate changes
#   permute  the rows re-imported in another order -> nothing changes
#   dup      every PSU duplicated with its weight  -> point estimates stay
# each comparing EVERY leaf of `survey score --json` (whole period, --by
# tier, --by region, one wave) and of `report satisfaction --format json`
# (tests/e2e/lib/metamorphic.py says which figures may change and why);
# the groups' weighted counts sum to the total; the report's numbers equal
# `survey score`'s for the same period.
# Usage: metamorphic.sh MANYI SOURCE_DIR
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib/assert.sh"
command -v python3 >/dev/null || { echo "metamorphic: python3 not found: skipped" >&2; exit 77; }
walk=$src/tests/e2e/lib/metamorphic.py
cfg=$example/manyi.yaml

# setup DB: customers and tiers, the three waves sampled (same seeds: the
# same invitations in every database)
setup() {
  local db=$1
  m() { "$manyi" --config "$cfg" --db "$db" "$@"; }
  expect 0 m init
  for f in customers orders; do expect 0 m import "$f" "$example/data/$f.csv"; done
  MANYI_NOW=2026-07-02T09:00:00+08:00 expect 0 m eval tiers
  MANYI_NOW=2026-07-02T09:00:00+08:00 expect 0 m survey sample csat --wave Q3 --method stratified --by tier --size 150 --seed 3
  MANYI_NOW=2026-11-23T09:00:00+08:00 expect 0 m survey sample csat --wave W --method stratified --by region --size 300 --seed 11 --quiet-days 0
  MANYI_NOW=2026-11-23T09:00:00+08:00 expect 0 m survey sample csat --wave W2 --method cluster --by region --clusters 2 --seed 5 --quiet-days 0
}
# outputs DB NAME: the JSON documents compared
outputs() {
  local db=$1 name=$2
  m() { "$manyi" --config "$cfg" --db "$db" "$@"; }
  m --json survey score csat --period 2026Q4 >"$tmp/$name.score.json" || bad "score $name"
  m --json survey score csat --period 2026Q4 --by tier >"$tmp/$name.tier.json" || bad "score --by tier $name"
  m --json survey score csat --period 2026Q4 --by region >"$tmp/$name.region.json" || bad "score --by region $name"
  m --json survey score csat --period 2026Q3 >"$tmp/$name.q3.json" || bad "score 2026Q3 $name"
  m --json survey score csat --wave W >"$tmp/$name.wave.json" || bad "score --wave W $name"
  MANYI_NOW=2026-12-01T09:00:00+08:00 m report satisfaction --period 2026Q4 --format json \
    --output "$tmp/$name.report.json" || bad "report $name"
}

setup "$tmp/base.db"
# Each invited customer answers with their first example response: Q3 on 5
# August, W on 24 November, W2 on 25 November, every wave's answers at the
# same instant (so the store's row order is the import order).
sqlite3 -csv -header :memory: "attach '$tmp/base.db' as w" ".import --csv $example/data/responses.csv ex" \
  "select 'M' || printf('%04d', i.id) external_id, 'csat' survey, c.external_id customer_id,
     case v.code when 'Q3' then '2026-08-05T10:00:00+08:00' when 'W' then '2026-11-24T10:00:00+08:00'
       else '2026-11-25T10:00:00+08:00' end submitted_at,
     i.external_id invitation, x.q_overall, x.q_quality, x.q_attitude, x.q_speed, x.q_repair, x.q_price,
     x.q_explain, x.q_wait, x.q_nps
   from w.invitations i join w.survey_waves v on v.id = i.wave_id join w.customers c on c.id = i.customer_id
   join ex x on x.external_id = (select min(external_id) from ex y where y.customer_id = c.external_id)
   order by i.id" >"$tmp/answers.csv"
same "$(( $(wc -l <"$tmp/answers.csv") > 300 ))" 1 "several hundred answers"
for db in base permute dup; do [ "$db" = base ] || setup "$tmp/$db.db"; done
same "$(sqlite3 "$tmp/permute.db" "select group_concat(external_id || weight || coalesce(stratum, '')) from invitations")" \
  "$(sqlite3 "$tmp/base.db" "select group_concat(external_id || weight || coalesce(stratum, '')) from invitations")" \
  "the same seeds draw the same invitations"
# --no-alerts: the relations are the survey figures'; the report's follow-ups
# count tickets, which a copy of every answer rightly doubles
"$manyi" --config "$cfg" --db "$tmp/base.db" import responses "$tmp/answers.csv" --no-alerts >/dev/null && ok || bad "import base"
outputs "$tmp/base.db" base

# --- scale: every design weight times 7.3
cp "$tmp/base.db" "$tmp/scale.db"
sqlite3 "$tmp/scale.db" "update invitations set weight = weight * 7.3"
outputs "$tmp/scale.db" scale

# --- permute: the same answers, shuffled, into a fresh database
python3 -c "
import random, sys
rows = open(sys.argv[1]).read().splitlines()
body = rows[1:]; random.Random(15).shuffle(body)
assert body != rows[1:]
print('\n'.join([rows[0]] + body))" "$tmp/answers.csv" >"$tmp/shuffled.csv"
"$manyi" --config "$cfg" --db "$tmp/permute.db" import responses "$tmp/shuffled.csv" --no-alerts >/dev/null && ok || bad "import shuffled"
same "$(sqlite3 "$tmp/permute.db" "select group_concat(external_id) from (select external_id from responses order by id limit 5)")" \
  "$(sed -n '2,6p' "$tmp/shuffled.csv" | cut -d, -f1 | paste -sd,)" "the store holds the rows in the shuffled order"
outputs "$tmp/permute.db" permute

# --- dup: every PSU twice. A stratified wave's PSU is the response: a copy
# in the same stratum with the same weight. The cluster wave's PSU is its
# cluster (its stratum column): a copy of every member in a new cluster.
# A wave invites a customer once: the copy answers as a copy of the customer
# (same tier and region).
sqlite3 "$tmp/dup.db" "insert into customers(external_id, name, kind, region, industry, tier, created_at)
    select external_id || '-2', name, kind, region, industry, tier, created_at from customers
    where id in (select customer_id from invitations) order by id;
  insert into invitations(external_id, survey_id, customer_id, ticket_id, channel, stratum, weight, status, created_at, wave_id)
  select i.external_id || '-2', i.survey_id, (select k.id from customers k where k.external_id = c.external_id || '-2'),
    i.ticket_id, i.channel, case v.method when 'cluster' then i.stratum || '-2' else i.stratum end, i.weight,
    i.status, i.created_at, i.wave_id
  from invitations i join survey_waves v on v.id = i.wave_id join customers c on c.id = i.customer_id order by i.id"
awk -F, -v OFS=, 'NR > 1 { $1 = $1 "-2"; $3 = $3 "-2"; $5 = $5 "-2"; print }' "$tmp/answers.csv" | cat "$tmp/answers.csv" - >"$tmp/doubled.csv"
"$manyi" --config "$cfg" --db "$tmp/dup.db" import responses "$tmp/doubled.csv" --no-alerts >/dev/null && ok || bad "import doubled"
same "$(sqlite3 "$tmp/dup.db" "select count(*) from responses")" "$(( 2 * ($(wc -l <"$tmp/answers.csv") - 1) ))" "every answer twice"
outputs "$tmp/dup.db" dup

keep=${METAMORPHIC_KEEP:-}
[ -n "$keep" ] && cp "$tmp"/*.json "$keep"/
for rel in scale permute dup; do
  for out in score tier region q3 wave report; do
    if res=$(python3 "$walk" "$rel" "$tmp/base.$out.json" "$tmp/$rel.$out.json" 2>"$tmp/walk.err"); then
      ok; echo "ok   $rel $out: $res"
    else
      bad "$rel $out: $res"; cat "$tmp/walk.err" >&2
    fi
  done
done

# --- the groups' weighted counts add up to the total (every customer has a
# tier and a region, so every row is in a group)
for by in tier region; do
  same "$(python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
def close(a, b): return abs(a - b) <= 1e-9 * max(1, abs(b))
out = []
for fig, groups in (('csat', d['groups']), ('nps', d['nps']['groups'])):
    tot = d[fig] if fig == 'csat' else d['nps']
    for k in ('sum_weights', 'n') + (('x',) if fig == 'csat' else ()):
        g = sum((v['csat'] if fig == 'csat' else v)[k] for v in groups.values())
        out.append(f'{fig}.{k}:' + ('ok' if close(g, tot[k]) else f'{g}!={tot[k]}'))
print(' '.join(out))" "$tmp/base.$by.json")" \
    "csat.sum_weights:ok csat.n:ok csat.x:ok nps.sum_weights:ok nps.n:ok" "--by $by: groups add up to the total"
done

# --- the report's numbers are survey score's for the same period
res=$(python3 - "$tmp/base.report.json" "$tmp/base.score.json" "$tmp/base.q3.json" "$tmp/base.tier.json" "$tmp/base.region.json" <<'EOF'
import json, sys
r, s, q3, tier, region = (json.load(open(f)) for f in sys.argv[1:])
pairs = []  # (name, report's, score's)
def fig(name, rep, sc, vkey, k):
    pairs.append((f'{name}.value', rep['value'], k * sc[vkey]))
    for f in ('ci_lower', 'ci_upper', 'se'):
        pairs.append((f'{name}.{f}', rep[f], k * sc[f]))
    pairs.append((f'{name}.n', rep['n'], sc['n']))
for cur, sc in (('headline', s), ('previous', q3)):
    for name, vkey, k in (('csat', 'p', 100), ('nps', 'nps', 1), ('index', 'index', 1)):
        h = r['headline'][name] if cur == 'headline' else r['headline'][name]['previous']
        fig(f'{cur}.{name}', h, sc[name], vkey, k)
for d in r['dimensions']:
    pairs.append((f"dimension.{d['dimension']}", d['score'], s['index']['dimension_score_0_100'][d['dimension']]))
    pairs.append((f"dimension.{d['dimension']}.previous", d['previous'], q3['index']['dimension_score_0_100'][d['dimension']]))
    pairs.append((f"dimension.{d['dimension']}.weight", d['weight'], s['index']['weights'][d['dimension']]))
for by, sc in (('tier', tier), ('region', region)):
    assert len(r['breakdowns'][by]) == len(sc['groups']), by
    for g in r['breakdowns'][by]:
        lv = g['group']
        pairs.append((f'{by}.{lv}.responses', g['responses'], sc['groups'][lv]['responses']))
        fig(f'{by}.{lv}.csat', g['csat'], sc['groups'][lv]['csat'], 'p', 100)
        # NPS and index of a group: the values only. The report scores a
        # group's NPS and index on its rows alone (a subset), `survey score
        # --by` as a domain of the whole design (R's svyby), so their SEs
        # differ (2026Q4 tier A NPS: 2.6 against 8.5): to be made one.
        pairs.append((f'{by}.{lv}.nps', g['nps']['value'], sc['nps']['groups'][lv]['nps']))
        pairs.append((f'{by}.{lv}.index', g['index']['value'], sc['index']['groups'][lv]['index']))
last = r['trend'][-1]
for name in ('csat', 'nps', 'index'):
    pairs.append((f'trend.last.{name}', last[name]['value'], r['headline'][name]['value']))
    pairs.append((f'trend.previous.{name}', r['trend'][-2][name]['value'], r['headline'][name]['previous']['value']))
q4 = r['company_target']['quarters'][-1]
pairs += [('company.Q4.csat', q4['csat'], 100 * s['csat']['p']), ('company.Q4.ci_lower', q4['ci_lower'], 100 * s['csat']['ci_lower']),
          ('company.Q3.csat', r['company_target']['quarters'][-2]['csat'], 100 * q3['csat']['p']),
          ('sample.scored', r['sample']['scored'], s['responses'])]
bad = [f'{n}: report {a!r}, score {b!r}' for n, a, b in pairs
       if not (a is None and b is None or a is not None and b is not None and abs(a - b) <= 1e-9 * max(1, abs(b)))]
print(len(pairs), len(bad), '; '.join(bad[:6]))
EOF
)
same "${res#* }" "0 " "report = survey score ($res)"

echo "metamorphic: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
