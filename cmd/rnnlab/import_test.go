package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/runio"
)

// thesisDir is the shared folder with the thesis's checkpoints; CI places
// it beside the repository.
var thesisDir = filepath.Join("..", "..", "..", "shared", "data", "thesis")

// Published values of the thesis (float32 PyTorch) for two of its networks.
// A float64 simulation differs by about 5e-6 relative; reading the output
// one step early or late is off by more than 1e-4.
var thesisPublished = []struct {
	file, init            string
	precision, weightCorr float64
}{
	{"sys_A1_state.pth", "sys_A1_init.npz", 0.01618705317378044, 0.8806139230728149},
	{"sys_A5.pth", "sys_A5_init.npz", 0.027645304799079895, 0.8557652831077576},
}

const (
	// thesisPrecisionTolerance is the relative tolerance on precision.
	thesisPrecisionTolerance = 5e-5
	// thesisCorrelationTolerance is the absolute tolerance on the weight
	// correlation, a cosine of float32 vectors.
	thesisCorrelationTolerance = 1e-6
)

func TestImportThesisReproducesPublishedValues(t *testing.T) {
	for _, c := range thesisPublished {
		t.Run(c.file, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			code, _, stderr := runCLI(t, "import", filepath.Join(thesisDir, c.file), "--preset", "thesis",
				"--init", filepath.Join(thesisDir, c.init), "--out", out)
			if code != 0 {
				t.Fatalf("import: exit %d: %s", code, stderr)
			}
			code, stdout, stderr := runCLI(t, "evaluate", out, "--json")
			if code != 0 {
				t.Fatalf("evaluate: exit %d: %s", code, stderr)
			}
			var res struct {
				Precision             float64 `json:"precision"`
				WeightCorrelation     float64 `json:"weight_correlation"`
				WeightCorrelationInit float64 `json:"weight_correlation_init"`
			}
			if err := json.Unmarshal([]byte(stdout), &res); err != nil {
				t.Fatal(err)
			}
			if rel := math.Abs(res.Precision-c.precision) / c.precision; !(rel <= thesisPrecisionTolerance) {
				t.Errorf("precision %.10g, published %.10g (relative difference %.2g)", res.Precision, c.precision, rel)
			}
			if d := math.Abs(res.WeightCorrelation - c.weightCorr); !(d <= thesisCorrelationTolerance) {
				t.Errorf("weight_correlation %.10g, published %.10g", res.WeightCorrelation, c.weightCorr)
			}
			// The thesis's code drew w and I from the same reseeded
			// generator, so w₀ = I₀/√500 and their cosine is 1.
			if d := math.Abs(res.WeightCorrelationInit - 1); d > 1e-6 {
				t.Errorf("weight_correlation_init %.10g, want 1", res.WeightCorrelationInit)
			}
			man, err := runio.ReadManifest(out)
			if err != nil {
				t.Fatal(err)
			}
			if man.Source == nil || len(man.Source.Files) != 2 || len(man.Source.Files[0].SHA256) != 64 {
				t.Errorf("manifest source = %+v, want two files with SHA-256", man.Source)
			}
		})
	}
}

func TestImportRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.pth")
	os.WriteFile(text, []byte("these are my notes, not a checkpoint\n"), 0o644)
	cases := []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"text renamed .pth", []string{"import", text, "--preset", "thesis"}, exitFailed, []string{text, "not a PyTorch checkpoint"}},
		{"missing file", []string{"import", filepath.Join(dir, "nope.pth")}, exitFailed, []string{"nope.pth"}},
		{"wrong mapping name", []string{"import", filepath.Join(thesisDir, "sys_A5.pth"), "--preset", "thesis", "--map", "W_out=readout"},
			exitFailed, []string{"readout", "not found"}},
		{"torch-rnn without readout", []string{"import", filepath.Join(thesisDir, "sys_A5.pth"), "--preset", "torch-rnn"},
			exitUsage, []string{"--readout"}},
		{"unknown preset", []string{"import", filepath.Join(thesisDir, "sys_A5.pth"), "--preset", "keras"}, exitUsage, []string{"keras"}},
		{"npz without time constants", []string{"import", filepath.Join(thesisDir, "sys_A5_init.npz"),
			"--map", "W=G", "--map", "W_in=I", "--map", "W_out=w^T"}, exitUsage, []string{"--tau"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append(c.args, "--out", filepath.Join(t.TempDir(), "run"))
			code, _, stderr := runCLI(t, args...)
			if code != c.code {
				t.Errorf("exit code %d, want %d; stderr: %s", code, c.code, stderr)
			}
			for _, w := range c.wants {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not mention %q", stderr, w)
				}
			}
		})
	}
}

