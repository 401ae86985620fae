package runio

import (
	"archive/zip"
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/internal/fuzzguard"
)

// The fuzz targets check that the readers return an error, never panic, on
// any input, and that whatever they accept survives a write and a second
// read unchanged.

// checkTensorInvariants fails unless tensor has exactly one data slice,
// with as many values as its shape needs.
func checkTensorInvariants(t *testing.T, tensor Tensor) {
	t.Helper()
	if (tensor.F32 == nil) == (tensor.F64 == nil) {
		t.Fatalf("tensor %q: F32 set = %v, F64 set = %v, want exactly one", tensor.Name, tensor.F32 != nil, tensor.F64 != nil)
	}
	count, err := elementCount(tensor.Shape)
	if err != nil {
		t.Fatalf("tensor %q: %v", tensor.Name, err)
	}
	if count != tensor.Len() {
		t.Fatalf("tensor %q: shape %v needs %d values, has %d", tensor.Name, tensor.Shape, count, tensor.Len())
	}
}

func addFileSeed(f *testing.F, name string) {
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
}

func FuzzReadSafetensors(f *testing.F) {
	addFileSeed(f, "golden.safetensors")
	addFileSeed(f, "python_written.safetensors")
	var buf bytes.Buffer
	if err := WriteSafetensors(&buf, sampleTensors(), map[string]string{"k": "v"}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(safetensorsFile(`{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[],"data_offsets":[4,6]}}`, []byte{0, 0x3c, 0, 0x7c, 0x80, 0x3f}))
	f.Add([]byte{})

	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzzguard.Start(fuzzguard.Limit)()
		s, err := ReadSafetensors(data, "fuzz.safetensors")
		if err != nil {
			if s != nil {
				t.Fatal("returned a result along with an error")
			}
			if !strings.HasPrefix(err.Error(), "fuzz.safetensors: ") {
				t.Fatalf("error %q does not start with the file name", err)
			}
			return
		}
		for _, tensor := range s.Tensors {
			checkTensorInvariants(t, tensor)
		}

		var out bytes.Buffer
		if err := WriteSafetensors(&out, s.Tensors, s.Metadata); err != nil {
			t.Fatalf("writing accepted tensors: %v", err)
		}
		again, err := ReadSafetensors(out.Bytes(), "rewritten.safetensors")
		if err != nil {
			t.Fatalf("reading the rewritten file: %v", err)
		}
		if !maps.Equal(again.Metadata, s.Metadata) {
			t.Fatalf("metadata changed in a round trip: %v, then %v", s.Metadata, again.Metadata)
		}
		if len(again.Tensors) != len(s.Tensors) {
			t.Fatalf("round trip changed the tensor count from %d to %d", len(s.Tensors), len(again.Tensors))
		}
		for i := range s.Tensors {
			checkTensorEqual(t, again.Tensors[i], s.Tensors[i])
		}
	})
}

func FuzzReadNPY(f *testing.F) {
	addFileSeed(f, "golden.npy")
	for _, tensor := range sampleTensors() {
		var buf bytes.Buffer
		if err := WriteNPY(&buf, tensor); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add(npyFile(1, npyDict("'>f2'", "True", "(2, 2)"), make([]byte, 8)))
	f.Add(npyFile(2, npyDict("'|b1'", "True", "(3, 1, 2)"), []byte{1, 0, 1, 1, 0, 0}))
	f.Add(npyFile(3, npyDict("'<i8'", "False", "()"), make([]byte, 8)))

	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzzguard.Start(fuzzguard.Limit)()
		got, err := ReadNPY(bytes.NewReader(data), "fuzz.npy")
		// The streaming path, without the input size, must agree.
		streamed, streamErr := ReadNPY(onlyReader{bytes.NewReader(data)}, "fuzz.npy")
		if (err == nil) != (streamErr == nil) {
			t.Fatalf("sized read error %v, streamed read error %v", err, streamErr)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.npy: ") {
				t.Fatalf("error %q does not start with the file name", err)
			}
			return
		}
		checkTensorInvariants(t, got)
		checkTensorEqual(t, streamed, got)

		var out bytes.Buffer
		if len(got.Shape) > maxNPYWriteDims {
			return // readable, but the writer keeps to NumPy 1.x's limit
		}
		if err := WriteNPY(&out, got); err != nil {
			t.Fatalf("writing an accepted array: %v", err)
		}
		again, err := ReadNPY(&out, "rewritten.npy")
		if err != nil {
			t.Fatalf("reading the rewritten array: %v", err)
		}
		checkTensorEqual(t, again, got)
	})
}

