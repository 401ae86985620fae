package task

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

// PulseDurationName is the registry name of the pulse-duration task.
const PulseDurationName = "pulse-duration"

func init() {
	Register(Spec{
		Name: PulseDurationName,
		Description: "integrate the duration of an input pulse and hold it as an output plateau " +
			"(target = target_per_ms × duration from eval_onset_ms on)",
		NewParams: func() Params { p := DefaultPulseDuration(); return &p },
	})
}

// PulseDurationParams configures the pulse-duration task. Every time is in
// ms and must be a whole number of model steps.
//
// A trial with a pulse has input Amplitude on every step s with
// onset ≤ s ≤ onset + duration (both ends included, so duration/dt + 1
// steps). The target is 0 and counted before the onset, not counted from
// the onset up to EvalOnsetMs, and TargetPerMs × duration (duration in ms)
// and counted from EvalOnsetMs on. A trial without a pulse has input and
// target 0 and every step counted.
type PulseDurationParams struct {
	TrialMs          float64 `toml:"trial_ms"`
	OnsetMs          float64 `toml:"onset_ms"`
	OnsetJitterMs    float64 `toml:"onset_jitter_ms"`
	DurationMs       float64 `toml:"duration_ms"`
	DurationJitterMs float64 `toml:"duration_jitter_ms"`
	Amplitude        float64 `toml:"amplitude"`
	EvalOnsetMs      float64 `toml:"eval_onset_ms"`
	TargetPerMs      float64 `toml:"target_per_ms"`
	NoPulseFraction  float64 `toml:"no_pulse_fraction"`
	// TestOnsetMs and TestDurationsMs define the evaluation trials: one
	// trial per duration, onset without jitter.
	TestOnsetMs     float64   `toml:"test_onset_ms"`
	TestDurationsMs []float64 `toml:"test_durations_ms"`
}

// DefaultPulseDuration returns the thesis's task: 7000 ms trials, onset
// 3000 ± 1000 ms, duration 150 ± 100 ms (jitter uniform on [−j, j) in whole
// steps), amplitude 2, plateau 0.007 per ms of duration from 4500 ms on,
// 10 % of trials without a pulse, evaluated at onset 3000 ms for durations
// 50, 150 and 300 ms.
func DefaultPulseDuration() PulseDurationParams {
	return PulseDurationParams{
		TrialMs:          7000,
		OnsetMs:          3000,
		OnsetJitterMs:    1000,
		DurationMs:       150,
		DurationJitterMs: 100,
		Amplitude:        2,
		EvalOnsetMs:      4500,
		TargetPerMs:      0.007,
		NoPulseFraction:  0.1,
		TestOnsetMs:      3000,
		TestDurationsMs:  []float64{50, 150, 300},
	}
}

// PulseDuration is a pulse-duration task on a fixed time grid.
type PulseDuration struct {
	P    PulseDurationParams
	DtMs float64

	steps, onset, onsetJitter, duration, durationJitter, evalOnset int
	testOnset                                                      int
	testDurations                                                  []int
}

