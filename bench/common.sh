# Shared by the scripts of bench/: checking the build and the tools, counts,
# the work folder, and timing commands. Sourced, not run.

die() { echo "bench: $*" >&2; exit 2; }

# bench_setup BUILD_DIR: sets build, manyi, gen, sqlite, config (absolute)
# and seed, or dies saying what is missing.
bench_setup() {
    build=$(cd "$1" 2>/dev/null && pwd) || die "build directory '$1' does not exist (run 'make' first)"
    manyi=$build/manyi
    gen=$build/manyi-gen
    [[ -x $manyi ]] || die "no manyi binary in $build (expected $manyi; run 'make' first)"
    [[ -x $gen ]] || die "no manyi-gen binary in $build (expected $gen; run 'make' first)"
    sqlite=${SQLITE3:-sqlite3}
    command -v "$sqlite" >/dev/null || die "the sqlite3 shell is not installed (apt-get install sqlite3), or set SQLITE3=PATH"
    config=${BENCH_CONFIG:-$root/examples/after-sales/manyi.yaml}
    [[ -f $config ]] || die "config $config not found (set BENCH_CONFIG)"
    config=$(cd "$(dirname "$config")" && pwd)/$(basename "$config")
    seed=${BENCH_SEED:-42}
    [[ $seed =~ ^[0-9]+$ ]] || die "BENCH_SEED must be a whole number, not '$seed'"
}

# bench_workdir NEED_KB: sets work (BENCH_DIR, or a temporary folder removed
# at exit unless BENCH_KEEP=1) and checks it has NEED_KB free.
bench_workdir() {
    if [[ -n ${BENCH_DIR:-} ]]; then
        work=$BENCH_DIR
        mkdir -p "$work" || die "cannot create BENCH_DIR=$work"
        work=$(cd "$work" && pwd)
        cleanup() { :; }
    else
        work=$(mktemp -d "${TMPDIR:-/tmp}/manyi-bench.XXXXXX")
        if [[ ${BENCH_KEEP:-0} == 1 ]]; then
            cleanup() { echo "bench: kept $work"; }
        else
            cleanup() { rm -rf "$work"; }
        fi
    fi
    trap cleanup EXIT
    local free_kb
    free_kb=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
    ((free_kb > $1)) ||
        die "not enough space in $work: about $(($1 / 1024)) MB needed, $((free_kb / 1024)) MB free (set BENCH_DIR or BENCH_SCALE)"
}

# bench_count NAME VALUE: a whole number with an optional k or M suffix
# (100000, 100k, 10M), or dies naming the variable.
bench_count() {
    local v=$2 m=1
    case $v in *k | *K) m=1000 v=${v%?} ;; *M | *m) m=1000000 v=${v%?} ;; esac
    [[ $v =~ ^[0-9]+$ ]] || die "$1 must be a whole number like 100000, 100k or 10M, not '$2'"
    echo $((v * m))
}

now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
mb() { awk -v b="$(stat -c %s "$1" 2>/dev/null || echo 0)" 'BEGIN { printf "%.0f MB", b / 1e6 }'; }

# run LOG CMD... : run with output to LOG; print the seconds it took, or
# "failed" (and the end of LOG to stderr) when it exits non-zero.
run() {
    local log=$1 t0 t1 rc=0
    shift
    t0=$(now)
    "$@" >"$log" 2>&1 || rc=$?
    t1=$(now)
    if ((rc != 0)); then
        {
            echo "bench: failed (exit $rc): $*"
            tail -n 5 "$log" | sed 's/^/bench:   | /'
        } >&2
        echo failed
        return 0
    fi
    elapsed "$t0" "$t1"
}
