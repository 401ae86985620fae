# Build, test and benchmark targets. `make build` uses OpenBLAS when it is
# installed and pure Go otherwise (see scripts/build.sh); the kernel seam
# and its backends are described in internal/kernel/doc.go.

GO ?= go
SHELL := /bin/bash
KERNEL_PKG := ./internal/kernel/

.PHONY: build test test-openblas bench-kernels

# Builds ./rnnlab from ./cmd/rnnlab; extra go build flags go in BUILDFLAGS.
build:
	GO=$(GO) ./scripts/build.sh $(BUILDFLAGS)

test:
	$(GO) test ./...

# Runs the same tests on the OpenBLAS backend, with the cgo flags that
# scripts/build.sh finds. It fails if OpenBLAS is not installed.
test-openblas:
	cgo_env=$$(GO=$(GO) ./scripts/build.sh --env) && eval "$$cgo_env" && \
		$(GO) test -tags openblas ./...

# Single-thread kernel benchmarks (GFLOP/s at the training shapes, ns per
# tanh) for the gonum backend, then for OpenBLAS when it is installed.
bench-kernels:
	@echo "== gonum backend"
	$(GO) test -run '^$$' -bench . -cpu 1 $(KERNEL_PKG)
	@if [ "$$(GO=$(GO) ./scripts/build.sh --detect)" = openblas ]; then \
		echo "== openblas backend" && \
		cgo_env=$$(GO=$(GO) ./scripts/build.sh --env) && eval "$$cgo_env" && \
		$(GO) test -tags openblas -run '^$$' -bench . -cpu 1 $(KERNEL_PKG); \
	else \
		echo "bench-kernels: OpenBLAS not found, so only the gonum backend was measured"; \
	fi
