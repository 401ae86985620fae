package pth

import (
	"math"
	"math/big"
	"testing"
)

// The wanted strings are repr() of the same values in Python 3.11.2.
func TestPythonRepr(t *testing.T) {
	for _, c := range []struct {
		value any
		want  string
	}{
		{0.001, "0.001"},
		{1e-08, "1e-08"},
		{0.1, "0.1"},
		{1e16, "1e+16"},
		{1e15, "1000000000000000.0"},
		{123456789.0, "123456789.0"},
		{1.5e-05, "1.5e-05"},
		{0.0001, "0.0001"},
		{math.Copysign(0, -1), "-0.0"},
		{1e300, "1e+300"},
		{5e-324, "5e-324"},
		{1.0 / 3, "0.3333333333333333"},
		{math.Inf(-1), "-inf"},
		{math.NaN(), "nan"},
		{int64(-7), "-7"},
		{new(big.Int).Lsh(big.NewInt(1), 70), "1180591620717411303424"},
		{true, "True"},
		{nil, "None"},
		{"it's", `"it's"`},
		{`a"b`, `'a"b'`},
		{"x\ty\u00ad\u2028é", `'x\ty\xad\u2028é'`},
		{pyBytes("\x00ab'c"), `b"\x00ab'c"`},
	} {
		got, ok := pyRepr(c.value)
		if !ok || got != c.want {
			t.Errorf("pyRepr(%#v) = %q, %v; want %q", c.value, got, ok, c.want)
		}
	}
}

func TestDictKeysFollowPythonEquality(t *testing.T) {
	d := newDict()
	for _, kv := range [][2]any{{int64(1), "int"}, {true, "bool"}, {1.0, "float"}, {"1", "str"}} {
		if err := d.set(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	// Python: {1: "int", True: "bool", 1.0: "float", "1": "str"} == {1: "float", "1": "str"}
	if len(d.keys) != 2 || d.values[0] != "float" || d.values[1] != "str" {
		t.Errorf("keys %v values %v, want [1 \"1\"] and [float str]", d.keys, d.values)
	}
}
