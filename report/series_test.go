package report

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestSplitLineGaps(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4, 5, 6}
	y := []float64{1, math.NaN(), 2, 3, math.Inf(1), 4, -1}
	l, skipped := splitLine(x, y, func(i int) bool { return y[i] > 0 })
	if skipped != 3 {
		t.Errorf("skipped = %d, want 3", skipped)
	}
	want := []run{{x: []float64{0}, y: []float64{1}}, {x: []float64{2, 3}, y: []float64{2, 3}}, {x: []float64{5}, y: []float64{4}}}
	if len(l.runs) != len(want) {
		t.Fatalf("got %d runs %v, want %d", len(l.runs), l.runs, len(want))
	}
	for i, r := range l.runs {
		if !slices.Equal(r.x, want[i].x) || !slices.Equal(r.y, want[i].y) {
			t.Errorf("run %d = %v, want %v", i, r, want[i])
		}
	}
}

func TestSimplifyDropsFlatInterior(t *testing.T) {
	// A pulse: 0 for 3000 steps, 2 for 150 steps, 0 again.
	n := 7000
	x := make([]float64, n)
	y := make([]float64, n)
	for i := range x {
		x[i] = float64(i)
		if i >= 3000 && i <= 3150 {
			y[i] = 2
		}
	}
	l, _ := splitLine(x, y, nil)
	s := l.simplify(maxLinePoints)
	want := run{x: []float64{0, 2999, 3000, 3150, 3151, 6999}, y: []float64{0, 0, 2, 2, 0, 0}}
	if len(s.runs) != 1 || !slices.Equal(s.runs[0].x, want.x) || !slices.Equal(s.runs[0].y, want.y) {
		t.Errorf("simplified pulse = %v, want %v", s.runs, want)
	}
}

func TestSimplifyKeepsExtremes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	n := 7000
	x := make([]float64, n)
	y := make([]float64, n)
	for i := range x {
		x[i] = float64(i)
		y[i] = math.Sin(float64(i)/3) + 0.1*rng.NormFloat64()
	}
	y[4321] = 50 // a one-step spike
	y[1234] = -50
	y[2000] = math.NaN()

	l, _ := splitLine(x, y, nil)
	s := l.simplify(maxLinePoints)

	points := 0
	for _, r := range s.runs {
		points += len(r.x)
		if !slices.IsSorted(r.x) {
			t.Errorf("run starting at x = %v is out of order after decimation", r.x[0])
		}
	}
	if points > maxLinePoints+4*len(s.runs) {
		t.Errorf("simplified line has %d points, want at most %d", points, maxLinePoints+4*len(s.runs))
	}
	lo, hi := s.yRange()
	if lo != -50 || hi != 50 {
		t.Errorf("simplified line spans [%v, %v], want the spikes [-50, 50]", lo, hi)
	}
	if len(s.runs) != 2 || s.runs[0].x[len(s.runs[0].x)-1] != 1999 || s.runs[1].x[0] != 2001 {
		t.Errorf("the NaN at x = 2000 no longer splits the line")
	}

	// Every bucket of the original keeps its own minimum and maximum.
	buckets := maxLinePoints/2 - 1
	width := float64(n-1) / float64(buckets)
	for b := range buckets {
		from, to := int(math.Ceil(float64(b)*width)), int(math.Ceil(float64(b+1)*width))
		bmin, bmax := math.Inf(1), math.Inf(-1)
		for i := from; i < min(to, n); i++ {
			if i != 2000 {
				bmin, bmax = math.Min(bmin, y[i]), math.Max(bmax, y[i])
			}
		}
		keptValues := map[float64]bool{}
		for _, r := range s.runs {
			for k, xv := range r.x {
				if xv >= float64(from) && xv < float64(to) {
					keptValues[r.y[k]] = true
				}
			}
		}
		if !keptValues[bmin] || !keptValues[bmax] {
			t.Fatalf("bucket %d (x in [%d, %d)) lost its minimum %v or maximum %v", b, from, to, bmin, bmax)
		}
	}
}

func TestSimplifyShortLineUnchanged(t *testing.T) {
	x := []float64{0, 1, 2, 3}
	y := []float64{1, 3, 2, 4}
	l, _ := splitLine(x, y, nil)
	s := l.simplify(maxLinePoints)
	if !slices.Equal(s.runs[0].y, y) {
		t.Errorf("simplify changed a 4-point line to %v", s.runs[0].y)
	}
}

