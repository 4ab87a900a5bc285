#!/usr/bin/env bash
# End-to-end: survey waves on the bundled example — sampling (sizes worked
# out by hand from the frame), dispatch and reminders through the outbox,
# responses against invitations, response rates and cleaning flags.
# Usage: survey.sh MANYI SOURCE_DIR MANYI_GEN
set -uo pipefail
manyi=$1
src=$2
example=$src/examples/after-sales
data=$example/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib/assert.sh"
m() { "$manyi" --config "$example/manyi.yaml" --db "$tmp/ex.db" "$@"; }
sql() { sqlite3 "$tmp/ex.db" "$1"; }
jx() { sqlite3 :memory: "select json_extract(readfile('$tmp/out'), '$1')"; }
export MANYI_NOW=2026-11-23T09:00:00+08:00

expect 0 m init
for f in customers staff orders; do expect 0 m import "$f" "$data/$f.csv"; done
expect 0 m eval tiers

# --- the frame: a consented channel with an address, no open complaint,
# counted here independently of the engine
frame=$(sql "select count(*) from customers c where ((consent_email and email is not null) or (consent_sms and phone is not null) or (consent_phone and phone is not null)) and not exists (select 1 from tickets t where t.customer_id = c.id and t.kind = 'complaint' and t.status not in ('resolved','closed'))")
same "$frame" 1598 "eligible customers of the example"
same "$(sql "select group_concat(n, ' ') from (select tier, count(*) n from customers where (consent_email and email is not null) or (consent_sms and phone is not null) or (consent_phone and phone is not null) group by tier order by tier)")" \
  "47 106 1186 259" "frame by tier"

# --- stratified, proportional: 200 of 1598 -> 5.882, 13.267, 148.436, 32.416;
# floors give 198, the largest remainders (A .882, C .436) one more each
expect 0 m --json survey sample csat --wave Q4 --method stratified --by tier --size 200 --seed 7
same "$(jx '$.frame') $(jx '$.sample')" "1598 200" "wave size"
same "$(jx '$.strata[0].sample') $(jx '$.strata[1].sample') $(jx '$.strata[2].sample') $(jx '$.strata[3].sample')" \
  "6 13 149 32" "proportional allocation"
same "$(sql "select printf('%.6f', weight) from invitations where stratum = 'A' limit 1")" "7.833333" "design weight 47/6"
same "$(sql "select count(*) || ' ' || count(distinct customer_id) from invitations where wave_id = 1")" "200 200" "one invitation per customer"
expect 0 m survey sample csat --wave Q4 --method stratified --by tier --size 200 --seed 7
contains "$tmp/out" "nothing added"
same "$(sql "select count(*) from invitations")" 200 "a rerun adds no invitation"
expect 1 m survey sample csat --wave Q4 --method stratified --by tier --size 100 --seed 7
contains "$tmp/err" "was drawn with another design"
# --- size from the margin: n0 = 1.959964^2 * .25 / .05^2 = 384.146; with the
# finite-population correction 384.146 / (1 + 383.146 / 1598) = 309.85 -> 310.
# The frame is smaller now: the 200 invited are in their quiet period.
expect 0 m --json survey sample csat --wave S1 --margin 0.05 --dry-run
same "$(jx '$.frame')" 1398 "the invited wait 90 days"
# 384.146 / (1 + 383.146 / 1398) = 301.51 -> 302
same "$(jx '$.sample') $(jx '$.dry_run')" "302 1" "Cochran size with fpc"
same "$(sql "select count(*) from survey_waves")" 1 "a dry run stores nothing"
expect 0 m --json survey sample csat --wave C1 --method cluster --by region --clusters 2 --seed 3 --dry-run
same "$(jx '$.sample')" "$(sqlite3 :memory: "select sum(json_extract(value, '$.population')) from json_each(json_extract(readfile('$tmp/out'), '$.strata')) where json_extract(value, '$.sample') > 0")" \
  "clusters are taken whole"
