//go:build openblas && !cgo

package kernel

// The openblas build tag calls OpenBLAS through cgo. Without cgo
// (CGO_ENABLED=0, or no C compiler found) this undefined name stops the build
// with an error that names the cause, instead of quietly building the
// pure-Go backend the tag asked to replace.
var _ = openblasTagRequiresCgoEnabled
