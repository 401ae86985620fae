// Package runio reads and writes rnnlab's files: run directories (config,
// manifest, weights, checkpoints, metrics), safetensors and NumPy .npz
// arrays.
//
// Every file is written atomically: the content goes to a temporary file in
// the destination directory, which is synced and renamed over the target, so
// a crash never leaves a half-written file. Readers treat file content as
// untrusted: malformed, truncated or inconsistent input returns an error that
// names the file and what is wrong, never a panic.
package runio
