package train

import (
	"fmt"
	"testing"

	"github.com/rnnlab/rnnlab/internal/kernel"
)

// TestNoAllocationPerTimeStep checks that the allocations of one forward
// and backward pass do not grow with the number of time steps, with one
// goroutine and with a team sharing two unit blocks. The matrix products
// themselves may allocate: gonum's pure-Go BLAS does for large products,
// OpenBLAS does not. So the growth allowed per step is what the step's
// products allocate when called alone.
func TestNoAllocationPerTimeStep(t *testing.T) {
	const n, in, out, B = 400, 2, 1, 4
	all := [numGroups]bool{true, true, true, true, true, true}
	noise := func(t, b int, eps []float32) {
		for i := range eps {
			eps[i] = 0.5
		}
	}
	perStep := productAllocsPerStep(n, B)
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			allocs := func(T int) float64 {
				w, trials := randomProblem(9, n, in, out, T, B)
				p := newNet[float32](w, 0.1)
				c := newChunk[float32](n, in, out, B, T, 0)
				c.team = newTeam(workers)
				defer c.team.close()
				return testing.AllocsPerRun(3, func() {
					lossAndGrad(p, c, trials, B, &all, 0.1, noise)
				})
			}
			short, long := allocs(10), allocs(50)
			if growth := (long - short) / 40; growth > perStep {
				t.Errorf("%.1f allocations per time step, of which the products explain %.1f", growth, perStep)
			}
		})
	}
}

// productAllocsPerStep returns the allocations of the matrix products of
// one forward and one backward step when W trains: per unit block, the
// currents, the product through W and the gradient of W.
func productAllocsPerStep(n, B int) float64 {
	total := 0.0
	bounds := unitBlocks(n)
	r, a := make([]float32, B*n), make([]float32, B*n)
	W, gradW, dst := make([]float32, n*n), make([]float32, n*n), make([]float32, B*n)
	for k := 0; k+1 < len(bounds); k++ {
		lo, hi := bounds[k], bounds[k+1]
		total += testing.AllocsPerRun(3, func() {
			kernel.Gemm(false, true, B, hi-lo, n, 1, r, n, W[lo*n:], n, 0, dst[lo:], n)
			kernel.Gemm(false, false, B, hi-lo, n, 1, a, n, W[lo:], n, 0, dst[lo:], n)
			kernel.Gemm(true, false, hi-lo, n, B, 1, a[lo:], n, r, n, 1, gradW[lo*n:], n)
		})
	}
	return total
}
