package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/rnnlab/rnnlab/task"
)

const tasksUsage = `tasks [--json]

Lists the registered tasks with their config parameters (the keys of the
[task] table) and defaults. Times are in ms and must be whole numbers of
model steps.`

type taskJSON struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Parameters  []taskParamJSON `json:"parameters"`
}

type taskParamJSON struct {
	Key     string `json:"key"`
	Type    string `json:"type"`
	Default any    `json:"default"`
}

func runTasks(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("tasks", tasksUsage, stderr)
	asJSON := fs.Bool("json", false, "print the tasks as JSON")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("tasks: unexpected argument %q", rest[0])
	}
	var list []taskJSON
	for _, name := range task.Names() {
		spec, _ := task.Lookup(name)
		list = append(list, taskJSON{Name: name, Description: spec.Description, Parameters: taskParams(spec.NewParams())})
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	for _, t := range list {
		fmt.Fprintf(stdout, "%s\n  %s\n", t.Name, t.Description)
		for _, p := range t.Parameters {
			fmt.Fprintf(stdout, "  %-20s %-10s default %v\n", p.Key, p.Type, p.Default)
		}
	}
	return nil
}

// taskParams lists the toml keys of a params struct with their defaults.
func taskParams(p task.Params) []taskParamJSON {
	v := reflect.ValueOf(p).Elem()
	var out []taskParamJSON
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if key == "" || key == "-" {
			continue
		}
		typ := f.Type.String()
		switch f.Type.Kind() {
		case reflect.Float64:
			typ = "float"
		case reflect.Int, reflect.Int64:
			typ = "integer"
		case reflect.Slice:
			typ = "array"
		case reflect.Bool:
			typ = "boolean"
		}
		out = append(out, taskParamJSON{Key: key, Type: typ, Default: v.Field(i).Interface()})
	}
	return out
}
