#!/usr/bin/env bash
# Runs every fuzz target of the file and config parsers for a fixed number
# of inputs each (default 100000): ./scripts/fuzz-short.sh [COUNT]
#
# It uses a count rather than a duration. With a duration, Go 1.26's fuzz
# coordinator can fail the run with "context deadline exceeded" and no
# failing input when the time runs out while a worker is busy
# (golang/go#75804, fixed in Go 1.27). A count has no deadline. Each target also arms internal/fuzzguard, so an input that is
# really slow still fails the run and is kept under testdata/fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
for pkg in ./runio ./runio/pth ./config; do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "fuzz $pkg $target for $count inputs"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "${count}x" "$pkg"
	done
done
