package config

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// encodeHeader opens every file that Encode writes. Changing it changes
// every config hash.
const encodeHeader = `# rnnlab run config with every value resolved, defaults included.
# Times are in ms. [seeds] lists every stream seed: one equal to the seed
# derived from "seed" is derived again when the seed changes (--seed), and
# one that differs stays fixed.
`

// Encode writes c as TOML with every key: name and seed, the four stream
// seeds in the seeds table, then the model, task (name and every parameter)
// and train tables with their keys in struct field order. The output depends
// only on the values in c, so equal configs encode to equal bytes. Parse of
// the output gives back a Config equal to c when c.Validate() returns nil.
//
// Encode fails on a value that TOML cannot hold: a seed above 2⁶³ − 1 or a
// string that is not valid UTF-8.
func (c *Config) Encode() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(encodeHeader)
	b.WriteString("\n")

	seeds := c.StreamSeeds()
	top := []struct {
		key   string
		value any
	}{{"name", c.Name}, {"seed", c.Seed}}
	for _, kv := range top {
		if err := writeKeyValue(&b, []string{kv.key}, reflect.ValueOf(kv.value)); err != nil {
			return nil, err
		}
	}

	b.WriteString("\n[seeds]\n")
	for _, key := range seedKeys {
		if err := writeKeyValue(&b, []string{"seeds", key}, reflect.ValueOf(*seedFields[key](&seeds))); err != nil {
			return nil, err
		}
	}

	b.WriteString("\n[model]\n")
	if err := writeStruct(&b, "model", reflect.ValueOf(c.Model)); err != nil {
		return nil, err
	}

	b.WriteString("\n[task]\n")
	if err := writeKeyValue(&b, []string{"task", "name"}, reflect.ValueOf(c.Task.Name)); err != nil {
		return nil, err
	}
	if c.Task.Params != nil {
		params := reflect.ValueOf(c.Task.Params)
		if params.Kind() != reflect.Pointer || params.Elem().Kind() != reflect.Struct {
			return nil, invalid("task", fmt.Sprintf("parameters of Go type %T cannot be written as TOML", c.Task.Params))
		}
		if err := writeStruct(&b, "task", params.Elem()); err != nil {
			return nil, err
		}
	}

	b.WriteString("\n[train]\n")
	if err := writeStruct(&b, "train", reflect.ValueOf(c.Train)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Hash returns the hex-encoded SHA-256 of Encode's output, which identifies
// the config in a run's manifest. It returns "" when Encode fails.
func (c *Config) Hash() string {
	data, err := c.Encode()
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// writeStruct writes one line per TOML-tagged field of the struct v.
func writeStruct(b *bytes.Buffer, table string, v reflect.Value) error {
	for _, f := range tomlFields(v.Type()) {
		if err := writeKeyValue(b, []string{table, f.key}, v.Field(f.index)); err != nil {
			return err
		}
	}
	return nil
}

// writeKeyValue writes "key = value" with the last part of path as key.
func writeKeyValue(b *bytes.Buffer, path []string, v reflect.Value) error {
	s, err := formatValue(v)
	if err != nil {
		return invalid(toml.Key(path).String(), err.Error())
	}
	fmt.Fprintf(b, "%s = %s\n", toml.Key(path[len(path)-1:]).String(), s)
	return nil
}

// formatValue formats v as a TOML value. Floats are written in the shortest
// form that parses back to the same value, always with a '.', an exponent,
// inf or nan so that they read back as floats.
func formatValue(v reflect.Value) (string, error) {
	switch v.Kind() {
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), nil
	case reflect.String:
		return quote(v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if v.Uint() > maxTOMLInt {
			return "", fmt.Errorf("%d is above %d, the largest TOML integer", v.Uint(), uint64(maxTOMLInt))
		}
		return strconv.FormatUint(v.Uint(), 10), nil
	case reflect.Float32:
		return formatFloat(v.Float(), 32), nil
	case reflect.Float64:
		return formatFloat(v.Float(), 64), nil
	case reflect.Slice:
		items := make([]string, v.Len())
		for i := range items {
			s, err := formatValue(v.Index(i))
			if err != nil {
				return "", fmt.Errorf("element %d: %w", i, err)
			}
			items[i] = s
		}
		return "[" + strings.Join(items, ", ") + "]", nil
	}
	return "", fmt.Errorf("the Go type %s cannot be written as TOML", v.Type())
}

// formatFloat formats x as a TOML float; bitSize is 32 for a float32.
func formatFloat(x float64, bitSize int) string {
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(x, 'g', -1, bitSize)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// quote formats s as a TOML basic string. TOML requires escapes for '"',
// '\' and every control character but tab, and it cannot hold invalid UTF-8.
func quote(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%q is not valid UTF-8", s)
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteByte('\t')
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String(), nil
}