// Build validates p for the step dtMs and returns the task.
func (p *PulseDurationParams) Build(dtMs float64) (Task, error) {
	t := &PulseDuration{P: *p, DtMs: dtMs}
	t.P.TestDurationsMs = append([]float64(nil), p.TestDurationsMs...)
	conv := []struct {
		key string
		ms  float64
		dst *int
	}{
		{"trial_ms", p.TrialMs, &t.steps},
		{"onset_ms", p.OnsetMs, &t.onset},
		{"onset_jitter_ms", p.OnsetJitterMs, &t.onsetJitter},
		{"duration_ms", p.DurationMs, &t.duration},
		{"duration_jitter_ms", p.DurationJitterMs, &t.durationJitter},
		{"eval_onset_ms", p.EvalOnsetMs, &t.evalOnset},
		{"test_onset_ms", p.TestOnsetMs, &t.testOnset},
	}
	for _, c := range conv {
		n, err := Steps(c.key, c.ms, dtMs)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, &ParamError{Key: c.key, Msg: fmt.Sprintf("must be ≥ 0, got %v", c.ms)}
		}
		*c.dst = n
	}
	if t.steps < 1 {
		return nil, &ParamError{Key: "trial_ms", Msg: fmt.Sprintf("must be at least one step (dt = %v ms), got %v", dtMs, p.TrialMs)}
	}
	if t.onset-t.onsetJitter < 0 {
		return nil, &ParamError{Key: "onset_jitter_ms", Msg: fmt.Sprintf(
			"onset_ms − onset_jitter_ms = %v ms is before the trial starts", p.OnsetMs-p.OnsetJitterMs)}
	}
	if t.duration-t.durationJitter < 0 {
		return nil, &ParamError{Key: "duration_jitter_ms", Msg: fmt.Sprintf(
			"duration_ms − duration_jitter_ms = %v ms is negative", p.DurationMs-p.DurationJitterMs)}
	}
	// The latest pulse step is (onset + j_on − 1) + (duration + j_dur − 1)
	// because jitters are drawn from [−j, j).
	lastPulse := t.onset + max(t.onsetJitter-1, 0) + t.duration + max(t.durationJitter-1, 0)
	if lastPulse >= t.evalOnset {
		return nil, &ParamError{Key: "eval_onset_ms", Msg: fmt.Sprintf(
			"%v ms must come after the latest pulse step (%v ms), or the target would be counted while the input is on",
			p.EvalOnsetMs, float64(lastPulse)*dtMs)}
	}
	if t.evalOnset >= t.steps {
		return nil, &ParamError{Key: "eval_onset_ms", Msg: fmt.Sprintf(
			"%v ms is not before the trial's end (trial_ms = %v), so the mask counts no step of the plateau",
			p.EvalOnsetMs, p.TrialMs)}
	}
	if !(p.NoPulseFraction >= 0 && p.NoPulseFraction <= 1) {
		return nil, &ParamError{Key: "no_pulse_fraction", Msg: fmt.Sprintf("must be in [0, 1], got %v", p.NoPulseFraction)}
	}
	if !isFinite(p.Amplitude) {
		return nil, &ParamError{Key: "amplitude", Msg: fmt.Sprintf("must be finite, got %v", p.Amplitude)}
	}
	if !isFinite(p.TargetPerMs) {
		return nil, &ParamError{Key: "target_per_ms", Msg: fmt.Sprintf("must be finite, got %v", p.TargetPerMs)}
	}
	if len(p.TestDurationsMs) == 0 {
		return nil, &ParamError{Key: "test_durations_ms", Msg: "must list at least one duration"}
	}
	for i, d := range p.TestDurationsMs {
		key := fmt.Sprintf("test_durations_ms[%d]", i)
		n, err := Steps(key, d, dtMs)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, &ParamError{Key: key, Msg: fmt.Sprintf("must be ≥ 0, got %v", d)}
		}
		if t.testOnset+n >= t.evalOnset {
			return nil, &ParamError{Key: key, Msg: fmt.Sprintf(
				"a %v ms pulse at test_onset_ms = %v ms is still on at eval_onset_ms = %v ms", d, p.TestOnsetMs, p.EvalOnsetMs)}
		}
		t.testDurations = append(t.testDurations, n)
	}
	return t, nil
}

func isFinite(x float64) bool { return x-x == 0 }

func (t *PulseDuration) Name() string { return PulseDurationName }
func (t *PulseDuration) Steps() int   { return t.steps }
func (t *PulseDuration) Inputs() int  { return 1 }
func (t *PulseDuration) Outputs() int { return 1 }

// Trial builds one trial with the pulse at onset for duration (both in
// steps); a negative duration means no pulse.
func (t *PulseDuration) Trial(onset, duration int) Trial {
	T := t.steps
	tr := Trial{
		Input:  make([]float64, T),
		Target: make([]float64, T),
		Mask:   make([]float64, T),
	}
	if duration < 0 {
		for s := range tr.Mask {
			tr.Mask[s] = 1
		}
		tr.Condition = map[string]float64{"pulse": 0, "onset_ms": 0, "duration_ms": 0}
		return tr
	}
	durMs := float64(duration) * t.DtMs
	for s := onset; s <= onset+duration && s < T; s++ {
		tr.Input[s] = t.P.Amplitude
	}
	for s := 0; s < T; s++ {
		switch {
		case s < onset:
			tr.Mask[s] = 1
		case s >= t.evalOnset:
			tr.Mask[s] = 1
			tr.Target[s] = t.P.TargetPerMs * durMs
		}
	}
	tr.Condition = map[string]float64{"pulse": 1, "onset_ms": float64(onset) * t.DtMs, "duration_ms": durMs}
	return tr
}

