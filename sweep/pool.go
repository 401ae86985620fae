package sweep

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/rnnlab/rnnlab/runio"
)

// Job is one run of a sweep.
type Job struct {
	// ID names the job stably across invocations, for example "g=1.5/seed=2".
	ID string
	// Dir is the job's run directory.
	Dir string
}

// EventKind is the kind of a progress event.
type EventKind int

const (
	// Started: a worker began running the job.
	Started EventKind = iota
	// Skipped: the job was complete already and its result was loaded.
	Skipped
	// Finished: the job ran and succeeded.
	Finished
	// Failed: the job ran, or its result was loaded, and returned an error.
	Failed
)

func (k EventKind) String() string {
	switch k {
	case Started:
		return "started"
	case Skipped:
		return "skipped"
	case Finished:
		return "finished"
	case Failed:
		return "failed"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event reports the progress of one job.
type Event struct {
	Kind EventKind
	Job  Job
	// Index is the job's position in the list passed to Run.
	Index int
	// Completed counts the jobs that have ended (skipped, finished or
	// failed), including this one, out of Total.
	Completed, Total int
	// Elapsed is the job's wall-clock time, zero for Started.
	Elapsed time.Duration
	// Err is the job's error for Failed, nil otherwise.
	Err error
}

// Options configures Run.
type Options struct {
	// Workers is the number of jobs that run at the same time. Zero means
	// runtime.NumCPU().
	Workers int
	// Complete reports whether a job is done already, so Run loads its
	// result instead of running it. Nil means [Completed] of the job's
	// directory.
	Complete func(Job) bool
	// Progress, if not nil, receives an event when a job starts and when it
	// ends. Calls never overlap, so Progress need not be safe for concurrent
	// use, but it should return quickly because workers wait for it.
	Progress func(Event)
}

// Result is the outcome of one job.
type Result[T any] struct {
	Job   Job
	Value T
	// Skipped is set when the job was complete already and Value was loaded.
	Skipped bool
	// Err is the job's error. A job that never started because ctx was
	// cancelled has ctx's error.
	Err error
}

// Completed reports whether dir holds a run whose manifest has status done.
func Completed(dir string) bool {
	m, err := runio.ReadManifest(dir)
	return err == nil && m.Status == runio.StatusDone
}

// Run executes jobs on a pool of workers. A job that is complete (see
// Options.Complete) is passed to load, every other one to run. The results
// come back in the order of jobs. A failed job does not stop the others,
// but after ctx is cancelled no further job starts. The returned error is nil
// when every job succeeded and otherwise joins the errors of the failed
// jobs, each prefixed with the job's ID.
//
// Job IDs must be unique, and a job with an empty ID is an error.
func Run[T any](ctx context.Context, jobs []Job, opts Options,
	run func(context.Context, Job) (T, error), load func(Job) (T, error)) ([]Result[T], error) {
	if err := checkJobs(jobs); err != nil {
		return nil, err
	}
	workers := opts.Workers
	if workers == 0 {
		workers = runtime.NumCPU()
	}
	if workers < 0 {
		return nil, fmt.Errorf("sweep: %d workers, want at least 1 (0 means one per CPU)", workers)
	}
	complete := opts.Complete
	if complete == nil {
		complete = func(j Job) bool { return Completed(j.Dir) }
	}

	results := make([]Result[T], len(jobs))
	var mu sync.Mutex // serialises Progress calls and the completed count
	completed := 0
	report := func(e Event) {
		if opts.Progress == nil && e.Kind == Started {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if e.Kind != Started {
			completed++
		}
		e.Completed, e.Total = completed, len(jobs)
		if opts.Progress != nil {
			opts.Progress(e)
		}
	}

	indices := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range indices {
				results[i] = runJob(ctx, jobs[i], i, complete, run, load, report)
			}
		}()
	}
	next := 0
feed:
	for ; next < len(jobs); next++ {
		select {
		case indices <- next:
		case <-ctx.Done():
			break feed
		}
	}
	close(indices)
	wg.Wait()
	for i := next; i < len(jobs); i++ {
		results[i] = Result[T]{Job: jobs[i], Err: ctx.Err()}
	}

	var errs []error
	for _, r := range results {
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.Job.ID, r.Err))
		}
	}
	return results, errors.Join(errs...)
}

// runJob runs or loads one job and reports its start and end.
func runJob[T any](ctx context.Context, job Job, index int, complete func(Job) bool,
	run func(context.Context, Job) (T, error), load func(Job) (T, error), report func(Event)) Result[T] {
	start := time.Now()
	res := Result[T]{Job: job}
	if complete(job) {
		res.Skipped = true
		res.Value, res.Err = load(job)
	} else {
		report(Event{Kind: Started, Job: job, Index: index})
		res.Value, res.Err = run(ctx, job)
	}
	e := Event{Kind: Finished, Job: job, Index: index, Elapsed: time.Since(start), Err: res.Err}
	switch {
	case res.Err != nil:
		e.Kind = Failed
	case res.Skipped:
		e.Kind = Skipped
	}
	report(e)
	return res
}

func checkJobs(jobs []Job) error {
	seen := make(map[string]int, len(jobs))
	for i, j := range jobs {
		if j.ID == "" {
			return fmt.Errorf("sweep: job %d has an empty ID", i)
		}
		if k, ok := seen[j.ID]; ok {
			return fmt.Errorf("sweep: jobs %d and %d have the same ID %q", k, i, j.ID)
		}
		seen[j.ID] = i
	}
	return nil
}
