package runio

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestNPZRoundTrip(t *testing.T) {
	tensors := sampleTensors()
	var buf bytes.Buffer
	if err := WriteNPZ(&buf, tensors); err != nil {
		t.Fatal(err)
	}
	got, err := ReadNPZ(buf.Bytes(), "roundtrip.npz")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(tensors) {
		t.Fatalf("read %d arrays, want %d", len(got), len(tensors))
	}
	for i, want := range tensors {
		if want.Shape == nil {
			want.Shape = []int{}
		}
		checkTensorEqual(t, got[i], want)
	}
}

func TestNPZEntries(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteNPZ(&buf, sampleTensors()[:3]); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Method != zip.Store {
			t.Errorf("entry %q: method %d, want Store (%d) as numpy.savez writes", f.Name, f.Method, zip.Store)
		}
		if !f.Modified.Equal(npzModified) {
			t.Errorf("entry %q: modified %v, want %v", f.Name, f.Modified, npzModified)
		}
	}
	if want := []string{"W.npy", "W_in.npy", "trajectory.npy"}; !slices.Equal(names, want) {
		t.Errorf("entries = %q, want %q", names, want)
	}
}

func TestNPZDeterministic(t *testing.T) {
	tensors := sampleTensors()
	var first, second bytes.Buffer
	if err := WriteNPZ(&first, tensors); err != nil {
		t.Fatal(err)
	}
	if err := WriteNPZ(&second, tensors); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Error("two writes of the same tensors differ")
	}

	// The same holds for files written at different times.
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.npz"), filepath.Join(dir, "b.npz")
	if err := SaveNPZ(a, tensors); err != nil {
		t.Fatal(err)
	}
	if err := SaveNPZ(b, tensors); err != nil {
		t.Fatal(err)
	}
	dataA, _ := os.ReadFile(a)
	dataB, _ := os.ReadFile(b)
	if !bytes.Equal(dataA, dataB) || !bytes.Equal(dataA, first.Bytes()) {
		t.Error("SaveNPZ output differs between calls or from WriteNPZ")
	}
}

func TestSaveNPZLoadNPZ(t *testing.T) {
	path := filepath.Join(t.TempDir(), "analysis.npz")
	tensors := sampleTensors()
	if err := SaveNPZ(path, tensors); err != nil {
		t.Fatal(err)
	}
	got, err := LoadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range tensors {
		if want.Shape == nil {
			want.Shape = []int{}
		}
		checkTensorEqual(t, got[i], want)
	}

	_, err = LoadNPZ(filepath.Join(t.TempDir(), "missing.npz"))
	checkErrorContains(t, err, "missing.npz")
}

func TestNPZLargeArray(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads 16 MB")
	}
	// T×B×N = 500×8×500 float64 values, 16 MB, larger than any read chunk.
	want := randomTensor(newTestRand(), "trajectory", []int{500, 8, 500}, true)
	var buf bytes.Buffer
	if err := WriteNPZ(&buf, []Tensor{want}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadNPZ(buf.Bytes(), "large.npz")
	if err != nil {
		t.Fatal(err)
	}
	checkTensorEqual(t, got[0], want)
}

func TestWriteNPZInvalid(t *testing.T) {
	ok := Tensor{Name: "x", Shape: []int{1}, F32: []float32{1}}
	for _, tc := range []struct {
		name    string
		tensors []Tensor
		wantErr string
	}{
		{"empty name", []Tensor{{Shape: []int{1}, F32: []float32{1}}}, "tensor 0 has an empty name"},
		{"duplicate name", []Tensor{ok, ok}, `tensor "x" appears more than once`},
		{"shape mismatch", []Tensor{{Name: "y", Shape: []int{2}, F64: []float64{1}}}, `tensor "y": shape [2] needs 2 values`},
		{"too many dimensions", []Tensor{{Name: "y", Shape: make([]int, 40), F64: []float64{}}}, `tensor "y" has 40 dimensions`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			checkErrorContains(t, WriteNPZ(&buf, tc.tensors), "npz: ", tc.wantErr)
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before failing, want 0", buf.Len())
			}
		})
	}
}

// numpyFixture is the expected content of testdata/numpy_arrays.npz,
// written by scripts/fixtures/make_runio_fixtures.py.
type numpyFixture struct {
	Source string `json:"source"`
	Arrays []struct {
		Name         string    `json:"name"`
		NumpyDtype   string    `json:"numpy_dtype"`
		FortranOrder bool      `json:"fortran_order"`
		GoDtype      string    `json:"go_dtype"`
		Shape        []int     `json:"shape"`
		Values       []float64 `json:"values"`
	} `json:"arrays"`
}

