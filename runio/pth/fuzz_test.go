package pth

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rnnlab/rnnlab/internal/fuzzguard"
)

// FuzzRead checks that no input makes the reader panic, and that every file
// it accepts satisfies the runio.Tensor invariants. It calls read, not Read,
// because Read turns a panic into an error and would hide it from the
// fuzzer. In a short run the workers spend most of their time minimizing new
// inputs (default -fuzzminimizetime 60s), which the exec count in the
// progress lines does not include.
//
//	go test -run XXX -fuzz FuzzRead -fuzztime 30s ./runio/pth/
func FuzzRead(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.pth"))
	if err != nil {
		f.Fatal(err)
	}
	if len(paths) == 0 {
		f.Fatal("no seed files in testdata")
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzzguard.Start(fuzzguard.Limit)()
		file, err := read(data)
		if err != nil {
			if file != nil {
				t.Fatal("read returned a file along with an error")
			}
			return
		}
		if file.Values == nil {
			t.Fatal("Values is nil")
		}
		// Distinct arrays may hold at most the storage bytes plus
		// extraElements values, and storage bytes are at most 1032 times
		// the input, deflate's largest compression ratio.
		distinct := 0
		seen := map[any]bool{}
		for _, tt := range file.Tensors {
			var first any
			if len(tt.F32) > 0 {
				first = &tt.F32[0]
			} else if len(tt.F64) > 0 {
				first = &tt.F64[0]
			}
			if first != nil && !seen[first] {
				seen[first] = true
				distinct += tt.Len()
			}
		}
		if limit := 1032*len(data) + extraElements; distinct > limit {
			t.Fatalf("tensors hold %d values, more than the bound %d for a %d-byte input", distinct, limit, len(data))
		}
		for _, tt := range file.Tensors {
			if (tt.F32 == nil) == (tt.F64 == nil) {
				t.Fatalf("tensor %q: exactly one of F32 and F64 must be set", tt.Name)
			}
			count := 1
			for _, d := range tt.Shape {
				if d < 0 {
					t.Fatalf("tensor %q: negative dimension in %v", tt.Name, tt.Shape)
				}
				count *= d
			}
			if count != tt.Len() {
				t.Fatalf("tensor %q: shape %v but %d values", tt.Name, tt.Shape, tt.Len())
			}
		}
	})
}
