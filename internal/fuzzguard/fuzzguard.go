// Package fuzzguard bounds the time one fuzz input may take.
//
// Go's fuzzer has no per-input time limit: a worker stuck on a slow input
// stops the run at its deadline with "context deadline exceeded" and keeps
// no copy of the input. Calling Start at the top of a fuzz body turns such
// an input into a crash of the worker, which the fuzzer reports with the
// input and stores under testdata/fuzz like any other failure.
package fuzzguard

import (
	"fmt"
	"time"
)

// Limit is the time one input may take. The parsers here take about 0.1 ms
// per fuzz input (10,000 inputs a second on a 2-core machine), so an input
// that needs a whole second points to a performance bug, not a slow machine.
const Limit = time.Second

// Start arms a watchdog that crashes the process if stop is not called
// within limit. Use it as
//
//	defer fuzzguard.Start(fuzzguard.Limit)()
//
// The crash comes from a panic on the timer's goroutine, which no recover
// in the body can catch.
func Start(limit time.Duration) (stop func()) {
	timer := time.AfterFunc(limit, func() {
		panic(fmt.Sprintf("fuzzguard: one input took longer than %v", limit))
	})
	return func() { timer.Stop() }
}
