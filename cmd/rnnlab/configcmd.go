package main

import (
	"context"
	"io"
	"strings"

	"github.com/rnnlab/rnnlab/config"
)

const configUsage = `config [--preset NAME | --config FILE] [--seed N]

Prints the resolved config, with every default written out, as TOML: a
starting point for your own config file, or a check of what a file means.`

func runConfig(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("config", configUsage, stderr)
	preset := fs.String("preset", "", "built-in config: "+strings.Join(config.PresetNames(), ", ")+" (default: the built-in defaults, the thesis preset with every seed derived from the run seed)")
	path := fs.String("config", "", "TOML config `file` to resolve")
	var seed seedFlag
	fs.Var(&seed, "seed", "run `seed` to apply")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("config: unexpected argument %q", rest[0])
	}
	if *preset != "" && *path != "" {
		return usagef("config: give --preset or --config, not both")
	}
	var cfg *config.Config
	switch {
	case *path != "":
		cfg, err = config.Load(*path)
	case *preset != "":
		cfg, err = config.Preset(*preset)
	default:
		cfg = config.Default()
	}
	if err != nil {
		return err
	}
	if seed.set {
		cfg.SetSeed(seed.value)
	}
	data, err := cfg.Encode()
	if err != nil {
		return err
	}
	_, err = stdout.Write(data)
	return err
}
