package runio

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/rnnlab/rnnlab/model"
)

// WeightTensors converts weights to tensors named after the groups (W,
// W_in, W_out, b, b_out, x0) with their matrix shapes, in dtype "float32"
// or "float64". Converting to float32 is exact for weights trained in
// float32.
func WeightTensors(w *model.Weights, dtype string) []Tensor {
	var out []Tensor
	for _, g := range model.Groups {
		v, shape := w.Group(g)
		t := Tensor{Name: g, Shape: shape}
		if dtype == "float32" {
			t.F32 = make([]float32, len(v))
			for i, x := range v {
				t.F32[i] = float32(x)
			}
		} else {
			t.F64 = slices.Clone(v)
		}
		out = append(out, t)
	}
	return out
}

// SaveWeights writes weights and the model config (as JSON under the
// metadata key rnnlab_model) to a safetensors file, atomically.
func SaveWeights(path string, w *model.Weights, cfg *model.Config, dtype string) error {
	meta, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	return SaveSafetensors(path, WeightTensors(w, dtype), map[string]string{ModelMetadataKey: string(meta)})
}

// LoadWeights reads a weights file written by [SaveWeights]. The model
// config comes from the metadata; every group must be present with the
// shape the config implies and finite values.
func LoadWeights(path string) (*model.Weights, *model.Config, error) {
	st, err := LoadSafetensors(path)
	if err != nil {
		return nil, nil, err
	}
	raw, ok := st.Metadata[ModelMetadataKey]
	if !ok {
		return nil, nil, fmt.Errorf("%s: metadata key %q with the model config is missing", path, ModelMetadataKey)
	}
	var cfg model.Config
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		return nil, nil, fmt.Errorf("%s: metadata %q: invalid JSON: %w", path, ModelMetadataKey, err)
	}
	if cfg.N < 1 || cfg.Inputs < 0 || cfg.Outputs < 0 || cfg.N > 1<<20 || cfg.Inputs > 1<<20 || cfg.Outputs > 1<<20 {
		return nil, nil, fmt.Errorf("%s: model config has invalid sizes n=%d inputs=%d outputs=%d", path, cfg.N, cfg.Inputs, cfg.Outputs)
	}
	w, err := WeightsFromTensors(st, cfg.N, cfg.Inputs, cfg.Outputs, path)
	if err != nil {
		return nil, nil, err
	}
	return w, &cfg, nil
}

// WeightsFromTensors collects the weight groups of a network of the given
// sizes from a safetensors file; name is used in errors.
func WeightsFromTensors(st *Safetensors, n, in, out int, name string) (*model.Weights, error) {
	w := model.NewWeights(n, in, out)
	for _, g := range model.Groups {
		dst, shape := w.Group(g)
		t, ok := st.Get(g)
		if !ok {
			return nil, fmt.Errorf("%s: tensor %q is missing", name, g)
		}
		if !slices.Equal(t.Shape, shape) {
			return nil, fmt.Errorf("%s: tensor %q has shape %v, want %v", name, g, t.Shape, shape)
		}
		for i, v := range t.Float64() {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s: tensor %q has a non-finite value %v at index %d", name, g, v, i)
			}
			dst[i] = v
		}
	}
	return w, nil
}
