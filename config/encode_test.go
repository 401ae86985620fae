package config

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rnnlab/rnnlab/task"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// customConfig returns a valid config that differs from the defaults in
// every table, with a name that needs escapes.
func customConfig(t *testing.T) *Config {
	t.Helper()
	c := Default()
	c.Name = "sweep \"g\" ±0.1\ttab\nline \\ end"
	c.SetSeed(42)
	c.Seeds.Connectivity = 123
	c.Model.N = 64
	c.Model.TauMs = 50
	c.Model.DtMs = 0.5
	c.Model.G = 0.9
	c.Model.SigmaRec = 0.05
	c.Model.WInStd = 0.3
	c.Model.WOutStd = 2
	c.Model.ReadoutSameDraw = true
	c.Model.ConnectivityFile = "runs/a/init.safetensors"
	c.Model.ConnectivityKey = "W"
	p := c.Task.Params.(*task.PulseDurationParams)
	p.OnsetMs = 2000.5
	p.TargetPerMs = 1.0 / 3
	p.TestDurationsMs = []float64{20, 40.5}
	c.Train.DType = "float64"
	c.Train.Trainable = []string{"W", "b", "x0"}
	c.Train.LearningRate = 3e-4
	c.Train.GradClip = 1
	c.Train.BatchesPerEpoch = 7
	c.Train.Beta2 = 0.98
	if err := c.Validate(); err != nil {
		t.Fatalf("custom config is invalid: %v", err)
	}
	return c
}

func TestEncodeRoundTrip(t *testing.T) {
	demo, err := Preset("demo")
	if err != nil {
		t.Fatal(err)
	}
	configs := []struct {
		name string
		c    *Config
	}{
		{"default", Default()},
		{"demo", demo},
		{"custom", customConfig(t)},
	}
	for _, tc := range configs {
		t.Run(tc.name, func(t *testing.T) {
			data, err := tc.c.Encode()
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(data, tc.name+".toml")
			if err != nil {
				t.Fatalf("Parse(Encode()): %v\n%s", err, data)
			}
			if !reflect.DeepEqual(got, tc.c) {
				t.Errorf("Parse(Encode(c)) differs from c\ngot  %+v\nwant %+v\n%s", got, tc.c, data)
			}
		})
	}
}

func TestEncodeDeterministic(t *testing.T) {
	first, err := customConfig(t).Encode()
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		again, err := customConfig(t).Encode()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, first) {
			t.Fatalf("Encode of equal configs differs:\n%s\n---\n%s", first, again)
		}
	}
}

func TestHash(t *testing.T) {
	a, b := Default(), Default()
	if a.Hash() != b.Hash() {
		t.Errorf("equal configs hash to %s and %s", a.Hash(), b.Hash())
	}
	if len(a.Hash()) != 64 {
		t.Errorf("Hash() = %q, want 64 hex digits", a.Hash())
	}
	b.Train.Epochs++
	if a.Hash() == b.Hash() {
		t.Errorf("configs with different epochs hash alike")
	}
}

func TestEncodeGolden(t *testing.T) {
	data, err := Default().Encode()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "thesis.toml")
	if *update {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, want) {
		t.Errorf("Encode(Default()) differs from %s, which changes every config hash; "+
			"if intended, rerun with -update\ngot:\n%s", path, data)
	}
}

func TestEncodeRejectsUnwritableValues(t *testing.T) {
	seed := Default()
	seed.SetSeed(1 << 63)
	name := Default()
	name.Name = "bad \xff byte"

	cases := []struct {
		name string
		c    *Config
		key  string
	}{
		{"seed above int64", seed, "seed"},
		{"invalid UTF-8 name", name, "name"},
	}
	for _, tc := range cases {
		_, err := tc.c.Encode()
		var e *Error
		if !errors.As(err, &e) || e.Key != tc.key {
			t.Errorf("%s: Encode() = %v, want *Error for key %s", tc.name, err, tc.key)
		}
		if h := tc.c.Hash(); h != "" {
			t.Errorf("%s: Hash() = %q, want \"\"", tc.name, h)
		}
	}
}

func TestQuoteControlCharacters(t *testing.T) {
	c := Default()
	c.Name = "a\x00b\x1fc\x7fd\re"
	data, err := c.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(data, "quote.toml")
	if err != nil {
		t.Fatalf("Parse(Encode()): %v", err)
	}
	if got.Name != c.Name {
		t.Errorf("name read back as %q, want %q", got.Name, c.Name)
	}
}
