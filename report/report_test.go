package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
)

var previewDir = flag.String("preview", "", "also write the sample figures into this `directory` for viewing")

// maxSVGBytes bounds the size of every SVG the tests write.
const maxSVGBytes = 300 << 10

// pngSize returns the pixel size vgimg gives a figure of w × h at pngDPI.
func pngSize(w, h vg.Length) (int, int) {
	return int(float64(w/vg.Inch)*pngDPI + 0.5), int(float64(h/vg.Inch)*pngDPI + 0.5)
}

// checkPNG decodes <dir>/<base>.png and checks its size.
func checkPNG(t *testing.T, dir, base string, w, h vg.Length) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, base+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s.png does not decode: %v", base, err)
	}
	wantW, wantH := pngSize(w, h)
	if got := img.Bounds().Size(); got.X != wantW || got.Y != wantH {
		t.Errorf("%s.png is %d × %d pixels, want %d × %d", base, got.X, got.Y, wantW, wantH)
	}
}

// svgTexts parses <dir>/<base>.svg as XML and returns the content of its
// <text> elements.
func svgTexts(t *testing.T, dir, base string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, base+".svg"))
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > maxSVGBytes {
		t.Errorf("%s.svg has %d bytes, want at most %d", base, len(data), maxSVGBytes)
	}
	var texts []string
	dec := xml.NewDecoder(bytes.NewReader(data))
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s.svg is not valid XML: %v", base, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			inText = tok.Name.Local == "text"
		case xml.EndElement:
			inText = false
		case xml.CharData:
			if inText {
				texts = append(texts, string(tok))
			}
		}
	}
	return texts
}

// checkSVGTexts checks that the SVG contains each of want as a <text>.
func checkSVGTexts(t *testing.T, dir, base string, want ...string) {
	t.Helper()
	texts := svgTexts(t, dir, base)
	for _, w := range want {
		found := false
		for _, s := range texts {
			if s == w {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s.svg has no text %q; its texts are %q", base, w, texts)
		}
	}
}

func TestLossCurveFigure(t *testing.T) {
	dir := t.TempDir()
	if err := LossCurve(dir, trainingSteps(trainSteps), noisyLoss(trainSteps, 1), stepsPerEpoch); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, dir, "loss", figureWidth, figureHeight)
	checkSVGTexts(t, dir, "loss",
		"Training loss", "loss per step", "mean over the last epoch (25 steps)",
		"optimizer step", "loss (log scale)", "epoch", "0.1", "1")
}

func TestLossCurveWithoutEpochs(t *testing.T) {
	dir := t.TempDir()
	if err := LossCurve(dir, trainingSteps(trainSteps), noisyLoss(trainSteps, 1), 0); err != nil {
		t.Fatal(err)
	}
	texts := strings.Join(svgTexts(t, dir, "loss"), "\n")
	if strings.Contains(texts, "epoch") {
		t.Errorf("loss.svg with stepsPerEpoch = 0 mentions epochs:\n%s", texts)
	}
}

func TestGradNormsFigure(t *testing.T) {
	dir := t.TempDir()
	if err := GradNorms(dir, trainingSteps(trainSteps), weightGroups, noisyGradNorms(trainSteps, 1)); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, dir, "grad_norms", figureWidth, figureHeight)
	checkSVGTexts(t, dir, "grad_norms", append([]string{
		"Gradient norm per weight group", "optimizer step", "gradient norm (log scale)"},
		weightGroups...)...)
}

func TestExampleTrialsFigure(t *testing.T) {
	dir := t.TempDir()
	traces := pulseTraces()
	if err := ExampleTrials(dir, traces); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, dir, "example_trials", figureWidth, trialHeaderHeight+3*trialRowHeight)
	checkSVGTexts(t, dir, "example_trials",
		"Example trials", "input", "target (where counted)", "network output",
		"not counted in the loss", "time (ms)", "input", "output",
		"duration 50 ms", "duration 150 ms", "duration 300 ms")
}