func TestImportCorruptFilesExitOne(t *testing.T) {
	dir := t.TempDir()
	// A safetensors file whose header claims more bytes than the file has.
	good := filepath.Join(dir, "good.safetensors")
	if err := runio.SaveSafetensors(good, []runio.Tensor{{Name: "W", Shape: []int{2, 2}, F32: make([]float32, 4)}}, nil); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(good)
	long := filepath.Join(dir, "long_header.safetensors")
	bad := append([]byte{0xff, 0xff, 0x00, 0x00, 0, 0, 0, 0}, data[8:]...)
	os.WriteFile(long, bad, 0o644)
	truncated := filepath.Join(dir, "truncated.pth")
	pthData, _ := os.ReadFile(filepath.Join(thesisDir, "sys_A5.pth"))
	os.WriteFile(truncated, pthData[:len(pthData)/2], 0o644)

	cases := []struct {
		name  string
		args  []string
		wants []string
	}{
		{"zip with a missing storage", []string{filepath.Join("..", "..", "runio", "pth", "testdata", "missing_storage.pth")},
			[]string{"missing_storage.pth", "missing"}},
		{"safetensors header longer than the file", []string{long, "--tau", "1", "--dt", "1"},
			[]string{"long_header.safetensors", "header"}},
		{"truncated checkpoint", []string{truncated, "--preset", "thesis"}, []string{"truncated.pth"}},
		{"npz shape disagrees with the mapping", []string{filepath.Join("..", "..", "importer", "testdata", "fortran.npz"),
			"--tau", "1", "--dt", "0.1", "--map", "W=W_in"}, []string{"fortran.npz", "W (W_in) has shape [5 2]", "square"}},
		{"pickled whole module", []string{filepath.Join("..", "..", "runio", "pth", "testdata", "whole_module.pth"), "--preset", "torch-rnn", "--readout", "fc"},
			[]string{"whole_module.pth", "state_dict"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"import"}, c.args...)
			args = append(args, "--out", filepath.Join(t.TempDir(), "run"))
			code, _, stderr := runCLI(t, args...)
			if code != exitFailed {
				t.Errorf("exit code %d, want %d; stderr: %s", code, exitFailed, stderr)
			}
			for _, w := range c.wants {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not mention %q", stderr, w)
				}
			}
		})
	}
}

func TestImportTorchRNNThenSimulate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	code, _, stderr := runCLI(t, "import", filepath.Join("..", "..", "importer", "testdata", "torch_rnn.pth"),
		"--preset", "torch-rnn", "--rnn", "rnn", "--readout", "fc", "--h0", "h0", "--out", out)
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	cfg, tk, w, err := openRun(out)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Name() != "none" || cfg.Model.Alpha() != 1 || w.I != 3 || w.O != 2 {
		t.Errorf("task %s, α = %v, I = %d, O = %d; want none, 1, 3, 2", tk.Name(), cfg.Model.Alpha(), w.I, w.O)
	}
	// Training a run without targets exits 2 with a message naming task none.
	code, _, stderr = runCLI(t, "train", "--config", filepath.Join(out, runio.ConfigFile), "--out", filepath.Join(t.TempDir(), "t"))
	if code != exitUsage || !strings.Contains(stderr, "none") {
		t.Errorf("training on task none: exit %d, stderr %q", code, stderr)
	}
	// Task none simulates one trial of zero input: the autonomous dynamics.
	traj := filepath.Join(t.TempDir(), "traj.npz")
	if code, _, stderr := runCLI(t, "simulate", out, "--out", traj); code != 0 {
		t.Fatalf("simulate: exit %d: %s", code, stderr)
	}
	arrays, err := runio.LoadNPZ(traj)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range arrays {
		if a.Name == "z" && !equalInts(a.Shape, []int{1000, 1, 2}) {
			t.Errorf("z has shape %v, want [1000 1 2]", a.Shape)
		}
	}
}

