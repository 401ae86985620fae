package kernel

import (
	"flag"
	"math/rand/v2"
	"strings"
	"testing"
)

// The same tests run on every backend: go test ./internal/kernel/ for gonum
// and go test -tags openblas ./internal/kernel/ for OpenBLAS.

var seed = flag.Uint64("seed", 1, "seed of the random test inputs")

// newRand returns the tests' random source and reports the seed if the
// test fails, so that -seed can replay it.
func newRand(t testing.TB) *rand.Rand {
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("random inputs used -seed=%d", *seed)
		}
	})
	return rand.New(rand.NewPCG(*seed, 0x6b65726e656c))
}

func TestBackendName(t *testing.T) {
	name := Backend()
	t.Logf("backend %q", name)
	if !strings.HasPrefix(name, backendName) {
		t.Errorf("Backend() = %q, want prefix %q", name, backendName)
	}
}

// unitRoundoff returns u = ε/2 for F: 2⁻²⁴ for float32, 2⁻⁵³ for float64.
func unitRoundoff[F Float]() float64 {
	var x F
	if _, ok := any(x).(float32); ok {
		return 0x1p-24
	}
	return 0x1p-53
}

func dtypeName[F Float]() string {
	var x F
	if _, ok := any(x).(float32); ok {
		return "float32"
	}
	return "float64"
}

// mustPanic fails the test unless f panics with a message that starts
// with "kernel: ".
func mustPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("%s: no panic", name)
			return
		}
		msg, ok := r.(string)
		if !ok || !strings.HasPrefix(msg, "kernel: ") {
			t.Errorf("%s: panic %v, want a message starting with \"kernel: \"", name, r)
		}
	}()
	f()
}

// isNaN reports whether x is NaN, for either float type.
func isNaN[F Float](x F) bool { return x != x }
