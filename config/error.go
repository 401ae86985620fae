package config

import (
	"strconv"
	"strings"
)

// Error is an invalid or unreadable config: a TOML syntax error, an unknown
// key, a value of the wrong type or a value out of range.
//
// Its message has the form
//
//	FILE:LINE: KEY: MSG
//
// and leaves out the parts that are unknown. LINE is left out when the key
// is not in the file and no other key clearly made its default invalid, and
// for a Config built in code. KEY is left out for a syntax error outside any
// key, and FILE for a Config built in code.
type Error struct {
	// File is the config file's name as given to Parse or Load.
	File string
	// Line is the 1-based line of the key in the file, or 0 when unknown.
	Line int
	// Key is the full dotted key, such as "model.dt_ms", "train.batch_size"
	// or "task.test_durations_ms[1]" for an element of an array.
	Key string
	// Msg describes what is wrong with the value and what is expected.
	Msg string

	// related lists keys whose line is reported in place of Key's when Key
	// is not in the file, because one of them made its default invalid.
	related []string
	// taskParam marks an error returned by the task's Params.Build, whose
	// line is found by blameTask when the key is absent from the file.
	taskParam string
	// err is the underlying error, for errors.Is and errors.As.
	err error
}

func (e *Error) Error() string {
	var parts []string
	location := e.File
	if e.Line > 0 {
		if location == "" {
			location = "line " + strconv.Itoa(e.Line)
		} else {
			location += ":" + strconv.Itoa(e.Line)
		}
	}
	for _, p := range []string{location, e.Key, e.Msg} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ": ")
}

// Unwrap returns the underlying error, such as the *fs.PathError of a file
// that could not be read, or nil.
func (e *Error) Unwrap() error { return e.err }

// invalid returns an *Error for key. The related keys give the line to
// report when key is absent from the file.
func invalid(key string, msg string, related ...string) *Error {
	return &Error{Key: key, Msg: msg, related: related}
}
