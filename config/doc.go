// Package config loads, validates and writes the TOML config of a run.
//
// # File format
//
// Every key is optional; a key the file leaves out takes its default. The
// tables and their keys:
//
//	name = "my-run"     # optional label of the run, default ""
//	seed = 1            # run seed, a non-negative integer, default 1
//
//	[seeds]             # stream seeds, each a non-negative integer
//	connectivity = 123  # J₀, the recurrent matrix before the gain g
//	weights = 7         # W_in, W_out and the other initial weights
//	trials = 9          # sampling of training trials and batches
//	noise = 11          # recurrent noise
//
//	[model]             # the keys of model.Config
//	n = 500
//	tau_ms = 100.0
//	dt_ms = 1.0
//
//	[task]
//	name = "pulse-duration"  # registry name of the task
//	onset_ms = 3000.0        # the task's own parameters, next to name
//
//	[train]             # the keys of train.Config
//	dtype = "float32"
//
// The keys of the model table are the toml tags of model.Config: n, tau_ms,
// dt_ms, g, activation, sigma_rec, w_in_std, w_out_std, readout_same_draw,
// connectivity_file and connectivity_key. The keys of the train table are
// those of train.Config: dtype, trainable, trials, batch_size, epochs,
// batches_per_epoch, learning_rate, beta1, beta2, eps, grad_clip,
// batch_chunks and checkpoint_every. The keys of the task table are name and
// the toml tags of the
// named task's parameters (see the task package). Keys match exactly, case
// included, and a key the format does not have is an error.
//
// Float keys accept integers (tau_ms = 100), integer keys do not accept
// floats. Times are in ms; each task time must be a whole number of steps of
// model.dt_ms, so a dt_ms that does not divide a default time makes that
// default invalid.
//
// # Defaults and presets
//
// The defaults are the thesis's run, which the "thesis" preset names too: the
// defaults of model.DefaultConfig (N = 500 tanh units, τ = 100 ms,
// dt = 1 ms, g = 1.5), of the pulse-duration task, and of
// train.DefaultConfig (Adam with learning rate 1e-3 on W_in and W_out, 500
// trials, batches of 32, 50 epochs of ⌊500/32⌋ = 15 batches). The "demo"
// preset is a smaller, faster run; see [Preset]. [Config.Encode] writes
// every default out, and Encode of [Default] is kept in
// testdata/thesis.toml.
//
// # Seeds
//
// The run has four random streams: connectivity, weights, trials and noise.
// The seed of a stream that the seeds table does not set is model.DeriveSeed(seed,
// stream), a hash of the run seed and the stream's name. Setting one stream
// seed keeps that stream fixed while seed varies the others, for example the
// same recurrent matrix across runs.
//
// Encode writes all four stream seeds, derived or not. So that a written
// config still follows a new run seed, a stream seed counts as set on its
// own only when it differs from the seed derived from the run seed:
// [Config.SetSeed] (the CLI's --seed) derives such equal seeds again and keeps
// the others.
//
// # Errors
//
// Parse and Load report a problem in a file as an [Error], printed as
//
//	FILE:LINE: KEY: MSG
//
// for example
//
//	run.toml:7: train.batch_size: must not exceed train.trials = 20, because a batch holds distinct trials, got 32
//
// KEY is the full dotted key: model.dt_ms, task.onset_ms, or
// task.test_durations_ms[1] for an element of an array. LINE is the line of
// the key. When the key is not in the file but another key made its default
// invalid, LINE is that key's line: model.dt_ms = 7 makes the default
// task.onset_ms = 3000 fall between two steps, so the error on
// task.onset_ms gets the line of model.dt_ms. LINE is left out when no such
// key is clear, and KEY for a syntax error outside any key.
//
// Parse returns only the first error: of the syntax errors, unknown keys and
// values of the wrong type the one earliest in the file, and when there is
// none of these, the first value out of range in the order of
// [Config.Validate].
package config
