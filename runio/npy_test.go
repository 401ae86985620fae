package runio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestNPYRoundTrip(t *testing.T) {
	for _, want := range sampleTensors() {
		t.Run(want.Name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteNPY(&buf, want); err != nil {
				t.Fatal(err)
			}
			if dataStart := buf.Len() - want.Len()*itemSizeOf(want); dataStart%npyHeaderAlign != 0 {
				t.Errorf("data starts at byte %d, want a multiple of %d", dataStart, npyHeaderAlign)
			}
			got, err := ReadNPY(&buf, "roundtrip.npy")
			if err != nil {
				t.Fatal(err)
			}
			want.Name = "" // .npy files do not store names
			if want.Shape == nil {
				want.Shape = []int{}
			}
			checkTensorEqual(t, got, want)
		})
	}
}

func itemSizeOf(t Tensor) int {
	if t.F64 != nil {
		return 8
	}
	return 4
}

func TestNPYHeaderLayout(t *testing.T) {
	for _, tc := range []struct {
		tensor Tensor
		dict   string
	}{
		{Tensor{Shape: []int{2, 3}, F64: make([]float64, 6)}, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"},
		{Tensor{Shape: []int{5}, F32: make([]float32, 5)}, "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }"},
		{Tensor{F64: []float64{1}}, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }"},
	} {
		var buf bytes.Buffer
		if err := WriteNPY(&buf, tc.tensor); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		if !bytes.HasPrefix(data, []byte("\x93NUMPY\x01\x00")) {
			t.Errorf("shape %v: file starts with %q, want the version 1.0 magic", tc.tensor.Shape, data[:8])
			continue
		}
		headerLen := int(binary.LittleEndian.Uint16(data[8:]))
		if (10+headerLen)%64 != 0 {
			t.Errorf("shape %v: data starts at byte %d, want a multiple of 64", tc.tensor.Shape, 10+headerLen)
		}
		header := string(data[10 : 10+headerLen])
		if !strings.HasSuffix(header, "\n") || strings.TrimRight(header, " \n") != tc.dict {
			t.Errorf("shape %v: header = %q, want %q padded with spaces and a newline", tc.tensor.Shape, header, tc.dict)
		}
	}
}

func TestNPYGolden(t *testing.T) {
	var buf bytes.Buffer
	tensor := Tensor{Shape: []int{2, 3}, F32: []float32{0, 1.5, -2, 0.1, float32(math.Inf(1)), 7}}
	if err := WriteNPY(&buf, tensor); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "golden.npy", buf.Bytes())
}

func TestWriteNPYInvalid(t *testing.T) {
	for _, tc := range []struct {
		name    string
		tensor  Tensor
		wantErr string
	}{
		{"shape mismatch", Tensor{Name: "x", Shape: []int{3}, F32: []float32{1}}, "shape [3] needs 3 values"},
		{"no data", Tensor{Name: "x", Shape: []int{0}}, "neither F32 nor F64"},
		{"too many dimensions", Tensor{Name: "x", Shape: make([]int, 33), F32: []float32{}}, "33 dimensions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			checkErrorContains(t, WriteNPY(&buf, tc.tensor), "npy: ", `tensor "x"`, tc.wantErr)
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before failing, want 0", buf.Len())
			}
		})
	}
}

// npyFile assembles a .npy file from its parts without any checks, for
// inputs that WriteNPY cannot produce.
func npyFile(major byte, header string, data []byte) []byte {
	out := append([]byte(npyMagic), major, 0)
	if major == 1 {
		out = binary.LittleEndian.AppendUint16(out, uint16(len(header)))
	} else {
		out = binary.LittleEndian.AppendUint32(out, uint32(len(header)))
	}
	out = append(out, header...)
	return append(out, data...)
}

// npyDict returns a header dict with the given descr, fortran_order and
// shape literals.
func npyDict(descr, fortran, shape string) string {
	return "{'descr': " + descr + ", 'fortran_order': " + fortran + ", 'shape': " + shape + ", }\n"
}

