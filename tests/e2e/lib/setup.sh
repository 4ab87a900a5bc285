# The common start of an end-to-end script, sourced first with the script's
# arguments (MANYI SOURCE_DIR [MANYI_GEN], as CMakeLists.txt passes them):
#   set -uo pipefail
#   . "$(dirname "$0")/lib/setup.sh" "$@"
#   need_sqlite3      # when the script reads the database with the shell
#   seeded_kills      # kill -9 loops: lib/kill.sh, $RANDOM seeded and printed
# Sets manyi, src, gen (empty when not given), example (the after-sales
# example) and tmp (a fresh folder, removed on exit), and sources
# lib/assert.sh (expect, contains, same, ok, bad).
manyi=$1
src=$2
gen=${3:-}
example=$src/examples/after-sales
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/assert.sh"

# Exits 77 (ctest: skipped) when the sqlite3 shell is missing.
need_sqlite3() {
  command -v sqlite3 >/dev/null || { echo "sqlite3 not found: skipping" >&2; exit 77; }
}

# kill_after, random_ms, now_ms (lib/kill.sh), with $RANDOM seeded from
# CRASH_SEED (or a fresh value, printed so that a failing run can be repeated).
seeded_kills() {
  . "$(dirname "${BASH_SOURCE[0]}")/kill.sh"
  seed_random
}

# The after-sales example's configuration with absolute policy paths, as
# $tmp/manyi.yaml (in $cfg), so that it works from any folder and its
# policies can be swapped by editing the copy.
example_config() {
  cfg=$tmp/manyi.yaml
  sed "s#\.\./\.\./policies/#$src/policies/#" "$example/manyi.yaml" >"$cfg"
}
