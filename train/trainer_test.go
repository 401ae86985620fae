package train

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/task"
)

// smallSetup is a pulse-duration network small enough for unit tests:
// N = 40, dt = 10 ms (α = 0.1), 7000 ms trials of 700 steps.
func smallSetup(t *testing.T, dtype string) *Setup {
	t.Helper()
	mc := model.DefaultConfig()
	mc.N = 40
	mc.DtMs = 10
	mc.Inputs, mc.Outputs = 1, 1
	mc.Seeds = model.DeriveSeeds(1)
	p := task.DefaultPulseDuration()
	p.OnsetJitterMs = 1000
	tk, err := p.Build(mc.DtMs)
	if err != nil {
		t.Fatal(err)
	}
	w, err := model.Init(&mc, nil)
	if err != nil {
		t.Fatal(err)
	}
	tc := DefaultConfig()
	tc.DType = dtype
	tc.Trials = 64
	tc.BatchSize = 16
	tc.Epochs = 3
	tc.BatchesPerEpoch = 4
	tc.LearningRate = 0.01
	return &Setup{Model: mc, Train: tc, Task: tk, Init: w, Threads: 1}
}

func runCollect(t *testing.T, s *Setup, resume *State, hooks Hooks) (*model.Weights, []StepStats) {
	t.Helper()
	var steps []StepStats
	inner := hooks.Step
	hooks.Step = func(st StepStats) error {
		steps = append(steps, st)
		if inner != nil {
			return inner(st)
		}
		return nil
	}
	w, err := Run(context.Background(), s, resume, hooks)
	if err != nil {
		t.Fatal(err)
	}
	return w, steps
}

func TestRunSameResultForAnyThreadCount(t *testing.T) {
	wide := smallSetup(t, "float32")
	// 400 units make two column blocks that the threads share.
	wide.Model.N = 400
	wide.Model.DtMs = 50
	params := task.DefaultPulseDuration()
	tk, err := params.Build(wide.Model.DtMs)
	if err != nil {
		t.Fatal(err)
	}
	wide.Task = tk
	if wide.Init, err = model.Init(&wide.Model, nil); err != nil {
		t.Fatal(err)
	}
	wide.Train.Epochs, wide.Train.BatchesPerEpoch = 1, 2
	chunked := smallSetup(t, "float32")
	chunked.Train.BatchChunks = 3

	for name, s := range map[string]*Setup{"N=40": smallSetup(t, "float32"), "N=400": wide, "three chunks": chunked} {
		t.Run(name, func(t *testing.T) {
			s.Threads = 1
			w1, _ := runCollect(t, s, nil, Hooks{})
			s.Threads = 3
			w3, _ := runCollect(t, s, nil, Hooks{})
			for _, g := range model.Groups {
				a, _ := w1.Group(g)
				b, _ := w3.Group(g)
				if !slices.Equal(a, b) {
					t.Errorf("group %s differs between 1 and 3 threads", g)
				}
			}
		})
	}
}

func TestRunResumeMatchesUninterrupted(t *testing.T) {
	s := smallSetup(t, "float32")
	var states []*State
	full, fullSteps := runCollect(t, s, nil, Hooks{Epoch: func(st *State) error {
		states = append(states, st)
		return nil
	}})
	if len(states) != s.Train.Epochs {
		t.Fatalf("got %d epoch states, want %d", len(states), s.Train.Epochs)
	}
	resumed, resumedSteps := runCollect(t, s, states[0], Hooks{})
	for _, g := range model.Groups {
		a, _ := full.Group(g)
		b, _ := resumed.Group(g)
		if !slices.Equal(a, b) {
			t.Errorf("group %s: resumed run differs from the uninterrupted run", g)
		}
	}
	if got, want := len(resumedSteps), len(fullSteps)-s.Train.Steps(); got != want {
		t.Errorf("resumed run made %d steps, want %d", got, want)
	}
	if resumedSteps[0].Step != s.Train.Steps()+1 {
		t.Errorf("first resumed step is %d, want %d", resumedSteps[0].Step, s.Train.Steps()+1)
	}
}

// dtypeTolerance bounds the relative difference of the loss between float32
// and float64 training over a few steps: the float32 forward pass rounds at
// 6e-8 per operation and the sums run over ~700 steps of 40 units.
const dtypeTolerance = 1e-3

func TestRunFloat32MatchesFloat64(t *testing.T) {
	_, s32 := runCollect(t, smallSetup(t, "float32"), nil, Hooks{})
	_, s64 := runCollect(t, smallSetup(t, "float64"), nil, Hooks{})
	for i := range s32 {
		l32, l64 := s32[i].Loss, s64[i].Loss
		if math.Abs(l32-l64) > dtypeTolerance*math.Abs(l64) {
			t.Errorf("step %d: float32 loss %.6g, float64 loss %.6g", i+1, l32, l64)
		}
	}
}

func TestRunStopsOnNaNInput(t *testing.T) {
	s := smallSetup(t, "float64")
	s.Train.Trials = 16 // every batch holds every trial
	tk := &nanTask{Task: s.Task}
	s.Task = tk
	var applied int
	_, err := Run(context.Background(), s, nil, Hooks{Step: func(StepStats) error { applied++; return nil }})
	var nf *NonFiniteError
	if !errors.As(err, &nf) {
		t.Fatalf("err = %v, want *NonFiniteError", err)
	}
	if nf.Step != 1 || applied != 0 {
		t.Errorf("stopped at step %d after %d applied steps, want step 1 and none applied", nf.Step, applied)
	}
}

// nanTask corrupts one input value of the first training trial.
type nanTask struct{ task.Task }

func (n *nanTask) Sample(rng *rand.Rand, k int) []task.Trial {
	trials := n.Task.Sample(rng, k)
	trials[0].Input[5] = math.NaN()
	return trials
}

func TestRunCheckpointingMatchesFullStorage(t *testing.T) {
	// With noise on, the recomputed segments must draw the same noise, so
	// the whole run ends with bit-identical weights.
	s := smallSetup(t, "float32")
	s.Model.SigmaRec = 0.1
	full, _ := runCollect(t, s, nil, Hooks{})
	s.Train.CheckpointEvery = 64
	ckpt, _ := runCollect(t, s, nil, Hooks{})
	for _, g := range model.Groups {
		a, _ := full.Group(g)
		b, _ := ckpt.Group(g)
		if !slices.Equal(a, b) {
			t.Errorf("group %s differs with checkpoint_every = 64", g)
		}
	}
}

func TestMemoryEstimateShrinksWithCheckpointing(t *testing.T) {
	s := smallSetup(t, "float32")
	s.Model.N = 500
	s.Train.BatchSize = 32
	full := EstimateMemory(s)
	s.Train.CheckpointEvery = 100
	ckpt := EstimateMemory(s)
	if !(ckpt < full/3) {
		t.Errorf("estimate %d bytes with checkpointing, %d without; want at most a third", ckpt, full)
	}
}
