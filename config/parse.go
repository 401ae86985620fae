package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/task"
	"github.com/rnnlab/rnnlab/train"
)

// topLevelKeys are the keys a config file may set outside any table.
var topLevelKeys = []string{"name", "seed", "seeds", "model", "task", "train"}

// Load reads and parses the config file at path; see Parse. A file that
// cannot be read gives an *Error that wraps the *fs.PathError.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		reason := err
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			reason = pathErr.Err
		}
		return nil, &Error{File: path, Msg: "cannot read the config file: " + reason.Error(), err: err}
	}
	return Parse(data, path)
}

// Parse reads a config from TOML data, fills every key the data leaves out
// with its default, and validates the result (see Validate). file names the
// data's source in error messages.
//
// Every error is an *Error. Syntax errors, unknown keys and values of the
// wrong type are checked first, and Parse returns the one earliest in the
// file. When there are none, values out of range are checked in the order of
// Validate, and Parse returns the first.
func Parse(data []byte, file string) (*Config, error) {
	src := string(data)
	var doc map[string]any
	if _, err := toml.Decode(src, &doc); err != nil {
		return nil, syntaxError(file, src, err)
	}
	d := &decoder{file: file, lines: keyLines(src)}
	c := d.config(doc)
	if e := d.first(); e != nil {
		return nil, e
	}
	if e := c.validate(); e != nil {
		d.locate(e, c, doc)
		return nil, e
	}
	return c, nil
}

func syntaxError(file, src string, err error) *Error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return &Error{File: file, Line: syntaxLine(src, pe.Position), Key: pe.LastKey, Msg: "invalid TOML: " + pe.Message, err: err}
	}
	return &Error{File: file, Msg: "invalid TOML: " + err.Error(), err: err}
}

// syntaxLine returns the line of the byte where the TOML parser stopped.
// The parser's own Position.Line is one too high for some errors at the end
// of a line. For example, toml v1.6.0 reports the unclosed header "[model"
// on the next line. So the line is counted here from Position.Start, which
// is an offset into the input after its byte order mark. An offset that
// cannot be right falls back to Position.Line.
func syntaxLine(src string, pos toml.Position) int {
	src = src[bomLength(src):]
	if pos.Start < 0 || pos.Start > len(src) || (pos.Start == 0 && pos.Line > 1) {
		return pos.Line
	}
	return 1 + strings.Count(src[:pos.Start], "\n")
}

// config decodes a parsed document over the defaults. Errors go to d.errs.
func (d *decoder) config(doc map[string]any) *Config {
	c := &Config{
		Seed:  DefaultSeed,
		Model: model.DefaultConfig(),
		Task:  TaskConfig{Name: DefaultTask},
		Train: train.DefaultConfig(),
	}
	var streams streamSeeds
	for _, key := range slices.Sorted(maps.Keys(doc)) {
		data, path := doc[key], []string{key}
		switch key {
		case "name":
			d.value(data, reflect.ValueOf(&c.Name).Elem(), path, "")
		case "seed":
			d.value(data, reflect.ValueOf(&c.Seed).Elem(), path, "")
		case "seeds":
			if t, ok := d.table(data, path); ok {
				streams = d.seeds(t)
			}
		case "model":
			if t, ok := d.table(data, path); ok {
				d.structTable(t, reflect.ValueOf(&c.Model).Elem(), path)
			}
		case "task":
			// Decoded below, after the other tables.
		case "train":
			if t, ok := d.table(data, path); ok {
				d.structTable(t, reflect.ValueOf(&c.Train).Elem(), path)
			}
		default:
			d.unknown(path, topLevelKeys)
		}
	}
	d.task(c, doc["task"])

	c.Seeds = model.DeriveSeeds(c.Seed)
	for _, s := range streams {
		*s.field(&c.Seeds) = s.value
	}
	return c
}

// streamSeeds lists the stream seeds a [seeds] table sets.
type streamSeeds []struct {
	field func(*model.Seeds) *uint64
	value uint64
}

// seedFields maps each key of [seeds] to its field of model.Seeds.
var seedFields = map[string]func(*model.Seeds) *uint64{
	model.StreamConnectivity: func(s *model.Seeds) *uint64 { return &s.Connectivity },
	model.StreamWeights:      func(s *model.Seeds) *uint64 { return &s.Weights },
	model.StreamTrials:       func(s *model.Seeds) *uint64 { return &s.Trials },
	model.StreamNoise:        func(s *model.Seeds) *uint64 { return &s.Noise },
}

