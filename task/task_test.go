package task

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestStepsWholeAndFractional(t *testing.T) {
	// Durations in seconds lose a step to float floor division in some
	// task libraries: 0.3 // 0.1 = 2. Here 0.3/0.1 is 3 steps and 0.25/0.1
	// is an error.
	cases := []struct {
		ms, dt float64
		want   int
		ok     bool
	}{
		{0.3, 0.1, 3, true},
		{0.7, 0.1, 7, true},
		{0.25, 0.1, 0, false},
		{7000, 1, 7000, true},
		{150, 20, 0, false},
		{4500, 10, 450, true},
		{-100, 10, -10, true},
		{math.NaN(), 1, 0, false},
	}
	for _, c := range cases {
		n, err := Steps("x_ms", c.ms, c.dt)
		if (err == nil) != c.ok || (c.ok && n != c.want) {
			t.Errorf("Steps(%v, dt=%v) = %d, %v; want %d, ok=%v", c.ms, c.dt, n, err, c.want, c.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "x_ms") {
			t.Errorf("error %q does not name the key", err)
		}
	}
}

func buildDefault(t *testing.T, dt float64) *PulseDuration {
	t.Helper()
	p := DefaultPulseDuration()
	tk, err := p.Build(dt)
	if err != nil {
		t.Fatal(err)
	}
	return tk.(*PulseDuration)
}

func TestPulseTrialShape(t *testing.T) {
	// The thesis's task: pulse on onset ≤ s ≤ onset + duration (both ends
	// included), target 0 counted before the onset, nothing counted until
	// 4500 ms, 0.007·duration counted from 4500 ms on.
	tk := buildDefault(t, 1)
	tr := tk.Trial(3000, 150)
	if len(tr.Input) != 7000 || len(tr.Target) != 7000 || len(tr.Mask) != 7000 {
		t.Fatalf("lengths %d %d %d, want 7000", len(tr.Input), len(tr.Target), len(tr.Mask))
	}
	pulse := 0
	for s, u := range tr.Input {
		on := s >= 3000 && s <= 3150
		if on != (u == 2) || (!on && u != 0) {
			t.Fatalf("input[%d] = %v", s, u)
		}
		if on {
			pulse++
		}
	}
	if pulse != 151 {
		t.Errorf("pulse lasts %d steps, want 151", pulse)
	}
	for _, c := range []struct {
		s            int
		mask, target float64
	}{{0, 1, 0}, {2999, 1, 0}, {3000, 0, 0}, {4499, 0, 0}, {4500, 1, 1.05}, {6999, 1, 1.05}} {
		if tr.Mask[c.s] != c.mask || math.Abs(tr.Target[c.s]-c.target) > 1e-12 {
			t.Errorf("step %d: mask %v target %v, want %v and %v", c.s, tr.Mask[c.s], tr.Target[c.s], c.mask, c.target)
		}
	}
	none := tk.Trial(3000, -1)
	for s := range none.Mask {
		if none.Mask[s] != 1 || none.Input[s] != 0 || none.Target[s] != 0 {
			t.Fatalf("trial without pulse: step %d has mask %v input %v target %v", s, none.Mask[s], none.Input[s], none.Target[s])
		}
	}
}

func TestPulseOnCoarserGrid(t *testing.T) {
	// At dt = 10 ms the times keep their meaning in ms: the pulse covers
	// steps 300..315 for 150 ms at 3000 ms, the plateau starts at step 450
	// and its height is still 0.007 × 150.
	tk := buildDefault(t, 10)
	if tk.Steps() != 700 {
		t.Fatalf("steps = %d, want 700", tk.Steps())
	}
	tr := tk.Trial(300, 15)
	if tr.Input[299] != 0 || tr.Input[300] != 2 || tr.Input[315] != 2 || tr.Input[316] != 0 {
		t.Errorf("pulse edges wrong: %v %v %v %v", tr.Input[299], tr.Input[300], tr.Input[315], tr.Input[316])
	}
	if tr.Mask[449] != 0 || tr.Mask[450] != 1 || math.Abs(tr.Target[450]-1.05) > 1e-12 {
		t.Errorf("plateau: mask[449] %v mask[450] %v target %v", tr.Mask[449], tr.Mask[450], tr.Target[450])
	}
	if tr.Condition["duration_ms"] != 150 || tr.Condition["onset_ms"] != 3000 {
		t.Errorf("condition %v, want onset 3000 ms, duration 150 ms", tr.Condition)
	}
}

func TestPulseSampleDistribution(t *testing.T) {
	tk := buildDefault(t, 1)
	rng := rand.New(rand.NewPCG(1, 2))
	trials := tk.Sample(rng, 4000)
	noPulse := 0
	minOn, maxOn, minDur, maxDur := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, tr := range trials {
		if tr.Condition["pulse"] == 0 {
			noPulse++
			continue
		}
		on, dur := tr.Condition["onset_ms"], tr.Condition["duration_ms"]
		minOn, maxOn = math.Min(minOn, on), math.Max(maxOn, on)
		minDur, maxDur = math.Min(minDur, dur), math.Max(maxDur, dur)
	}
	// Jitter is uniform on [−j, j): onsets in [2000, 3999], durations in [50, 249].
	if minOn != 2000 || maxOn != 3999 || minDur != 50 || maxDur != 249 {
		t.Errorf("onsets [%v, %v], durations [%v, %v]; want [2000, 3999] and [50, 249]", minOn, maxOn, minDur, maxDur)
	}
	// 10 % without a pulse: binomial standard deviation √(4000·0.09) ≈ 19.
	if noPulse < 400-4*19 || noPulse > 400+4*19 {
		t.Errorf("%d of 4000 trials without a pulse, want about 400", noPulse)
	}
	again := tk.Sample(rand.New(rand.NewPCG(1, 2)), 4000)
	for i := range trials {
		if trials[i].Condition["onset_ms"] != again[i].Condition["onset_ms"] || trials[i].Condition["duration_ms"] != again[i].Condition["duration_ms"] {
			t.Fatal("the same seed gave different trials")
		}
	}
}

func TestPulseScoreIsThesisPrecision(t *testing.T) {
	tk := buildDefault(t, 1)
	trials := tk.TestTrials()
	outputs := make([][]float64, len(trials))
	for i, tr := range trials {
		outputs[i] = make([]float64, len(tr.Target))
		copy(outputs[i], tr.Target)
		// An output 0.1 above the target from step 4500 on has MSE 0.01;
		// errors before 4500 do not count.
		for s := range outputs[i] {
			if s >= 4500 {
				outputs[i][s] += 0.1
			} else {
				outputs[i][s] = 5
			}
		}
	}
	m := tk.Score(outputs)
	if p := m.Values["precision"]; math.Abs(p-0.01) > 1e-12 {
		t.Errorf("precision = %v, want 0.01", p)
	}
	by := m.Breakdown["precision_by_duration"]
	for _, k := range []string{"50", "150", "300"} {
		if math.Abs(by[k]-0.01) > 1e-12 {
			t.Errorf("precision_by_duration[%s] = %v, want 0.01", k, by[k])
		}
	}
}

func TestPulseBuildRejectsBadParams(t *testing.T) {
	cases := []struct {
		name string
		set  func(*PulseDurationParams)
		dt   float64
		key  string
	}{
		{"eval onset at trial end counts no plateau step", func(p *PulseDurationParams) { p.EvalOnsetMs = 7000 }, 1, "eval_onset_ms"},
		{"pulse overlaps evaluation", func(p *PulseDurationParams) { p.EvalOnsetMs = 4000 }, 1, "eval_onset_ms"},
		{"onset before trial start", func(p *PulseDurationParams) { p.OnsetJitterMs = 4000 }, 1, "onset_jitter_ms"},
		{"duration off the grid", func(p *PulseDurationParams) {}, 20, "duration_ms"},
		{"no test durations", func(p *PulseDurationParams) { p.TestDurationsMs = nil }, 1, "test_durations_ms"},
		{"fraction above one", func(p *PulseDurationParams) { p.NoPulseFraction = 1.5 }, 1, "no_pulse_fraction"},
	}
	for _, c := range cases {
		p := DefaultPulseDuration()
		c.set(&p)
		_, err := p.Build(c.dt)
		pe, ok := err.(*ParamError)
		if !ok || pe.Key != c.key {
			t.Errorf("%s: error %v, want a ParamError for %s", c.name, err, c.key)
		}
	}
}
