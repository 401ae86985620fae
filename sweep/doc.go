// Package sweep runs many training runs on this machine's cores.
//
// A sweep is a deterministic list of [Job]s, each with a stable ID such as
// "g=1.5/seed=2" and its own run directory. [Run] executes the jobs on a
// pool of workers and returns their results in job order, whatever the
// number of workers. A job whose run directory already holds a manifest
// with status done is not run again: its result is loaded instead, so a
// sweep that was stopped resumes where it left off when it is started
// again.
//
// The pool does not set the number of threads a job uses. For results that
// do not depend on the pool size, each job should run single-threaded, as
// rnnlab gainsweep does.
//
// The package does not log. It reports progress through [Options.Progress].
package sweep