func TestExampleTrialsInputChannels(t *testing.T) {
	dir := t.TempDir()
	tr := pulseTrace(150, 1)
	second := make([]float64, len(tr.TimeMs))
	for k := range second {
		second[k] = math.Sin(tr.TimeMs[k] / 500)
	}
	tr.Inputs = append(tr.Inputs, second)
	noInput := pulseTrace(50, 2)
	noInput.Inputs = nil
	noInput.Label = ""
	if err := ExampleTrials(dir, []TrialTrace{tr, noInput}); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, dir, "example_trials", figureWidth, trialHeaderHeight+2*trialRowHeight)
	checkSVGTexts(t, dir, "example_trials", "input 1", "input 2", "trial 2")
}

func TestLossCurveNonFiniteValues(t *testing.T) {
	dir := t.TempDir()
	step := trainingSteps(trainSteps)
	loss := noisyLoss(trainSteps, 1)
	loss[100] = math.NaN()
	loss[400] = math.Inf(1) // a blow-up
	loss[401] = 1e6
	loss[600] = 0
	loss[601] = -1
	if err := LossCurve(dir, step, loss, stepsPerEpoch); err != nil {
		t.Fatal(err)
	}
	checkSVGTexts(t, dir, "loss", "4 loss values not drawn (NaN, ±Inf or ≤ 0)")
}

func TestGradNormsGroupWithoutValues(t *testing.T) {
	dir := t.TempDir()
	norms := noisyGradNorms(trainSteps, 1)
	for i := range norms[3] {
		norms[3][i] = 0
	}
	if err := GradNorms(dir, trainingSteps(trainSteps), weightGroups, norms); err != nil {
		t.Fatal(err)
	}
	checkSVGTexts(t, dir, "grad_norms",
		"b (not drawn: no finite positive value)",
		"750 gradient norm values not drawn (NaN, ±Inf or ≤ 0)")
}

func TestLossCurveErrors(t *testing.T) {
	step := trainingSteps(10)
	loss := noisyLoss(10, 1)
	nan := make([]float64, 10)
	for i := range nan {
		nan[i] = math.NaN()
	}
	for _, tc := range []struct {
		name          string
		step, loss    []float64
		stepsPerEpoch int
		want          string
	}{
		{"empty", nil, nil, 0, "step is empty"},
		{"short loss", step, loss[:9], 0, "loss has 9 values, but step has 10"},
		{"decreasing step", []float64{1, 3, 2, 4, 5, 6, 7, 8, 9, 10}, loss, 0, "step must not decrease"},
		{"NaN step", append([]float64{math.NaN()}, step[1:]...), loss, 0, "step[0] is NaN"},
		{"negative epoch", step, loss, -1, "stepsPerEpoch is -1"},
		{"all NaN", step, nan, 5, "loss has no finite positive value"},
		{"all zero", step, make([]float64, 10), 5, "loss has no finite positive value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			err := LossCurve(dir, tc.step, tc.loss, tc.stepsPerEpoch)
			checkError(t, err, "report: LossCurve: "+tc.want)
			checkNoFiles(t, dir)
		})
	}
}

func TestGradNormsErrors(t *testing.T) {
	step := trainingSteps(10)
	norms := noisyGradNorms(10, 1)
	nan := make([][]float64, len(weightGroups))
	for g := range nan {
		nan[g] = make([]float64, 10)
		for i := range nan[g] {
			nan[g][i] = math.NaN()
		}
	}
	for _, tc := range []struct {
		name   string
		step   []float64
		groups []string
		norms  [][]float64
		want   string
	}{
		{"empty step", nil, weightGroups, norms, "step is empty"},
		{"no groups", step, nil, nil, "groups is empty"},
		{"missing group", step, weightGroups, norms[:4], "norms has 4 groups, but groups has 5 names"},
		{"short group", step, weightGroups, [][]float64{norms[0], norms[1][:3], norms[2], norms[3], norms[4]},
			"norms[1] (W_in) has 3 values, but step has 10"},
		{"empty name", step, []string{"W", "", "W_out", "b", "b_out"}, norms, "groups[1] is an empty name"},
		{"all NaN", step, weightGroups, nan, "norms has no finite positive value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			err := GradNorms(dir, tc.step, tc.groups, tc.norms)
			checkError(t, err, "report: GradNorms: "+tc.want)
			checkNoFiles(t, dir)
		})
	}
}