same "$(sqlite3 :memory: "select count(*) || ' ' || max(json_extract(value, '$.weight')) from json_each(json_extract(readfile('$tmp/out'), '$.strata')) where json_extract(value, '$.sample') > 0")" \
  "2 2.5" "two of five regions, weight 5/2"
# A cluster sample's size is what its clusters hold: --size or --margin would be
# ignored, so they are refused; --clusters belongs to cluster sampling only.
expect 2 m survey sample csat --wave C2 --method cluster --by region --clusters 2 --size 100
contains "$tmp/err" "--method cluster takes whole clusters: say how many with --clusters M, not --size or --margin"
expect 2 m survey sample csat --wave C2 --method cluster --by region --size 100
contains "$tmp/err" "not --size or --margin"
expect 2 m survey sample csat --wave C2 --method cluster --by region --clusters 2 --size 0
expect 2 m survey sample csat --wave C2 --method cluster --by region --margin 0.05
contains "$tmp/err" "not --size or --margin"
expect 2 m survey sample csat --wave C2 --method cluster --by region
contains "$tmp/err" "needs --clusters M"
expect 2 m survey sample csat --wave C2 --size 100 --clusters 2
contains "$tmp/err" "--clusters is for --method cluster"
same "$(sql "select count(*) from survey_waves where code = 'C2'")" 0 "refused samples store nothing"
# ... and in a scheduled wave's sample: the configuration is refused, with its place
sed -e 's#sample: {method: stratified, by: tier, size: 200, seed: 2026}#sample: {method: cluster, by: region, clusters: 2, size: 200}#' \
    -e 's#\.\./\.\./policies/#'"$src"'/policies/#' "$example/manyi.yaml" >"$tmp/cluster.yaml"
[ "$(diff "$example/manyi.yaml" "$tmp/cluster.yaml" | grep -c '^> .*clusters: 2, size: 200')" = 1 ] && ok || bad "cluster.yaml"
expect 1 "$manyi" --config "$tmp/cluster.yaml" check
contains "$tmp/err" "cluster.yaml:$(grep -n 'clusters: 2, size: 200' "$tmp/cluster.yaml" | cut -d: -f1):"
contains "$tmp/err" "sample: method: cluster takes whole clusters (clusters: M), so size: would be ignored"
expect 1 m survey sample csat --wave N1 --method stratified --by tier --allocation neyman --question q_overall --size 50
contains "$tmp/err" "needs 2 or more"      # no answers stored yet
expect 2 m survey sample csat --wave X --size 10 --seed -1
expect 1 m survey sample csat --wave X --method stratified --size 10
contains "$tmp/err" "needs --by"
expect 1 m survey sample csat --wave X --method stratified --by phone --size 10
contains "$tmp/err" "cannot stratify by 'phone'"
expect 1 m survey sample nope --wave X --size 10;  contains "$tmp/err" "no survey 'nope'"
expect 1 m survey sample csat --wave X --size 5000; contains "$tmp/err" "a sample of 5000 from 1398"

