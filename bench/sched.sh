#!/usr/bin/env bash
# Scheduler and SLA benchmark (run by `make bench`).
#
#   bash bench/sched.sh BUILD_DIR
#
# In the same run, on this machine:
#  1. enqueue: N jobs through manyi's queue API (mi_job_enqueue, 10,000 per
#     transaction, BUILD_DIR/manyi-sched-bench) against the same N INSERTs
#     (same columns, same ON CONFLICT, same transactions and pragmas) run by
#     the sqlite3 shell on an identical fresh manyi database;
#  2. fire: F trivial jobs (a kind that does nothing, registered only by the
#     benchmark program) through the real runner (mi_sched_run_due: batches
#     of BENCH_BATCH due jobs per transaction, each job in a savepoint and
#     completed with its audit entry), in jobs/s, against the peer (target
#     B3: manyi >= 0.5 x): a plain C loop on the same F jobs in an identical
#     database that claims BENCH_BATCH at a time with one UPDATE and completes
#     each with its own UPDATE, one transaction per batch, straight SQLite
#     (no savepoint, no audit entry); and a leaner loop that reads each batch
#     under the write lock instead of claiming it (each row written once);
#  3. sla: D deadlines "start + M business minutes" in the after-sales
#     example's `standard` calendar (breaks, Saturdays, weekends, holidays,
#     a working Saturday; random whole-minute starts in 2026, M in 1..1440)
#     through mi_sched_add_business, against a minute-stepping peer
#     (bench/sla_peer.c) on the first P of the same cases; both must give
#     the same deadline on every one of the P, or the benchmark fails.
#
# Environment:
#   BENCH_SCALE=1      N = 1,000,000 x scale; F = 100,000 x scale; D = 1,000,000 x scale;
#                      P = 20,000 x scale. The default run takes one to two minutes;
#                      the runner and the minute-stepping peer are the slow parts, so
#                      for a full million of each use BENCH_FIRE=1000000
#                      BENCH_SLA_PEER=1000000 (about 3 + 6 minutes here)
#   BENCH_JOBS=N  BENCH_FIRE=F  BENCH_SLA=D  BENCH_SLA_PEER=P   set one count directly
#   BENCH_BATCH=256    jobs per transaction in part 2, for the runner and the peer alike
#   BENCH_DIR=DIR      work directory (kept); default a fresh temporary one, removed
#   BENCH_SEED=42      seed of the SLA cases
#   SQLITE3=PATH       the sqlite3 shell (default: sqlite3 on PATH)
#
# Exit status: 0 when every part ran (and the SLA answers agree), 1 when a part
# failed, 2 on a usage or setup error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=bench/common.sh
source "$here/common.sh"

