package lyapunov

import (
	"fmt"
	"testing"

	"github.com/rnnlab/rnnlab/model"
)

// benchmarkSpectrum times b.N observed steps of K exponents on a random
// tanh network (g = 2, α = 0.1, a QR step every 10 steps, no burn-in) and
// reports the time per step, and the rate of the step's GEMM, 2·(K+1)·N²
// flops, as GFLOP/s (the QR steps are not counted as flops). The single
// Spectrum call includes the draw and orthonormalisation of the start
// frame, about one extra QR step's work.
func benchmarkSpectrum(b *testing.B, n, k int) {
	w := randomNetwork(b, n, 2, 1)
	const alpha = 0.1
	b.ResetTimer()
	res, err := Spectrum(w, model.Tanh{}, alpha, Options{
		K: k, BurnIn: -1, FrameBurnIn: -1, Duration: float64(b.N) * alpha, Checkpoints: -1,
	})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if res.Steps != b.N {
		b.Fatalf("observed %d steps, want b.N = %d", res.Steps, b.N)
	}
	nsPerStep := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(nsPerStep, "ns/step")
	b.ReportMetric(2*float64(k+1)*float64(n)*float64(n)/nsPerStep, "GFLOP/s")
}

func BenchmarkLambdaMax(b *testing.B) {
	for _, n := range []int{200, 500} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) { benchmarkSpectrum(b, n, 1) })
	}
}

func BenchmarkFullSpectrum(b *testing.B) {
	for _, n := range []int{200, 500} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) { benchmarkSpectrum(b, n, n) })
	}
}