# --- dispatch and reminders
# planted: since the sample, two invited customers of stratum A withdrew consent
# to their invitation's channel and a third lost the address: 197 are sent
read -r w1 ch1 w2 ch2 w3 ch3 <<<"$(sql "select group_concat(c.external_id || ' ' || i.channel, ' ') from (select * from invitations where stratum = 'A' order by id limit 3) i join customers c on c.id = i.customer_id")"
expect 0 m customer edit "$w1" --consent-"$ch1" 0
expect 0 m customer edit "$w2" --consent-"$ch2" 0
if [ "$ch3" = email ]; then expect 0 m customer edit "$w3" --email ''; else expect 0 m customer edit "$w3" --phone ''; fi
expect 0 m survey dispatch csat --wave Q4;         contains "$tmp/out" "197 invitations"
contains "$tmp/out" "3 not sent: the customer withdrew consent"
expect 0 m survey dispatch csat --wave Q4;         contains "$tmp/out" " 0 invitations"
same "$(sql "select count(*) from outbox where kind = 'survey_invitation' and status = 'ready'")" 197 "one message per invitation"
same "$(sql "select count(*) from outbox o join invitations i on 'survey:' || i.external_id = o.key where o.channel = i.channel and o.status = 'ready'")" 197 "on the invitation's channel"
# in the words of notify.templates.survey_invitation (the customer's name, the survey's Chinese one)
same "$(sql "select count(*) from outbox o join invitations i on 'survey:' || i.external_id = o.key join customers c on c.id = i.customer_id where o.subject = '【售后服务】' || c.name || '您好，邀请您参加「售后服务满意度调查」，告诉我们这次服务做得怎么样。'")" 200 "invitation text"
same "$(sql "select group_concat(c.external_id || ' ' || o.recipient || ' ' || o.reason || ' ' || i.status, '; ') from outbox o join invitations i on 'survey:' || i.external_id = o.key join customers c on c.id = i.customer_id where o.status = 'skipped' order by o.id")" \
  "$w1 customer:$w1 the customer withdrew consent to $ch1 pending; $w2 customer:$w2 the customer withdrew consent to $ch2 pending; $w3 customer:$w3 the customer has no $ch3 address any more pending" "not sent, and why"
expect 1 m survey dispatch csat --wave Q9;         contains "$tmp/err" "has no wave 'Q9'"

# --- responses against invitations
read -r inv cust <<<"$(sql "select i.external_id, c.external_id from invitations i join customers c on c.id = i.customer_id where i.stratum = 'C' order by i.id limit 1" | tr '|' ' ')"
read -r inv2 cust2 <<<"$(sql "select i.external_id, c.external_id from invitations i join customers c on c.id = i.customer_id where i.stratum = 'A' order by i.id limit 1" | tr '|' ' ')"
printf '%s\n' 'external_id,survey,customer_id,submitted_at,duration_s,invitation,q_overall,q_quality,q_nps' \
  "X1,csat,$cust,2026-11-24T10:00:00+08:00,300,$inv,4,5,9" \
  "X2,csat,$cust2,2026-11-24T10:00:00+08:00,300,$inv,4,5,9" \
  "X3,csat,$cust2,2026-11-24T10:00:00+08:00,300,NOPE,4,5,9" >"$tmp/r.csv"
expect 1 m import responses "$tmp/r.csv"
contains "$tmp/err" "was sent to another customer or for another survey"
expect 3 m import responses "$tmp/r.csv" --rejects "$tmp/rej.csv"   # 3: some rows rejected
contains "$tmp/rej.csv" "unknown invitation 'NOPE'"
# a second answer to an invitation: refused at its line, with the first answer named
printf '%s\n' 'external_id,survey,customer_id,submitted_at,duration_s,invitation,q_overall,q_quality,q_nps' \
  "X4,csat,$cust,2026-11-24T11:00:00+08:00,300,$inv,2,2,2" >"$tmp/r2.csv"
expect 1 m import responses "$tmp/r2.csv"
contains "$tmp/err" "r2.csv:2: field 'invitation': its invitation was answered already, by response 'X1'"
expect 0 m --json survey status csat --wave Q4
same "$(jx '$[2].stratum') $(jx '$[2].answered') $(jx '$[4].answered') $(jx '$[4].sent')" "C 1 1 197" "answered by stratum"
# 1 of 149 sent in stratum C
same "$(jx '$[2].response_rate')" "$(sqlite3 :memory: 'select 1.0/149')" "response rate"
export MANYI_NOW=2026-11-30T09:00:00+08:00   # 7 days later
expect 0 m survey remind csat --wave Q4 --after 169h; contains "$tmp/out" " 0 reminders"
# one more withdrew consent after the invitation: no reminder, a skipped row
read -r w4 ch4 <<<"$(sql "select c.external_id || ' ' || i.channel from invitations i join customers c on c.id = i.customer_id where i.status = 'sent' and i.stratum = 'B' order by i.id limit 1")"
expect 0 m customer edit "$w4" --consent-"$ch4" 0
expect 0 m --json survey remind csat --wave Q4 --after 168h
same "$(jx '$.reminded') $(jx '$.skipped')" "195 1" "195 reminders, 1 withdrawn"
same "$(sql "select subject from outbox where kind = 'survey_reminder' and status = 'ready' order by id limit 1")" \
  "【售后服务】$(sql "select c.name from outbox o join customers c on c.id = o.customer_id where o.kind = 'survey_reminder' and o.status = 'ready' order by o.id limit 1")您好，「售后服务满意度调查」还在等您的意见，几分钟即可完成。" "reminder text"