func TestExampleTrialsErrors(t *testing.T) {
	modify := func(f func(tr *TrialTrace)) []TrialTrace {
		tr := pulseTrace(150, 1)
		f(&tr)
		return []TrialTrace{tr}
	}
	for _, tc := range []struct {
		name   string
		traces []TrialTrace
		want   string
	}{
		{"no traces", nil, "traces is empty"},
		{"too many traces", make([]TrialTrace, maxTraces+1), "traces has 11 traces, but at most 10 fit one figure"},
		{"empty time", modify(func(tr *TrialTrace) { tr.TimeMs = nil }),
			`traces[0] ("duration 150 ms"): TimeMs is empty`},
		{"short output", modify(func(tr *TrialTrace) { tr.Output = tr.Output[:10] }),
			`traces[0] ("duration 150 ms"): Output has 10 values, but TimeMs has 7000`},
		{"short target", modify(func(tr *TrialTrace) { tr.Target = tr.Target[1:] }),
			`traces[0] ("duration 150 ms"): Target has 6999 values, but TimeMs has 7000`},
		{"short input", modify(func(tr *TrialTrace) { tr.Inputs[0] = tr.Inputs[0][:5] }),
			`traces[0] ("duration 150 ms"): Inputs[0] has 5 values, but TimeMs has 7000`},
		{"NaN mask", modify(func(tr *TrialTrace) { tr.Mask[7] = math.NaN() }),
			`traces[0] ("duration 150 ms"): Mask[7] is NaN`},
		{"all-NaN output", modify(func(tr *TrialTrace) { fill(tr.Output, math.NaN()) }),
			`traces[0] ("duration 150 ms"): Output has no finite value`},
		{"all-NaN input", modify(func(tr *TrialTrace) { fill(tr.Inputs[0], math.Inf(1)) }),
			`traces[0] ("duration 150 ms"): Inputs[0] has no finite value`},
		{"all-NaN target", modify(func(tr *TrialTrace) { fill(tr.Target, math.NaN()) }),
			`traces[0] ("duration 150 ms"): Target has no finite value at the steps where Mask > 0`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			err := ExampleTrials(dir, tc.traces)
			checkError(t, err, "report: ExampleTrials: "+tc.want)
			checkNoFiles(t, dir)
		})
	}
}

func TestExampleTrialsNaNOutputGap(t *testing.T) {
	dir := t.TempDir()
	tr := pulseTrace(150, 1)
	for k := 3500; k < 3600; k++ {
		tr.Output[k] = math.NaN()
	}
	tr.Output[5000] = math.Inf(-1)
	if err := ExampleTrials(dir, []TrialTrace{tr}); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, dir, "example_trials", figureWidth, trialHeaderHeight+trialRowHeight)
}

func TestSinglePointFigures(t *testing.T) {
	dir := t.TempDir()
	if err := LossCurve(dir, []float64{25}, []float64{0.5}, stepsPerEpoch); err != nil {
		t.Errorf("LossCurve: %v", err)
	}
	if err := GradNorms(dir, []float64{25}, []string{"W"}, [][]float64{{0.1}}); err != nil {
		t.Errorf("GradNorms: %v", err)
	}
	tr := TrialTrace{TimeMs: []float64{0}, Inputs: [][]float64{{1}}, Target: []float64{1}, Mask: []float64{1}, Output: []float64{0.9}}
	if err := ExampleTrials(dir, []TrialTrace{tr}); err != nil {
		t.Errorf("ExampleTrials: %v", err)
	}
	checkPNG(t, dir, "loss", figureWidth, figureHeight)
	checkPNG(t, dir, "grad_norms", figureWidth, figureHeight)
	checkPNG(t, dir, "example_trials", figureWidth, trialHeaderHeight+trialRowHeight)
}

func TestMissingDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing")
	err := LossCurve(dir, trainingSteps(10), noisyLoss(10, 1), 0)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LossCurve into a missing directory returned %v, want an error wrapping os.ErrNotExist", err)
	}
}