func FuzzReadNPZ(f *testing.F) {
	// archive/zip skips the CRC-32 check for an entry that records a CRC of
	// 0 and has no data descriptor, so mutations of these entries' bytes
	// reach the .npy parser instead of failing the checksum. This seed comes
	// first because go1.26.8's fuzzing worker can keep mutating the first
	// input it receives for the whole run.
	f.Add(zipWithoutCRC(f,
		zipEntry{"a.npy", npyFile(1, npyDict("'<f8'", "True", "(2, 3)"), make([]byte, 48))},
		zipEntry{"b.npy", npyFile(2, npyDict("'>f2'", "False", "(2,)"), []byte{0x3c, 0, 0x7c, 0})},
		zipEntry{"c.npy", npyFile(1, npyDict("'|b1'", "False", "()"), []byte{1})},
	))
	var buf bytes.Buffer
	if err := WriteNPZ(&buf, sampleTensors()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	addFileSeed(f, "numpy_arrays.npz")
	addFileSeed(f, "numpy_arrays_compressed.npz")

	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzzguard.Start(fuzzguard.Limit)()
		checkNPZEntryMatchesNPY(t, data)

		tensors, err := ReadNPZ(data, "fuzz.npz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.npz: ") {
				t.Fatalf("error %q does not start with the file name", err)
			}
			return
		}
		for _, tensor := range tensors {
			checkTensorInvariants(t, tensor)
			if len(tensor.Shape) > maxNPYWriteDims {
				return // readable, but the writer keeps to NumPy 1.x's limit
			}
		}

		var out bytes.Buffer
		if err := WriteNPZ(&out, tensors); err != nil {
			t.Fatalf("writing accepted arrays: %v", err)
		}
		again, err := ReadNPZ(out.Bytes(), "rewritten.npz")
		if err != nil {
			t.Fatalf("reading the rewritten archive: %v", err)
		}
		if len(again) != len(tensors) {
			t.Fatalf("round trip changed the array count from %d to %d", len(tensors), len(again))
		}
		for i := range tensors {
			checkTensorEqual(t, again[i], tensors[i])
		}
	})
}

// zipWithoutCRC returns a zip archive of stored entries that record a CRC-32
// of 0 and no data descriptor.
func zipWithoutCRC(f *testing.F, entries ...zipEntry) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name:               e.name,
			Method:             zip.Store,
			CompressedSize64:   uint64(len(e.data)),
			UncompressedSize64: uint64(len(e.data)),
		})
		if err != nil {
			f.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			f.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		f.Fatal(err)
	}
	return buf.Bytes()
}

// checkNPZEntryMatchesNPY stores data as the single entry of an archive and
// checks that ReadNPZ accepts it exactly when ReadNPY accepts data with no
// bytes left over, with the same result. Most byte mutations of a whole
// archive break its structure or a CRC-32, so this reaches the entry path
// with far more varied .npy content.
func checkNPZEntryMatchesNPY(t *testing.T, data []byte) {
	t.Helper()
	var archive bytes.Buffer
	zw := zip.NewWriter(&archive)
	w, err := zw.Create("x.npy")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}

	fromNPZ, npzErr := ReadNPZ(archive.Bytes(), "wrapped.npz")
	r := bytes.NewReader(data)
	fromNPY, npyErr := ReadNPY(r, "wrapped.npy")
	npyOK := npyErr == nil && r.Len() == 0
	if (npzErr == nil) != npyOK {
		t.Fatalf("ReadNPZ error %v, but ReadNPY error %v with %d bytes left over", npzErr, npyErr, r.Len())
	}
	if npzErr != nil {
		return
	}
	fromNPY.Name = "x"
	checkTensorEqual(t, fromNPZ[0], fromNPY)
}