expect 0 m survey remind csat --wave Q4 --after 168h; contains "$tmp/out" " 0 reminders"
lacks "$tmp/out" "not sent"
same "$(sql "select o.reason from outbox o join invitations i on 'survey-reminder:' || i.external_id = o.key join customers c on c.id = i.customer_id where o.status = 'skipped' and c.external_id = '$w4'")" \
  "the customer withdrew consent to $ch4" "reminder not sent, and why"
expect 2 m survey remind csat --wave Q4;              contains "$tmp/err" "needs --after"

# --- cleaning: five customers' responses made to show one of each reason
# (scale questions of csat: 9; open: q_comment)
printf '%s\n' 'external_id,survey,customer_id,submitted_at,duration_s,q_overall,q_quality,q_attitude,q_speed,q_repair,q_price,q_explain,q_wait,q_nps' \
  'K1,csat,C0000101,2026-11-25T10:00:00+08:00,200,4,4,5,3,4,4,5,2,8' \
  'K2,csat,C0000101,2026-11-25T10:05:00+08:00,200,4,4,5,3,5,4,5,2,8' \
  'K3,csat,C0000102,2026-11-25T10:00:00+08:00,20,4,4,5,3,4,4,5,2,8' \
  'K4,csat,C0000103,2026-11-25T10:00:00+08:00,200,3,3,3,3,3,3,3,3,3' \
  'K5,csat,C0000104,2026-11-25T10:00:00+08:00,200,4,,,,,,,,8' \
  'K6,csat,C0000105,2026-11-25T10:00:00+08:00,,5,4,5,4,4,4,5,2,9' >"$tmp/k.csv"
expect 0 m import responses "$tmp/k.csv"
# K2: C0000101 again 5 minutes later (one answer changed: a duplicate by
# time); K3: 20 s; K4: eight 1-5 answers, all 3; K5: 7 of 9 unanswered
# (> 0.5); X1 (2 of 9 answered) is missing too; K6: no duration, not judged
expect 0 m --json survey clean csat
same "$(jx '$.duplicate.flagged') $(jx '$.speeder.flagged') $(jx '$.straight_liner.flagged') $(jx '$.out_of_range.flagged') $(jx '$.missing.flagged')" \
  "1 1 1 0 2" "one flag of each kind"
same "$(sql "select group_concat(x, ' ') from (select r.external_id || ':' || f.reason x from response_flags f join responses r on r.id = f.response_id order by r.external_id, f.reason)")" \
  "K2:duplicate K3:speeder K4:straight_liner K5:missing X1:missing" "the flagged responses"
expect 0 m --json survey clean csat
same "$(jx '$.duplicate.new') $(jx '$.missing.new')" "0 0" "a rerun flags nothing new"
expect 0 m --json survey clean csat --duplicate-window 4m --straight-min 10
same "$(jx '$.duplicate.withdrawn') $(jx '$.straight_liner.withdrawn')" "1 1" "other rules withdraw flags"
expect 0 m --json survey clean csat
same "$(jx '$.duplicate.new') $(jx '$.straight_liner.new')" "1 1" "the defaults give them back"
same "$(sql "select count(*) from responses")" 7 "cleaning deletes nothing"
expect 2 m survey clean csat --max-missing 1.5
expect 2 m survey clean csat --min-duration fast

