package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/rnnlab/rnnlab/config"
	"github.com/rnnlab/rnnlab/importer"
	"github.com/rnnlab/rnnlab/internal/buildinfo"
	"github.com/rnnlab/rnnlab/internal/kernel"
	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/runio"
	"github.com/rnnlab/rnnlab/task"
)

const importUsage = `import FILE --out DIR [--preset NAME] [--map GROUP=EXPR ...] [flags]

Turns a network saved elsewhere (.pth/.pt PyTorch checkpoint, .npz or
.safetensors) into a run directory that every rnnlab command reads. The
arrays are assigned to weight groups by an explicit mapping, never guessed
from shapes:

  --preset thesis     W = 1.5·G, W_in = I, W_out = wᵀ, x0 = h0; τ = 100 ms, dt = 1 ms,
                      task pulse-duration (the thesis's checkpoints)
  --preset torch-rnn  nn.RNN (tanh, 1 layer) + nn.Linear as a discrete-time network
                      (α = 1): W = weight_hh_l0, W_in = weight_ih_l0,
                      b = bias_ih_l0 + bias_hh_l0 (prefixed by --rnn NAME. when the
                      nn.RNN is a submodule), W_out/b_out from --readout NAME,
                      x0 = atanh(h0) from --h0 NAME
  --preset rnnlab     arrays named W, W_in, W_out and, if present, b, b_out, x0 (default)

--map GROUP=EXPR sets or overrides one group: EXPR is a sum of terms NAME,
NUMBER*NAME, NAME^T (transposed) or atanh(NAME), e.g. --map W_out=w^T,
--map b=bias_ih_l0+bias_hh_l0. The weights are stored in float64.`

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", importUsage, stderr)
	out := fs.String("out", "", "run `directory` to create")
	presetName := fs.String("preset", "rnnlab", "mapping preset: "+strings.Join(importer.PresetNames(), ", "))
	var maps stringList
	fs.Var(&maps, "map", "`GROUP=EXPR` mapping of one weight group (repeatable)")
	readout := fs.String("readout", "", "torch-rnn: `name` of the nn.Linear readout (NAME.weight, NAME.bias)")
	rnnName := fs.String("rnn", "", "torch-rnn: `name` of the nn.RNN module when its parameters are prefixed (NAME.weight_hh_l0)")
	h0 := fs.String("h0", "", "torch-rnn: `name` of an initial hidden rate h₀ (x0 = atanh(h₀))")
	tau := fs.Float64("tau", 0, "time constant τ in ms (default: the preset's)")
	dt := fs.Float64("dt", 0, "time step dt in ms (default: the preset's)")
	gain := fs.Float64("g", 0, "gain g: for the thesis preset W = g·G; otherwise recorded only (default: the preset's, else 1)")
	activation := fs.String("activation", "", "activation function (default tanh)")
	taskName := fs.String("task", "", "task of the run (default: the preset's, else none)")
	initPath := fs.String("init", "", "`file` with the weights before training, mapped the same way (written as init.safetensors)")
	force := fs.Bool("force", false, "replace an existing run directory")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("import: want one input file, got %d arguments", len(rest))
	}
	if *out == "" {
		return usagef("import: --out DIR is required")
	}
	preset, err := importer.LookupPreset(*presetName)
	if err != nil {
		return usagef("import: %v", err)
	}
	opts := importer.PresetOptions{Readout: *readout, H0: *h0, RNN: *rnnName, G: preset.G}
	if *gain != 0 {
		opts.G = *gain
	}
	mapping, err := preset.Mapping(opts)
	if err != nil {
		return usagef("import: %v", err)
	}

	src, err := importer.Load(rest[0])
	if err != nil {
		return err
	}
	if preset.Name == "rnnlab" {
		for _, g := range importer.OptionalGroups {
			if slices.Contains(src.Names(), g) {
				mapping[g] = importer.Expr{Terms: []importer.Term{{Name: g, Scale: 1}}}
			}
		}
	}
	if preset.Name == "torch-rnn" {
		if err := checkTorchRNN(src, opts, mapping); err != nil {
			return err
		}
	}
	for _, m := range maps {
		g, e, err := importer.ParseMapFlag(m)
		if err != nil {
			return usagef("import: %v", err)
		}
		mapping[g] = e
	}
	if err := importer.CheckGroups(mapping); err != nil {
		return usagef("import: --map: %v", err)
	}
	w, err := importer.Build(src, mapping)
	if err != nil {
		return err
	}

	mc, err := importedModel(src, preset, w, *tau, *dt, opts.G, *activation)
	if err != nil {
		return err
	}
	cfg := config.Default()
	cfg.Model = *mc
	name := *taskName
	if name == "" {
		name = preset.Task
	}
	if name == "" {
		name = task.NoneName
	}
	spec, ok := task.Lookup(name)
	if !ok {
		return usagef("import: unknown task %q (tasks: %s)", name, strings.Join(task.Names(), ", "))
	}
	params := spec.NewParams()
	if np, ok := params.(*task.NoneParams); ok {
		np.Inputs, np.Outputs = w.I, w.O
		np.TrialMs = 1000 * mc.DtMs
	}
	cfg.Task = config.TaskConfig{Name: name, Params: params}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	tk, err := cfg.BuildTask()
	if err != nil {
		return err
	}
	if tk.Inputs() != w.I || tk.Outputs() != w.O {
		return usagef("import: task %s has %d inputs and %d outputs, the network %d and %d; choose another --task",
			name, tk.Inputs(), tk.Outputs(), w.I, w.O)
	}

	prov := &runio.Provenance{Preset: preset.Name, Mapping: importer.Mapping(mapping).String(),
		Files: []runio.SourceFile{sourceFile("weights", src)}}
	var init *model.Weights
	if *initPath != "" {
		isrc, err := importer.Load(*initPath)
		if err != nil {
			return err
		}
		if init, err = importer.Build(isrc, mapping); err != nil {
			return err
		}
		if init.N != w.N || init.I != w.I || init.O != w.O {
			return fmt.Errorf("%s: initial weights have N, I, O = %d, %d, %d, the network %d, %d, %d",
				*initPath, init.N, init.I, init.O, w.N, w.I, w.O)
		}
		prov.Files = append(prov.Files, sourceFile("init", isrc))
	}

	encoded, err := cfg.Encode()
	if err != nil {
		return err
	}
	if err := runio.CreateRunDir(*out, *force); err != nil {
		return usagef("import: %v", err)
	}
	if err := runio.WriteBytesAtomic(runio.Path(*out, runio.ConfigFile), encoded); err != nil {
		return err
	}
	if err := runio.SaveWeights(runio.Path(*out, runio.WeightsFile), w, &cfg.Model, "float64"); err != nil {
		return err
	}
	if init != nil {
		if err := runio.SaveWeights(runio.Path(*out, runio.InitFile), init, &cfg.Model, "float64"); err != nil {
			return err
		}
	}
	now := time.Now().UTC()
	man := &runio.Manifest{
		Program: programName, Version: buildinfo.Version, Commit: buildinfo.Commit(), GoVersion: runtime.Version(),
		Command: os.Args, Status: runio.StatusDone, Started: now, Ended: &now, Backend: kernel.Backend(),
		DType: "float64", ConfigHash: cfg.Hash(), Seeds: cfg.Model.Seeds, Task: tk.Name(), Source: prov,
	}
	if err := runio.WriteManifest(*out, man); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %s (%s, N = %d, %d inputs, %d outputs) into %s\n  mapping: %s\n",
		src.Path, src.Format, w.N, w.I, w.O, *out, prov.Mapping)
	return nil
}

