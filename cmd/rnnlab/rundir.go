package main

import (
	"fmt"
	"os"

	"github.com/rnnlab/rnnlab/config"
	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/runio"
	"github.com/rnnlab/rnnlab/task"
)

// openRun reads a run directory's config, task and final weights.
func openRun(dir string) (*config.Config, task.Task, *model.Weights, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, nil, nil, usagef("%s is not a run directory", dir)
	}
	if _, err := os.Stat(runio.Path(dir, runio.ManifestFile)); err != nil {
		return nil, nil, nil, usagef("%s is not a run directory (no %s)", dir, runio.ManifestFile)
	}
	if _, err := os.Stat(runio.Path(dir, runio.WeightsFile)); err != nil {
		status := "unknown"
		if man, err := runio.ReadManifest(dir); err == nil {
			status = man.Status
			if man.Reason != "" {
				status += ": " + man.Reason
			}
		}
		return nil, nil, nil, fmt.Errorf("run %s has no final weights yet (status %s); finish it with: rnnlab train --resume %s", dir, status, dir)
	}
	cfg, err := config.Load(runio.Path(dir, runio.ConfigFile))
	if err != nil {
		return nil, nil, nil, err
	}
	tk, err := cfg.BuildTask()
	if err != nil {
		return nil, nil, nil, err
	}
	path := runio.Path(dir, runio.WeightsFile)
	w, mc, err := runio.LoadWeights(path)
	if err != nil {
		return nil, nil, nil, err
	}
	if mc.N != cfg.Model.N || w.I != tk.Inputs() || w.O != tk.Outputs() {
		return nil, nil, nil, fmt.Errorf("%s: the weights have N, I, O = %d, %d, %d; config.toml and its task say %d, %d, %d",
			path, w.N, w.I, w.O, cfg.Model.N, tk.Inputs(), tk.Outputs())
	}
	return cfg, tk, w, nil
}

// loadConfigOrPreset reads the config file at path, or the named preset
// when path is empty.
func loadConfigOrPreset(path, preset string) (*config.Config, error) {
	if path != "" {
		return config.Load(path)
	}
	return config.Preset(preset)
}
