package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestAnalysisFiguresDeterministic checks that the analysis figures give
// the same bytes for the same input.
func TestAnalysisFiguresDeterministic(t *testing.T) {
	write := func(dir string) {
		if err := Spectrum(dir, "Eigenvalues", samplePanels()); err != nil {
			t.Fatal(err)
		}
		if err := MeanFieldAutocorrelation(dir, sechCorrelation(201, 50, 0.228)); err != nil {
			t.Fatal(err)
		}
		if err := LyapunovConvergence(dir, sampleTrace()); err != nil {
			t.Fatal(err)
		}
	}
	a, b := t.TempDir(), t.TempDir()
	write(a)
	write(b)
	for _, base := range []string{"spectrum", "dmft_autocorrelation", "lyapunov_convergence"} {
		for _, ext := range []string{".png", ".svg"} {
			x, err := os.ReadFile(filepath.Join(a, base+ext))
			if err != nil {
				t.Fatal(err)
			}
			y, err := os.ReadFile(filepath.Join(b, base+ext))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(x, y) {
				t.Errorf("%s%s differs between two runs with the same input", base, ext)
			}
		}
	}
}

// TestAnalysisPreview writes the analysis figures into the directory given
// by -preview, for looking at them:
//
//	go test ./report/ -run AnalysisPreview -preview /tmp/report-preview
func TestAnalysisPreview(t *testing.T) {
	if *previewDir == "" {
		t.Skip("no -preview directory given")
	}
	if err := os.MkdirAll(*previewDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Spectrum(*previewDir, "Eigenvalues of the recurrent weights", samplePanels()); err != nil {
		t.Fatal(err)
	}
	if err := MeanFieldAutocorrelation(*previewDir, sechCorrelation(201, 50, 0.228)); err != nil {
		t.Fatal(err)
	}
	if err := LyapunovConvergence(*previewDir, sampleTrace()); err != nil {
		t.Fatal(err)
	}
}
