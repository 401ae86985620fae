package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"

	"github.com/rnnlab/rnnlab/internal/buildinfo"
	"github.com/rnnlab/rnnlab/internal/kernel"
)

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "version [--json]", stderr)
	asJSON := fs.Bool("json", false, "print as JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	info := map[string]string{
		"version": buildinfo.Version, "commit": buildinfo.Commit(), "go": runtime.Version(),
		"backend": kernel.Backend(), "os_arch": runtime.GOOS + "/" + runtime.GOARCH,
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(info)
	}
	fmt.Fprintf(stdout, "%s %s (commit %s, %s, %s, backend %s)\n", programName, info["version"], info["commit"],
		info["go"], info["os_arch"], info["backend"])
	return nil
}