func sourceFile(role string, s *importer.Source) runio.SourceFile {
	abs, err := filepath.Abs(s.Path)
	if err != nil {
		abs = s.Path
	}
	return runio.SourceFile{Role: role, Path: abs, SHA256: s.SHA256, Format: s.Format, Prefix: s.Prefix}
}

// checkTorchRNN rejects nn.RNN state dicts the torch-rnn preset would
// import wrongly (more layers, bidirectional) and drops the biases of an
// nn.RNN or nn.Linear built with bias=False. PyTorch does not store the
// nonlinearity in the state dict, so a ReLU nn.RNN cannot be detected and
// the preset assumes tanh.
func checkTorchRNN(src *importer.Source, o importer.PresetOptions, m importer.Mapping) error {
	p := ""
	if o.RNN != "" {
		p = o.RNN + "."
	}
	if src.Has(p + "weight_hh_l1") {
		return fmt.Errorf("%s: %sweight_hh_l1 shows an nn.RNN with more than one layer; the torch-rnn preset imports one layer only", src.Path, p)
	}
	if src.Has(p + "weight_hh_l0_reverse") {
		return fmt.Errorf("%s: %sweight_hh_l0_reverse shows a bidirectional nn.RNN, which is not a recurrent rate network of this kind", src.Path, p)
	}
	if !src.Has(p+"bias_ih_l0") && !src.Has(p+"bias_hh_l0") {
		delete(m, model.GroupB)
	}
	if !src.Has(o.Readout + ".bias") {
		delete(m, model.GroupBOut)
	}
	return nil
}

