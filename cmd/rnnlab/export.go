package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rnnlab/rnnlab/runio"
)

const exportUsage = `export DIR --format npz|safetensors --out FILE [--init]

Writes the run's final weights (or with --init its initial weights) as
arrays W (N×N, W[i, j] from unit j to unit i), W_in (N×I), W_out (O×N),
b (N), b_out (O) and x0 (N), in the dtype they were stored in. safetensors
files carry the model config as JSON under the metadata key rnnlab_model;
.npz files carry tau_ms, dt_ms, g and alpha as 0-d arrays.`

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", exportUsage, stderr)
	format := fs.String("format", "", "npz or safetensors (default: from the --out extension)")
	out := fs.String("out", "", "output `file`")
	initial := fs.Bool("init", false, "export the weights before training (init.safetensors)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("export: want one run directory, got %d arguments", len(rest))
	}
	if *out == "" {
		return usagef("export: --out FILE is required")
	}
	if *format == "" {
		switch {
		case strings.HasSuffix(*out, ".npz"):
			*format = "npz"
		case strings.HasSuffix(*out, ".safetensors"):
			*format = "safetensors"
		}
	}
	if *format != "npz" && *format != "safetensors" {
		return usagef("export: --format must be npz or safetensors (or --out must end in .npz or .safetensors), got %q", *format)
	}
	if !strings.HasSuffix(*out, "."+*format) {
		return usagef("export: --out %q does not end in .%s, the --format", *out, *format)
	}
	if _, _, _, err := openRun(rest[0]); err != nil {
		return err
	}
	name := runio.WeightsFile
	if *initial {
		name = runio.InitFile
	}
	path := runio.Path(rest[0], name)
	if _, err := os.Stat(path); err != nil && *initial {
		return fmt.Errorf("run %s has no initial weights (%s); an imported run has them only when imported with --init", rest[0], runio.InitFile)
	}
	st, err := runio.LoadSafetensors(path)
	if err != nil {
		return err
	}
	w, mc, err := runio.LoadWeights(path)
	if err != nil {
		return err
	}
	if *format == "safetensors" {
		if err := runio.SaveSafetensors(*out, st.Tensors, st.Metadata); err != nil {
			return err
		}
	} else {
		dtype := "float64"
		if len(st.Tensors) > 0 && st.Tensors[0].F32 != nil {
			dtype = "float32"
		}
		tensors := runio.WeightTensors(w, dtype)
		for _, s := range []struct {
			name string
			v    float64
		}{{"tau_ms", mc.TauMs}, {"dt_ms", mc.DtMs}, {"g", mc.G}, {"alpha", mc.Alpha()}} {
			tensors = append(tensors, runio.Tensor{Name: s.name, Shape: []int{}, F64: []float64{s.v}})
		}
		if err := runio.SaveNPZ(*out, tensors); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote %s (%s, N = %d, arrays %s)\n", *out, *format, w.N, strings.Join([]string{"W", "W_in", "W_out", "b", "b_out", "x0"}, ", "))
	return nil
}
