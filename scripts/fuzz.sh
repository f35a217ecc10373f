#!/usr/bin/env bash
# Runs every Go fuzz target for a bounded number of inputs (FUZZTIME, default 10000x each).
# A count, not a duration: when a duration runs out while the engine is minimizing a new input,
# go test can fail with "context deadline exceeded" although nothing is wrong (seen in CI).
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-10000x}
found=0
while read -r pkg target; do
	found=$((found + 1))
	echo "fuzz $pkg $target ($fuzztime)"
	go test -run='^$' -fuzz="^${target}\$" -fuzztime="$fuzztime" "$pkg"
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | while read -r f; do
	pkg="./$(dirname "${f#./}")"
	grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed 's/^func //' | while read -r t; do echo "$pkg $t"; done
done | sort -u)
if [ "$found" -eq 0 ]; then echo "no fuzz targets found"; exit 1; fi