func TestEpochMean(t *testing.T) {
	step := []float64{1, 2, 3, 4, 5, 6}
	loss := []float64{1, 2, 3, math.NaN(), 5, 6}
	got := epochMean(step, loss, 3)
	// Windows of 3 steps: none full before step 3; step 4 is NaN itself;
	// step 5 averages {3, 5} because step 4 is NaN; step 6 averages {5, 6}.
	want := []float64{math.NaN(), math.NaN(), 2, math.NaN(), 4, 5.5}
	for i := range want {
		if !(got[i] == want[i] || math.IsNaN(got[i]) && math.IsNaN(want[i])) {
			t.Errorf("mean at step %v = %v, want %v", step[i], got[i], want[i])
		}
	}
}

func TestEpochTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi        float64
		stepsPerEpoch int
		want          []int
	}{
		{1, 750, 25, []int{5, 10, 15, 20, 25, 30}},
		{0, 100, 25, []int{0, 1, 2, 3, 4}},
		{1, 10, 25, nil},
		{1, 750, 0, nil},
		{1, 100000, 10, []int{2000, 4000, 6000, 8000, 10000}},
	} {
		got := epochTicks(tc.lo, tc.hi, tc.stepsPerEpoch)
		if !slices.Equal(got, tc.want) {
			t.Errorf("epochTicks(%v, %v, %d) = %v, want %v", tc.lo, tc.hi, tc.stepsPerEpoch, got, tc.want)
		}
	}
}

func TestLogTicksLabels(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64 // data limits, not log10
		want   []string
	}{
		{0.04, 1.2, []string{"0.05", "0.1", "0.2", "0.5", "1"}},
		{3e-4, 7, []string{"0.001", "0.01", "0.1", "1"}},
		{0.31, 0.79, []string{"0.4", "0.5", "0.6", "0.7"}},
		{1e-12, 1e3, []string{"1e-12", "1e-9", "1e-6", "0.001", "1", "1000"}},
		{0.51, 0.53, []string{"0.51", "0.515", "0.52", "0.525"}}, // linear fallback
	} {
		ticks := logTicks{}.Ticks(math.Log10(tc.lo), math.Log10(tc.hi))
		var got []string
		for _, tk := range ticks {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("labels on [%v, %v] = %q, want %q", tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestLinearTicksLabels(t *testing.T) {
	for _, tc := range []struct {
		lo, hi    float64
		maxLabels int
		want      []string
	}{
		{0, 6999, 8, []string{"0", "1000", "2000", "3000", "4000", "5000", "6000"}},
		{1, 750, 8, []string{"100", "200", "300", "400", "500", "600", "700"}},
		{-0.09, 2.2, 6, []string{"0", "0.5", "1", "1.5", "2"}},
		{-0.08, 2.08, 3, []string{"0", "1", "2"}},
		{-0.3, 0.3, 4, []string{"-0.2", "0", "0.2"}},
		// A feature constant up to rounding: stepping through this range
		// once added half-steps that rounded away and never ended.
		{0.9999999999999993, 0.9999999999999997, 6, []string{"1"}},
		{1e6, 1e6 + 1e-5, 6, []string{"1e+06"}},
	} {
		var got []string
		for _, tk := range (linearTicks{maxLabels: tc.maxLabels}).Ticks(tc.lo, tc.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("labels on [%v, %v] = %q, want %q", tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestUncountedSpans(t *testing.T) {
	time := []float64{0, 10, 20, 30, 40, 50}
	mask := []float64{0, 1, 1, 0, 0, 1}
	got := uncountedSpans(time, mask)
	want := [][2]float64{{0, 5}, {25, 45}}
	if !slices.Equal(got, want) {
		t.Errorf("uncountedSpans = %v, want %v", got, want)
	}
}

// TestExampleTrialsFastOscillation checks the SVG size bound for the worst
// case of decimation: outputs that change direction at every step.
func TestExampleTrialsFastOscillation(t *testing.T) {
	dir := t.TempDir()
	traces := pulseTraces()
	for i := range traces {
		for k := range traces[i].Output {
			traces[i].Output[k] += 0.3 * math.Sin(float64(k)*2.9)
		}
	}
	if err := ExampleTrials(dir, traces); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, "example_trials.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() > maxSVGBytes {
		t.Errorf("example_trials.svg has %d bytes, want at most %d", info.Size(), maxSVGBytes)
	}
	t.Logf("example_trials.svg with oscillating outputs: %d bytes", info.Size())
}
