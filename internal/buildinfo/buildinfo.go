// Package buildinfo reports the program version and the commit it was
// built from.
package buildinfo

import "runtime/debug"

// Version is the rnnlab release.
const Version = "0.1.0-dev"

// Commit returns the VCS revision the binary was built from (with
// "+dirty" when the tree had changes), or "unknown" when the build did not
// record it, as with `go test` or `go run`.
func Commit() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "unknown"
	}
	if dirty {
		rev += "+dirty"
	}
	return rev
}
