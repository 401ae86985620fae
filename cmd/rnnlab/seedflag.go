package main

import (
	"fmt"
	"strconv"
)

// seedFlag is an optional non-negative run seed: unset unless given.
type seedFlag struct {
	value uint64
	set   bool
}

func (s *seedFlag) String() string {
	if !s.set {
		return ""
	}
	return strconv.FormatUint(s.value, 10)
}

func (s *seedFlag) Set(v string) error {
	n, err := strconv.ParseUint(v, 10, 63)
	if err != nil {
		return fmt.Errorf("want a whole number from 0 to 2⁶³−1, got %q", v)
	}
	s.value, s.set = n, true
	return nil
}