func TestReadNPZNumPyFixtures(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "numpy_arrays.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want numpyFixture
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}

	// numpy.savez stores its entries and numpy.savez_compressed deflates
	// them. Both archives hold the same arrays.
	for _, file := range []string{"numpy_arrays.npz", "numpy_arrays_compressed.npz"} {
		t.Run(file, func(t *testing.T) {
			got, err := LoadNPZ(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want.Arrays) {
				t.Fatalf("read %d arrays, want %d", len(got), len(want.Arrays))
			}
			for i, w := range want.Arrays {
				wantTensor := Tensor{Name: w.Name, Shape: w.Shape}
				// The JSON values are exact in the array's dtype, so a
				// conversion to float32 is exact too.
				if w.GoDtype == "F32" {
					wantTensor.F32 = make([]float32, len(w.Values))
					for j, v := range w.Values {
						wantTensor.F32[j] = float32(v)
					}
				} else {
					wantTensor.F64 = append([]float64{}, w.Values...)
				}
				t.Run(w.Name+" "+w.NumpyDtype, func(t *testing.T) {
					checkTensorEqual(t, got[i], wantTensor)
				})
			}
		})
	}
}

func TestReadNPZFixtureHasFortranArrays(t *testing.T) {
	// Guards the fixture itself: the transposition test above only means
	// something if NumPy stored some arrays column-major.
	raw, err := os.ReadFile(filepath.Join("testdata", "numpy_arrays.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fixture numpyFixture
	if err := json.Unmarshal(raw, &fixture); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range fixture.Arrays {
		if a.FortranOrder {
			n++
		}
	}
	if n < 2 {
		t.Errorf("fixture has %d column-major arrays, want at least 2", n)
	}
}

func TestReadNPZDeflated(t *testing.T) {
	tensors := sampleTensors()[:3]
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, tensor := range tensors {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: tensor.Name + ".npy", Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteNPY(w, tensor); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}

	got, err := ReadNPZ(buf.Bytes(), "deflated.npz")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range tensors {
		checkTensorEqual(t, got[i], want)
	}
}

type zipEntry struct {
	name string
	data []byte
}

// zipOf returns a zip archive with the given entries, stored
// uncompressed.
func zipOf(t *testing.T, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadNPZMalformed(t *testing.T) {
	var valid bytes.Buffer
	if err := WriteNPY(&valid, Tensor{Shape: []int{2}, F64: []float64{1, 2}}); err != nil {
		t.Fatal(err)
	}
	npy := valid.Bytes()

	// Flipping a data byte of a stored entry breaks its CRC-32.
	corrupt := zipOf(t, zipEntry{"x.npy", npy})
	at := bytes.Index(corrupt, npy) + len(npy) - 1
	corrupt[at] ^= 0xff

	for _, tc := range []struct {
		name    string
		file    []byte
		wantErr []string
	}{
		{"not a zip", []byte("\x93NUMPY this is a bare .npy"), []string{"not a valid .npz (zip) archive"}},
		{"empty input", nil, []string{"not a valid .npz (zip) archive"}},
		{"entry without .npy", zipOf(t, zipEntry{"x.npy", npy}, zipEntry{"notes.txt", []byte("hi")}), []string{`entry "notes.txt" is not an array`}},
		{"entry named .npy", zipOf(t, zipEntry{".npy", npy}), []string{`entry ".npy" is not an array`}},
		{"duplicate array", zipOf(t, zipEntry{"x.npy", npy}, zipEntry{"x.npy", npy}), []string{`array "x" appears more than once`}},
		{"bad entry", zipOf(t, zipEntry{"x.npy", []byte("not npy")}), []string{`array "x": not a .npy file`}},
		{"truncated entry", zipOf(t, zipEntry{"x.npy", npy[:len(npy)-3]}), []string{`array "x": truncated data`}},
		{"trailing bytes in entry", zipOf(t, zipEntry{"x.npy", append(slices.Clone(npy), 0)}), []string{`array "x": unexpected trailing bytes`}},
		{"object array", zipOf(t, zipEntry{"o.npy", npyFile(1, npyDict("'|O'", "False", "(1,)"), []byte("\x80\x04N."))}), []string{`array "o": dtype '|O' (object array) is rejected`}},
		{"checksum mismatch", corrupt, []string{`array "x"`, "checksum"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadNPZ(tc.file, "bad.npz")
			t.Log(err)
			checkErrorContains(t, err, append([]string{"bad.npz: "}, tc.wantErr...)...)
		})
	}
}

func TestReadNPZTruncated(t *testing.T) {
	var buf bytes.Buffer
	tensors := []Tensor{
		{Name: "a", Shape: []int{2}, F64: []float64{1, 2}},
		{Name: "b", Shape: []int{}, F32: []float32{3}},
	}
	if err := WriteNPZ(&buf, tensors); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	for n := range len(data) {
		if _, err := ReadNPZ(data[:n], "cut.npz"); err == nil {
			t.Errorf("reading the first %d of %d bytes succeeded, want an error", n, len(data))
		}
	}
}

func TestReadNPZEmptyArchive(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteNPZ(&buf, nil); err != nil {
		t.Fatal(err)
	}
	got, err := ReadNPZ(buf.Bytes(), "empty.npz")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("read %d arrays, want 0", len(got))
	}
}
