package train

// Config is the train section of a run's config.
type Config struct {
	// DType is the floating-point type of training: "float32" (default, as
	// in PyTorch) or "float64".
	DType string `toml:"dtype" json:"dtype"`
	// Trainable lists the weight groups that train: any of "W", "W_in",
	// "W_out", "b", "b_out", "x0". The others stay frozen.
	Trainable []string `toml:"trainable" json:"trainable"`
	// Trials is the size of the fixed training set, drawn once.
	Trials int `toml:"trials" json:"trials"`
	// BatchSize is the number of distinct trials per minibatch, drawn at
	// random from the training set independently for each batch.
	BatchSize int `toml:"batch_size" json:"batch_size"`
	// Epochs and BatchesPerEpoch set the number of optimizer steps;
	// BatchesPerEpoch = 0 means ⌊Trials/BatchSize⌋.
	Epochs          int `toml:"epochs" json:"epochs"`
	BatchesPerEpoch int `toml:"batches_per_epoch" json:"batches_per_epoch"`
	// Adam's parameters (PyTorch's defaults).
	LearningRate float64 `toml:"learning_rate" json:"learning_rate"`
	Beta1        float64 `toml:"beta1" json:"beta1"`
	Beta2        float64 `toml:"beta2" json:"beta2"`
	Eps          float64 `toml:"eps" json:"eps"`
	// GradClip is the maximum global gradient norm over all trained groups;
	// 0 turns clipping off.
	GradClip float64 `toml:"grad_clip" json:"grad_clip"`
	// BatchChunks is the fixed number of pieces a batch is split into;
	// a batch smaller than this uses one trial per chunk. Chunks run in
	// parallel and their gradients are summed in chunk order, so results
	// depend on it but not on the number of threads. The default 1 keeps
	// the matrix products as tall as the batch. Threads then share each
	// step by fixed blocks of units (see unitBlocks), which also gives the
	// same bits for any thread count. Two chunks were faster with two
	// threads and slower with one (docs/benchmarks.md).
	BatchChunks int `toml:"batch_chunks" json:"batch_chunks"`
	// CheckpointEvery turns on gradient checkpointing: the forward pass
	// keeps the state only every CheckpointEvery steps and the backward
	// pass recomputes each segment, which gives the same gradients with
	// (T/k + k) instead of T stored rates per trial. 0 stores every rate.
	CheckpointEvery int `toml:"checkpoint_every" json:"checkpoint_every"`
}

// DefaultConfig returns the thesis's procedure: float32, input and readout
// weights trained, 500 trials, batch 32, 50 epochs of ⌊500/32⌋ = 15
// batches, Adam with learning rate 1e-3, no clipping.
func DefaultConfig() Config {
	return Config{
		DType:        "float32",
		Trainable:    []string{"W_in", "W_out"},
		Trials:       500,
		BatchSize:    32,
		Epochs:       50,
		LearningRate: 1e-3,
		Beta1:        0.9,
		Beta2:        0.999,
		Eps:          1e-8,
		BatchChunks:  1,
	}
}

// Steps returns the number of batches per epoch after applying the default.
func (c *Config) Steps() int {
	if c.BatchesPerEpoch > 0 {
		return c.BatchesPerEpoch
	}
	return c.Trials / c.BatchSize
}
