package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/internal/kernel"
	"github.com/rnnlab/rnnlab/runio"
)

// These tests check the files that rnnlab hands to NumPy and PyTorch users:
// golden copies of small outputs under testdata/ (no Python needed), and
// scripts/interchange/check_outputs.py, which loads every file of a run with
// NumPy, and with PyTorch when it is installed.

var updateGolden = flag.Bool("update", false, "rewrite the interchange golden files in testdata/")

// goldenBackend is the matrix backend the simulation golden file was made
// with. Another backend may sum products in another order, so its
// simulation can differ in the last bits and is compared with a tolerance.
const goldenBackend = "gonum"

// goldenSimulationTolerance is the relative tolerance on simulated float32
// values under a backend other than goldenBackend: a few float32 ulps.
const goldenSimulationTolerance = 1e-6

var (
	pulseRNNFile = filepath.Join("testdata", "pulse_rnn.pth")
	torchRNNFile = filepath.Join("..", "..", "importer", "testdata", "torch_rnn.pth")
	checkerFile  = filepath.Join("..", "..", "scripts", "interchange", "check_outputs.py")
)

// pulseRNNImportArgs imports testdata/pulse_rnn.pth, an nn.RNN(1, 8) with an
// nn.Linear(8, 1) readout and initial rates h0, as a discrete-time network
// (τ = dt = 50 ms) on the pulse-duration task, whose trials then have 140
// steps.
func pulseRNNImportArgs(out string) []string {
	return []string{"import", pulseRNNFile, "--preset", "torch-rnn", "--rnn", "rnn", "--readout", "fc", "--h0", "h0",
		"--task", "pulse-duration", "--tau", "50", "--dt", "50", "--out", out}
}

func torchRNNImportArgs(out string) []string {
	return []string{"import", torchRNNFile, "--preset", "torch-rnn", "--rnn", "rnn", "--readout", "fc", "--h0", "h0", "--out", out}
}

// mustRunCLI runs a command line in-process and fails the test unless it
// exits 0.
func mustRunCLI(t *testing.T, args ...string) {
	t.Helper()
	if code, _, stderr := runCLI(t, args...); code != 0 {
		t.Fatalf("rnnlab %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
}

func TestInterchangeGoldenFiles(t *testing.T) {
	dir := t.TempDir()
	pulse := filepath.Join(dir, "pulse")
	mustRunCLI(t, pulseRNNImportArgs(pulse)...)
	torchRNN := filepath.Join(dir, "torch_rnn")
	mustRunCLI(t, torchRNNImportArgs(torchRNN)...)

	cases := []struct {
		golden string
		args   []string
		// simulated marks outputs of a simulation, whose last bits depend
		// on the matrix backend.
		simulated bool
	}{
		{"pulse_rnn_simulate.npz", []string{"simulate", pulse, "--condition", "duration_ms=150,-1", "--dtype", "float32"}, true},
		{"pulse_rnn_export.npz", []string{"export", pulse, "--format", "npz"}, false},
		{"pulse_rnn_export.safetensors", []string{"export", pulse, "--format", "safetensors"}, false},
		{"torch_rnn_export.npz", []string{"export", torchRNN, "--format", "npz"}, false},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			out := filepath.Join(dir, c.golden)
			mustRunCLI(t, append(c.args, "--out", out)...)
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, c.golden, got, c.simulated)
		})
	}
}

// compareGolden compares got with testdata/<name> byte for byte, or
// rewrites the golden file with -update. A simulation under a backend other
// than goldenBackend passes when its arrays agree within
// goldenSimulationTolerance.
func compareGolden(t *testing.T, name string, got []byte, simulated bool) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("updated %s (%d bytes)", path, len(got))
		return
	}

	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file missing: %v; create it with: go test ./cmd/rnnlab -run InterchangeGolden -update", err)
	}
	if bytes.Equal(got, want) {
		return
	}

	tolerance := 0.0
	if simulated && kernel.Backend() != goldenBackend {
		tolerance = goldenSimulationTolerance
	}
	diffs, err := diffArrayFiles(name, want, got, tolerance)
	if err != nil {
		t.Fatal(err)
	}
	if tolerance > 0 && len(diffs) == 0 {
		t.Logf("%s: bytes differ under backend %s, values agree within %g of the %s golden file", name, kernel.Backend(), tolerance, goldenBackend)
		return
	}
	t.Errorf("%s differs from %s (%d bytes, golden %d bytes):\n  %s\nIf the change is intended, regenerate with: go test ./cmd/rnnlab -run InterchangeGolden -update",
		name, path, len(got), len(want), strings.Join(diffs, "\n  "))
}

