package train

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/rnnlab/rnnlab/internal/kernel"
	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/task"
)

// Setup is everything a training run needs.
type Setup struct {
	Model model.Config // resolved: Inputs, Outputs and Seeds set
	Train Config
	Task  task.Task
	// Init holds the initial weights (float64; rounded to the training
	// type before the first step).
	Init *model.Weights
	// Threads is the number of goroutines working on batch chunks; 0 means
	// one. Results do not depend on it.
	Threads int
}

// StepStats are the metrics of one optimizer step.
type StepStats struct {
	// Step counts optimizer steps from 1; Epoch counts epochs from 1.
	Step, Epoch int
	Loss        float64
	// GradNorms holds the Euclidean norm of each trained group's gradient
	// before clipping, in the order of Groups.
	GradNorms []float64
	Groups    []string
	// Clipped reports that the global norm exceeded the clipping limit.
	Clipped bool
	Seconds float64
}

// Hooks receive progress. Any hook may be nil; an error from a hook stops
// training and is returned.
type Hooks struct {
	// Step is called after every applied optimizer step.
	Step func(StepStats) error
	// Epoch is called at the end of every epoch with the state to
	// checkpoint.
	Epoch func(*State) error
}

// State is a complete snapshot of training after an epoch: restoring it
// continues exactly as an uninterrupted run would.
type State struct {
	DType string
	Step  int // optimizer steps done
	Epoch int // epochs done
	// Weights are the current parameters, converted exactly to float64.
	Weights *model.Weights
	// AdamM and AdamV are Adam's moments by group name (trained groups
	// only), converted exactly to float64; AdamStep is its step count.
	AdamM, AdamV map[string][]float64
	AdamStep     int
	// TrialsRNG and NoiseRNG are the marshalled PCG states of the batch
	// sampling and noise streams.
	TrialsRNG, NoiseRNG []byte
}

// NonFiniteError reports a NaN or infinite loss or gradient. Training stops
// before applying the step that produced it.
type NonFiniteError struct {
	Step, Epoch int
	What        string
}

func (e *NonFiniteError) Error() string {
	return fmt.Sprintf("training diverged at step %d (epoch %d): %s; the step was not applied", e.Step, e.Epoch, e.What)
}

// Run trains the network and returns the final weights. With resume set it
// continues from that state (which must come from the same setup).
func Run(ctx context.Context, s *Setup, resume *State, hooks Hooks) (*model.Weights, error) {
	switch s.Train.DType {
	case "float32":
		return run[float32](ctx, s, resume, hooks)
	case "float64":
		return run[float64](ctx, s, resume, hooks)
	}
	return nil, fmt.Errorf("train: unknown dtype %q", s.Train.DType)
}

func trainedFlags(names []string) ([numGroups]bool, error) {
	var flags [numGroups]bool
	for _, name := range names {
		found := false
		for g, gn := range model.Groups {
			if gn == name {
				flags[g] = true
				found = true
			}
		}
		if !found {
			return flags, fmt.Errorf("train: unknown weight group %q", name)
		}
	}
	return flags, nil
}

// EstimateMemory returns the approximate memory in bytes that training
// with s needs: the training set (float64 trials), every chunk's working
// arrays (stored rates, adjoints, gradients), the parameters and Adam's
// moments. It does not count the Go runtime's own overhead of some tens of
// MiB.
func EstimateMemory(s *Setup) int64 {
	size := 4
	if s.Train.DType == "float64" {
		size = 8
	}
	T := int64(s.Task.Steps())
	n, in, out := s.Model.N, s.Model.Inputs, s.Model.Outputs
	total := int64(s.Train.Trials) * T * int64(in+out+1) * 8
	for _, bc := range chunkSizes(s.Train.BatchSize, s.Train.BatchChunks) {
		total += chunkBytes(n, in, out, bc, int(T), s.Train.CheckpointEvery, size)
	}
	params := int64(n*n + 2*n*in + 2*n*out + 2*n + out)
	total += params * int64(size) * 4 // parameters, summed gradients and two Adam moments
	return total
}

// chunkSizes splits b trials into k pieces whose sizes differ by at most
// one, larger pieces first.
func chunkSizes(b, k int) []int {
	k = max(1, min(k, b))
	sizes := make([]int, k)
	for i := range sizes {
		sizes[i] = b / k
		if i < b%k {
			sizes[i]++
		}
	}
	return sizes
}