# --- scores: of the responses of 24-27 November only K1 (overall 4, nps 8)
# and K6 (5, 9) are not flagged: CSAT 2 of 2; NPS 1 promoter, 1 passive = 50
expect 0 m --json survey score csat --from 2026-11-24 --to 2026-11-27
same "$(jx '$.responses') $(jx '$.flagged_left_out') $(jx '$.csat.p') $(jx '$.nps.nps')" "2 5 1.0 50.0" "scores without the flagged"
# with them: X1 (weight 1186/149, stratum C of wave Q4) and K1-K6 (weight 1);
# every overall answer is 4 or 5 but K4's 3: p = (w + 5) / (w + 6)
expect 0 m --json survey score csat --from 2026-11-24 --to 2026-11-27 --include-flagged
same "$(printf '%.12f' "$(jx '$.csat.p')")" "$(sqlite3 :memory: "select printf('%.12f', (1186.0/149 + 5) / (1186.0/149 + 6))")" "weighted CSAT"
# the wave alone: X1
expect 0 m --json survey score csat --wave Q4 --include-flagged
same "$(jx '$.responses')" 1 "the wave's responses"
# one response: no variance (one sampling unit)
contains "$tmp/out" '"csat_error": "csat: the design has only one PSU'
contains "$tmp/out" '"index_error": "csat: the design has only one PSU'
expect 1 m survey score csat --wave Q4;  contains "$tmp/err" "all flagged: see --include-flagged"
expect 1 m survey score csat --by phone; contains "$tmp/err" "use tier, region, stratum, channel or department"

expect 0 m import responses "$data/responses.csv"
# NPS of the sms responses of 2026Q3 by --by channel, against SQL (unflagged
# responses without invitations: every weight 1)
expect 0 m --json survey score csat --period 2026Q3 --by channel
same "$(printf '%.9f' "$(jx '$.nps.groups.sms.nps')")" \
  "$(sql "select printf('%.9f', 100.0 * (sum(a.value >= 9) - sum(a.value <= 6)) / count(*)) from responses r
          join answers a on a.response_id = r.id join questions q on q.id = a.question_id
          where q.code = 'q_nps' and a.value is not null and r.channel = 'sms'
            and r.submitted_at >= unixepoch('2026-06-30T16:00:00Z') and r.submitted_at < unixepoch('2026-09-30T16:00:00Z')
            and r.id not in (select response_id from response_flags)")" "NPS of the sms channel (SQL)"
# Post-stratified to the customer base's tiers: each response weighs
# N_tier / (the period's responses of that tier), here in SQL
expect 0 m --json survey score csat --period 2026Q3 --poststratify tier
same "$(printf '%.9f' "$(jx '$.csat.p')")" \
  "$(sql "with rows as (select r.id, coalesce(c.tier, '') tier from responses r join customers c on c.id = r.customer_id
                        where r.submitted_at >= unixepoch('2026-06-30T16:00:00Z') and r.submitted_at < unixepoch('2026-09-30T16:00:00Z')
                          and r.id not in (select response_id from response_flags)),
               w as (select tier, count(*) w from rows group by tier),
               n as (select coalesce(tier, '') tier, count(*) n from customers group by 1),
               ans as (select rows.tier, a.value from rows join answers a on a.response_id = rows.id
                       join questions q on q.id = a.question_id where q.code = 'q_overall' and a.value is not null)
          select printf('%.9f', sum(n.n * 1.0 / w.w * (ans.value >= 4)) / sum(n.n * 1.0 / w.w))
          from ans join w using (tier) join n using (tier)")" "CSAT post-stratified by tier (SQL)"
same "$(jx '$.poststratified.levels.C.customers')" "$(sql "select count(*) from customers where tier = 'C'")" "the base's tier C"
expect 2 m survey score csat --poststratify stratum; contains "$tmp/err" "--poststratify: tier or region"

# Neyman with the example's 5000 past answers to q_overall: each stratum's
# sample sd (computed here with awk) and n_h within 1 of 300 N_h sd_h / sum
expect 0 m --json survey sample csat --wave N2 --method stratified --by region --allocation neyman \
  --question q_overall --size 300 --dry-run --quiet-days 0