// TestFiguresDeterministic checks that the same input gives the same bytes,
// for the PNG as well as the SVG.
func TestFiguresDeterministic(t *testing.T) {
	write := func(dir string) {
		step := trainingSteps(trainSteps)
		if err := LossCurve(dir, step, noisyLoss(trainSteps, 1), stepsPerEpoch); err != nil {
			t.Fatal(err)
		}
		if err := GradNorms(dir, step, weightGroups, noisyGradNorms(trainSteps, 1)); err != nil {
			t.Fatal(err)
		}
		if err := ExampleTrials(dir, pulseTraces()); err != nil {
			t.Fatal(err)
		}
	}
	a, b := t.TempDir(), t.TempDir()
	write(a)
	write(b)
	for _, base := range []string{"loss", "grad_norms", "example_trials"} {
		for _, ext := range []string{".png", ".svg"} {
			da, err := os.ReadFile(filepath.Join(a, base+ext))
			if err != nil {
				t.Fatal(err)
			}
			db, err := os.ReadFile(filepath.Join(b, base+ext))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(da, db) {
				t.Errorf("%s%s differs between two runs on the same input", base, ext)
			}
		}
	}
}

// TestPreview writes the sample figures into the directory given by
// -preview, for looking at them:
//
//	go test ./report/ -run Preview -preview /tmp/report-preview
func TestPreview(t *testing.T) {
	if *previewDir == "" {
		t.Skip("no -preview directory given")
	}
	if err := os.MkdirAll(*previewDir, 0o755); err != nil {
		t.Fatal(err)
	}
	step := trainingSteps(trainSteps)
	if err := LossCurve(*previewDir, step, noisyLoss(trainSteps, 1), stepsPerEpoch); err != nil {
		t.Fatal(err)
	}
	if err := GradNorms(*previewDir, step, weightGroups, noisyGradNorms(trainSteps, 1)); err != nil {
		t.Fatal(err)
	}
	if err := ExampleTrials(*previewDir, pulseTraces()); err != nil {
		t.Fatal(err)
	}

	blowUp := filepath.Join(*previewDir, "blowup")
	if err := os.MkdirAll(blowUp, 0o755); err != nil {
		t.Fatal(err)
	}
	loss := noisyLoss(trainSteps, 2)
	for i := 500; i < 520; i++ {
		loss[i] = math.NaN()
	}
	loss[520], loss[521] = 40, 1e3
	loss[300] = 0
	if err := LossCurve(blowUp, step, loss, stepsPerEpoch); err != nil {
		t.Fatal(err)
	}

	// Edge cases: two input channels and a trace without input, eight
	// weight groups (the eighth dashed) one of which is all zero, and a run
	// shorter than an epoch.
	edge := filepath.Join(*previewDir, "edge")
	if err := os.MkdirAll(edge, 0o755); err != nil {
		t.Fatal(err)
	}
	tr := pulseTrace(150, 1)
	second := make([]float64, len(tr.TimeMs))
	for k := range second {
		second[k] = math.Sin(tr.TimeMs[k] / 500)
	}
	tr.Inputs = append(tr.Inputs, second)
	noInput := pulseTrace(300, 2)
	noInput.Inputs = nil
	if err := ExampleTrials(edge, []TrialTrace{tr, noInput}); err != nil {
		t.Fatal(err)
	}
	groups := append(slices.Clone(weightGroups), "x0", "W_extra", "W_zero")
	norms := append(noisyGradNorms(trainSteps, 1), noisyGradNorms(trainSteps, 2)[:3]...)
	fill(norms[7], 0)
	if err := GradNorms(edge, step, groups, norms); err != nil {
		t.Fatal(err)
	}
	if err := LossCurve(edge, step[:20], noisyLoss(20, 3), stepsPerEpoch); err != nil {
		t.Fatal(err)
	}
}

func checkError(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("got error %q, want it to contain %q", err, want)
	}
}

func checkNoFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("a failed call left %s in the directory", e.Name())
	}
}

func fill(s []float64, v float64) {
	for i := range s {
		s[i] = v
	}
}
