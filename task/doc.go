// Package task defines the trials networks are trained and evaluated on and
// the registry of tasks by name.
//
// A task works on the model's time grid: step s is time s·dt ms, and every
// time in a task's config is in ms and must be a whole number of steps (see
// [Steps]). Trials are float64 and laid out row-major per trial (T×I inputs,
// T×O targets, T mask values).
//
// Registered tasks:
//
//   - pulse-duration: one input pulse whose duration the network must hold
//     as a plateau of height proportional to it (see [PulseDurationParams]).
package task