sql "select coalesce(c.region, '(none)'), a.value from answers a join questions q on q.id = a.question_id join responses r on r.id = a.response_id join customers c on c.id = r.customer_id where q.code = 'q_overall'" |
  awk -F'|' '{ n[$1]++; s[$1] += $2; ss[$1] += $2 * $2 }
    END { for (k in n) printf "%s %.9f\n", k, sqrt((ss[k] - s[k] * s[k] / n[k]) / (n[k] - 1)) }' |
  sort >"$tmp/sd.txt"
sqlite3 :memory: "select json_extract(value, '$.stratum') || ' ' || printf('%.9f', json_extract(value, '$.sd')) from json_each(json_extract(readfile('$tmp/out'), '$.strata'))" |
  sort >"$tmp/sd_engine.txt"
same "$(cat "$tmp/sd_engine.txt")" "$(cat "$tmp/sd.txt")" "Neyman: each stratum's sd of past answers"
same "$(sqlite3 :memory: "with s as (select json_extract(value, '$.population') * json_extract(value, '$.sd') w, json_extract(value, '$.sample') n from json_each(json_extract(readfile('$tmp/out'), '$.strata'))) select sum(abs(n - 300.0 * w / (select sum(w) from s)) < 1) || ' ' || sum(n) from s")" \
  "5 300" "Neyman: n_h proportional to N_h sd_h"

# The example's 5000 answers scored by tier equal `manyi stats` on the same
# rows pivoted here in SQL (reverse item q_wait turned round: 6 - value),
# with the waves' design: a stratified wave's strata, every other wave one
# stratum, the responses without a wave one more; a lonely PSU "adjust"
expect 0 m --json survey score csat --by tier --period 2026 --include-flagged
cp "$tmp/out" "$tmp/score.json"
sqlite3 -header -csv "$tmp/ex.db" "select coalesce(c.tier, '') tier, coalesce(i.weight, 1) w,
  case wv.method when 'stratified' then wv.code || '/' || i.stratum else coalesce(wv.code, 'none') end s,
  max(case q.code when 'q_overall' then a.value end) q_overall,
  max(case q.code when 'q_nps' then a.value end) q_nps,
  max(case q.code when 'q_quality' then a.value end) q_quality,
  max(case q.code when 'q_wait' then 6 - a.value end) q_wait,
  max(case q.code when 'q_speed' then a.value end) q_speed
from responses r join customers c on c.id = r.customer_id
  left join invitations i on i.id = r.invitation_id left join survey_waves wv on wv.id = i.wave_id
  left join answers a on a.response_id = r.id left join questions q on q.id = a.question_id
where r.submitted_at >= strftime('%s', '2025-12-31T16:00:00') and r.submitted_at < strftime('%s', '2026-12-31T16:00:00')
group by r.id" >"$tmp/rows.csv"
same "$(awk -F, 'NR > 1 { print $3 }' "$tmp/rows.csv" | sort -u | tr '\n' ' ')" \
  "Q4/C none " "the rows' design strata (X1 alone in its stratum: adjust)"
expect 0 m --json stats prop "$tmp/rows.csv" --col q_overall --success 4,5 --weight w --strata s --lonely-psu adjust
same "$(sqlite3 :memory: "select printf('%.12f %.12f', json_extract(readfile('$tmp/score.json'), '$.csat.p'), json_extract(readfile('$tmp/score.json'), '$.csat.se'))")" \
  "$(printf '%.12f %.12f' "$(jx '$.p')" "$(jx '$.se')")" "CSAT = stats prop on the rows"
expect 0 m --json stats nps "$tmp/rows.csv" --col q_nps --by tier --weight w --strata s --lonely-psu adjust
same "$(sqlite3 :memory: "select printf('%.12f %.12f', json_extract(readfile('$tmp/score.json'), '$.nps.groups.A.nps'), json_extract(readfile('$tmp/score.json'), '$.nps.groups.A.se'))")" \
  "$(printf '%.12f %.12f' "$(jx '$.groups.A.nps')" "$(jx '$.groups.A.se')")" "NPS of tier A = stats nps on the rows"
