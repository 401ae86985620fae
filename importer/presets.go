package importer

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// PresetOptions are the names a preset leaves to the user.
type PresetOptions struct {
	// Readout is the name prefix of the readout nn.Linear layer for
	// torch-rnn ("fc" means fc.weight and fc.bias).
	Readout string
	// H0 names an initial hidden rate h₀ for torch-rnn; x(0) = atanh(h₀).
	H0 string
	// RNN is the name prefix of the nn.RNN module for torch-rnn ("rnn"
	// means rnn.weight_hh_l0 and so on; "" means top-level names).
	RNN string
	// G is the gain of the thesis preset (W = g·G).
	G float64
}

// Preset is a named mapping with the model constants its source does not
// store.
type Preset struct {
	Name        string
	Description string
	// TauMs, DtMs, G and Activation are the model constants; zero values
	// leave the command-line flags in charge.
	TauMs, DtMs, G float64
	Activation     string
	// Task is the task of the imported run ("" for the flag or none).
	Task    string
	Mapping func(PresetOptions) (Mapping, error)
}

// ThesisGain is the gain g = 1.5 the thesis applied to its stored matrix G.
const ThesisGain = 1.5

var presets = map[string]Preset{
	"thesis": {
		Name: "thesis",
		Description: "the thesis's checkpoints: W = g·G (g = 1.5), W_in = I, W_out = wᵀ, x0 = h0; " +
			"τ = 100 ms, dt = 1 ms, tanh, task pulse-duration",
		TauMs: 100, DtMs: 1, G: ThesisGain, Activation: "tanh", Task: "pulse-duration",
		Mapping: func(o PresetOptions) (Mapping, error) {
			return Mapping{
				"W":     {Terms: []Term{{Name: "G", Scale: o.G}}},
				"W_in":  {Terms: []Term{{Name: "I", Scale: 1}}},
				"W_out": {Terms: []Term{{Name: "w", Scale: 1, Transpose: true}}},
				"x0":    {Terms: []Term{{Name: "h0", Scale: 1}}},
			}, nil
		},
	},
	"torch-rnn": {
		Name: "torch-rnn",
		Description: "PyTorch nn.RNN (tanh, one layer) + nn.Linear readout as a discrete-time network (α = 1): " +
			"W = [<rnn>.]weight_hh_l0, W_in = [<rnn>.]weight_ih_l0, b = bias_ih_l0 + bias_hh_l0, W_out = <readout>.weight, " +
			"b_out = <readout>.bias, x0 = atanh(<h0>) when --h0 is given",
		TauMs: 1, DtMs: 1, G: 1, Activation: "tanh",
		Mapping: func(o PresetOptions) (Mapping, error) {
			if o.Readout == "" {
				return nil, fmt.Errorf("torch-rnn needs the readout layer's name: --readout NAME (for NAME.weight and NAME.bias)")
			}
			p := ""
			if o.RNN != "" {
				p = o.RNN + "."
			}
			m := Mapping{
				"W":     {Terms: []Term{{Name: p + "weight_hh_l0", Scale: 1}}},
				"W_in":  {Terms: []Term{{Name: p + "weight_ih_l0", Scale: 1}}},
				"b":     {Terms: []Term{{Name: p + "bias_ih_l0", Scale: 1}, {Name: p + "bias_hh_l0", Scale: 1}}},
				"W_out": {Terms: []Term{{Name: o.Readout + ".weight", Scale: 1}}},
				"b_out": {Terms: []Term{{Name: o.Readout + ".bias", Scale: 1}}},
			}
			if o.H0 != "" {
				m["x0"] = Expr{Terms: []Term{{Name: o.H0, Scale: 1, Atanh: true}}}
			}
			return m, nil
		},
	},
	"rnnlab": {
		Name: "rnnlab",
		Description: "arrays named after rnnlab's groups: W, W_in, W_out and, when present, b, b_out, x0 " +
			"(the default for .npz and .safetensors files)",
		Mapping: func(PresetOptions) (Mapping, error) {
			return Mapping{
				"W":     {Terms: []Term{{Name: "W", Scale: 1}}},
				"W_in":  {Terms: []Term{{Name: "W_in", Scale: 1}}},
				"W_out": {Terms: []Term{{Name: "W_out", Scale: 1}}},
			}, nil
		},
	},
}

// OptionalGroups are mapped by the rnnlab preset only when the file has an
// array of that name.
var OptionalGroups = []string{"b", "b_out", "x0"}

// LookupPreset returns the named preset.
func LookupPreset(name string) (Preset, error) {
	p, ok := presets[name]
	if !ok {
		return Preset{}, fmt.Errorf("unknown import preset %q (presets: %s)", name, strings.Join(PresetNames(), ", "))
	}
	return p, nil
}

// PresetNames returns the preset names, sorted.
func PresetNames() []string {
	var names []string
	for n := range presets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ParseMapFlag parses one --map value GROUP=EXPR.
func ParseMapFlag(s string) (string, Expr, error) {
	group, expr, ok := strings.Cut(s, "=")
	if !ok {
		return "", Expr{}, fmt.Errorf("--map %s: want GROUP=EXPR, e.g. W_out=fc.weight", strconv.Quote(s))
	}
	e, err := ParseExpr(expr)
	if err != nil {
		return "", Expr{}, fmt.Errorf("--map %s: %w", s, err)
	}
	return strings.TrimSpace(group), e, nil
}
