package pth

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rnnlab/rnnlab/runio"
)

// thesisDir is where CI puts the thesis checkpoints: the shared folder next
// to the repository root, which is three levels above this package.
var thesisDir = filepath.Join("..", "..", "..", "shared", "data", "thesis")

// thesisPath returns the path of a thesis file and fails the test when it is
// missing, because CI always provides the folder.
func thesisPath(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(thesisDir, name)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("thesis file missing (the shared folder must sit next to the repository): %v", err)
	}
	return path
}

// thesisStateDict loads a checkpoint and returns its state dict by name.
func thesisStateDict(t *testing.T, name, wantPrefix string) map[string]runio.Tensor {
	t.Helper()
	f, err := Load(thesisPath(t, name))
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != "zip" {
		t.Errorf("%s: Format = %q, want zip", name, f.Format)
	}
	tensors, prefix := f.StateDict()
	if prefix != wantPrefix {
		t.Errorf("%s: StateDict prefix = %q, want %q", name, prefix, wantPrefix)
	}
	byName := map[string]runio.Tensor{}
	for _, tt := range tensors {
		byName[tt.Name] = tt
	}
	if len(byName) != 4 {
		t.Errorf("%s: state dict has %d tensors, want G, I, w and h0", name, len(byName))
	}
	for tensorName, shape := range map[string][]int{"G": {500, 500}, "I": {500, 1}, "w": {500, 1}, "h0": {500}} {
		tt, ok := byName[tensorName]
		if !ok {
			t.Fatalf("%s: state dict has no %s", name, tensorName)
		}
		if !reflect.DeepEqual(tt.Shape, shape) {
			t.Errorf("%s: %s shape %v, want %v", name, tensorName, tt.Shape, shape)
		}
		if tt.F32 == nil || tt.F64 != nil || len(tt.F32) != tt.Len() {
			t.Errorf("%s: %s should be float32", name, tensorName)
		}
	}
	return byName
}

// initialG returns G from a thesis *_init.npz file.
func initialG(t *testing.T, name string) runio.Tensor {
	t.Helper()
	arrays, err := runio.LoadNPZ(thesisPath(t, name))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range arrays {
		if a.Name == "G" {
			return a
		}
	}
	t.Fatalf("%s has no array G", name)
	return runio.Tensor{}
}

func TestThesisCheckpoints(t *testing.T) {
	for _, c := range []struct {
		checkpoint, init, prefix, epoch string
	}{
		{"sys_A1_state.pth", "sys_A1_init.npz", "state_dict", "49"},
		{"sys_A2_state.pth", "sys_A2_init.npz", "state_dict", "49"},
		{"sys_A3_state.pth", "sys_A3_init.npz", "state_dict", "49"},
		{"sys_A5.pth", "sys_A5_init.npz", "", ""},
	} {
		t.Run(c.checkpoint, func(t *testing.T) {
			state := thesisStateDict(t, c.checkpoint, c.prefix)

			// G is never trained, so it equals the initial G bit for bit.
			g, g0 := state["G"], initialG(t, c.init)
			if !reflect.DeepEqual(g0.Shape, []int{500, 500}) || g0.F32 == nil {
				t.Fatalf("%s: G has shape %v and F32 set %v, want float32 500×500", c.init, g0.Shape, g0.F32 != nil)
			}
			mismatches := 0
			for i := range g0.F32 {
				if math.Float32bits(g.F32[i]) != math.Float32bits(g0.F32[i]) {
					mismatches++
				}
			}
			if mismatches != 0 {
				t.Errorf("G differs from %s in %d of %d entries", c.init, mismatches, len(g0.F32))
			}

			for i, v := range state["h0"].F32 {
				if v != 0 {
					t.Fatalf("h0[%d] = %v, want 0", i, v)
				}
			}

			if c.epoch != "" {
				f, err := Load(thesisPath(t, c.checkpoint))
				if err != nil {
					t.Fatal(err)
				}
				if f.Values["epoch"] != c.epoch {
					t.Errorf("epoch = %q, want %q", f.Values["epoch"], c.epoch)
				}
			}
		})
	}
}

// The thesis reports the cosine between the trained I and w, so reproducing
// it checks that I and w are the trained vectors in the right order.
func TestThesisWeightCorrelation(t *testing.T) {
	for _, c := range []struct {
		checkpoint, prefix string
		want               float64 // published value, computed in float32 by PyTorch
	}{
		{"sys_A1_state.pth", "state_dict", 0.8806139230728149},
		{"sys_A5.pth", "", 0.8557652831077576},
	} {
		state := thesisStateDict(t, c.checkpoint, c.prefix)
		in, out := state["I"].F32, state["w"].F32
		var dot, nIn, nOut float64
		for i := range in {
			dot += float64(in[i]) * float64(out[i])
			nIn += float64(in[i]) * float64(in[i])
			nOut += float64(out[i]) * float64(out[i])
		}
		got := dot / math.Sqrt(nIn*nOut)
		// The published value is a float32 result, so agreement is to
		// float32 rounding, well inside 1e-6.
		if math.Abs(got-c.want) > 1e-6 {
			t.Errorf("%s: cos(I, w) = %.10f, want %.10f", c.checkpoint, got, c.want)
		}
	}
}
