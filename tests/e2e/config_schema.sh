#!/usr/bin/env bash
# Keeps schemas/manyi.schema.json and the C loader in step: both must accept
# examples/*/manyi.yaml and tests/data/config/valid/*.yaml, and both must
# reject tests/data/config/invalid/*.yaml (the schema skips files marked
# "# schema: skip": duplicate keys, anchors, references, missing files...).
#   C side:      `manyi --config F check`, when the binary has that command
#                (tests/test_config.c covers the loader in any case).
#   Schema side: tests/schema/validate.mjs (ajv + js-yaml, pinned in
#                tests/schema/package-lock.json).
# Usage: config_schema.sh MANYI SOURCE_DIR [GEN]. Exit 77 (skip) without node.
set -u
manyi=$1
src=$2
failures=0

valid=("$src"/examples/*/manyi.yaml "$src"/tests/data/config/valid/*.yaml)
invalid=("$src"/tests/data/config/invalid/*.yaml)

if [ -x "$manyi" ] && "$manyi" --help 2>/dev/null | grep -qE '^  check '; then
  for f in "${valid[@]}"; do
    if ! out=$("$manyi" --quiet --config "$f" check 2>&1); then
      echo "FAIL (C) ${f#"$src"/}: should be valid: $out"
      failures=$((failures + 1))
    fi
  done
  for f in "${invalid[@]}"; do
    expect=$(sed -n 's/^# expect: //p' "$f")
    at=$(sed -n 's/^# at: //p' "$f")
    if out=$("$manyi" --quiet --config "$f" check 2>&1); then
      echo "FAIL (C) ${f#"$src"/}: accepted, should fail at $at with: $expect"
      failures=$((failures + 1))
    elif [[ $out != *"$f:$at: "*"$expect"* ]]; then
      echo "FAIL (C) ${f#"$src"/}: want $at: ...$expect...; got: $out"
      failures=$((failures + 1))
    fi
  done
  echo "C loader (manyi check): ${#valid[@]} valid, ${#invalid[@]} invalid files checked"
else
  echo "note: $manyi has no 'check' command; tests/test_config.c covers the C loader"
fi

if ! command -v node >/dev/null 2>&1; then
  [ "$failures" -eq 0 ] || exit 1
  echo "SKIP: node is not installed, so the JSON Schema side is not checked"
  exit 77
fi
cd "$src/tests/schema" || exit 1
if [ ! -d node_modules ]; then
  if ! npm ci --silent --no-audit --no-fund >/dev/null 2>&1; then
    [ "$failures" -eq 0 ] || exit 1
    echo "SKIP: 'npm ci' failed in tests/schema (no registry?), so the schema side is not checked"
    exit 77
  fi
fi
node validate.mjs "$src" || failures=$((failures + 1))

[ "$failures" -eq 0 ]