func TestReadNPYFortranOrder(t *testing.T) {
	// A 2×3 float64 array [[0 1 2] [3 4 5]] stored column by column, as
	// numpy.save writes np.asfortranarray of it.
	data := make([]byte, 0, 48)
	for _, v := range []float64{0, 3, 1, 4, 2, 5} {
		data = binary.LittleEndian.AppendUint64(data, math.Float64bits(v))
	}
	got, err := ReadNPY(bytes.NewReader(npyFile(1, npyDict("'<f8'", "True", "(2, 3)"), data)), "fortran.npy")
	if err != nil {
		t.Fatal(err)
	}
	checkTensorEqual(t, got, Tensor{Shape: []int{2, 3}, F64: []float64{0, 1, 2, 3, 4, 5}})
}

func TestReadNPYDtypes(t *testing.T) {
	for _, tc := range []struct {
		descr string
		data  []byte
		want  Tensor
	}{
		{"'<f4'", []byte{0, 0, 0xc0, 0x3f}, Tensor{Shape: []int{1}, F32: []float32{1.5}}},
		{"'>f4'", []byte{0x3f, 0xc0, 0, 0}, Tensor{Shape: []int{1}, F32: []float32{1.5}}},
		{"'<f8'", []byte{0, 0, 0, 0, 0, 0, 0xf8, 0x3f}, Tensor{Shape: []int{1}, F64: []float64{1.5}}},
		{"'>f8'", []byte{0x3f, 0xf8, 0, 0, 0, 0, 0, 0}, Tensor{Shape: []int{1}, F64: []float64{1.5}}},
		{"'<f2'", []byte{0x00, 0x3e, 0x00, 0x7c}, Tensor{Shape: []int{2}, F32: []float32{1.5, float32(math.Inf(1))}}},
		{"'>f2'", []byte{0x3e, 0x00}, Tensor{Shape: []int{1}, F32: []float32{1.5}}},
		{"'<i4'", []byte{0xfe, 0xff, 0xff, 0xff, 7, 0, 0, 0}, Tensor{Shape: []int{2}, F64: []float64{-2, 7}}},
		{"'>i4'", []byte{0xff, 0xff, 0xff, 0xfe}, Tensor{Shape: []int{1}, F64: []float64{-2}}},
		{"'<i8'", []byte{0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 1, 0, 0}, Tensor{Shape: []int{2}, F64: []float64{-3, 1 << 40}}},
		{"'<i2'", []byte{0xff, 0xff}, Tensor{Shape: []int{1}, F64: []float64{-1}}},
		{"'|i1'", []byte{0x80}, Tensor{Shape: []int{1}, F64: []float64{-128}}},
		{"'|u1'", []byte{0xff}, Tensor{Shape: []int{1}, F64: []float64{255}}},
		{"'<u2'", []byte{0xff, 0xff}, Tensor{Shape: []int{1}, F64: []float64{65535}}},
		{"'<u4'", []byte{0xff, 0xff, 0xff, 0xff}, Tensor{Shape: []int{1}, F64: []float64{4294967295}}},
		{"'<u8'", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, Tensor{Shape: []int{1}, F64: []float64{1 << 64}}},
		// NumPy treats every non-zero byte of a bool array as True.
		{"'|b1'", []byte{1, 0, 2}, Tensor{Shape: []int{3}, F64: []float64{1, 0, 1}}},
	} {
		t.Run(tc.descr, func(t *testing.T) {
			shape := "(" + strconv.Itoa(tc.want.Shape[0]) + ",)"
			got, err := ReadNPY(bytes.NewReader(npyFile(1, npyDict(tc.descr, "False", shape), tc.data)), "dtype.npy")
			if err != nil {
				t.Fatal(err)
			}
			checkTensorEqual(t, got, tc.want)
		})
	}
}

func TestReadNPYHeaderVariants(t *testing.T) {
	one := []byte{0, 0, 0x80, 0x3f} // float32 1
	for _, tc := range []struct {
		name string
		file []byte
	}{
		{"version 2.0", npyFile(2, npyDict("'<f4'", "False", "(1,)"), one)},
		{"version 3.0", npyFile(3, npyDict("'<f4'", "False", "(1,)"), one)},
		{"double quotes and reordered keys", npyFile(1, `{"shape": (1,), "fortran_order": False, "descr": "<f4"}`, one)},
		{"no trailing comma or newline", npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", one)},
		{"Python 2 long", npyFile(1, npyDict("'<f4'", "False", "(1L,)"), one)},
		{"fortran 1-D", npyFile(1, npyDict("'<f4'", "True", "(1,)"), one)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadNPY(bytes.NewReader(tc.file), "variant.npy")
			if err != nil {
				t.Fatal(err)
			}
			checkTensorEqual(t, got, Tensor{Shape: []int{1}, F32: []float32{1}})
		})
	}
}

