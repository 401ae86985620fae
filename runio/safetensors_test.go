package runio

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSafetensorsRoundTrip(t *testing.T) {
	tensors := sampleTensors()
	metadata := map[string]string{"rnnlab_model": `{"n": 4, "g": 1.5}`, "format": "pt", "note": "<&>"}

	var buf bytes.Buffer
	if err := WriteSafetensors(&buf, tensors, metadata); err != nil {
		t.Fatal(err)
	}
	s, err := ReadSafetensors(buf.Bytes(), "roundtrip.safetensors")
	if err != nil {
		t.Fatal(err)
	}

	if len(s.Metadata) != len(metadata) {
		t.Errorf("metadata = %v, want %v", s.Metadata, metadata)
	}
	for k, v := range metadata {
		if s.Metadata[k] != v {
			t.Errorf("metadata[%q] = %q, want %q", k, s.Metadata[k], v)
		}
	}
	if len(s.Tensors) != len(tensors) {
		t.Fatalf("read %d tensors, want %d", len(s.Tensors), len(tensors))
	}
	for i, want := range tensors {
		checkTensorEqual(t, s.Tensors[i], want)
		got, ok := s.Get(want.Name)
		if !ok {
			t.Errorf("Get(%q) found nothing", want.Name)
			continue
		}
		checkTensorEqual(t, got, want)
	}
	if _, ok := s.Get("missing"); ok {
		t.Error(`Get("missing") = true, want false`)
	}
}

func TestSafetensorsEmptyFile(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSafetensors(&buf, nil, nil); err != nil {
		t.Fatal(err)
	}
	s, err := ReadSafetensors(buf.Bytes(), "empty.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Tensors) != 0 {
		t.Errorf("read %d tensors, want 0", len(s.Tensors))
	}
	if s.Metadata == nil || len(s.Metadata) != 0 {
		t.Errorf("metadata = %#v, want an empty non-nil map", s.Metadata)
	}
}

func TestSafetensorsHeaderLayout(t *testing.T) {
	tensors := []Tensor{
		{Name: "b", Shape: []int{3}, F32: []float32{1, 2, 3}},
		{Name: "a", Shape: []int{}, F64: []float64{4}},
	}
	var buf bytes.Buffer
	if err := WriteSafetensors(&buf, tensors, map[string]string{"z": "1", "a": "2"}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	headerLen := int(binary.LittleEndian.Uint64(data[:8]))
	if headerLen%8 != 0 {
		t.Errorf("header length %d is not a multiple of 8", headerLen)
	}
	header := strings.TrimRight(string(data[8:8+headerLen]), " ")
	// Metadata first with sorted keys, then the tensors in the given order.
	want := `{"__metadata__":{"a":"2","z":"1"},"b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"a":{"dtype":"F64","shape":[],"data_offsets":[12,20]}}`
	if header != want {
		t.Errorf("header =\n%s\nwant\n%s", header, want)
	}
	if len(data) != 8+headerLen+20 {
		t.Errorf("file is %d bytes, want %d", len(data), 8+headerLen+20)
	}
}

func TestSafetensorsDeterministic(t *testing.T) {
	tensors := sampleTensors()
	// Many keys make a change of Go's map iteration order between the two
	// writes near certain.
	metadata := map[string]string{}
	for i := range 50 {
		metadata[fmt.Sprintf("key%02d", i)] = fmt.Sprint(i)
	}

	var first, second bytes.Buffer
	if err := WriteSafetensors(&first, tensors, metadata); err != nil {
		t.Fatal(err)
	}
	if err := WriteSafetensors(&second, tensors, metadata); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Error("two writes of the same tensors and metadata differ")
	}
}

func goldenTensors() ([]Tensor, map[string]string) {
	tensors := []Tensor{
		{Name: "W", Shape: []int{2, 2}, F32: []float32{0.5, -1.25, 3, 0.1}},
		{Name: "b", Shape: []int{2}, F64: []float64{0.1, -2}},
		{Name: "x0", Shape: []int{}, F64: []float64{math.Pi}},
		{Name: "empty", Shape: []int{0, 2}, F32: []float32{}},
	}
	metadata := map[string]string{"rnnlab_model": `{"g":1.5,"tau_ms":100}`, "format": "pt"}
	return tensors, metadata
}

func TestSafetensorsGolden(t *testing.T) {
	tensors, metadata := goldenTensors()
	var buf bytes.Buffer
	if err := WriteSafetensors(&buf, tensors, metadata); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "golden.safetensors", buf.Bytes())

	s, err := LoadSafetensors(filepath.Join("testdata", "golden.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range tensors {
		checkTensorEqual(t, s.Tensors[i], want)
	}
}

func TestSaveSafetensorsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "weights.safetensors")
	tensors, metadata := goldenTensors()
	if err := SaveSafetensors(path, tensors, metadata); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range tensors {
		checkTensorEqual(t, s.Tensors[i], want)
	}

	// A failing write leaves the previous file and no temporary file.
	before, _ := os.ReadFile(path)
	bad := []Tensor{{Name: "W", Shape: []int{3}, F32: []float32{1}}}
	checkErrorContains(t, SaveSafetensors(path, bad, nil), path, `tensor "W"`)
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("a failed SaveSafetensors changed the existing file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after a failed save, want 1", len(entries))
	}
}

func TestLoadSafetensorsMissingFile(t *testing.T) {
	_, err := LoadSafetensors(filepath.Join(t.TempDir(), "nope.safetensors"))
	checkErrorContains(t, err, "nope.safetensors")
}

func TestWriteSafetensorsInvalid(t *testing.T) {
	ok := Tensor{Name: "ok", Shape: []int{1}, F32: []float32{1}}
	for _, tc := range []struct {
		name     string
		tensors  []Tensor
		metadata map[string]string
		wantErr  string
	}{
		{"empty name", []Tensor{{Shape: []int{1}, F32: []float32{1}}}, nil, "tensor 0 has an empty name"},
		{"reserved name", []Tensor{{Name: "__metadata__", Shape: []int{1}, F32: []float32{1}}}, nil, "reserved"},
		{"duplicate name", []Tensor{ok, ok}, nil, `tensor "ok" appears more than once`},
		{"invalid UTF-8 name", []Tensor{{Name: "a\xff", Shape: []int{1}, F32: []float32{1}}}, nil, "not valid UTF-8"},
		{"shape mismatch", []Tensor{{Name: "W", Shape: []int{2, 2}, F64: make([]float64, 3)}}, nil, "shape [2 2] needs 4 values, but F64 has 3"},
		{"no data", []Tensor{{Name: "W", Shape: []int{0}}}, nil, "neither F32 nor F64"},
		{"invalid UTF-8 metadata", []Tensor{ok}, map[string]string{"k": "\xfe"}, `metadata key "k"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteSafetensors(&buf, tc.tensors, tc.metadata)
			checkErrorContains(t, err, "safetensors: ", tc.wantErr)
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before failing, want 0", buf.Len())
			}
		})
	}
}

// safetensorsFile assembles a file from a header and data section without
// any checks, for malformed inputs.
func safetensorsFile(header string, data []byte) []byte {
	out := le64(uint64(len(header)))
	out = append(out, header...)
	return append(out, data...)
}

func TestReadSafetensorsMalformed(t *testing.T) {
	f32x4 := make([]byte, 16)
	entry := func(name, body string) string { return fmt.Sprintf("%q:{%s}", name, body) }
	w := entry("W", `"dtype":"F32","shape":[2,2],"data_offsets":[0,16]`)

	for _, tc := range []struct {
		name    string
		file    []byte
		wantErr []string
	}{
		{"shorter than length field", []byte{1, 2, 3}, []string{"3 bytes, too short"}},
		{"header length over limit", append(le64(1<<40), "{}"...), []string{"1099511627776 bytes, more than the limit"}},
		{"header length past end", append(le64(100), "{}"...), []string{"header length is 100 bytes, but only 2 bytes follow"}},
		{"empty header", safetensorsFile("", nil), []string{"invalid JSON header"}},
		{"invalid JSON", safetensorsFile(`{"W":`, nil), []string{"invalid JSON header"}},
		{"header not an object", safetensorsFile(`[1,2]`, nil), []string{"expected a JSON object, found array [1,2]"}},
		{"data after header object", safetensorsFile(`{} {}`, nil), []string{"unexpected data after the JSON object"}},
		{"header padded with NUL", safetensorsFile("{}\x00\x00", nil), []string{"invalid JSON header"}},
		{"duplicate tensor", safetensorsFile("{"+w+","+w+"}", f32x4), []string{`key "W" appears more than once`}},
		{"empty tensor name", safetensorsFile(`{"":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}`, nil), []string{"a tensor has an empty name"}},
		{"entry not an object", safetensorsFile(`{"W":5}`, nil), []string{`tensor "W"`, "expected a JSON object, found number 5"}},
		{"missing dtype", safetensorsFile("{"+entry("W", `"shape":[4],"data_offsets":[0,16]`)+"}", f32x4), []string{`tensor "W"`, `missing field "dtype"`}},
		{"missing shape", safetensorsFile("{"+entry("W", `"dtype":"F32","data_offsets":[0,16]`)+"}", f32x4), []string{`tensor "W"`, `missing field "shape"`}},
		{"missing data_offsets", safetensorsFile("{"+entry("W", `"dtype":"F32","shape":[4]`)+"}", f32x4), []string{`tensor "W"`, `missing field "data_offsets"`}},
		{"dtype not a string", safetensorsFile("{"+entry("W", `"dtype":4,"shape":[4],"data_offsets":[0,16]`)+"}", f32x4), []string{`tensor "W"`, "dtype: expected a string, found number 4"}},
		{"unsupported dtype", safetensorsFile("{"+entry("W", `"dtype":"I64","shape":[2],"data_offsets":[0,16]`)+"}", f32x4), []string{`tensor "W"`, `dtype "I64" is not supported`}},
		{"shape not an array", safetensorsFile("{"+entry("W", `"dtype":"F32","shape":"4","data_offsets":[0,16]`)+"}", f32x4), []string{`tensor "W"`, `shape: expected an array of integers, found string "4"`}},
		{"shape not integer", safetensorsFile("{"+entry("W", `"dtype":"F32","shape":[2.5],"data_offsets":[0,16]`)+"}", f32x4), []string{`tensor "W"`, "shape[0]: expected an integer, found 2.5"}},
		{"shape negative", safetensorsFile("{"+entry("W", `"dtype":"F32","shape":[-4],"data_offsets":[0,16]`)+"}", f32x4), []string{`tensor "W"`, "dimension 0 is -4"}},
		{"shape out of int64", safetensorsFile("{"+entry("W", `"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,16]`)+"}", f32x4), []string{`tensor "W"`, "out of range"}},
		{"shape product overflow", safetensorsFile("{"+entry("W", `"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]`)+"}", f32x4), []string{`tensor "W"`, "overflows"}},
		{"byte size overflow", safetensorsFile("{"+entry("W", `"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,16]`)+"}", f32x4), []string{`tensor "W"`, "overflows"}},
		{"offsets not two", safetensorsFile("{"+entry("W", `"dtype":"F32","shape":[4],"data_offsets":[0,8,16]`)+"}", f32x4), []string{`tensor "W"`, "expected 2 integers [begin, end], found 3"}},
		{"offsets negative", safetensorsFile("{"+entry("W", `"dtype":"F32","shape":[0],"data_offsets":[-4,-4]`)+"}", f32x4), []string{`tensor "W"`, "non-negative"}},
		{"offsets reversed", safetensorsFile("{"+entry("W", `"dtype":"F32","shape":[4],"data_offsets":[16,0]`)+"}", f32x4), []string{`tensor "W"`, "begin is after end"}},
		{"offsets past data", safetensorsFile("{"+entry("W", `"dtype":"F32","shape":[8],"data_offsets":[0,32]`)+"}", f32x4), []string{`tensor "W"`, "end is past the 16-byte data section"}},
		{"size mismatch", safetensorsFile("{"+entry("W", `"dtype":"F32","shape":[5],"data_offsets":[0,16]`)+"}", f32x4), []string{`tensor "W": data_offsets [0 16] hold 16 bytes, but shape [5] of F32 needs 20 bytes`}},
		{"overlap", safetensorsFile("{"+entry("a", `"dtype":"F32","shape":[3],"data_offsets":[0,12]`)+","+entry("b", `"dtype":"F32","shape":[2],"data_offsets":[8,16]`)+"}", f32x4), []string{`tensor "b": data_offsets [8 16] overlap tensor "a" at [0 12]`}},
		{"gap", safetensorsFile("{"+entry("a", `"dtype":"F32","shape":[1],"data_offsets":[0,4]`)+","+entry("b", `"dtype":"F32","shape":[2],"data_offsets":[8,16]`)+"}", f32x4), []string{`tensor "b"`, "leave bytes [4 8) of the data section unused"}},
		{"trailing data", safetensorsFile("{"+w+"}", append(f32x4, 0, 0, 0, 0)), []string{"data section is 20 bytes, but the tensors end at byte 16 (4 bytes of trailing data)"}},
		{"metadata not an object", safetensorsFile(`{"__metadata__":"x"}`, nil), []string{"__metadata__: expected a JSON object"}},
		{"metadata value not a string", safetensorsFile(`{"__metadata__":{"n":3}}`, nil), []string{`__metadata__: key "n": expected a string value, found number 3`}},
		{"metadata duplicate key", safetensorsFile(`{"__metadata__":{"n":"1","n":"2"}}`, nil), []string{`__metadata__: key "n" appears more than once`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ReadSafetensors(tc.file, "bad.safetensors")
			t.Log(err)
			if s != nil {
				t.Errorf("returned %d tensors along with the error", len(s.Tensors))
			}
			checkErrorContains(t, err, append([]string{"bad.safetensors: "}, tc.wantErr...)...)
		})
	}
}

func TestReadSafetensorsTruncated(t *testing.T) {
	tensors, metadata := goldenTensors()
	var buf bytes.Buffer
	if err := WriteSafetensors(&buf, tensors, metadata); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	for n := range len(data) {
		if _, err := ReadSafetensors(data[:n], "cut.safetensors"); err == nil {
			t.Errorf("reading the first %d of %d bytes succeeded, want an error", n, len(data))
		}
	}
	if _, err := ReadSafetensors(append(slices.Clone(data), 0), "long.safetensors"); err == nil {
		t.Error("reading the file with one extra byte succeeded, want an error")
	}
}

func TestReadSafetensorsAcceptedVariants(t *testing.T) {
	// Inputs that other writers produce and the format allows.
	f32x2 := make([]byte, 8)
	for _, tc := range []struct {
		name   string
		file   []byte
		tensor []string // names in data order
	}{
		{"unpadded header", safetensorsFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, f32x2), []string{"a"}},
		{"whitespace and newline padding", safetensorsFile("\n{ \"a\" : {\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]} }\t\n   ", f32x2), []string{"a"}},
		{"unknown entry field", safetensorsFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":1}}`, f32x2), []string{"a"}},
		{"empty tensors at shared offset", safetensorsFile(`{"z":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F64","shape":[0,3],"data_offsets":[8,8]}}`, f32x2), []string{"z", "a", "e"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ReadSafetensors(tc.file, "ok.safetensors")
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, tensor := range s.Tensors {
				names = append(names, tensor.Name)
			}
			if !slices.Equal(names, tc.tensor) {
				t.Errorf("tensors = %q, want %q", names, tc.tensor)
			}
		})
	}
}

// pythonSafetensorsFixture is the expected content of
// testdata/python_written.safetensors, written by
// scripts/fixtures/make_runio_fixtures.py.
type pythonSafetensorsFixture struct {
	Source   string            `json:"source"`
	Metadata map[string]string `json:"metadata"`
	Tensors  []struct {
		Name      string    `json:"name"`
		FileDtype string    `json:"file_dtype"`
		GoDtype   string    `json:"go_dtype"`
		Shape     []int     `json:"shape"`
		Values    []float64 `json:"values"`
	} `json:"tensors"`
}

func TestReadSafetensorsPythonFixture(t *testing.T) {
	var want pythonSafetensorsFixture
	raw, err := os.ReadFile(filepath.Join("testdata", "python_written.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}

	s, err := LoadSafetensors(filepath.Join("testdata", "python_written.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Metadata) != len(want.Metadata) {
		t.Errorf("metadata = %v, want %v", s.Metadata, want.Metadata)
	}
	for k, v := range want.Metadata {
		if s.Metadata[k] != v {
			t.Errorf("metadata[%q] = %q, want %q", k, s.Metadata[k], v)
		}
	}
	if len(s.Tensors) != len(want.Tensors) {
		t.Fatalf("read %d tensors, want %d", len(s.Tensors), len(want.Tensors))
	}
	for i, w := range want.Tensors {
		wantTensor := Tensor{Name: w.Name, Shape: w.Shape}
		if wantTensor.Shape == nil {
			wantTensor.Shape = []int{}
		}
		// The JSON values are exact in the file's dtype, so converting them
		// back to float32 is exact too.
		if w.GoDtype == "F32" {
			wantTensor.F32 = make([]float32, len(w.Values))
			for j, v := range w.Values {
				wantTensor.F32[j] = float32(v)
			}
		} else {
			wantTensor.F64 = w.Values
			if wantTensor.F64 == nil {
				wantTensor.F64 = []float64{}
			}
		}
		t.Run(w.Name, func(t *testing.T) {
			checkTensorEqual(t, s.Tensors[i], wantTensor)
		})
	}
}
