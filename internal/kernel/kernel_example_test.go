package kernel_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/internal/kernel"
)

// ExampleGemm computes the forward product of a batch of rates R (B×N) with
// the recurrent weights W (N×N, row = postsynaptic unit): X = R·Wᵀ.
func ExampleGemm() {
	const batch, units = 2, 3
	r := []float64{
		1, 0, -1,
		0.5, 0.5, 0.5,
	}
	w := []float64{
		1, 2, 3,
		0, 1, 0,
		-1, 0, 1,
	}
	x := make([]float64, batch*units)
	kernel.Gemm(false, true, batch, units, units, 1, r, units, w, units, 0, x, units)
	for i := range batch {
		fmt.Println(x[i*units : (i+1)*units])
	}
	// Output:
	// [-2 0 -2]
	// [3 0.5 0]
}

// ExampleTanhF32 applies the activation in place, as the training loop does
// to a batch of currents.
func ExampleTanhF32() {
	x := []float32{0, 0.5, -2, 20}
	kernel.TanhF32(x, x)
	fmt.Printf("%.7f\n", x)
	// Output:
	// [0.0000000 0.4621172 -0.9640276 1.0000000]
}