func TestSimulateAndExportWriteDocumentedArrays(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := runCLI(t, "import", filepath.Join(thesisDir, "sys_A5.pth"), "--preset", "thesis", "--out", out); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	traj := filepath.Join(t.TempDir(), "traj.npz")
	code, _, stderr := runCLI(t, "simulate", out, "--out", traj, "--condition", "duration_ms=100,-1", "--dtype", "float32")
	if code != 0 {
		t.Fatalf("simulate: exit %d: %s", code, stderr)
	}
	arrays, err := runio.LoadNPZ(traj)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{
		"inputs": {7000, 2, 1}, "x": {7000, 2, 500}, "r": {7000, 2, 500}, "z": {7000, 2, 1},
		"targets": {7000, 2, 1}, "mask": {7000, 2}, "x0": {500}, "time_ms": {7000},
		"cond_duration_ms": {2}, "cond_onset_ms": {2}, "cond_pulse": {2},
	}
	got := map[string]runio.Tensor{}
	for _, a := range arrays {
		got[a.Name] = a
	}
	for name, shape := range want {
		a, ok := got[name]
		if !ok {
			t.Errorf("array %s missing", name)
			continue
		}
		if !equalInts(a.Shape, shape) || a.F32 == nil {
			t.Errorf("array %s: shape %v float32 %v, want %v float32", name, a.Shape, a.F32 != nil, shape)
		}
	}
	if d := got["cond_duration_ms"].F32; len(d) == 2 && (d[0] != 100 || d[1] != 0) {
		t.Errorf("cond_duration_ms = %v, want [100 0]", d)
	}

	for _, format := range []string{"npz", "safetensors"} {
		file := filepath.Join(t.TempDir(), "w."+format)
		if code, _, stderr := runCLI(t, "export", out, "--format", format, "--out", file); code != 0 {
			t.Fatalf("export %s: exit %d: %s", format, code, stderr)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestImportOwnExportKeepsTimeConstants(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	if code, _, stderr := runCLI(t, "import", filepath.Join(thesisDir, "sys_A5.pth"), "--preset", "thesis", "--out", run); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	for _, format := range []string{"npz", "safetensors"} {
		file := filepath.Join(dir, "w."+format)
		if code, _, stderr := runCLI(t, "export", run, "--format", format, "--out", file); code != 0 {
			t.Fatalf("export: exit %d: %s", code, stderr)
		}
		again := filepath.Join(dir, "again-"+format)
		if code, _, stderr := runCLI(t, "import", file, "--task", "pulse-duration", "--out", again); code != 0 {
			t.Fatalf("re-import of %s: exit %d: %s", format, code, stderr)
		}
		cfg, _, w, err := openRun(again)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Model.TauMs != 100 || cfg.Model.DtMs != 1 || cfg.Model.G != 1.5 {
			t.Errorf("%s: τ, dt, g = %v, %v, %v; want 100, 1, 1.5 from the exported file", format, cfg.Model.TauMs, cfg.Model.DtMs, cfg.Model.G)
		}
		_, _, orig, _ := openRun(run)
		for i := range orig.W {
			if orig.W[i] != w.W[i] {
				t.Fatalf("%s: W[%d] changed in the round trip", format, i)
			}
		}
	}
}
