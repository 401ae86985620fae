package train

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/runio"
)

// checkpointMetadataKey is the safetensors metadata key holding a
// checkpoint's counters and random-stream states as JSON.
const checkpointMetadataKey = "rnnlab_checkpoint"

type checkpointMeta struct {
	DType     string `json:"dtype"`
	Step      int    `json:"step"`
	Epoch     int    `json:"epoch"`
	AdamStep  int    `json:"adam_step"`
	TrialsRNG string `json:"trials_rng"`
	NoiseRNG  string `json:"noise_rng"`
}

// SaveCheckpoint writes st atomically to path as safetensors: the weights
// under their group names, Adam's moments as "adam_m.<group>" and
// "adam_v.<group>", all in the training dtype (so restoring is exact), and
// the counters and stream states in the metadata.
func SaveCheckpoint(path string, st *State, cfg *model.Config) error {
	tensors := runio.WeightTensors(st.Weights, st.DType)
	for _, g := range model.Groups {
		m, ok := st.AdamM[g]
		if !ok {
			continue
		}
		_, shape := st.Weights.Group(g)
		tensors = append(tensors, vectorTensor("adam_m."+g, shape, m, st.DType), vectorTensor("adam_v."+g, shape, st.AdamV[g], st.DType))
	}
	meta, err := json.Marshal(checkpointMeta{DType: st.DType, Step: st.Step, Epoch: st.Epoch, AdamStep: st.AdamStep,
		TrialsRNG: base64.StdEncoding.EncodeToString(st.TrialsRNG), NoiseRNG: base64.StdEncoding.EncodeToString(st.NoiseRNG)})
	if err != nil {
		return err
	}
	mc, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	return runio.SaveSafetensors(path, tensors, map[string]string{checkpointMetadataKey: string(meta), runio.ModelMetadataKey: string(mc)})
}

func vectorTensor(name string, shape []int, v []float64, dtype string) runio.Tensor {
	t := runio.Tensor{Name: name, Shape: slices.Clone(shape)}
	if dtype == "float32" {
		t.F32 = make([]float32, len(v))
		for i, x := range v {
			t.F32[i] = float32(x)
		}
	} else {
		t.F64 = slices.Clone(v)
	}
	return t
}

// LoadCheckpoint reads a checkpoint written by [SaveCheckpoint] for a
// network of the sizes in cfg, with Adam state for the trainable groups.
func LoadCheckpoint(path string, cfg *model.Config, trainable []string) (*State, error) {
	st, err := runio.LoadSafetensors(path)
	if err != nil {
		return nil, err
	}
	raw, ok := st.Metadata[checkpointMetadataKey]
	if !ok {
		return nil, fmt.Errorf("%s: metadata key %q is missing; not an rnnlab checkpoint", path, checkpointMetadataKey)
	}
	var meta checkpointMeta
	if err := json.Unmarshal([]byte(raw), &meta); err != nil {
		return nil, fmt.Errorf("%s: metadata %q: invalid JSON: %w", path, checkpointMetadataKey, err)
	}
	w, err := runio.WeightsFromTensors(st, cfg.N, cfg.Inputs, cfg.Outputs, path)
	if err != nil {
		return nil, err
	}
	s := &State{DType: meta.DType, Step: meta.Step, Epoch: meta.Epoch, AdamStep: meta.AdamStep, Weights: w,
		AdamM: map[string][]float64{}, AdamV: map[string][]float64{}}
	if s.TrialsRNG, err = base64.StdEncoding.DecodeString(meta.TrialsRNG); err != nil {
		return nil, fmt.Errorf("%s: trials_rng: %w", path, err)
	}
	if s.NoiseRNG, err = base64.StdEncoding.DecodeString(meta.NoiseRNG); err != nil {
		return nil, fmt.Errorf("%s: noise_rng: %w", path, err)
	}
	for _, g := range trainable {
		_, shape := w.Group(g)
		for _, kind := range []string{"adam_m.", "adam_v."} {
			t, ok := st.Get(kind + g)
			if !ok {
				return nil, fmt.Errorf("%s: tensor %q is missing", path, kind+g)
			}
			if !slices.Equal(t.Shape, shape) {
				return nil, fmt.Errorf("%s: tensor %q has shape %v, want %v", path, kind+g, t.Shape, shape)
			}
			if kind == "adam_m." {
				s.AdamM[g] = slices.Clone(t.Float64())
			} else {
				s.AdamV[g] = slices.Clone(t.Float64())
			}
		}
	}
	return s, nil
}
