package config

import (
	"errors"
	"reflect"
	"testing"

	"github.com/rnnlab/rnnlab/internal/fuzzguard"
)

// FuzzParse checks that Parse never panics, that every error is an *Error,
// and that a config Parse accepts survives Encode and Parse unchanged.
func FuzzParse(f *testing.F) {
	for _, bc := range badConfigs {
		f.Add([]byte(bc.src))
	}
	for _, doc := range keyLinesDocs {
		f.Add([]byte(doc.src))
	}
	for _, name := range PresetNames() {
		c, _ := Preset(name)
		data, err := c.Encode()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("name = \"x\"\nseed = 3\n[seeds]\nconnectivity = 5\n[model]\nn = 10\ndt_ms = 10\n[task]\nonset_ms = 2000\n[train]\ntrials = 40\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzzguard.Start(fuzzguard.Limit)()
		checkKeyLinesCover(t, string(data))

		c, err := Parse(data, "fuzz.toml")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse error %v is a %T, want *Error", err, err)
			}
			if e.Msg == "" {
				t.Fatalf("Parse error %v has no message", err)
			}
			return
		}
		encoded, err := c.Encode()
		if err != nil {
			t.Fatalf("Encode of a parsed config: %v", err)
		}
		again, err := Parse(encoded, "encoded.toml")
		if err != nil {
			t.Fatalf("Parse(Encode(c)): %v\n%s", err, encoded)
		}
		if !reflect.DeepEqual(again, c) {
			t.Fatalf("Parse(Encode(c)) differs from c\n%s", encoded)
		}
	})
}
