# wave_responses.awk: made-up answers to one survey wave, for the demo.
# Reads the CSV of `manyi outbox export` and writes, for the survey
# invitations of wave W (-v wave=2026Q4), the responses of those who answer
# as the CSV that `manyi import responses` reads, with the invitation column
# that ties each response to its invitation. Deterministic: the same outbox
# gives the same file (a small generator seeded by the customer number, no
# clock, no random source). About 45 % answer over the following three
# weeks; answers lean to 4 and 5, the NPS follows the overall answer, and a
# few speeders and straight-liners give `manyi survey clean` something to flag.
# Usage: awk -v wave=2026Q4 -v start=2026-10-02 -f wave_responses.awk outbox.csv
BEGIN {
  FS = ","
  print "external_id,survey,customer_id,submitted_at,duration_s,invitation,q_overall,q_quality,q_attitude,q_speed,q_repair,q_price,q_explain,q_wait,q_nps"
}
function next_r() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed }
function pick(lo, hi) { return lo + int(next_r() / 65536) % (hi - lo + 1) }
function lean(base) { v = base + pick(-1, 1); return v < 1 ? 1 : v > 5 ? 5 : v }
$2 == "survey_invitation" && index($0, "\"\"wave\"\":\"\"" wave "\"\"") {
  inv = substr($1, 8)                         # key "survey:<invitation>"
  customer = $5
  seed = substr(customer, 2) + 0
  for (i = 0; i < 3; i++) next_r()
  if (pick(1, 100) > 45) next
  day = pick(0, 20)
  overall = pick(1, 100) <= 80 ? pick(4, 5) : pick(1, 3)
  nps = overall >= 5 ? pick(9, 10) : overall == 4 ? pick(7, 9) : pick(0, 6)
  duration = pick(1, 100) <= 5 ? pick(10, 40) : pick(90, 600)
  line = "W" wave "-" customer ",csat," customer "," \
         sprintf("%sT%02d:%02d:00+08:00", date_after(start, day), pick(9, 20), pick(0, 59)) "," \
         duration "," inv "," overall
  if (pick(1, 100) <= 4) {                    # a straight-liner
    for (q = 0; q < 7; q++) line = line "," overall
  } else {
    for (q = 0; q < 6; q++) line = line "," lean(overall)
    line = line "," (6 - lean(overall))       # q_wait is a reverse item
  }
  print line "," nps
}
# start + n days, for n < 28 (dates of one month or the next)
function date_after(s, n,    y, m, d, len) {
  y = substr(s, 1, 4) + 0; m = substr(s, 6, 2) + 0; d = substr(s, 9, 2) + 0 + n
  len = m == 2 ? (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 29 : 28) : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31
  if (d > len) { d -= len; m++; if (m > 12) { m = 1; y++ } }
  return sprintf("%04d-%02d-%02d", y, m, d)
}
