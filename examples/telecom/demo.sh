#!/usr/bin/env bash
# The telecom example end to end: a day (and the morning after) at the
# operator's customer service, with the clock set by MANYI_NOW. Same engine
# as examples/after-sales; calendars, departments, SLA, processes and the
# routing and tier rules are this folder's manyi.yaml and policies/*.lua.
# Usage: demo.sh MANYI_BINARY DATABASE
set -euo pipefail
manyi=${1:?usage: demo.sh MANYI_BINARY DATABASE}
db=${2:?usage: demo.sh MANYI_BINARY DATABASE}
here=$(cd "$(dirname "$0")" && pwd)
run() { echo "\$ manyi $*"; "$manyi" --config "$here/manyi.yaml" --db "$db" "$@"; }
at() { export MANYI_NOW=$1; echo; echo "--- $1  $2"; }

rm -f "$db" "$db-wal" "$db-shm"
at 2026-12-07T07:00:00+08:00 "Monday morning, before opening: load and classify"
run check
run init
for entity in customers staff orders; do
  run import "$entity" "$here/data/$entity.csv"
done
run eval tiers                  # gold / silver / standard by ARPU and tenure
run explain tier K0004          # high ARPU but under a year with us: standard
run tick                        # the scheduler sees its recurring jobs

at 2026-12-07T09:30:00+08:00 "a gold customer asks by chat to move to a 5G plan"
run ticket open --customer K0001 --kind business_request --category general --severity medium \
  --channel chat --subject '升级到5G畅享套餐' --id BIZ1
run ticket assign BIZ1 E07
at 2026-12-07T10:00:00+08:00 "the business office checks the documents"
run ticket stage BIZ1 verified
at 2026-12-07T10:30:00+08:00 "the ID card copy is missing: back to the customer, clock paused"
run ticket stage BIZ1 documents_missing --reason '缺身份证复印件'

at 2026-12-07T19:00:00+08:00 "a silver customer complains by phone: broadband keeps dropping"
run ticket open --customer K0002 --kind complaint --category technical --severity high \
  --channel phone --subject '家里宽带连续三天掉线' --id CMP1
run ticket sla CMP1             # the 12-hour rule in natural hours: Tue 07:00

at 2026-12-07T20:50:00+08:00 "the same question in a shop and on the phone"
run ticket open --customer K0003 --kind inquiry --category general --severity low \
  --channel visit --subject '国际漫游怎么开通' --id SHOP1
run ticket open --customer K0003 --kind inquiry --category general --severity low \
  --channel phone --subject '国际漫游怎么开通' --id CALL1
run ticket sla SHOP1            # shops close at 21:00: deadline Tue 09:05
run ticket sla CALL1            # the hotline is open until 22:00: deadline 21:05
at 2026-12-07T20:55:00+08:00 "both answered at once"
run ticket reply SHOP1 '已在柜台开通国际漫游'
run ticket resolve SHOP1 '柜台办理完成'
run ticket reply CALL1 '发送短信 KTMY 到 10086 即可开通'
run ticket resolve CALL1 '已告知开通方式'

at 2026-12-07T21:00:00+08:00 "a standard customer complains by chat about a data charge"
run ticket open --customer K0003 --kind complaint --category general --severity medium \
  --channel chat --subject '套餐外流量扣费不明' --id CMP2
at 2026-12-07T21:30:00+08:00 "the complaints desk answers CMP1 before the hotline closes"
run ticket stage CMP1 acknowledged

at 2026-12-08T03:00:00+08:00 "the scheduler runs all night: CMP2 has used half of its 12 h"
run tick
at 2026-12-08T06:00:00+08:00 "scheduler: CMP2 at 75 %"
run tick
at 2026-12-08T09:00:00+08:00 "scheduler: CMP2's 12 h are gone"
run tick

at 2026-12-08T10:00:00+08:00 "Tuesday: a complaint made in a shop still goes to the complaints desk"
run ticket open --customer K0004 --kind complaint --category general --severity medium \
  --channel visit --subject '营业厅排队两小时' --id CMP3
at 2026-12-08T14:00:00+08:00 "the customer sends the ID copy; the business office goes on"
run ticket stage BIZ1 verified
at 2026-12-08T15:00:00+08:00 "BIZ1 approved; CMP1 investigated"
run ticket stage BIZ1 approved
run ticket stage CMP1 investigated
at 2026-12-08T16:00:00+08:00 "scheduler: CMP3 at 50 %"
run tick
run ticket stage BIZ1 provisioned
run ticket stage CMP1 compensated --reason '赠送10GB流量'
at 2026-12-08T16:30:00+08:00 "the customer is told the new plan is active"
run ticket stage BIZ1 customer_informed
run ticket sla BIZ1             # the hours without documents are not counted
at 2026-12-08T18:00:00+08:00 "the customer accepts the compensation: CMP1 resolved"
run ticket stage CMP1 customer_agreed
at 2026-12-08T19:00:00+08:00 "scheduler: CMP3 at 75 %"
run tick
at 2026-12-08T20:00:00+08:00 "CMP2 and CMP3 answered (23 h and 10 h after they came in)"
run ticket stage CMP2 acknowledged
run ticket stage CMP3 acknowledged
run ticket sla CMP2

at 2026-12-09T10:00:00+08:00 "Wednesday: CMP1's callback is due (6 h of hotline time after 18:00)"
run tick
at 2026-12-09T15:00:00+08:00 "BIZ1's callback is due (6 h of back-office time after 16:30)"
run tick
run outbox list
run ticket followup CMP1 '客户确认宽带已稳定'
run ticket list

# Would an 8-hour rule have been kept? (CMP3 took 10 h.)
run sla backtest --kind complaint --target first_response=8h --period 2026-12
