package runio

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/rnnlab/rnnlab/model"
)

// File and directory names inside a run directory.
const (
	ConfigFile     = "config.toml"
	ManifestFile   = "manifest.json"
	WeightsFile    = "weights.safetensors"
	InitFile       = "init.safetensors"
	MetricsFile    = "metrics.csv"
	CheckpointDir  = "checkpoint"
	CheckpointFile = "checkpoint.safetensors"
	FiguresDir     = "figures"
	AnalysisDir    = "analysis"
)

// Run status values of a manifest.
const (
	StatusRunning = "running"
	StatusDone    = "done"
	StatusFailed  = "failed"
)

// ModelMetadataKey is the safetensors metadata key under which weight files
// carry the model config as one JSON string.
const ModelMetadataKey = "rnnlab_model"

// Manifest describes how a run directory was made.
type Manifest struct {
	Program    string      `json:"program"`
	Version    string      `json:"version"`
	Commit     string      `json:"commit"`
	GoVersion  string      `json:"go_version"`
	Command    []string    `json:"command"`
	Status     string      `json:"status"`
	Reason     string      `json:"reason,omitempty"`
	Started    time.Time   `json:"started"`
	Ended      *time.Time  `json:"ended,omitempty"`
	Backend    string      `json:"backend"`
	DType      string      `json:"dtype"`
	Threads    int         `json:"threads"`
	ConfigHash string      `json:"config_hash"`
	Seeds      model.Seeds `json:"seeds"`
	Task       string      `json:"task"`
	// Steps and Epochs count the optimizer steps and epochs done.
	Steps  int `json:"steps"`
	Epochs int `json:"epochs"`
	// Resumed lists the times training was continued with --resume.
	Resumed []time.Time `json:"resumed,omitempty"`
	// Metrics holds the final evaluation, when there is one.
	Metrics map[string]float64 `json:"metrics,omitempty"`
	// Source records where an imported network came from.
	Source *Provenance `json:"source,omitempty"`
}

// Provenance describes the files a run was imported from and the mapping
// from their arrays to weight groups.
type Provenance struct {
	Preset  string       `json:"preset"`
	Mapping string       `json:"mapping"`
	Files   []SourceFile `json:"files"`
}

// SourceFile is one imported file.
type SourceFile struct {
	// Role is "weights" or "init".
	Role   string `json:"role"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Format string `json:"format"`
	// Prefix is the key of the state dict inside a PyTorch checkpoint.
	Prefix string `json:"prefix,omitempty"`
}

// Path joins a run directory and a name inside it.
func Path(dir, name string) string { return filepath.Join(dir, name) }

// CreateRunDir makes dir ready for a new run. An existing non-empty
// directory is an error unless force is set, and force only clears a
// directory that holds a run (a manifest.json), so a mistyped path never
// wipes unrelated files.
func CreateRunDir(dir string, force bool) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("run directory %s: %w", dir, err)
	case len(entries) > 0 && !force:
		return fmt.Errorf("run directory %s already exists and is not empty; use --force to replace it", dir)
	case len(entries) > 0:
		if _, err := os.Stat(Path(dir, ManifestFile)); err != nil {
			return fmt.Errorf("run directory %s is not empty and has no %s, so --force will not delete it", dir, ManifestFile)
		}
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("clear run directory %s: %w", dir, err)
		}
	}
	for _, sub := range []string{"", CheckpointDir, FiguresDir} {
		if err := os.MkdirAll(Path(dir, sub), 0o755); err != nil {
			return fmt.Errorf("create run directory: %w", err)
		}
	}
	return nil
}

// WriteJSON writes v as indented JSON with a final newline to path,
// atomically.
func WriteJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return WriteBytesAtomic(path, append(data, '\n'))
}

// WriteManifest writes m to dir/manifest.json atomically.
func WriteManifest(dir string, m *Manifest) error {
	return WriteJSON(Path(dir, ManifestFile), m)
}

// ReadManifest reads dir/manifest.json.
func ReadManifest(dir string) (*Manifest, error) {
	path := Path(dir, ManifestFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: invalid JSON: %w", path, err)
	}
	return &m, nil
}

// WriteAnalysis writes an analysis's summary as DIR/analysis/<name>.json
// (indented JSON) and, when arrays is not nil, its arrays as
// DIR/analysis/<name>.npz, both atomically, creating the directory.
func WriteAnalysis(dir, name string, summary any, arrays []Tensor) error {
	adir := Path(dir, AnalysisDir)
	if err := os.MkdirAll(adir, 0o755); err != nil {
		return err
	}
	if err := WriteJSON(Path(adir, name+".json"), summary); err != nil {
		return err
	}
	if arrays == nil {
		return nil
	}
	return SaveNPZ(Path(adir, name+".npz"), arrays)
}