usage() { sed -n '2,40p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
if [[ $# -eq 1 && ($1 == -h || $1 == --help) ]]; then usage; exit 0; fi
[[ $# -eq 1 ]] || { usage >&2; exit 2; }
bench_setup "$1"
sb=$build/manyi-sched-bench
[[ -x $sb ]] || die "no manyi-sched-bench in $build (run 'make' first)"

scale=${BENCH_SCALE:-1}
[[ $scale =~ ^([0-9]+([.][0-9]*)?|[.][0-9]+)$ ]] || die "BENCH_SCALE must be a positive number like 1 or 0.01, not '$scale'"
count() { awk -v s="$scale" -v n="$1" 'BEGIN { c = int(n * s + 0.5); print (c < 1 ? 1 : c) }'; }
n_jobs=${BENCH_JOBS:-$(count 1000000)}
n_fire=${BENCH_FIRE:-$(count 100000)}
n_sla=${BENCH_SLA:-$(count 1000000)}
n_peer=${BENCH_SLA_PEER:-$(count 20000)}
batch=${BENCH_BATCH:-256}
for v in "$n_jobs" "$n_fire" "$n_sla" "$n_peer" "$batch"; do
    [[ $v =~ ^[1-9][0-9]*$ ]] || die "counts must be whole numbers >= 1, not '$v'"
done
((n_peer <= n_sla)) || die "BENCH_SLA_PEER ($n_peer) cannot exceed BENCH_SLA ($n_sla)"

bench_workdir $((n_jobs / 2 + 65536)) # the peer's SQL file (~160 B a job) and two databases
rc=0
field() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo "bench/sched.sh: $(nproc) CPUs, $("$sqlite" -version | awk '{ print "SQLite " $1 }') shell, scale $scale"

# --- 1. enqueue ---------------------------------------------------------------
echo
echo "1. enqueue $n_jobs jobs (10,000 per transaction)"
rm -f "$work"/q-*.db*
"$sb" init "$work/q-manyi.db" && cp "$work/q-manyi.db" "$work/q-peer.db" || die "cannot create the databases"
"$sb" peer-sql "$n_jobs" >"$work/peer.sql" || die "cannot write the peer's SQL"
if "$sb" enqueue "$work/q-manyi.db" "$n_jobs" >"$work/enqueue.out"; then
    t_manyi=$(field seconds "$work/enqueue.out")
else
    echo "   manyi: FAILED" >&2; rc=1; t_manyi=
fi
t0=$(date +%s.%N)
"$sqlite" -bail "$work/q-peer.db" <"$work/peer.sql" >/dev/null || { echo "   sqlite3: FAILED" >&2; rc=1; }
t_peer=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
got=$("$sqlite" "$work/q-peer.db" "select count(*) from jobs")
[[ $got == "$n_jobs" ]] || { echo "   sqlite3 stored $got jobs, not $n_jobs" >&2; rc=1; }
if [[ -n $t_manyi ]]; then
    got=$("$sqlite" "$work/q-manyi.db" "select count(*) from jobs")
    [[ $got == "$n_jobs" ]] || { echo "   manyi stored $got jobs, not $n_jobs" >&2; rc=1; }
    printf '   manyi (mi_job_enqueue)  %8.3f s  %9.0f jobs/s\n' "$t_manyi" "$(awk -v n="$n_jobs" -v t="$t_manyi" 'BEGIN { print n / t }')"
fi
printf '   sqlite3 shell INSERTs   %8.3f s  %9.0f jobs/s\n' "$t_peer" "$(awk -v n="$n_jobs" -v t="$t_peer" 'BEGIN { print n / t }')"
[[ -n $t_manyi ]] && echo "   ratio manyi/sqlite3 time: $(ratio "$t_manyi" "$t_peer") (below 1: manyi is faster)"
rm -f "$work/peer.sql" "$work"/q-*.db*

# --- 2. fire ------------------------------------------------------------------
echo
echo "2. fire $n_fire trivial jobs, $batch per transaction: the runner and a plain SQL loop"
rm -f "$work"/f.db* "$work"/fp.db* "$work"/fr.db*
f_manyi= f_peer=
if "$sb" fire "$work/f.db" "$n_fire" "$batch" >"$work/fire.out"; then
    f_manyi=$(field jobs_per_s "$work/fire.out")
    printf '   runner                  %8.3f s  %9s jobs/s\n' "$(field seconds "$work/fire.out")" "$f_manyi"
else
    echo "   runner: FAILED" >&2; rc=1
fi
if "$sb" peer-fire "$work/fp.db" "$n_fire" "$batch" >"$work/peer-fire.out"; then
    f_peer=$(field jobs_per_s "$work/peer-fire.out")
    printf '   plain SQL loop (peer)   %8.3f s  %9s jobs/s\n' "$(field seconds "$work/peer-fire.out")" "$f_peer"
else
    echo "   peer: FAILED" >&2; rc=1
fi
f_read=
if "$sb" peer-fire-read "$work/fr.db" "$n_fire" "$batch" >"$work/peer-read.out"; then
    f_read=$(field jobs_per_s "$work/peer-read.out")
    printf '   reading peer            %8.3f s  %9s jobs/s\n' "$(field seconds "$work/peer-read.out")" "$f_read"
else
    echo "   reading peer: FAILED" >&2; rc=1
fi
[[ -n $f_manyi && -n $f_peer ]] &&
    echo "   B3 ratio manyi/peer jobs/s: $(ratio "$f_manyi" "$f_peer") (target >= 0.5)"
[[ -n $f_manyi && -n $f_read ]] &&
    echo "   ratio manyi/reading peer jobs/s: $(ratio "$f_manyi" "$f_read")"
rm -f "$work"/f.db* "$work"/fp.db* "$work"/fr.db*

# --- 3. SLA deadlines ---------------------------------------------------------
echo
echo "3. SLA deadlines in calendar 'standard' of $(basename "$config"): $n_sla by mi_sched_add_business, $n_peer by the minute-stepping peer"
if "$sb" sla "$config" standard "$n_sla" "$n_peer" "$seed" >"$work/sla.out"; then
    lib=$(field lib_per_s "$work/sla.out"); peer=$(field peer_per_s "$work/sla.out")
    printf '   manyi (mi_sched_add_business)  %8.3f s  %10s deadlines/s\n' "$(field lib_seconds "$work/sla.out")" "$lib"
    printf '   minute-stepping peer           %8.3f s  %10s deadlines/s\n' "$(field peer_seconds "$work/sla.out")" "$peer"
    echo "   same deadline on all $n_peer compared cases; ratio manyi/peer speed: $(ratio "$lib" "$peer")"
else
    echo "   FAILED (see above: the two disagree, or a step failed)" >&2; rc=1
fi
exit $rc
