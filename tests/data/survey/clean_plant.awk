# Survey responses with known planted defects for tests/e2e/clean.sh (survey
# pulse of clean.yaml: a1-a6 on 1-5, b1-b3 on 1-7, nps on 0-10, comment).
# Usage: awk -v seed=7 -v customers=FILE -v expected=FILE -f clean_plant.awk
# Writes the responses CSV to stdout, the customers to `customers` and, for
# every planted defect, "EXTERNAL_ID REASON" to `expected` under the default
# rules of `manyi survey clean` (10m, 1h, 60s, 5 answers, 0.5).
# R001-R150 are clean by construction (a2 differs from a1, one response per
# customer, 60 s or more, at most 4 of 10 unanswered); P01-P40 are planted
# defects and near misses. A Park-Miller generator keeps the bytes the same
# under any awk.
function rnd(n) { state = (state * 16807) % 2147483647; return int(state / 2147483647 * n) }
# minutes after 2026-03-01T00:00 local -> ISO time (March only)
function ts(m) {
  return sprintf("2026-03-%02dT%02d:%02d:00+08:00", 1 + int(m / 1440), int(m % 1440 / 60), m % 60)
}
# one row; reasons: space-separated expected flags ("" for none)
function row(id, cust, m, dur, vals, comment, reasons,    n, r, i) {
  printf "%s,pulse,C%03d,%s,%s,%s,%s\n", id, cust, ts(m), dur, vals, comment
  n = split(reasons, r, " ")
  for (i = 1; i <= n; i++) print id, r[i] > expected
}
BEGIN {
  state = seed > 0 ? seed : 7
  for (c = 1; c <= 180; c++) {
    if (c == 1) print "external_id,name,kind,created_at" > customers
    printf "C%03d,Customer %d,person,2025-01-01\n", c, c > customers
  }
  print "external_id,survey,customer_id,submitted_at,duration_s,a1,a2,a3,a4,a5,a6,b1,b2,b3,nps,comment"
  for (i = 1; i <= 150; i++) {
    v[1] = 1 + rnd(5); v[2] = v[1] % 5 + 1
    for (k = 3; k <= 6; k++) v[k] = 1 + rnd(5)
    for (k = 7; k <= 9; k++) v[k] = 1 + rnd(7)
    v[10] = rnd(11)
    if (i % 7 == 0) v[3 + rnd(8)] = ""               # one unanswered
    if (i % 11 == 0) v[3] = v[4] = v[5] = v[6] = ""  # four unanswered
    vals = v[1]; for (k = 2; k <= 10; k++) vals = vals "," v[k]
    row(sprintf("R%03d", i), i, (i - 1) * 200, 60 + rnd(900), vals, rnd(4) ? "" : "\"ok, thanks\"", "")
  }
  V1 = "4,3,5,2,4,3,6,2,5,8"; V2 = "3,4,2,4,3,5,3,6,2,6"
  V3 = "5,4,4,1,5,4,7,6,6,10"; V4 = "2,3,1,5,2,2,2,3,1,3"
  t = 22 * 1440  # from 23 March, 3 h between the groups
  # speeders: under 60 s; 60 s and no duration are not judged
  row("P01", 151, t += 180, 10, V1, "", "speeder")
  row("P02", 152, t += 180, 59, V2, "", "speeder")
  row("P03", 153, t += 180, 60, V3, "", "")
  row("P04", 154, t += 180, "", V4, "", "")
  # straight-liners: 5 or more answers on one scale, all equal
  row("P05", 155, t += 180, 300, "4,4,4,4,4,4,2,5,3,9", "", "straight_liner")   # 0-10 and 1-7 differ
  row("P06", 156, t += 180, 300, "5,5,5,5,5,,1,6,2,10", "", "straight_liner")   # exactly 5 answers
  row("P07", 157, t += 180, 300, "3,3,3,3,,,5,2,6,7", "", "")                   # 4 answers: no
  row("P08", 158, t += 180, 300, "2,2,2,,,,4,1,5,3", "", "")                    # 3 answers: no
  row("P09", 159, t += 180, 300, "3,3,3,3,3,3,3,3,3,3", "", "straight_liner")   # every answer 3: one flag
  row("P10", 160, t += 180, 300, "4,2,5,3,4,1,7,7,7,7", "", "")                 # 3 equal 1-7 items: no
  row("P11", 161, t += 180, 300, "5,5,5,5,5,5,7,7,7,10", "", "straight_liner")  # top of every scale
  # missing: more than 5 of the 10 scale questions unanswered
  row("P12", 162, t += 180, 300, ",,,,,,2,5,6,8", "", "missing")                # 6 of 10
  row("P13", 163, t += 180, 300, "4,,,,,,2,5,6,8", "", "")                      # 5 of 10: at the share
  row("P14", 164, t += 180, 300, ",,,,,,,,,", "no time", "missing")             # only the comment
  row("P15", 165, t += 180, 300, "4,2,5,3,4,1,6,2,5,9", "", "")                 # the test puts a1 out of range
  row("P16", 166, t += 180, 300, "4,2,5,3,4,1,6,2,5,", "", "")                  # one unanswered
  # duplicates: within 10 minutes whatever the answers, or the same answers within the hour
  row("P17", 167, t += 180, 300, V1, "", "");  row("P18", 167, t + 5, 300, V1, "", "duplicate")
  row("P19", 168, t += 180, 300, V2, "", "");  row("P20", 168, t + 10, 300, V3, "", "duplicate")
  row("P21", 169, t += 180, 300, V2, "", "");  row("P22", 169, t + 11, 300, V3, "", "")
  row("P23", 170, t += 180, 300, V4, "", "");  row("P24", 170, t + 50, 300, V4, "", "duplicate")
  row("P25", 171, t += 180, 300, V4, "", "");  row("P26", 171, t + 61, 300, V4, "", "")
  row("P27", 172, t += 180, 300, V1, "", "");  row("P28", 172, t + 3 * 1440, 300, V1, "", "")
  row("P29", 173, t += 180, 300, V2, "", "");  row("P30", 173, t + 8, 300, V3, "", "duplicate")
  row("P31", 173, t + 16, 300, V1, "", "duplicate")                              # 8 min after P30
  row("P32", 174, t += 180, 300, V2, "", "");  row("P33", 174, t, 300, V3, "", "duplicate")  # same time, later row
  row("P34", 175, t += 180, 300, V1, "fine", ""); row("P35", 175, t + 30, 300, V1, "fine!", "")  # the comment differs
  row("P36", 176, t += 180, 300, V2, "", "");  row("P37", 176, t + 20 * 60, 300, V3, "", "")      # 20 h later
  row("P38", 177, t += 180, 300, "5,5,5,5,5,5,7,7,7,10", "", "straight_liner")
  row("P39", 177, t + 2, 300, "5,5,5,5,5,5,7,7,7,10", "", "straight_liner duplicate")
  row("P40", 178, t += 180, 15, ",,,,,,,,,", "", "speeder missing")
}
