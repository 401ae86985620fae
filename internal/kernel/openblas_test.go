//go:build openblas && cgo

package kernel

import (
	"runtime"
	"testing"
)

// TestOpenBLASSingleThreaded checks the thread count that init set, also on
// a fresh OS thread after a product, because cgo calls run on whatever OS
// thread the goroutine occupies.
func TestOpenBLASSingleThreaded(t *testing.T) {
	if n := blasThreads(); n != 1 {
		t.Errorf("OpenBLAS uses %d threads, want 1", n)
	}

	done := make(chan int)
	go func() {
		runtime.LockOSThread()
		// Exiting without UnlockOSThread ends this OS thread, so no other
		// goroutine inherits it.
		c := make([]float32, 4)
		Gemm(false, false, 2, 2, 2, 1, []float32{1, 2, 3, 4}, 2, []float32{1, 0, 0, 1}, 2, 0, c, 2)
		done <- blasThreads()
	}()
	if n := <-done; n != 1 {
		t.Errorf("OpenBLAS uses %d threads on another OS thread, want 1", n)
	}
}

func TestDescribeOpenBLAS(t *testing.T) {
	cases := []struct {
		config, core, want string
	}{
		// openblas_get_config and openblas_get_corename of Debian 12's
		// libopenblas0-pthread 0.3.21 on an AMD Zen machine.
		{"OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64", "Zen", "openblas 0.3.21 Zen"},
		{"OpenBLAS 0.3.26 DYNAMIC_ARCH", "Haswell\n", "openblas 0.3.26 Haswell"},
		{"", "", "openblas"},
		{"something else", "", "openblas"},
	}
	for _, c := range cases {
		if got := describeOpenBLAS(c.config, c.core); got != c.want {
			t.Errorf("describeOpenBLAS(%q, %q) = %q, want %q", c.config, c.core, got, c.want)
		}
	}
}