// seedKeys are the keys of [seeds] in the order Encode writes them.
var seedKeys = []string{model.StreamConnectivity, model.StreamWeights, model.StreamTrials, model.StreamNoise}

func (d *decoder) seeds(t map[string]any) streamSeeds {
	var set streamSeeds
	for _, key := range slices.Sorted(maps.Keys(t)) {
		path := []string{"seeds", key}
		field, ok := seedFields[key]
		if !ok {
			d.unknown(path, seedKeys)
			continue
		}
		var seed uint64
		before := len(d.errs)
		d.value(t[key], reflect.ValueOf(&seed).Elem(), path, "")
		if len(d.errs) == before {
			set = append(set, struct {
				field func(*model.Seeds) *uint64
				value uint64
			}{field, seed})
		}
	}
	return set
}

// task decodes the [task] table: first the name, which picks the task and
// so the keys its parameters take, then the parameters over the task's
// defaults.
func (d *decoder) task(c *Config, data any) {
	path := []string{"task"}
	t := map[string]any{}
	if data != nil {
		var ok bool
		if t, ok = d.table(data, path); !ok {
			return
		}
	}
	if name, ok := t["name"]; ok {
		before := len(d.errs)
		d.value(name, reflect.ValueOf(&c.Task.Name).Elem(), []string{"task", "name"}, "")
		if len(d.errs) > before {
			return
		}
	}
	spec, ok := task.Lookup(c.Task.Name)
	if !ok {
		d.fail([]string{"task", "name"}, "", unknownTask(c.Task.Name).Msg)
		return
	}
	params := spec.NewParams()
	v := reflect.ValueOf(params)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		d.fail(path, "", fmt.Sprintf("task %q has parameters of Go type %T, which a config file cannot set", c.Task.Name, params))
		return
	}
	d.structTable(t, v.Elem(), path, "name")
	c.Task.Params = params
}

// locate sets the file and line of an error that validation found. The line
// is that of the error's key, else that of the first related key the file
// sets, else, for a task parameter, the one blameTask finds.
func (d *decoder) locate(e *Error, c *Config, doc map[string]any) {
	e.File = d.file
	key, _, _ := strings.Cut(e.Key, "[")
	if line, ok := d.lines[key]; ok {
		e.Line = line
		return
	}
	for _, k := range e.related {
		if line, ok := d.lines[k]; ok {
			e.Line = line
			return
		}
	}
	if e.taskParam != "" {
		d.blameTask(e, c, doc)
	}
}

// blameTask handles an invalid task parameter that the file does not set, so
// that its default value is in use. It looks for the key the file does set
// (model.dt_ms or another task parameter) that makes the default invalid:
// the one whose removal from the file makes this error go away. When exactly
// one key does, the error gets its line; when none or several do, the line
// stays unknown. Either way the message notes that the value is a default.
func (d *decoder) blameTask(e *Error, c *Config, doc map[string]any) {
	param, _, _ := strings.Cut(e.taskParam, "[")
	spec, ok := task.Lookup(c.Task.Name)
	if !ok {
		return
	}
	fixed := func(err error) bool {
		var pe *task.ParamError
		return err == nil || !errors.As(err, &pe) || pe.Key != e.taskParam
	}

	var culprits []string
	if _, ok := d.lines["model.dt_ms"]; ok {
		if _, err := c.Task.Params.Build(model.DefaultConfig().DtMs); fixed(err) {
			culprits = append(culprits, "model.dt_ms")
		}
	}
	table, _ := doc["task"].(map[string]any)
	for _, key := range slices.Sorted(maps.Keys(table)) {
		if key == "name" {
			continue
		}
		without := maps.Clone(table)
		delete(without, key)
		params := spec.NewParams()
		scratch := &decoder{}
		scratch.structTable(without, reflect.ValueOf(params).Elem(), []string{"task"}, "name")
		if scratch.first() != nil {
			continue
		}
		if _, err := params.Build(c.Model.DtMs); fixed(err) {
			culprits = append(culprits, toml.Key{"task", key}.String())
		}
	}

	if len(culprits) == 1 {
		e.Line = d.lines[culprits[0]]
		e.Msg += fmt.Sprintf("; task.%s is not set in the file, so it has its default value, which %s on line %d makes invalid",
			param, culprits[0], e.Line)
		return
	}
	e.Msg += fmt.Sprintf("; task.%s is not set in the file, so this is its default value", param)
}
