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