// readArrayFile reads the arrays of an .npz or .safetensors file (chosen by
// the extension of name) and the safetensors metadata.
func readArrayFile(name string, data []byte) ([]runio.Tensor, map[string]string, error) {
	if strings.HasSuffix(name, ".safetensors") {
		st, err := runio.ReadSafetensors(data, name)
		if err != nil {
			return nil, nil, err
		}
		return st.Tensors, st.Metadata, nil
	}
	tensors, err := runio.ReadNPZ(data, name)
	return tensors, nil, err
}

// diffArrayFiles lists the differences between two .npz or .safetensors
// files: metadata, arrays added or missing, and changed shapes, dtypes or
// values. A value differs when |got − want| > tolerance·max(1, |want|).
// With tolerance 0 and no other difference, it reports that the bytes of
// the container changed.
func diffArrayFiles(name string, want, got []byte, tolerance float64) ([]string, error) {
	wantTensors, wantMeta, err := readArrayFile(name, want)
	if err != nil {
		return nil, fmt.Errorf("golden file: %w", err)
	}
	gotTensors, gotMeta, err := readArrayFile(name, got)
	if err != nil {
		return nil, fmt.Errorf("new output: %w", err)
	}

	var diffs []string
	for key, v := range wantMeta {
		if gotMeta[key] != v {
			diffs = append(diffs, fmt.Sprintf("metadata %s: got %q, want %q", key, gotMeta[key], v))
		}
	}
	for key := range gotMeta {
		if _, ok := wantMeta[key]; !ok {
			diffs = append(diffs, fmt.Sprintf("metadata %s: new key", key))
		}
	}

	names := func(ts []runio.Tensor) []string {
		out := make([]string, len(ts))
		for i, t := range ts {
			out[i] = t.Name
		}
		return out
	}
	if !slices.Equal(names(gotTensors), names(wantTensors)) {
		diffs = append(diffs, fmt.Sprintf("arrays %v, want %v", names(gotTensors), names(wantTensors)))
	}

	for _, w := range wantTensors {
		i := slices.IndexFunc(gotTensors, func(g runio.Tensor) bool { return g.Name == w.Name })
		if i < 0 {
			continue
		}
		g := gotTensors[i]
		switch {
		case !slices.Equal(g.Shape, w.Shape):
			diffs = append(diffs, fmt.Sprintf("%s: shape %v, want %v", w.Name, g.Shape, w.Shape))
		case (g.F32 == nil) != (w.F32 == nil):
			diffs = append(diffs, fmt.Sprintf("%s: dtype float32 = %v, want %v", w.Name, g.F32 != nil, w.F32 != nil))
		default:
			gv, wv := g.Float64(), w.Float64()
			worst, at := 0.0, -1
			for k := range wv {
				d := math.Abs(gv[k]-wv[k]) / math.Max(1, math.Abs(wv[k]))
				if d > worst || math.IsNaN(d) {
					worst, at = d, k
				}
			}
			if at >= 0 && !(worst <= tolerance) {
				diffs = append(diffs, fmt.Sprintf("%s: element %d (row-major) is %v, want %v (relative difference %.3g)", w.Name, at, gv[at], wv[at], worst))
			}
		}
	}

	if len(diffs) == 0 && tolerance == 0 {
		diffs = append(diffs, "every array is equal, but the file's bytes differ (header or container layout changed)")
	}
	return diffs, nil
}

// interchangePython returns $RNNLAB_PYTHON or /usr/bin/python3 when it can
// import numpy, and whether it can import torch too. It skips the test when
// numpy is missing. The first python3 on PATH is not used, because it may be
// a pyenv or virtualenv interpreter without NumPy.
func interchangePython(t *testing.T) (python string, hasTorch bool) {
	t.Helper()
	python = os.Getenv("RNNLAB_PYTHON")
	if python == "" {
		python = "/usr/bin/python3"
	}
	out, err := exec.Command(python, "-c", "import numpy").CombinedOutput()
	if err != nil {
		t.Skipf("%s cannot import numpy (%v: %s); install python3-numpy (scripts/install-test-deps.sh) or set RNNLAB_PYTHON",
			python, err, strings.TrimSpace(lastLineOf(out)))
	}
	if out, err := exec.Command(python, "-c", "import torch").CombinedOutput(); err != nil {
		t.Logf("%s cannot import torch (%s); check_outputs.py skips its PyTorch checks", python, strings.TrimSpace(lastLineOf(out)))
		return python, false
	}
	return python, true
}

func lastLineOf(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}

