#!/usr/bin/env bash
# Installs the Debian packages rnnlab's tests use: Debian's Python 3 with
# NumPy and PyTorch (/usr/bin/python3, not a pyenv or virtualenv python3 on
# PATH), to check that files rnnlab writes load in NumPy and PyTorch, and
# OpenBLAS with pkg-config, to run the tests on the OpenBLAS backend too. Go modules download through
# the Go module proxy on the first build. Skips what is already installed.
set -euo pipefail
need=()
/usr/bin/python3 -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
/usr/bin/python3 -c 'import torch' 2>/dev/null || need+=(python3-torch)
# OpenBLAS, for the tests of the openblas build tag.
pkg-config --exists openblas 2>/dev/null || need+=(libopenblas-dev pkg-config)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-test-deps: missing ${need[*]}; run as root or: sudo apt-get install ${need[*]}" >&2
		exit 1
	fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
go mod download
