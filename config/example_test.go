package config_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/config"
)

func ExampleParse() {
	src := `name = "short-tau"
[model]
tau_ms = 20
[train]
trials = 16
`
	_, err := config.Parse([]byte(src), "run.toml")
	fmt.Println(err)

	src = `name = "short-tau"
[model]
tau_ms = 20
[train]
trials = 64
`
	c, err := config.Parse([]byte(src), "run.toml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Name, c.Model.TauMs, c.Model.N, c.Train.Trials, c.Train.BatchSize)
	// Output:
	// run.toml:5: train.batch_size: must not exceed train.trials = 16, because a batch holds distinct trials, got 32
	// short-tau 20 500 64 32
}

func ExamplePreset() {
	c, err := config.Preset("demo")
	if err != nil {
		fmt.Println(err)
		return
	}
	c.SetSeed(7)
	fmt.Println(c.Model.N, c.Model.DtMs, c.Train.Epochs, c.StreamSeeds().Run)
	_, err = config.Preset("huge")
	fmt.Println(err)
	// Output:
	// 100 10 50 7
	// preset: unknown preset "huge"; the presets are demo, thesis
}
