package runio

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// These tests load files written by this package in NumPy. They need a
// python3 that can import numpy and skip otherwise. The interpreter is
// $RNNLAB_PYTHON when set, else the first python3 on PATH, else
// /usr/bin/python3, the first of them that imports numpy.

// findNumPyPython returns a Python interpreter that can import numpy, or
// skips the test with the reason.
func findNumPyPython(t *testing.T) string {
	t.Helper()
	var candidates []string
	if p := os.Getenv("RNNLAB_PYTHON"); p != "" {
		candidates = append(candidates, p)
	}
	if p, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, p)
	}
	candidates = append(candidates, "/usr/bin/python3")

	var reasons []string
	for _, python := range candidates {
		out, err := exec.Command(python, "-c", "import numpy").CombinedOutput()
		if err == nil {
			return python
		}
		reasons = append(reasons, fmt.Sprintf("%s: %v %s", python, err, lastLine(out)))
	}
	t.Skipf("no python3 with numpy (set RNNLAB_PYTHON to choose one): %s", strings.Join(reasons, "; "))
	return ""
}

func lastLine(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}

// float64Checksum returns the hex SHA-256 of the tensor's values as
// little-endian float64, the checksum the Python side prints.
func float64Checksum(tensor Tensor) string {
	h := sha256.New()
	var b [8]byte
	for _, v := range tensor.Float64() {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		h.Write(b[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// formatShape formats a shape as [d0,d1,...], as the Python side prints it.
func formatShape(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = fmt.Sprint(d)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func runPython(t *testing.T, python string, args ...string) string {
	t.Helper()
	cmd := exec.Command(python, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", python, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func TestSafetensorsInNumPy(t *testing.T) {
	python := findNumPyPython(t)
	path := filepath.Join(t.TempDir(), "weights.safetensors")
	tensors := sampleTensors()
	if err := SaveSafetensors(path, tensors, map[string]string{"rnnlab_model": `{"g": 1.5}`}); err != nil {
		t.Fatal(err)
	}

	out := runPython(t, python, filepath.Join("..", "scripts", "check_safetensors.py"), "--sha256", path)
	var want []string
	for _, tensor := range tensors {
		want = append(want, strings.Join([]string{path, tensor.Name, tensor.dtypeName(), formatShape(tensor.Shape), float64Checksum(tensor)}, "\t"))
	}
	got := strings.Split(strings.TrimSpace(out), "\n")
	if !slices.Equal(got, want) {
		t.Errorf("check_safetensors.py printed\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSafetensorsCheckerRejectsMalformed(t *testing.T) {
	python := findNumPyPython(t)
	path := filepath.Join(t.TempDir(), "bad.safetensors")
	bad := safetensorsFile(`{"W":{"dtype":"F32","shape":[5],"data_offsets":[0,16]}}`, make([]byte, 16))
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, filepath.Join("..", "scripts", "check_safetensors.py"), path)
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
		t.Errorf("check_safetensors.py on a malformed file: %v, want exit status 1\n%s", err, out)
	}
	if !strings.Contains(string(out), "needs 20") {
		t.Errorf("check_safetensors.py output %q does not report the size mismatch", out)
	}
}

// loadNPZScript prints one tab-separated line per array of the .npz given
// as argv[1]: key, NumPy dtype, shape and the SHA-256 of the values as
// little-endian float64 in row-major order. numpy.load keeps its default
// allow_pickle=False.
const loadNPZScript = `
import hashlib, sys
import numpy as np
with np.load(sys.argv[1]) as npz:
    for key in npz.files:
        a = npz[key]
        values = np.ascontiguousarray(a, dtype="<f8").tobytes()
        shape = "[" + ",".join(str(d) for d in a.shape) + "]"
        print(key, a.dtype.str, shape, hashlib.sha256(values).hexdigest(), sep="\t")
`

func TestNPZInNumPy(t *testing.T) {
	python := findNumPyPython(t)
	path := filepath.Join(t.TempDir(), "trajectories.npz")
	tensors := sampleTensors()
	if err := SaveNPZ(path, tensors); err != nil {
		t.Fatal(err)
	}

	out := runPython(t, python, "-c", loadNPZScript, path)
	var want []string
	for _, tensor := range tensors {
		dtype := "<f4"
		if tensor.F64 != nil {
			dtype = "<f8"
		}
		want = append(want, strings.Join([]string{tensor.Name, dtype, formatShape(tensor.Shape), float64Checksum(tensor)}, "\t"))
	}
	got := strings.Split(strings.TrimSpace(out), "\n")
	if !slices.Equal(got, want) {
		t.Errorf("numpy.load printed\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
