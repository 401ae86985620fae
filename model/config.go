package model

// Config is the model section of a run's config. Inputs and outputs come
// from the task and are filled in when the model is built.
type Config struct {
	// N is the number of units.
	N int `toml:"n" json:"n"`
	// Inputs and Outputs are the dimensions I and O (set from the task).
	Inputs  int `toml:"-" json:"inputs"`
	Outputs int `toml:"-" json:"outputs"`
	// TauMs is the time constant τ and DtMs the step dt, both in ms;
	// α = dt/τ.
	TauMs float64 `toml:"tau_ms" json:"tau_ms"`
	DtMs  float64 `toml:"dt_ms" json:"dt_ms"`
	// G is the gain: W starts as g·J₀ with J₀ᵢⱼ ~ N(0, 1/N).
	G float64 `toml:"g" json:"g"`
	// Activation names φ; only "tanh" is implemented.
	Activation string `toml:"activation" json:"activation"`
	// SigmaRec is σ_rec, the recurrent noise level (0 = no noise).
	SigmaRec float64 `toml:"sigma_rec" json:"sigma_rec"`
	// WInStd is the standard deviation of the initial W_in entries.
	WInStd float64 `toml:"w_in_std" json:"w_in_std"`
	// WOutStd is the initial W_out entries' standard deviation times √N:
	// W_out ~ N(0, w_out_std²/N).
	WOutStd float64 `toml:"w_out_std" json:"w_out_std"`
	// ReadoutSameDraw starts W_out as W_inᵀ/√N, the same draw as the input
	// weights (as the thesis's code did); it needs I = O.
	ReadoutSameDraw bool `toml:"readout_same_draw" json:"readout_same_draw"`
	// ConnectivityFile, when set, loads J₀ from a .npz or .safetensors file
	// (array ConnectivityKey, N×N, unscaled) instead of drawing it, so
	// W = g·J₀ is shared with another run or another program.
	ConnectivityFile string `toml:"connectivity_file" json:"connectivity_file,omitempty"`
	ConnectivityKey  string `toml:"connectivity_key" json:"connectivity_key,omitempty"`
	// Seeds of the model's random streams (filled from the run seed).
	Seeds Seeds `toml:"-" json:"seeds"`
}

// Seeds are the seeds of the separate random streams of a run. Each is
// derived from the run seed by [DeriveSeed] unless the config sets it.
type Seeds struct {
	Run          uint64 `json:"run"`
	Connectivity uint64 `json:"connectivity"`
	Weights      uint64 `json:"weights"`
	Trials       uint64 `json:"trials"`
	Noise        uint64 `json:"noise"`
}

// DefaultConfig returns the thesis's network: N = 500, τ = 100 ms,
// dt = 1 ms, g = 1.5, tanh, no noise, W_in ~ N(0, 1), W_out ~ N(0, 1/N).
func DefaultConfig() Config {
	return Config{
		N:               500,
		TauMs:           100,
		DtMs:            1,
		G:               1.5,
		Activation:      "tanh",
		WInStd:          1,
		WOutStd:         1,
		ConnectivityKey: "G",
	}
}

// Alpha returns α = dt/τ.
func (c *Config) Alpha() float64 { return c.DtMs / c.TauMs }
