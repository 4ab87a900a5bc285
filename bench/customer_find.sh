#!/usr/bin/env bash
# The front desk's look-up benchmark: `manyi customer find` by phone on a
# million customers, against the plain SELECT on the indexed column.
#
#   bash bench/customer_find.sh BUILD_DIR
#
# 1. manyi-gen writes BENCH_CUSTOMERS customers (default 1,000,000, seed 42)
#    and `manyi import customers` loads them into a fresh database (kept in
#    BENCH_DIR and reused when it is there).
# 2. BENCH_LOOKUPS (default 20,000) customers are drawn at random (seed 7) and
#    each phone is written as a person at the desk would type it, in turn:
#    digits only, "+86-138-0013-8000", "138 0013 8000", "0086 ..." (landlines
#    as "021-7300-6156").
# 3. manyi-desk-bench runs every look-up through mi_desk_find (the folding,
#    the phone key, the index, the hits copied out: `customer find` after the
#    database is open) and, as the peer, a prepared
#    `SELECT ... FROM customers WHERE phone_key = ?` with the key already known,
#    3 passes each, the best counting; every look-up must find its customer.
# 4. One `manyi customer find` process for scale (its time includes starting
#    the process, reading the configuration and opening the database).
# Target: < 1 ms a look-up. Prints one line of JSON and a table.
#
# Run timings under the shared lock: flock /work/notes/timing.lock bash bench/customer_find.sh build
set -euo pipefail
build=${1:?usage: customer_find.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
N=${BENCH_CUSTOMERS:-1000000}
L=${BENCH_LOOKUPS:-20000}
dir=${BENCH_DIR:-/tmp/manyi-bench-desk}
mkdir -p "$dir"
db=$dir/customers-$N.db
cfg=$src/examples/after-sales/manyi.yaml
if [ ! -s "$db" ]; then
  echo "generating and importing $N customers into $db"
  "$build/manyi-gen" --out "$dir" --customers "$N" --seed 42 --only customers >/dev/null
  rm -f "$db" "$db-wal" "$db-shm"
  t0=$(date +%s.%N)
  "$build/manyi" --config "$cfg" --db "$db" init >/dev/null
  "$build/manyi" --config "$cfg" --db "$db" import customers "$dir/customers.csv"
  echo "init + import: $(echo "$(date +%s.%N) - $t0" | bc) s"
fi
# the look-ups, typed four ways
sqlite3 -separator $'\t' "$db" "
  WITH RECURSIVE k(i, x) AS (SELECT 1, 7 UNION ALL SELECT i + 1, (x * 1103515245 + 12345) % 2147483648 FROM k WHERE i < $L)
  SELECT CASE i % 4
           WHEN 0 THEN c.phone_digits
           WHEN 1 THEN c.phone
           WHEN 2 THEN replace(c.phone, ' ', '-')
           ELSE '0086 ' || c.phone_key END, c.external_id
  FROM k JOIN customers c ON c.id = 1 + x % (SELECT max(id) FROM customers)
  WHERE c.phone IS NOT NULL AND c.phone_key GLOB '1??????????'
    AND (SELECT count(*) FROM customers d WHERE d.phone_key = c.phone_key) = 1" >"$dir/lookups.tsv"
echo "$(wc -l <"$dir/lookups.tsv") look-ups (mobile numbers held by one customer)"
res=$("$build/manyi-desk-bench" "$db" "$dir/lookups.tsv" 3)
echo "$res"
one=$(head -1 "$dir/lookups.tsv" | cut -f1)
t0=$(date +%s%N)
"$build/manyi" --config "$cfg" --db "$db" customer find "$one" >/dev/null
cli_ms=$((($(date +%s%N) - t0) / 1000000))
python3 - "$res" "$cli_ms" "$N" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print(f"customers {int(sys.argv[3]):,}, look-ups {r['lookups']:,} (best of {r['rounds']} passes)")
print(f"  manyi customer find (in-process)  {r['manyi_us']:8.2f} us a look-up   target < 1000 us: {'met' if r['manyi_us'] < 1000 else 'NOT met'}")
print(f"  peer: SELECT on phone_key        {r['peer_us']:8.2f} us a look-up")
print(f"  ratio manyi / peer               {r['ratio']:8.2f}")
print(f"  one `manyi customer find` process {sys.argv[2]} ms (start, configuration, open, look-up)")
PY
