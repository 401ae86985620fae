package train

import (
	"math"
	"sync"

	"github.com/rnnlab/rnnlab/internal/kernel"
)

// minBlockUnits is the target width of the column blocks of units that the
// per-step matrix products are split into (blocks are rounded to multiples
// of kernel.PanelWidth, so one may be up to 16 units narrower). Measured with OpenBLAS (one thread,
// float32, 32 rows, K = 500): 250-column products run at the rate of the
// full 500-column product, 125-column ones about 25 % slower.
const minBlockUnits = 192

// unitBlocks splits the n units into contiguous blocks of about equal
// size, at least minBlockUnits − kernel.PanelWidth units each, whose inner
// boundaries are multiples of kernel.PanelWidth (so each block starts at a
// panel of a kernel.Packed matrix). It returns the block boundaries
// (len = blocks+1). The split depends on n only, never on the number of
// threads, so the floating-point work of every block is the same however
// many goroutines share the blocks.
func unitBlocks(n int) []int {
	k := max(1, n/minBlockUnits)
	bounds := make([]int, k+1)
	for i := range bounds {
		bounds[i] = int(math.Round(float64(i*n)/float64(k)/kernel.PanelWidth)) * kernel.PanelWidth
	}
	bounds[k] = n
	return bounds
}

// blockJob is the work of one parallel phase, split into numbered blocks.
// Jobs are kept in long-lived structs and passed as pointers, so starting a
// phase allocates nothing.
type blockJob interface {
	block(i int)
}

// team runs the blocks of one parallel phase on a fixed set of goroutines:
// block i always goes to worker i mod workers, and the caller is worker 0.
// Blocks must write disjoint memory. A team with one worker runs the
// blocks in order on the caller's goroutine.
type team struct {
	workers int
	wake    []chan struct{}
	done    sync.WaitGroup
	// job and blocks describe the running phase. They are written before
	// the workers are woken, and the channel send orders the accesses.
	job    blockJob
	blocks int
}

// newTeam starts workers−1 goroutines; close stops them.
func newTeam(workers int) *team {
	t := &team{workers: max(1, workers)}
	for w := 1; w < t.workers; w++ {
		wake := make(chan struct{})
		t.wake = append(t.wake, wake)
		go func() {
			for range wake {
				t.share(w)
				t.done.Done()
			}
		}()
	}
	return t
}

// run calls job.block(i) for i = 0..n−1 across the team and returns when
// all have returned.
func (t *team) run(n int, job blockJob) {
	if t.workers == 1 || n == 1 {
		for i := range n {
			job.block(i)
		}
		return
	}
	t.job, t.blocks = job, n
	t.done.Add(len(t.wake))
	for _, wake := range t.wake {
		wake <- struct{}{}
	}
	t.share(0)
	t.done.Wait()
	t.job = nil
}

// share runs worker w's blocks of the current phase.
func (t *team) share(w int) {
	for i := w; i < t.blocks; i += t.workers {
		t.job.block(i)
	}
}

// close stops the team's goroutines.
func (t *team) close() {
	for _, wake := range t.wake {
		close(wake)
	}
}