func run[F kernel.Float](ctx context.Context, s *Setup, resume *State, hooks Hooks) (*model.Weights, error) {
	cfg := s.Train
	mc := s.Model
	trainFlags, err := trainedFlags(cfg.Trainable)
	if err != nil {
		return nil, err
	}
	T := s.Task.Steps()
	n, in, out := mc.N, mc.Inputs, mc.Outputs

	// The training set is drawn once from the trials stream; batch
	// selection continues on the same stream.
	trialsPCG := model.NewPCG(mc.Seeds.Trials)
	trialsRNG := rand.New(trialsPCG)
	trainingSet := s.Task.Sample(trialsRNG, cfg.Trials)
	noisePCG := model.NewPCG(mc.Seeds.Noise)
	noiseRNG := rand.New(noisePCG)

	start := s.Init
	step, epoch := 0, 0
	if resume != nil {
		if resume.DType != cfg.DType {
			return nil, fmt.Errorf("train: checkpoint has dtype %s, config has %s", resume.DType, cfg.DType)
		}
		start = resume.Weights
		step, epoch = resume.Step, resume.Epoch
		if err := trialsPCG.UnmarshalBinary(resume.TrialsRNG); err != nil {
			return nil, fmt.Errorf("train: restore trials stream: %w", err)
		}
		if err := noisePCG.UnmarshalBinary(resume.NoiseRNG); err != nil {
			return nil, fmt.Errorf("train: restore noise stream: %w", err)
		}
	}
	p := newNet[F](start, mc.Alpha())

	var trained []int
	var names []string
	var sizes []int
	for g := range trainFlags {
		if trainFlags[g] {
			trained = append(trained, g)
			names = append(names, model.Groups[g])
			sizes = append(sizes, len(p.groups[g]))
		}
	}
	opt := NewAdam[F](cfg.LearningRate, cfg.Beta1, cfg.Beta2, cfg.Eps, sizes)
	if resume != nil {
		opt.Step = resume.AdamStep
		for k, name := range names {
			m, v := resume.AdamM[name], resume.AdamV[name]
			if len(m) != sizes[k] || len(v) != sizes[k] {
				return nil, fmt.Errorf("train: checkpoint Adam state for %s has %d/%d entries, want %d", name, len(m), len(v), sizes[k])
			}
			for i := range m {
				opt.M[k][i], opt.V[k][i] = F(m[i]), F(v[i])
			}
		}
	}

	B := cfg.BatchSize
	csizes := chunkSizes(B, cfg.BatchChunks)
	chunks := make([]*chunk[F], len(csizes))
	for i, bc := range csizes {
		chunks[i] = newChunk[F](n, in, out, bc, T, cfg.CheckpointEvery)
	}
	threads := max(1, s.Threads)
	// Chunks run in parallel, and the threads left over share each chunk's
	// column blocks (see lossAndGrad).
	for _, c := range chunks {
		c.team = newTeam(threads / len(chunks))
		defer c.team.close()
	}
	params := make([][]F, len(trained))
	grads := make([][]F, len(trained))
	for k, g := range trained {
		params[k] = p.groups[g]
		grads[k] = make([]F, len(p.groups[g]))
	}
	index := make([]int, cfg.Trials)
	batch := make([]*task.Trial, B)
	noise := newTrialNoise[F](B)
	chunkLoss := make([]float64, len(chunks))
	perEpoch := cfg.Steps()

	state := func(epochsDone int) *State {
		st := &State{DType: cfg.DType, Step: step, Epoch: epochsDone, Weights: p.weights(),
			AdamM: map[string][]float64{}, AdamV: map[string][]float64{}, AdamStep: opt.Step}
		for k, name := range names {
			st.AdamM[name] = toFloat64(opt.M[k])
			st.AdamV[name] = toFloat64(opt.V[k])
		}
		st.TrialsRNG, _ = trialsPCG.MarshalBinary()
		st.NoiseRNG, _ = noisePCG.MarshalBinary()
		return st
	}

	for ; epoch < cfg.Epochs; epoch++ {
		for b := step - epoch*perEpoch; b < perEpoch; b++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			began := time.Now()
			step++

			// B distinct trials by a partial Fisher–Yates shuffle.
			for i := range index {
				index[i] = i
			}
			for i := 0; i < B; i++ {
				j := i + trialsRNG.IntN(len(index)-i)
				index[i], index[j] = index[j], index[i]
				batch[i] = &trainingSet[index[i]]
			}
			noise.reseed(noiseRNG)

			// Chunks run in parallel; their losses and gradients are summed
			// in chunk order, so the result does not depend on threads.
			var wg sync.WaitGroup
			sem := make(chan struct{}, threads)
			first := 0
			for ci, c := range chunks {
				trials := batch[first : first+c.bc]
				offset := first
				first += c.bc
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer func() { <-sem; wg.Done() }()
					source := func(t, b int, eps []F) { noise.fill(offset+b, t, eps) }
					chunkLoss[ci] = lossAndGrad(p, c, trials, B, &trainFlags, mc.SigmaRec, source)
				}()
			}
			wg.Wait()
			loss := 0.0
			for ci := range chunks {
				loss += chunkLoss[ci]
			}
			for k, g := range trained {
				copy(grads[k], chunks[0].grad[g])
				for _, c := range chunks[1:] {
					for i, v := range c.grad[g] {
						grads[k][i] += v
					}
				}
			}

			stats := StepStats{Step: step, Epoch: epoch + 1, Loss: loss, Groups: names,
				GradNorms: make([]float64, len(trained))}
			total := 0.0
			for k := range grads {
				ss := 0.0
				for _, v := range grads[k] {
					ss += float64(v) * float64(v)
				}
				stats.GradNorms[k] = math.Sqrt(ss)
				total += ss
			}
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return nil, &NonFiniteError{Step: step, Epoch: epoch + 1, What: fmt.Sprintf("loss is %v", loss)}
			}
			for k, gn := range stats.GradNorms {
				if math.IsNaN(gn) || math.IsInf(gn, 0) {
					return nil, &NonFiniteError{Step: step, Epoch: epoch + 1, What: fmt.Sprintf("gradient of %s has norm %v", names[k], gn)}
				}
			}
			// Clipping as torch.nn.utils.clip_grad_norm_: scale every
			// gradient by limit/(‖g‖ + 1e-6) when ‖g‖ exceeds the limit.
			if norm := math.Sqrt(total); cfg.GradClip > 0 && norm > cfg.GradClip {
				scale := F(cfg.GradClip / (norm + 1e-6))
				for k := range grads {
					for i := range grads[k] {
						grads[k][i] *= scale
					}
				}
				stats.Clipped = true
			}
			opt.Update(params, grads)
			stats.Seconds = time.Since(began).Seconds()
			if hooks.Step != nil {
				if err := hooks.Step(stats); err != nil {
					return nil, err
				}
			}
		}
		if hooks.Epoch != nil {
			if err := hooks.Epoch(state(epoch + 1)); err != nil {
				return nil, err
			}
		}
	}
	return p.weights(), nil
}

func toFloat64[F kernel.Float](v []F) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
