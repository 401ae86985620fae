// Command rnnlab trains recurrent rate networks on neuroscience tasks and
// analyses what they learned. Run `rnnlab help` for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/rnnlab/rnnlab/config"
)

// Exit codes: 0 success, 1 the work failed (bad data, divergence), 2 usage
// or config error.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	programName = "rnnlab"
)

// usageError marks an error in the command line; it exits with code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"demo", "train a small pulse-duration network in a few minutes and write its run directory", runDemo},
		{"train", "train a network from a config file or preset into a run directory", runTrain},
		{"import", "turn a network saved by PyTorch, NumPy or safetensors into a run directory", runImport},
		{"init", "draw an untrained random network as a run directory", runInit},
		{"lyapunov", "compute Lyapunov exponents of a run's network (per τ)", runLyapunov},
		{"activity", "simulate a run's network without input: autocorrelation, half-time, variance, participation ratio", runActivity},
		{"spectrum", "compare the eigenvalues of a run's W (and of ΔW = W − W_init) with the circular law", runSpectrum},
		{"gainsweep", "train one network per gain g and seed; relate λ_max before training to precision after", runGainSweep},
		{"dmft", "print the mean-field theory of a random network at gain g: Δ₀, Δ(s), λ_max", runDMFT},
		{"ensemble", "train and analyse one network per seed; correlate precision with activity and weight features", runEnsemble},
		{"analyze", "PCA, geometry, weight alignment and analytic readout of a pulse-duration run's activity", runAnalyze},
		{"evaluate", "score a run's network on its task's test trials", runEvaluate},
		{"config", "print a preset or config file resolved, with every default written out", runConfig},
		{"simulate", "simulate a run's network on task trials and write the trajectories as .npz", runSimulate},
		{"export", "write a run's weights as .npz or .safetensors", runExport},
		{"tasks", "list the tasks with their parameters and defaults", runTasks},
		{"bench", "time training steps of the benchmark workloads", runBench},
		{"version", "print the version, commit and matrix backend", runVersion},
	}
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: %s <command> [flags] [args]\n\nCommands:\n", programName)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun '%s <command> --help' for a command's flags.\n", programName)
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-signals
		fmt.Fprintf(os.Stderr, "\n%s: stopping after the current step; press Ctrl-C again to stop now\n", programName)
		cancel()
		<-signals
		// Every file is written atomically, so stopping here leaves each
		// one either old or complete; a run keeps its last checkpoint.
		fmt.Fprintf(os.Stderr, "%s: stopped\n", programName)
		os.Exit(130)
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}

// run dispatches a command line and maps its error to an exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "--help":
		if len(args) > 1 {
			return run(ctx, []string{args[1], "--help"}, stdout, stderr)
		}
		printUsage(stdout)
		return exitOK
	case "--version", "-version":
		name = "version"
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		return reportError(stderr, err)
	}
	fmt.Fprintf(stderr, "%s: unknown command %q\n\n", programName, name)
	printUsage(stderr)
	return exitUsage
}

func reportError(stderr io.Writer, err error) int {
	if err == nil || errors.Is(err, errHelp) {
		return exitOK
	}
	fmt.Fprintf(stderr, "%s: %v\n", programName, err)
	var ue *usageError
	var ce *config.Error
	if errors.As(err, &ue) || errors.As(err, &ce) {
		return exitUsage
	}
	return exitFailed
}