func TestReadNPYMalformed(t *testing.T) {
	f8x6 := make([]byte, 48)
	ok := npyDict("'<f8'", "False", "(2, 3)")
	for _, tc := range []struct {
		name    string
		file    []byte
		wantErr string
	}{
		{"empty", nil, "truncated: 0 bytes"},
		{"bad magic", []byte("PK\x03\x04 not npy"), `not a .npy file: starts with "PK\x03\x04 not", expected "\x93NUMPY"`},
		{"truncated magic", []byte("\x93NUM"), "truncated: 4 bytes"},
		{"unknown version", append([]byte(npyMagic), 4, 0, 0, 0), "format version 4.0 is not supported"},
		{"truncated length field", append([]byte(npyMagic), 2, 0, 5), "header length needs 4 bytes, found 1"},
		{"header over limit", append(append([]byte(npyMagic), 2, 0), binary.LittleEndian.AppendUint32(nil, 1<<30)...), "more than the limit"},
		{"truncated header", npyFile(1, ok, f8x6)[:30], "truncated header: expected 60 bytes, found 20"},
		{"header not a dict", npyFile(1, "[1, 2]\n", nil), "expected a dict"},
		{"header syntax", npyFile(1, "{'descr': '<f8' 'shape': (2,)}\n", nil), "invalid header: unexpected"},
		{"unterminated string", npyFile(1, "{'descr: '<f8'}\n", nil), "invalid header"},
		{"code in header", npyFile(1, "{'descr': __import__('os'), 'fortran_order': False, 'shape': ()}\n", nil), `unexpected name "__import__"`},
		{"missing key", npyFile(1, "{'descr': '<f8', 'shape': (2, 3), }\n", f8x6), "missing key 'fortran_order'"},
		{"extra key", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'x': 1}\n", f8x6), `keys are ["descr" "fortran_order" "shape" "x"]`},
		{"duplicate key", npyFile(1, "{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}\n", f8x6), "dict key \"descr\" appears more than once"},
		{"object dtype", npyFile(1, npyDict("'|O'", "False", "(2,)"), make([]byte, 16)), "dtype '|O' (object array) is rejected"},
		{"complex dtype", npyFile(1, npyDict("'<c16'", "False", "(1,)"), make([]byte, 16)), "dtype '<c16' is not supported"},
		{"string dtype", npyFile(1, npyDict("'<U4'", "False", "(1,)"), make([]byte, 16)), "dtype '<U4' is not supported"},
		{"native byte order", npyFile(1, npyDict("'=f8'", "False", "(1,)"), make([]byte, 8)), "dtype '=f8' is not supported"},
		{"pipe on multi-byte", npyFile(1, npyDict("'|f8'", "False", "(1,)"), make([]byte, 8)), "dtype '|f8' is not supported"},
		{"structured dtype", npyFile(1, npyDict("[('a', '<f4'), ('b', '<f8')]", "False", "(1,)"), make([]byte, 12)), "structured dtype"},
		{"descr not a string", npyFile(1, npyDict("8", "False", "(1,)"), make([]byte, 8)), "descr is 8"},
		{"fortran_order not bool", npyFile(1, npyDict("'<f8'", "'yes'", "(1,)"), make([]byte, 8)), "fortran_order is 'yes', expected True or False"},
		{"shape is a list", npyFile(1, npyDict("'<f8'", "False", "[2, 3]"), f8x6), "shape is [2, 3], expected a tuple of integers"},
		{"shape without comma", npyFile(1, npyDict("'<f8'", "False", "(6)"), f8x6), "shape is 6, expected a tuple"},
		{"negative dimension", npyFile(1, npyDict("'<f8'", "False", "(-2, 3)"), f8x6), "dimension 0 is -2"},
		{"dimension not an int", npyFile(1, npyDict("'<f8'", "False", "(2, 'a')"), f8x6), "shape (2, 'a'): dimension 1 is 'a'"},
		{"dimension out of range", npyFile(1, npyDict("'<f8'", "False", "(99999999999999999999,)"), f8x6), "out of range"},
		{"shape overflow", npyFile(1, npyDict("'<f8'", "False", "(4294967296, 4294967296)"), f8x6), "overflows"},
		{"byte size overflow", npyFile(1, npyDict("'<f8'", "False", "(4611686018427387904,)"), f8x6), "overflows"},
		{"too many dimensions", npyFile(1, npyDict("'<f8'", "False", "("+strings.Repeat("1, ", 65)+")"), f8x6[:8]), "65 dimensions"},
		{"nested too deep", npyFile(1, strings.Repeat("(", 100)+strings.Repeat(")", 100), nil), "nested deeper than 32"},
		{"truncated data", npyFile(1, ok, f8x6[:40]), "truncated data: shape [2 3] of '<f8' needs 48 bytes, found 40"},
		{"huge shape, little data", npyFile(1, npyDict("'<f8'", "False", "(1000000000, 1000)"), f8x6), "needs 8000000000000 bytes, found 48"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadNPY(bytes.NewReader(tc.file), "bad.npy")
			t.Log(err)
			checkErrorContains(t, err, "bad.npy: ", tc.wantErr)
		})
	}
}

