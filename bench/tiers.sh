#!/usr/bin/env bash
# manyi tier-evaluation benchmark against the sqlite3 shell (run by `make bench`).
#
#   bash bench/tiers.sh BUILD_DIR
#
# Generates 1M customers and 10M orders with BUILD_DIR/manyi-gen, imports
# them with manyi into a base database (timed, but not the measured step),
# copies it twice, and then times on the same rows in the same run:
#   manyi:   manyi --config CONFIG --db COPY1 eval tiers --as-of T
#   sqlite3: bench/tiers_peer.sql on COPY2: one UPDATE customers SET tier =
#            (SELECT CASE ... END FROM orders ...) with the rules of
#            policies/tiers.lua and the params of CONFIG
# and checks that both gave every customer the same tier (B1). Both copies
# hold the same indexes (manyi's schema, migration 0014: orders_by_customer
# covers customer_id, ordered_at, status, amount_minor), so the peer reads
# orders through the same covering index as manyi's streaming pass. Then it
# splits manyi's time per customer: `eval tiers --dry-run` with a policy that
# always returns "C" (the pass and the policy bridge), the same with the
# configured policy, and the real run. B2: on two copies of the database
# with the tiers manyi set, `manyi eval points --as-of T` against
# bench/points_peer.sql (one INSERT ... SELECT of the same ledger rows in the
# sqlite3 shell), every entry's points and expiry compared. Last (B4), twenty hostile tier
# policies (loops, memory bombs, deep recursion, 5 MB strings, nonsense
# returns) run by `eval tiers --policy FILE` on COPY1: each must be stopped by
# the breaker on its own (exit status 4) in under 60 s with no tier changed.
#
# Environment:
#   BENCH_SCALE=0.01   scale the row counts (default 1: 1M customers, 10M orders)
#   BENCH_DIR=DIR      work directory (kept afterwards; the CSVs and the imported
#                      base database are reused when counts, seed, config and
#                      the manyi binary match); default a fresh /tmp/manyi-bench.*
#                      that is removed at the end
#   BENCH_SEED=42      generator seed
#   BENCH_CONFIG=FILE  manyi configuration (default examples/after-sales/manyi.yaml)
#   BENCH_JOBS=N       run manyi eval tiers and eval points with --jobs N
#                      (default 1: one thread; 2: the policy calls on a second
#                      thread while the first reads and writes)
#   BENCH_AS_OF=T      the as-of instant (default 2026-11-01T00:00:00Z, the day
#                      after the generated data ends)
#   BENCH_KEEP=1       keep the default temporary directory
#   SQLITE3=PATH       the sqlite3 shell to compare with (default: sqlite3 on PATH)
#   BENCH_BREAKER=0    leave out B4 (twenty hostile tier policies, each of which
#                      must be stopped by the breaker in under 60 s, no tier changed)
#   BENCH_SPLIT=0      leave out the two dry runs that split manyi's time
#   BENCH_POINTS=0     leave out B2 (eval points against one INSERT ... SELECT)
#   BENCH_B4_ONLY=1    run B4 alone (on a copy of the base: no tier set)
#   BENCH_SETUP_ONLY=1 generate and import the base database, then stop (so
#                      that the timed run that follows, with the same BENCH_DIR,
#                      reuses it: run the setup outside the timing lock)
#
# Exit status: 0 when both sides ran and agree on every tier and every points
# entry (and B4 held);
# 1 when a manyi step failed, the tiers differ or a hostile policy was not
# stopped in time; 2 on a usage or setup error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

# shellcheck source=bench/common.sh
source "$here/common.sh"

