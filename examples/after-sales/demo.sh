#!/usr/bin/env bash
# The main job on the bundled example: create the database, load the example
# data, classify the customers into tiers, credit loyalty points, and show what
# came of it. Usage: demo.sh MANYI_BINARY DATABASE
set -euo pipefail
manyi=${1:?usage: demo.sh MANYI_BINARY DATABASE}
db=${2:?usage: demo.sh MANYI_BINARY DATABASE}
here=$(cd "$(dirname "$0")" && pwd)
run() { "$manyi" --config "$here/manyi.yaml" --db "$db" "$@"; }

rm -f "$db" "$db-wal" "$db-shm"
run check
run init
for entity in customers staff orders interactions tickets responses; do
  run import "$entity" "$here/data/$entity.csv"
done
run import staff "$here/data/technicians.csv" # skills for `manyi appoint`
run status
run eval tiers
run eval points
run customer show C0000008
run explain tier C0000008
