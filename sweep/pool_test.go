package sweep

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rnnlab/rnnlab/runio"
)

func makeJobs(n int, dir string) []Job {
	jobs := make([]Job, n)
	for i := range jobs {
		id := fmt.Sprintf("g=%d/seed=%d", i/3, i%3)
		jobs[i] = Job{ID: id, Dir: filepath.Join(dir, id)}
	}
	return jobs
}

func TestRunEveryJobOnceInOrder(t *testing.T) {
	for _, workers := range []int{1, 2, 3, 8, 50} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			jobs := makeJobs(20, t.TempDir())
			var mu sync.Mutex
			calls := map[string]int{}
			var running, peak atomic.Int32
			run := func(_ context.Context, j Job) (string, error) {
				n := running.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				// Later jobs finish first, so completion order differs from job order.
				time.Sleep(time.Duration(20-slices.Index(jobs, j)) * 100 * time.Microsecond)
				mu.Lock()
				calls[j.ID]++
				mu.Unlock()
				running.Add(-1)
				return "value of " + j.ID, nil
			}
			load := func(j Job) (string, error) { t.Errorf("load called for %s", j.ID); return "", nil }
			var events []Event
			opts := Options{Workers: workers, Complete: func(Job) bool { return false },
				Progress: func(e Event) { events = append(events, e) }}
			results, err := Run(context.Background(), jobs, opts, run, load)
			if err != nil {
				t.Fatal(err)
			}
			if len(results) != len(jobs) {
				t.Fatalf("%d results, want %d", len(results), len(jobs))
			}
			for i, r := range results {
				if r.Job != jobs[i] || r.Value != "value of "+jobs[i].ID || r.Skipped || r.Err != nil {
					t.Errorf("result %d: %+v, want the value of job %s", i, r, jobs[i].ID)
				}
				if calls[jobs[i].ID] != 1 {
					t.Errorf("job %s ran %d times, want once", jobs[i].ID, calls[jobs[i].ID])
				}
			}
			if p := int(peak.Load()); p > workers {
				t.Errorf("%d jobs ran at once with %d workers", p, workers)
			}
			if len(events) != 2*len(jobs) {
				t.Errorf("%d progress events, want %d (start and end of each job)", len(events), 2*len(jobs))
			}
			if last := events[len(events)-1]; last.Completed != len(jobs) || last.Total != len(jobs) {
				t.Errorf("last event counts %d of %d, want %d of %d", last.Completed, last.Total, len(jobs), len(jobs))
			}
		})
	}
}

func TestRunSkipsCompletedRuns(t *testing.T) {
	jobs := makeJobs(6, t.TempDir())
	for _, i := range []int{1, 4} {
		if err := os.MkdirAll(jobs[i].Dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := runio.WriteManifest(jobs[i].Dir, &runio.Manifest{Status: runio.StatusDone}); err != nil {
			t.Fatal(err)
		}
	}
	// A failed run is not complete and runs again.
	if err := os.MkdirAll(jobs[2].Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := runio.WriteManifest(jobs[2].Dir, &runio.Manifest{Status: runio.StatusFailed}); err != nil {
		t.Fatal(err)
	}
	var ran []string
	var mu sync.Mutex
	run := func(_ context.Context, j Job) (string, error) {
		mu.Lock()
		ran = append(ran, j.ID)
		mu.Unlock()
		return "ran", nil
	}
	load := func(j Job) (string, error) { return "loaded", nil }
	results, err := Run(context.Background(), jobs, Options{Workers: 2}, run, load)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		done := i == 1 || i == 4
		want := map[bool]string{true: "loaded", false: "ran"}[done]
		if r.Skipped != done || r.Value != want {
			t.Errorf("job %s: skipped %v, value %q; want %v, %q", r.Job.ID, r.Skipped, r.Value, done, want)
		}
	}
	if len(ran) != 4 {
		t.Errorf("ran %v, want the 4 jobs that are not done", ran)
	}
}

func TestRunKeepsGoingAfterFailure(t *testing.T) {
	jobs := makeJobs(5, t.TempDir())
	boom := errors.New("diverged")
	run := func(_ context.Context, j Job) (int, error) {
		if j.ID == jobs[2].ID {
			return 0, boom
		}
		return 1, nil
	}
	results, err := Run(context.Background(), jobs, Options{Workers: 2, Complete: func(Job) bool { return false }}, run, nil)
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want one wrapping %v", err, boom)
	}
	for i, r := range results {
		if (r.Err != nil) != (i == 2) {
			t.Errorf("job %d: error %v", i, r.Err)
		}
	}
}

func TestRunCancelledStartsNothing(t *testing.T) {
	jobs := makeJobs(4, t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var ran atomic.Int32
	run := func(context.Context, Job) (int, error) { ran.Add(1); return 0, nil }
	results, err := Run(ctx, jobs, Options{Workers: 1, Complete: func(Job) bool { return false }}, run, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	// The select in Run may hand out at most one job per worker before it
	// sees the cancellation.
	if n := ran.Load(); n > 1 {
		t.Errorf("%d jobs ran after cancellation, want at most 1", n)
	}
	if len(results) != len(jobs) {
		t.Errorf("%d results, want %d", len(results), len(jobs))
	}
}

func TestRunRejectsDuplicateIDs(t *testing.T) {
	jobs := []Job{{ID: "a"}, {ID: "b"}, {ID: "a"}}
	run := func(context.Context, Job) (int, error) { return 0, nil }
	if _, err := Run(context.Background(), jobs, Options{}, run, nil); err == nil {
		t.Error("duplicate IDs accepted")
	}
}

func TestParseSeeds(t *testing.T) {
	good := []struct {
		in   string
		want []uint64
	}{
		{"1-3", []uint64{1, 2, 3}},
		{"1,4,7", []uint64{1, 4, 7}},
		{"1-3,10", []uint64{1, 2, 3, 10}},
		{" 5 - 6 , 0", []uint64{5, 6, 0}},
		{"7", []uint64{7}},
		{"4-4", []uint64{4}},
	}
	for _, tc := range good {
		got, err := ParseSeeds(tc.in)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParseSeeds(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "3-1", "-1", "1,,2", "a", "1-", "1-3,3", "1.5", "0-200000", "1-2-3"} {
		if got, err := ParseSeeds(in); err == nil {
			t.Errorf("ParseSeeds(%q) = %v, want an error", in, got)
		}
	}
}

func TestParseFloats(t *testing.T) {
	got, err := ParseFloats("0.5, 0.8,1.2,1e1")
	if want := []float64{0.5, 0.8, 1.2, 10}; err != nil || !slices.Equal(got, want) {
		t.Errorf("ParseFloats = %v, %v; want %v", got, err, want)
	}
	for _, in := range []string{"", "0.5,", "x", "NaN", "Inf", "1,1", "0x"} {
		if got, err := ParseFloats(in); err == nil {
			t.Errorf("ParseFloats(%q) = %v, want an error", in, got)
		}
	}
}
