package fuzzguard

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestStopInTimeDoesNothing(t *testing.T) {
	stop := Start(50 * time.Millisecond)
	stop()
	time.Sleep(100 * time.Millisecond) // past the limit: a missed stop would crash here
}

// TestSlowBodyCrashes runs itself in a child process whose body outlasts
// the limit, and expects the child to die with the watchdog's message.
func TestSlowBodyCrashes(t *testing.T) {
	if os.Getenv("FUZZGUARD_CHILD") == "1" {
		defer Start(10 * time.Millisecond)()
		time.Sleep(5 * time.Second)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSlowBodyCrashes$")
	cmd.Env = append(os.Environ(), "FUZZGUARD_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("child exited cleanly; want a crash\n%s", out)
	}
	if !strings.Contains(string(out), "one input took longer than 10ms") {
		t.Errorf("child output lacks the watchdog message:\n%s", out)
	}
}