expect 0 m --json stats index "$tmp/rows.csv" --dims 'response_speed:1:1:5:q_speed,q_wait' --weight w
same "$(sqlite3 :memory: "select printf('%.12f', json_extract(readfile('$tmp/score.json'), '$.index.dimension_score_0_100.response_speed'))")" \
  "$(printf '%.12f' "$(jx '$.dimension_score_0_100.response_speed')")" "response speed (with the reverse item) = stats index"
expect 0 m --json stats index "$tmp/rows.csv" --dims 'response_speed:1:1:5:q_speed,q_wait' --weight w --strata s --lonely-psu adjust
same "$(jx '$.design.strata_count') $(jx '$.design.lonely_psu')" "2 adjust" "stats index with the waves' strata"
expect 2 m stats index "$tmp/rows.csv" --dims 'response_speed:1:1:5:q_speed,q_wait' --lonely-psu adjust
contains "$tmp/err" "--lonely-psu needs --strata"

# Duplicates on the example, counted here with a window function: a response
# with an earlier one (by time, then id) of the same customer within 10 minutes
# (the default window; the example's pairs with the same answers within the
# hour are all within 10 minutes, tests/e2e/clean.sh checks that rule)
expect 0 m --json survey clean csat
same "$(jx '$.duplicate.flagged')" "$(sql "select count(*) from (select customer_id, submitted_at - lag(submitted_at) over (partition by customer_id order by submitted_at, id) gap from responses) where gap <= 600")" \
  "duplicates agree with a window-function count"

# --- coding open answers (policies/coding.lua with the example's keywords):
# each category's count equals an SQL count of the comments holding one of
# its keywords (ASCII compared without case, Chinese as written)
expect 0 m --json survey code csat
cp "$tmp/out" "$tmp/code.json"
kw() { sql "select count(*) from answers a join questions q on q.id = a.question_id where q.code = 'q_comment' and a.text is not null and ($1)"; }
cat_count() { sqlite3 :memory: "select coalesce((select json_extract(value, '$.count') from json_each(json_extract(readfile('$tmp/code.json'), '$.answers')) where json_extract(value, '$.category') = '$1'), 0)"; }
same "$(cat_count praise)" "$(kw "lower(a.text) like '%great%' or lower(a.text) like '%thank you%' or a.text like '%满意%' or a.text like '%点赞%'")" "praise"
same "$(cat_count delivery)" "$(kw "lower(a.text) like '%delivery%' or lower(a.text) like '%installation%' or a.text like '%上门%' or a.text like '%准时%'")" "delivery"
same "$(cat_count warranty)" "$(kw "lower(a.text) like '%warranty%' or a.text like '%保修%'")" "warranty (Chinese keyword)"
same "$(jx '$.texts')" "$(kw 1)" "every comment read once"
expect 0 m --json survey code csat
same "$(jx '$.texts')" 0 "a rerun codes nothing new"
expect 0 m --json survey code csat --recode
praise=$(cat_count praise)
cp "$tmp/out" "$tmp/code.json"
same "$(jx '$.texts') $(cat_count praise)" "$(kw 1) $praise" "recoding gives the same counts"

# --- a response whose packed answers were broken by hand (schema 11 keeps
# them in responses.scale_answers): the score names it and stores nothing
cp "$tmp/ex.db" "$tmp/bad.db"
broken=$(sqlite3 "$tmp/bad.db" "SELECT min(id) FROM responses WHERE flagged = 0")
sqlite3 "$tmp/bad.db" "UPDATE responses SET scale_answers = '{\"1\":\"x\"}' WHERE id = $broken"
expect 1 "$manyi" --config "$example/manyi.yaml" --db "$tmp/bad.db" survey score csat
contains "$tmp/err" "response $broken: scale_answers is not a JSON object of question ids and numbers"
expect_fail() { sqlite3 "$tmp/bad.db" "$1" >/dev/null 2>&1 && bad "accepted: $1" || ok; }
expect_fail "UPDATE responses SET scale_answers = '[5, 4]' WHERE id = 6"

echo "survey: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
