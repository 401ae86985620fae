#!/usr/bin/env bash
# Runs every fuzz target of the file and config parsers for a short time
# each (default 10s): ./scripts/fuzz-short.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
time=${1:-10s}
for pkg in ./runio ./runio/pth ./config; do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "fuzz $pkg $target for $time"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$time" "$pkg"
	done
done
