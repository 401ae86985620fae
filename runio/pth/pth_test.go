package pth

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rnnlab/rnnlab/runio"
)

// expectedTensor is one tensor of testdata/expected.json, written by
// scripts/fixtures/make_pth_fixtures.py with torch 1.13.
type expectedTensor struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
	Go    string `json:"go"`   // "F32" or "F64"
	Data  any    `json:"data"` // nested lists, or a number for a 0-D tensor
}

type expectedFile struct {
	Tensors []expectedTensor  `json:"tensors"`
	Values  map[string]string `json:"values"`
}

func loadExpected(t *testing.T) map[string]expectedFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string]expectedFile
	if err := json.Unmarshal(b, &expected); err != nil {
		t.Fatal(err)
	}
	return expected
}

// flatten returns the numbers of nested JSON lists in row-major order.
func flatten(v any) []float64 {
	switch v := v.(type) {
	case float64:
		return []float64{v}
	case []any:
		out := []float64{}
		for _, item := range v {
			out = append(out, flatten(item)...)
		}
		return out
	}
	return nil
}

// checkTensor compares got with want bit for bit, so that −0 and the float16
// subnormals count too.
func checkTensor(t *testing.T, file string, got runio.Tensor, want expectedTensor) {
	t.Helper()
	if got.Name != want.Name {
		t.Errorf("%s: tensor name %q, want %q", file, got.Name, want.Name)
	}
	if !reflect.DeepEqual(got.Shape, want.Shape) {
		t.Errorf("%s: %s shape %v, want %v", file, want.Name, got.Shape, want.Shape)
	}
	values := flatten(want.Data)
	switch want.Go {
	case "F32":
		if got.F32 == nil || got.F64 != nil {
			t.Fatalf("%s: %s should fill F32 only (F32 nil: %v, F64 nil: %v)", file, want.Name, got.F32 == nil, got.F64 == nil)
		}
		if len(got.F32) != len(values) {
			t.Fatalf("%s: %s has %d values, want %d", file, want.Name, len(got.F32), len(values))
		}
		for i, v := range values {
			if math.Float32bits(got.F32[i]) != math.Float32bits(float32(v)) {
				t.Errorf("%s: %s[%d] = %v, want %v", file, want.Name, i, got.F32[i], float32(v))
			}
		}
	case "F64":
		if got.F64 == nil || got.F32 != nil {
			t.Fatalf("%s: %s should fill F64 only (F32 nil: %v, F64 nil: %v)", file, want.Name, got.F32 == nil, got.F64 == nil)
		}
		if len(got.F64) != len(values) {
			t.Fatalf("%s: %s has %d values, want %d", file, want.Name, len(got.F64), len(values))
		}
		for i, v := range values {
			if math.Float64bits(got.F64[i]) != math.Float64bits(v) {
				t.Errorf("%s: %s[%d] = %v, want %v", file, want.Name, i, got.F64[i], v)
			}
		}
	default:
		t.Fatalf("%s: %s: unknown Go slice %q in expected.json", file, want.Name, want.Go)
	}
}

func TestFixturesMatchTorch(t *testing.T) {
	expected := loadExpected(t)
	if len(expected) == 0 {
		t.Fatal("expected.json lists no fixtures")
	}
	for file, want := range expected {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join("testdata", file)
			f, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if f.Path != path {
				t.Errorf("Path = %q, want %q", f.Path, path)
			}
			if len(f.Tensors) != len(want.Tensors) {
				names := []string{}
				for _, tt := range f.Tensors {
					names = append(names, tt.Name)
				}
				t.Fatalf("got %d tensors %v, want %d", len(f.Tensors), names, len(want.Tensors))
			}
			for i := range want.Tensors {
				checkTensor(t, file, f.Tensors[i], want.Tensors[i])
			}
			if !reflect.DeepEqual(f.Values, want.Values) {
				t.Errorf("Values = %v\nwant     %v", f.Values, want.Values)
			}
		})
	}
}

func TestFormatDetected(t *testing.T) {
	for file, format := range map[string]string{
		"views.pth":             "zip",
		"views_legacy.pth":      "legacy",
		"views_big_endian.pth":  "zip",
		"checkpoint_legacy.pth": "legacy",
	} {
		f, err := Load(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		if f.Format != format {
			t.Errorf("%s: Format = %q, want %q", file, f.Format, format)
		}
	}
}

// The transpose in views.pth shares its storage with "weight", so its
// contiguous copy must be weight's transpose, element by element.
func TestTransposedViewIsTranspose(t *testing.T) {
	f, err := Load(filepath.Join("testdata", "views.pth"))
	if err != nil {
		t.Fatal(err)
	}
	weight, weightT := f.Tensors[0], f.Tensors[1]
	if weight.Name != "weight" || weightT.Name != "weight_t" {
		t.Fatalf("tensors are %q and %q, want weight and weight_t", weight.Name, weightT.Name)
	}
	rows, cols := weight.Shape[0], weight.Shape[1]
	if !reflect.DeepEqual(weightT.Shape, []int{cols, rows}) {
		t.Fatalf("weight_t shape %v, want [%d %d]", weightT.Shape, cols, rows)
	}
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			if weight.F32[i*cols+j] != weightT.F32[j*rows+i] {
				t.Errorf("weight[%d][%d] = %v but weight_t[%d][%d] = %v", i, j, weight.F32[i*cols+j], j, i, weightT.F32[j*rows+i])
			}
		}
	}
}

func TestStateDictOfNestedCheckpoint(t *testing.T) {
	f, err := Load(filepath.Join("testdata", "checkpoint.pth"))
	if err != nil {
		t.Fatal(err)
	}
	tensors, prefix := f.StateDict()
	if prefix != "state_dict" {
		t.Errorf("prefix = %q, want state_dict", prefix)
	}
	var names []string
	for _, tt := range tensors {
		names = append(names, tt.Name)
	}
	want := []string{"rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0", "readout.weight", "readout.bias"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("names = %v, want %v", names, want)
	}
	if f.Tensors[0].Name != "state_dict.rnn.weight_ih_l0" {
		t.Errorf("StateDict renamed f.Tensors[0] to %q", f.Tensors[0].Name)
	}
}

func TestStateDictOfPlainStateDict(t *testing.T) {
	f, err := Load(filepath.Join("testdata", "views.pth"))
	if err != nil {
		t.Fatal(err)
	}
	tensors, prefix := f.StateDict()
	if prefix != "" {
		t.Errorf("prefix = %q, want empty", prefix)
	}
	if len(tensors) != len(f.Tensors) {
		t.Errorf("StateDict returned %d tensors, want all %d", len(tensors), len(f.Tensors))
	}
}

func TestStateDictModelStateDictKey(t *testing.T) {
	f := &File{Tensors: []runio.Tensor{
		{Name: "epoch_loss", Shape: []int{}, F32: []float32{1}},
		{Name: "model_state_dict.W", Shape: []int{1}, F32: []float32{2}},
	}}
	tensors, prefix := f.StateDict()
	if prefix != "model_state_dict" {
		t.Errorf("prefix = %q, want model_state_dict", prefix)
	}
	if len(tensors) != 1 || tensors[0].Name != "W" {
		t.Errorf("tensors = %v, want one named W", tensors)
	}
}
