package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/rnnlab/rnnlab/train"
)

// progress shows training progress: a bar with loss and ETA when stderr is
// a terminal, otherwise one slog line per epoch.
type progress struct {
	bar      *progressbar.ProgressBar
	out      io.Writer
	lastLoss float64
	sumLoss  float64
	count    int
}

func newProgress(stderr io.Writer, totalSteps int, resume *train.State) *progress {
	p := &progress{out: stderr}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(totalSteps,
			progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription("training"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100e6),
		)
		if resume != nil {
			p.bar.Set(resume.Step)
		}
	}
	return p
}

func (p *progress) step(st train.StepStats) {
	p.lastLoss = st.Loss
	p.sumLoss += st.Loss
	p.count++
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("epoch %d loss %.4g", st.Epoch, st.Loss))
		p.bar.Add(1)
	}
}

func (p *progress) epoch(st *train.State, epochs int) {
	if p.bar == nil {
		mean := 0.0
		if p.count > 0 {
			mean = p.sumLoss / float64(p.count)
		}
		slog.Info("epoch done", "epoch", st.Epoch, "of", epochs, "step", st.Step, "mean_loss", mean, "last_loss", p.lastLoss)
	}
	p.sumLoss, p.count = 0, 0
}

// finish completes the bar after a finished run, or leaves it where it
// stopped after a failure.
func (p *progress) finish(done bool) {
	if p.bar == nil {
		return
	}
	if done {
		p.bar.Finish()
	} else {
		p.bar.Exit()
	}
	fmt.Fprintln(p.out)
}