// Sample draws n training trials. For each trial it draws, in this order and
// always all three: u ~ U[0, 1) (no pulse when u < no_pulse_fraction), the
// onset jitter and the duration jitter, each a whole number of steps uniform
// on [−j, j). Drawing all three keeps the random stream aligned whatever the
// outcome.
func (t *PulseDuration) Sample(rng *rand.Rand, n int) []Trial {
	trials := make([]Trial, n)
	for i := range trials {
		u := rng.Float64()
		onset := t.onset + jitter(rng, t.onsetJitter)
		duration := t.duration + jitter(rng, t.durationJitter)
		if u < t.P.NoPulseFraction {
			duration = -1
		}
		trials[i] = t.Trial(onset, duration)
	}
	return trials
}

func jitter(rng *rand.Rand, j int) int {
	if j == 0 {
		return 0
	}
	return rng.IntN(2*j) - j
}

// TestTrials returns one trial per test duration at the test onset.
func (t *PulseDuration) TestTrials() []Trial {
	trials := make([]Trial, len(t.testDurations))
	for i, d := range t.testDurations {
		trials[i] = t.Trial(t.testOnset, d)
	}
	return trials
}

// Score computes the thesis's precision: for each test trial the mean
// squared error between output and target over the steps s ≥ eval onset,
// then the mean over trials. The breakdown "precision_by_duration" is keyed
// by the duration in ms.
func (t *PulseDuration) Score(outputs [][]float64) Metrics {
	trials := t.TestTrials()
	by := map[string]float64{}
	total := 0.0
	for i, tr := range trials {
		out := outputs[i]
		sum, count := 0.0, 0
		for s := t.evalOnset; s < t.steps; s++ {
			d := out[s] - tr.Target[s]
			sum += d * d
			count++
		}
		mse := sum / float64(count)
		by[strconv.FormatFloat(tr.Condition["duration_ms"], 'g', -1, 64)] = mse
		total += mse
	}
	return Metrics{
		Values:    map[string]float64{"precision": total / float64(len(trials))},
		Breakdown: map[string]map[string]float64{"precision_by_duration": by},
	}
}

// ConditionKeys lists the conditions of pulse-duration trials.
func (t *PulseDuration) ConditionKeys() []string { return []string{"duration_ms", "onset_ms"} }

// ConditionTrials returns one trial per (onset, duration) pair of the given
// values; onset defaults to test_onset_ms and duration to the test
// durations. A duration of −1 means a trial without a pulse.
func (t *PulseDuration) ConditionTrials(values map[string][]float64) ([]Trial, error) {
	for k := range values {
		if k != "duration_ms" && k != "onset_ms" {
			return nil, &ParamError{Key: k, Msg: "unknown condition; pulse-duration has duration_ms and onset_ms"}
		}
	}
	onsets := values["onset_ms"]
	if len(onsets) == 0 {
		onsets = []float64{t.P.TestOnsetMs}
	}
	durations := values["duration_ms"]
	if len(durations) == 0 {
		durations = t.P.TestDurationsMs
	}
	var trials []Trial
	for _, on := range onsets {
		os, err := Steps("onset_ms", on, t.DtMs)
		if err != nil {
			return nil, err
		}
		if os < 0 || os >= t.steps {
			return nil, &ParamError{Key: "onset_ms", Msg: fmt.Sprintf("%v ms is outside the trial (0 to %v ms)", on, t.P.TrialMs)}
		}
		for _, d := range durations {
			if d == -1 {
				trials = append(trials, t.Trial(os, -1))
				continue
			}
			ds, err := Steps("duration_ms", d, t.DtMs)
			if err != nil {
				return nil, err
			}
			if ds < 0 {
				return nil, &ParamError{Key: "duration_ms", Msg: fmt.Sprintf("must be ≥ 0 (or −1 for no pulse), got %v", d)}
			}
			trials = append(trials, t.Trial(os, ds))
		}
	}
	return trials, nil
}
