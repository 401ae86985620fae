// Package train fits network weights by back-propagation through time with
// Adam, and saves and restores training checkpoints.
//
// The loss is the thesis's masked mean-squared error normalised per trial:
// for a batch of B trials,
//
//	L = (1/B) Σ_b [ Σ_t m_tb·(1/O)·Σ_o (z_tbo − y_tbo)² ] / Σ_t m_tb
//
// so every trial weighs the same whatever its number of counted steps. The
// gradient is computed by a hand-written adjoint recurrence (see
// lossAndGrad), checked against central finite differences and against
// PyTorch autograd in the tests.
//
// Training runs in float32 (default, as in PyTorch) or float64. A batch is
// split into a fixed number of chunks (Config.BatchChunks) that run in
// parallel; chunk losses and gradients are summed in chunk order, so results
// are identical for any number of threads. Each trial's recurrent noise
// comes from its own generator seeded from the noise stream, so noise does
// not depend on the chunking either.
//
// A step whose loss or gradient is not finite is never applied: Run returns
// a *NonFiniteError naming the step. State snapshots at the end of every
// epoch hold everything needed to continue bit for bit (weights, Adam
// moments, step counters and the random streams' states).
package train