// importedModel sets the model constants: the flags win, then the preset,
// then the model config stored in an rnnlab safetensors file (metadata
// rnnlab_model) or the tau_ms, dt_ms and g scalars of an .npz written by
// rnnlab export.
func importedModel(src *importer.Source, p importer.Preset, w *model.Weights, tau, dt, g float64, activation string) (*model.Config, error) {
	mc := model.DefaultConfig()
	mc.N, mc.Inputs, mc.Outputs = w.N, w.I, w.O
	mc.TauMs, mc.DtMs, mc.G, mc.Activation = p.TauMs, p.DtMs, p.G, p.Activation
	if raw, ok := src.Metadata[runio.ModelMetadataKey]; ok && p.TauMs == 0 {
		var stored model.Config
		if err := json.Unmarshal([]byte(raw), &stored); err != nil {
			return nil, fmt.Errorf("%s: metadata %s: invalid JSON: %w", src.Path, runio.ModelMetadataKey, err)
		}
		mc.TauMs, mc.DtMs, mc.G, mc.Activation = stored.TauMs, stored.DtMs, stored.G, stored.Activation
	}
	if p.TauMs == 0 {
		if v, ok := src.Scalar("tau_ms"); ok {
			mc.TauMs = v
		}
		if v, ok := src.Scalar("dt_ms"); ok {
			mc.DtMs = v
		}
		if v, ok := src.Scalar("g"); ok {
			mc.G = v
		}
	}
	if tau != 0 {
		mc.TauMs = tau
	}
	if dt != 0 {
		mc.DtMs = dt
	}
	if g != 0 {
		mc.G = g
	}
	if activation != "" {
		mc.Activation = activation
	}
	if mc.G == 0 {
		mc.G = 1
	}
	if mc.Activation == "" {
		mc.Activation = "tanh"
	}
	if mc.TauMs == 0 || mc.DtMs == 0 {
		return nil, usagef("import: %s does not say the time constant and step; give --tau MS and --dt MS (--tau 1 --dt 1 for a discrete-time network)", src.Path)
	}
	if !(mc.TauMs > 0) || !(mc.DtMs > 0) || mc.DtMs > mc.TauMs || math.IsInf(mc.TauMs, 0) {
		return nil, usagef("import: need 0 < dt ≤ τ, got --dt %v --tau %v", mc.DtMs, mc.TauMs)
	}
	if _, err := model.LookupActivation(mc.Activation); err != nil {
		return nil, usagef("import: %v", err)
	}
	return &mc, nil
}