// onlyReader hides the Len method of a bytes.Reader, so ReadNPY cannot
// learn the input size in advance.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestReadNPYUnknownSize(t *testing.T) {
	// Without a size, a header claiming 8 TB must fail after reading the
	// 48 bytes that exist instead of allocating the claimed size.
	file := npyFile(1, npyDict("'<f8'", "False", "(1000000000, 1000)"), make([]byte, 48))
	_, err := ReadNPY(onlyReader{bytes.NewReader(file)}, "stream.npy")
	checkErrorContains(t, err, "stream.npy: truncated data", "needs 8000000000000 bytes, found 48")

	// A valid array larger than one read chunk arrives complete.
	want := randomTensor(newTestRand(), "", []int{3, 5000}, true)
	var buf bytes.Buffer
	if err := WriteNPY(&buf, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadNPY(onlyReader{&buf}, "stream.npy")
	if err != nil {
		t.Fatal(err)
	}
	checkTensorEqual(t, got, want)
}

func TestReadNPYConsecutiveArrays(t *testing.T) {
	// numpy.save called twice on one open file stores two arrays back to
	// back, and each ReadNPY call must read exactly one of them.
	first := Tensor{Shape: []int{2}, F64: []float64{1, 2}}
	second := Tensor{Shape: []int{1, 3}, F32: []float32{3, 4, 5}}
	var buf bytes.Buffer
	for _, tensor := range []Tensor{first, second} {
		if err := WriteNPY(&buf, tensor); err != nil {
			t.Fatal(err)
		}
	}
	r := onlyReader{&buf}
	for _, want := range []Tensor{first, second} {
		got, err := ReadNPY(r, "two.npy")
		if err != nil {
			t.Fatal(err)
		}
		checkTensorEqual(t, got, want)
	}
}

func TestReadNPYTruncated(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteNPY(&buf, Tensor{Shape: []int{2, 2}, F64: []float64{1, 2, 3, 4}}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	for n := range len(data) {
		if _, err := ReadNPY(bytes.NewReader(data[:n]), "cut.npy"); err == nil {
			t.Errorf("reading the first %d of %d bytes succeeded, want an error", n, len(data))
		}
		if _, err := ReadNPY(onlyReader{bytes.NewReader(data[:n])}, "cut.npy"); err == nil {
			t.Errorf("streaming the first %d of %d bytes succeeded, want an error", n, len(data))
		}
	}
}

// failingReader returns its data and then err instead of io.EOF.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReadNPYReadError(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteNPY(&buf, Tensor{Shape: []int{4}, F64: make([]float64, 4)}); err != nil {
		t.Fatal(err)
	}
	diskErr := errors.New("input/output error")
	// Cut inside the prefix, the header and the data.
	for _, n := range []int{3, 20, buf.Len() - 5} {
		_, err := ReadNPY(&failingReader{data: buf.Bytes()[:n], err: diskErr}, "disk.npy")
		if !errors.Is(err, diskErr) {
			t.Errorf("read error after %d bytes: got %v, want it to wrap %v", n, err, diskErr)
		}
	}
}