usage() { sed -n '2,54p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
if [[ $# -eq 1 && ($1 == -h || $1 == --help) ]]; then usage; exit 0; fi
[[ $# -eq 1 ]] || { usage >&2; exit 2; }
bench_setup "$1"
peer_sql=$here/tiers_peer.sql
points_sql=$here/points_peer.sql
as_of_text=${BENCH_AS_OF:-2026-11-01T00:00:00Z}
as_of=$(date -u -d "$as_of_text" +%s 2>/dev/null) || die "BENCH_AS_OF: cannot read '$as_of_text' as a time"
since=$((as_of - 365 * 86400))

jobs=${BENCH_JOBS:-1}
[[ $jobs =~ ^[1-9][0-9]?$ ]] || die "BENCH_JOBS must be a number of threads from 1 to 16, not '$jobs'"
scale=${BENCH_SCALE:-1}
[[ $scale =~ ^([0-9]+([.][0-9]*)?|[.][0-9]+)$ ]] || die "BENCH_SCALE must be a positive number like 1 or 0.01, not '$scale'"
n_customers=$(awk -v s="$scale" 'BEGIN { printf "%d", 1000000 * s + 0.5 }')
n_orders=$(awk -v s="$scale" 'BEGIN { printf "%d", 10000000 * s + 0.5 }')
((n_customers >= 1)) || die "BENCH_SCALE=$scale leaves no customers"

# .parameter needs 3.31; UPDATE with a correlated subquery is old.
sqlite_version=$("$sqlite" -version | awk '{ print $1 }')
awk -v v="$sqlite_version" 'BEGIN { split(v, a, "."); exit !(a[1] > 3 || (a[1] == 3 && a[2] >= 32)) }' ||
    die "$sqlite is SQLite $sqlite_version; the benchmark needs 3.32 or newer"

# The tier params, read from policies.tiers.params of the configuration (the
# peer gets the same numbers the policy gets).
params=$(awk '
    function indent(s) { match(s, /^ */); return RLENGTH }
    /^[ \t]*(#|$)/ { next }
    { sub(/[ \t]+#.*$/, "") }
    indent($0) == 0 { in_pol = ($0 ~ /^policies:/); in_tiers = in_params = 0; next }
    in_pol && indent($0) <= 2 { in_tiers = ($0 ~ /^  tiers:/); in_params = 0; pi = -1; next }
    in_tiers && $0 ~ /^ +params:[ \t]*$/ { in_params = 1; pi = -1; next }
    in_tiers && in_params {
        if (pi < 0) pi = indent($0)
        if (indent($0) < pi) { in_params = 0; next }
        if (indent($0) == pi) { k = $1; sub(/:$/, "", k); v = $2; print k, v }
    }' "$config")
param() {
    local v
    v=$(awk -v k="$1" '$1 == k { print $2; f = 1 } END { exit !f }' <<<"$params") ||
        die "no policies.tiers.params.$1 in $config"
    [[ $v =~ ^[0-9]+([.][0-9]+)?$ ]] || die "policies.tiers.params.$1 in $config is '$v', not a number"
    echo "$v"
}
p_a_min_spend=$(param a_min_spend)
p_a_min_orders=$(param a_min_orders)
p_b_min_spend=$(param b_min_spend)
p_b_min_orders=$(param b_min_orders)
p_max_bad_share=$(param max_bad_share)


# About 100 bytes a customer and 70 an order in CSV; the base database is
# about 1.5x the CSV, and there are three of them (base and two copies) plus
# WALs: ask for 8x the CSV size.
bench_workdir $(((n_customers * 100 + n_orders * 70) * 8 / 1024))


echo "manyi tier bench: $n_customers customers, $n_orders orders, as of $as_of_text (BENCH_SCALE=$scale, seed $seed, --jobs $jobs)"
echo "params: a_min_spend $p_a_min_spend, a_min_orders $p_a_min_orders, b_min_spend $p_b_min_spend, b_min_orders $p_b_min_orders, max_bad_share $p_max_bad_share"
echo "work dir: $work"

# --- data -----------------------------------------------------------------
data=$work/data-c$n_customers-o$n_orders-s$seed
gen_s="reused"
if [[ -f $data/customers.csv && -f $data/orders.csv ]]; then
    echo "data: reusing $data"
else
    mkdir -p "$data"
    gen_s=$(run "$work/gen.log" "$gen" --out "$data" --seed "$seed" --customers "$n_customers" \
        --orders "$n_orders" --only customers,orders)
    [[ $gen_s != failed ]] || die "manyi-gen failed; see above"
fi
sizes="customers.csv $(mb "$data/customers.csv"), orders.csv $(mb "$data/orders.csv")"
if [[ $gen_s == reused ]]; then echo "data: $sizes"; else echo "data: $sizes; generated in $gen_s s"; fi

# --- base database (manyi init + import; reused when nothing changed) -----
base=$data/base.db
stamp="$(cksum <"$config" | awk '{ print $1 }') $(stat -c %Y "$manyi") $n_customers $n_orders $seed"
m_init=reused m_cust=reused m_ord=reused
if [[ -f $base && -f $base.stamp && $(cat "$base.stamp") == "$stamp" ]]; then
    echo "base: reusing $base (imported by an earlier run with the same data, config and manyi)"
else
    rm -f "$base" "$base-wal" "$base-shm" "$base.stamp"
    m_init=$(run "$work/manyi-init.log" "$manyi" --config "$config" --db "$base" init)
    [[ $m_init != failed ]] || die "manyi init failed; see above"
    m_cust=$(run "$work/manyi-customers.log" "$manyi" --config "$config" --db "$base" import customers "$data/customers.csv")
    [[ $m_cust != failed ]] || die "manyi import customers failed; see above"
    m_ord=$(run "$work/manyi-orders.log" "$manyi" --config "$config" --db "$base" import orders "$data/orders.csv")
    [[ $m_ord != failed ]] || die "manyi import orders failed; see above"
    # Fold the WAL into the file so that a plain copy is the whole database.
    "$sqlite" "$base" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null || die "cannot checkpoint $base"
    echo "$stamp" >"$base.stamp"
fi
b_rows=$("$sqlite" "$base" "SELECT (SELECT count(*) FROM customers) || ' ' || (SELECT count(*) FROM orders)")
[[ $b_rows == "$n_customers $n_orders" ]] ||
    die "the base database holds '$b_rows' customers and orders, expected '$n_customers $n_orders'; see $work/manyi-*.log"
echo "base: $(mb "$base")"
if [[ ${BENCH_SETUP_ONLY:-0} == 1 ]]; then
    echo "base ready (BENCH_SETUP_ONLY=1); run again with the same BENCH_DIR to time"
    exit 0
fi

# Two copies of the base, made before either side runs.
mdb=$work/manyi.db
pdb=$work/peer.db
rm -f "$mdb" "$mdb-wal" "$mdb-shm" "$pdb" "$pdb-wal" "$pdb-shm"
# shellcheck disable=SC2016 # $1.. belong to the inner shell
copy_s=$(run "$work/copy.log" bash -c 'cp "$1" "$2" && cp "$1" "$3"' _ "$base" "$mdb" "$pdb")
[[ $copy_s != failed ]] || die "cannot copy $base"

# BENCH_B4_ONLY=1: the breaker alone (B4), on the first copy of the base.
b4_only=0
[[ ${BENCH_B4_ONLY:-0} != 1 ]] || b4_only=1
if ((b4_only == 0)); then

# --- manyi ----------------------------------------------------------------
manyi_ok=1
m_eval=$(run "$work/manyi-eval.log" "$manyi" --config "$config" --db "$mdb" eval tiers --as-of "$as_of_text" --jobs "$jobs")
[[ $m_eval != failed ]] || {
    manyi_ok=0
    echo "bench: manyi eval tiers did not complete (see above); the sqlite3 side runs anyway" >&2
}

# --- sqlite3 peer ---------------------------------------------------------
# The same durability and page cache as manyi's connection (core/store/open.c).
pragmas="PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144"
p_eval=$(run "$work/peer-eval.log" "$sqlite" -bail "$pdb" "$pragmas" \
    ".parameter init" \
    ".parameter set :as_of $as_of" ".parameter set :since $since" \
    ".parameter set :a_min_spend $p_a_min_spend" ".parameter set :a_min_orders $p_a_min_orders" \
    ".parameter set :b_min_spend $p_b_min_spend" ".parameter set :b_min_orders $p_b_min_orders" \
    ".parameter set :max_bad_share $p_max_bad_share" \
    ".read \"$peer_sql\"")
[[ $p_eval != failed ]] || die "the sqlite3 peer failed; see above"

# --- verify ---------------------------------------------------------------
# Every customer's tier in the two databases (same ids: both are copies of
# the base), plus the distribution.
verify=$("$sqlite" "$mdb" "ATTACH '$pdb' AS peer" \
    "SELECT count(*), sum(m.tier IS NOT p.tier), sum(m.tier IS NULL) FROM main.customers m JOIN peer.customers p ON p.id = m.id")
read -r v_n v_diff v_null <<<"${verify//|/ }"
dist=$("$sqlite" "$mdb" "ATTACH '$pdb' AS peer" \
    "SELECT group_concat(t || ' ' || n, ', ') FROM (SELECT coalesce(tier, 'none') AS t, count(*) AS n FROM peer.customers GROUP BY tier ORDER BY tier)")
hist=$("$sqlite" "$mdb" "SELECT count(*) FROM tier_history")
agree=1 agree_p=1
[[ $v_n == "$n_customers" && $v_diff == 0 ]] || agree=0
# The index both sides read orders through (the same schema on both copies).
idx=$("$sqlite" "$pdb" "SELECT sql FROM sqlite_master WHERE name = 'orders_by_customer'")

# --- B2: eval points against one INSERT ... SELECT ------------------------
# Two copies of the manyi copy (its tiers are the peer's: verified above),
# made before either side runs; the entries for completed orders compared.
s_pm=- s_pp=- p_n=- p_diff=- p_only=- p_sum=-
if [[ ${BENCH_POINTS:-1} != 0 ]]; then
    { grep -Eq '^ *points_per_unit: *1( |$)' "$config" &&
        grep -Eq '^ *multipliers: *[{]A: 2.0, B: 1.5, C: 1.0, P: 1.0[}]' "$config" &&
        grep -Eq '^ *no_tier_multiplier: *1.0( |$)' "$config" &&
        grep -Eq '^ *expires: *end_of_year( |$)' "$config"; } ||
        die "the loyalty params of $config are not the ones $points_sql is written for"
    pm=$work/points-manyi.db pp=$work/points-peer.db
    rm -f "$pm" "$pm-wal" "$pm-shm" "$pp" "$pp-wal" "$pp-shm"
    "$sqlite" "$mdb" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
    { cp "$mdb" "$pm" && cp "$mdb" "$pp"; } || die "cannot copy $mdb"
    now_s=$(date -u +%s)
    s_pm=$(MANYI_NOW=$(date -u -d "@$now_s" +%Y-%m-%dT%H:%M:%SZ) run "$work/manyi-points.log" \
        "$manyi" --config "$config" --db "$pm" eval points --as-of "$as_of_text" --jobs "$jobs")
    s_pp=$(run "$work/peer-points.log" "$sqlite" -bail "$pp" "$pragmas" ".parameter init" \
        ".parameter set :as_of $as_of" ".parameter set :now $now_s" ".read \"$points_sql\"")
    verify_p=$("$sqlite" "$pm" "ATTACH '$pp' AS peer" "
        SELECT (SELECT count(*) FROM main.loyalty_ledger WHERE idempotency_key LIKE 'order:%:earn'),
               (SELECT count(*) FROM main.loyalty_ledger m JOIN peer.loyalty_ledger p USING (idempotency_key)
                WHERE m.points IS NOT p.points OR m.expires_at IS NOT p.expires_at
                   OR m.customer_id IS NOT p.customer_id),
               (SELECT count(*) FROM main.loyalty_ledger m WHERE idempotency_key LIKE 'order:%:earn'
                AND NOT EXISTS (SELECT 1 FROM peer.loyalty_ledger p WHERE p.idempotency_key = m.idempotency_key))
             + (SELECT count(*) FROM peer.loyalty_ledger p WHERE NOT EXISTS
                (SELECT 1 FROM main.loyalty_ledger m WHERE m.idempotency_key = p.idempotency_key)),
               (SELECT total(points) FROM main.loyalty_ledger)")
    read -r p_n p_diff p_only p_sum <<<"${verify_p//|/ }"
    [[ $s_pm != failed && $s_pp != failed && $p_diff == 0 && $p_only == 0 && $p_n -gt 0 ]] || agree_p=0
fi

# --- where manyi's time goes ----------------------------------------------
# Dry runs: a policy that returns a constant (the streaming pass and the
# policy bridge), then the configured one. BENCH_SPLIT=0 leaves them out.
trivial=$work/trivial_tiers.lua
cat >"$trivial" <<'EOF'
-- bench/tiers.sh: the cheapest tier policy, to measure the bridge alone.
return { tier = function(customer, params) return "C", "constant" end }
EOF
s_trivial=- s_dry=-
if [[ ${BENCH_SPLIT:-1} != 0 ]]; then
    s_trivial=$(run "$work/dry-trivial.log" "$manyi" --config "$config" --db "$mdb" eval tiers --as-of "$as_of_text" --dry-run --policy "$trivial" --jobs "$jobs")
    s_dry=$(run "$work/dry-policy.log" "$manyi" --config "$config" --db "$mdb" eval tiers --as-of "$as_of_text" --dry-run --jobs "$jobs")
fi

fi  # b4_only

# --- B4: the breaker ------------------------------------------------------
# Twenty hostile tier policies, each run by `eval tiers --policy FILE` on the
# manyi copy (which holds the tiers of the real run): each must stop on its
# own (no signal; a timeout of 120 s would show as exit 124) with exit status 4
# in under 60 s, and leave every tier and the tier history as they were.
# BENCH_BREAKER=0 leaves this part out.
b4_rows=() b4_bad=0
if [[ ${BENCH_BREAKER:-1} != 0 ]]; then
    hdir=$work/hostile
    mkdir -p "$hdir"
    hostile() { printf 'return { tier = function(c, p)\n%s\nend }\n' "$2" >"$hdir/$1.lua"; }
    hostile loop '  while true do end'
    hostile loop_pcall '  while true do pcall(function() while true do end end) end'
    hostile loop_coroutine '  coroutine.wrap(function() while true do end end)()'
    hostile loop_xpcall '  xpcall(error, function() while true do end end)'
    hostile loop_gsub '  string.gsub(string.rep("a", 100), "a", function() while true do end end)'
    hostile memory_table '  local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 1000) .. i end'
    hostile memory_rep '  return "A", string.rep("x", 1 << 40)'
    hostile memory_concat '  local s = "x" while true do s = s .. s end'
    hostile recursion '  local function f(n) return 1 + f(n + 1) end return f(1)'
    hostile recursion_pcall '  local function f() local ok, e = pcall(f) if not ok then error(e, 0) end end f()'
    hostile huge_reason '  return "A", string.rep("x", 5000000)'
    hostile huge_tier '  return string.rep("A", 5000000)'
    hostile huge_error '  error(string.rep("x", 5000000))'
    hostile pattern '  local s = string.rep("a", 5000) while true do s:find(".-.-.-x") end'
    hostile number '  return 42'
    hostile table '  return {}'
    hostile none '  return nil'
    hostile unknown '  return "Z", "no such tier"'
    hostile error_each '  error("no tier today")'
    hostile write_view '  c.tier = "A" return "A", "wrote"'
    tiers_sum() { { "$sqlite" "$mdb" "SELECT id, tier FROM customers ORDER BY id" | cksum; "$sqlite" "$mdb" "SELECT count(*) FROM tier_history"; } | tr '\n' ' '; }
    b4_before=$(tiers_sum)
    for f in "$hdir"/*.lua; do
        name=$(basename "$f" .lua) rc=0
        t0=$(now)
        timeout 120 "$manyi" --config "$config" --db "$mdb" eval tiers --as-of "$as_of_text" --policy "$f" \
            >"$work/b4-$name.log" 2>&1 || rc=$?
        s=$(elapsed "$t0" "$(now)")
        same=yes
        [[ $(tiers_sum) == "$b4_before" ]] || same=NO
        verdict=ok
        if ((rc != 4)) || [[ $same != yes ]] || awk -v s="$s" 'BEGIN { exit !(s >= 60) }'; then
            verdict=FAILED b4_bad=$((b4_bad + 1))
            tail -n 3 "$work/b4-$name.log" | sed 's/^/bench:   | /' >&2
        fi
        b4_rows+=("$(printf '%-18s %6s s %6s %14s %8s' "$name" "$s" "$rc" "$same" "$verdict")")
    done
fi

if ((b4_only)); then
    echo
    echo "B4 breaker: hostile tier policies over $n_customers customers (each: exit 4, under 60 s, no tier changed)"
    printf '%-18s %8s %6s %14s %8s\n' "policy" "time" "exit" "tiers same" "verdict"
    printf '%s\n' "${b4_rows[@]}"
    ((b4_bad == 0)) || { echo "bench: FAILED: $b4_bad hostile policies were not stopped by the breaker in under 60 s with no tier changed" >&2; exit 1; }
    exit 0
fi

# --- report ---------------------------------------------------------------
echo
m_version=$("$manyi" --version 2>/dev/null | head -n 1) || m_version=
echo "versions: ${m_version:-manyi (--version failed)}; sqlite3 $sqlite_version"
echo "manyi eval tiers: $(head -n 1 "$work/manyi-eval.log" 2>/dev/null)"
echo "tiers (peer): $dist; tier history rows written by manyi: $hist"
echo "verify: $v_n customers compared, $v_diff with a different tier (manyi without a tier: $v_null)"
echo "index on both copies: $idx"
echo
awk -v nc="$n_customers" -v nr="$((n_customers + n_orders))" \
    -v mi="$m_init" -v mc="$m_cust" -v mo="$m_ord" -v cp="$copy_s" \
    -v me="$m_eval" -v pe="$p_eval" '
function num(x) { return x ~ /^[0-9.]+$/ }
function ratio(m, p) { return (num(m) && num(p) && p > 0) ? sprintf("%.2f", m / p) : "-" }
function rate(n, s) { return (n > 0 && num(s) && s > 0) ? sprintf("%.0f", n / s) : "-" }
function row(step, n, m, p) {
    printf "%-26s %10s %10s %8s %12s %12s\n", step, m, p, ratio(m, p), rate(n, m), rate(n, p)
}
BEGIN {
    printf "%-26s %10s %10s %8s %12s %12s\n", "step", "manyi s", "sqlite3 s", "ratio", "manyi cust/s", "sqlite3 cust/s"
    row("eval tiers (measured)", nc, me, pe)
    printf "\n%-26s %10s   (not measured against the peer; rows/s)\n", "setup", "manyi s"
    printf "%-26s %10s\n", "init", mi
    printf "%-26s %10s %12s\n", "import customers", mc, rate(nc, mc)
    printf "%-26s %10s %12s\n", "import orders", mo, rate(nr - nc, mo)
    printf "%-26s %10s\n", "copy base twice", cp
}'
echo
awk -v n="$n_customers" -v t="$s_trivial" -v d="$s_dry" -v e="$m_eval" -v p="$p_eval" '
function num(x) { return x ~ /^[0-9.]+$/ }
function us(s) { return s ~ /^-?[0-9.]+$/ ? sprintf("%.1f", s * 1e6 / n) : "-" }
function diff(a, b) { return (num(a) && num(b)) ? sprintf("%.2f", a - b) : "-" }
function row(what, s) { printf "%-46s %9s %12s\n", what, s, us(s) }
BEGIN {
    printf "%-46s %9s %12s\n", "manyi eval tiers, per customer (B5)", "s", "us/customer"
    row("dry run, constant policy (pass + bridge)", t)
    row("dry run, policies/tiers.lua", d)
    row("real run (writes tiers and history)", e)
    row("  tiers.lua body: dry run - constant", diff(d, t))
    row("  writes: real run - dry run", diff(e, d))
    row("peer UPDATE (sqlite3 shell)", p)
}'
echo "ratio = manyi seconds / sqlite3 seconds (lower is better); us = microseconds"
if [[ $s_pm != - ]]; then
    echo
    awk -v m="$s_pm" -v p="$s_pp" -v n="$p_n" '
    function num(x) { return x ~ /^[0-9.]+$/ }
    BEGIN {
        printf "%-26s %10s %10s %8s %14s\n", "B2 (order entries)", "manyi s", "sqlite3 s", "ratio", "manyi us/entry"
        printf "%-26s %10s %10s %8s %14s\n", "eval points", m, p,
            (num(m) && num(p) && p > 0) ? sprintf("%.2f", m / p) : "-",
            (num(m) && n > 0) ? sprintf("%.1f", m * 1e6 / n) : "-"
    }'
    echo "verify: $p_n order entries written by manyi, $p_diff with other points, expiry or customer than the peer's, $p_only on one side only (manyi's ledger total $p_sum)"
    echo "manyi eval points: $(head -n 1 "$work/manyi-points.log" 2>/dev/null)"
fi
if ((${#b4_rows[@]})); then
    echo
    echo "B4 breaker: hostile tier policies over $n_customers customers (each: exit 4, under 60 s, no tier changed)"
    printf '%-18s %8s %6s %14s %8s\n' "policy" "time" "exit" "tiers same" "verdict"
    printf '%s\n' "${b4_rows[@]}"
fi

rc=0
if ((agree == 0)); then
    echo "bench: FAILED: manyi and the sqlite3 peer disagree on $v_diff of $v_n customers (expected $n_customers compared, 0 different)" >&2
    echo "bench: compare with: sqlite3 $mdb \"ATTACH '$pdb' AS p\" \"SELECT m.external_id, m.tier, q.tier FROM customers m JOIN p.customers q USING (id) WHERE m.tier IS NOT q.tier LIMIT 20\"" >&2
    rc=1
fi
if ((agree_p == 0)); then
    echo "bench: FAILED: eval points and the peer disagree ($p_diff entries differ, $p_only on one side only; logs $work/*points.log)" >&2
    rc=1
fi
if ((b4_bad > 0)); then
    echo "bench: FAILED: $b4_bad hostile policies did not stop by the breaker in under 60 s with no tier changed (logs: $work/b4-*.log)" >&2
    rc=1
fi
if ((manyi_ok == 0)); then
    echo "bench: FAILED: manyi eval tiers did not complete" >&2
    rc=1
fi
if ((rc != 0)) && [[ -z ${BENCH_DIR:-} && ${BENCH_KEEP:-0} != 1 ]]; then
    echo "bench: rerun with BENCH_KEEP=1 or BENCH_DIR=DIR to keep the databases and logs" >&2
fi
exit "$rc"