func TestInterchangeFilesLoadInPython(t *testing.T) {
	python, hasTorch := interchangePython(t)
	dir := t.TempDir()
	file := func(name string) string { return filepath.Join(dir, name) }

	trained := file("trained")
	mustRunCLI(t, "train", "--config", writeConfig(t, smallConfig), "--out", trained)
	pulse := file("pulse")
	mustRunCLI(t, pulseRNNImportArgs(pulse)...)
	torchRNN := file("torch_rnn")
	mustRunCLI(t, torchRNNImportArgs(torchRNN)...)

	// Each case makes the outputs of one run directory, then runs the
	// checker on the directory and those outputs.
	cases := []struct {
		name     string
		run      string
		commands [][]string
		checker  []string
	}{
		{
			name: "trained",
			run:  trained,
			commands: [][]string{
				{"simulate", trained, "--out", file("trained_sim64.npz")},
				{"simulate", trained, "--out", file("trained_sim32.npz"), "--dtype", "float32", "--condition", "duration_ms=50,-1", "--condition", "onset_ms=2000,3000"},
				{"export", trained, "--format", "npz", "--out", file("trained.npz")},
				{"export", trained, "--format", "safetensors", "--out", file("trained.safetensors")},
				{"export", trained, "--init", "--format", "npz", "--out", file("trained_init.npz")},
				{"export", trained, "--init", "--format", "safetensors", "--out", file("trained_init.safetensors")},
			},
			checker: []string{
				"--simulate", file("trained_sim64.npz"), "--simulate", file("trained_sim32.npz"),
				"--export", file("trained.npz"), "--export", file("trained.safetensors"),
				"--export-init", file("trained_init.npz"), "--export-init", file("trained_init.safetensors"),
			},
		},
		{
			name: "pulse_rnn import",
			run:  pulse,
			commands: [][]string{
				{"simulate", pulse, "--out", file("pulse_sim64.npz")},
				{"simulate", pulse, "--out", file("pulse_sim32.npz"), "--dtype", "float32", "--condition", "duration_ms=150,-1"},
				{"export", pulse, "--format", "npz", "--out", file("pulse.npz")},
				{"export", pulse, "--format", "safetensors", "--out", file("pulse.safetensors")},
			},
			checker: []string{
				"--simulate", file("pulse_sim64.npz"), "--simulate", file("pulse_sim32.npz"),
				"--export", file("pulse.npz"), "--export", file("pulse.safetensors"),
				"--torch-state", pulseRNNFile, "--rnn", "rnn", "--readout", "fc", "--h0", "h0",
			},
		},
		{
			name: "torch_rnn import",
			run:  torchRNN,
			commands: [][]string{
				{"export", torchRNN, "--format", "npz", "--out", file("torch_rnn.npz")},
				{"export", torchRNN, "--format", "safetensors", "--out", file("torch_rnn.safetensors")},
			},
			checker: []string{
				"--export", file("torch_rnn.npz"), "--export", file("torch_rnn.safetensors"),
				"--torch-state", torchRNNFile, "--rnn", "rnn", "--readout", "fc", "--h0", "h0",
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, args := range c.commands {
				mustRunCLI(t, args...)
			}
			args := append([]string{checkerFile, c.run}, c.checker...)
			cmd := exec.Command(python, args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			t.Logf("check_outputs.py %s:\n%s", c.name, stdout.String())
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", python, strings.Join(args, " "), err, stderr.String())
			}
			reported := func(path string) {
				if !strings.Contains(stdout.String(), "ok   "+path+":") {
					t.Errorf("check_outputs.py did not report %s as checked", path)
				}
			}
			for _, name := range []string{runio.ManifestFile, runio.ConfigFile, runio.WeightsFile, runio.InitFile,
				filepath.Join(runio.CheckpointDir, runio.CheckpointFile), runio.MetricsFile} {
				if _, err := os.Stat(filepath.Join(c.run, name)); err == nil {
					reported(filepath.Join(c.run, name))
				}
			}
			fileFlags := []string{"--simulate", "--export", "--export-init"}
			if hasTorch {
				fileFlags = append(fileFlags, "--torch-state")
			}
			for i, arg := range c.checker {
				if i > 0 && slices.Contains(fileFlags, c.checker[i-1]) {
					reported(arg)
				}
			}
		})
	}
}

func TestInterchangeCheckerRejectsMismatch(t *testing.T) {
	python, _ := interchangePython(t)
	dir := t.TempDir()
	pulse := filepath.Join(dir, "pulse")
	mustRunCLI(t, pulseRNNImportArgs(pulse)...)
	trained := filepath.Join(dir, "trained")
	mustRunCLI(t, "train", "--config", writeConfig(t, smallConfig), "--out", trained)
	// The trained run's float32 export is not the imported run's float64
	// weights, so the checker must reject it with a message naming W.
	export := filepath.Join(dir, "trained.npz")
	mustRunCLI(t, "export", trained, "--format", "npz", "--out", export)
	cmd := exec.Command(python, checkerFile, pulse, "--export", export)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("checker on a foreign export: %v, want exit status 1; stderr: %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), export) || !strings.Contains(stderr.String(), "W ") {
		t.Errorf("checker stderr %q does not name the file and the array W", stderr.String())
	}
}
