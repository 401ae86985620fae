package importer

import (
	"fmt"
	"strconv"
	"strings"
)

// Expr is the source of one weight group: a sum of terms, each a named
// array, optionally scaled, transposed or mapped from rates to currents.
//
// Syntax (used by --map GROUP=EXPR):
//
//	EXPR = TERM { "+" TERM }
//	TERM = [ NUMBER "*" ] NAME [ "^T" ]  |  "atanh(" NAME ")"
//
// For example "1.5*G", "w^T", "bias_ih_l0+bias_hh_l0", "atanh(h0)". Names may
// contain dots ("fc.weight"). atanh converts an initial rate h₀ into the
// initial current x(0) = atanh(h₀); |h₀| ≥ 1 is an error.
type Expr struct {
	Terms []Term
}

// Term is one array of an expression.
type Term struct {
	Name      string
	Scale     float64 // 1 unless NUMBER* is given
	Transpose bool
	Atanh     bool
}

// ParseExpr parses an expression of the syntax documented on [Expr].
func ParseExpr(s string) (Expr, error) {
	var e Expr
	if strings.TrimSpace(s) == "" {
		return e, fmt.Errorf("empty expression")
	}
	for _, part := range strings.Split(s, "+") {
		part = strings.TrimSpace(part)
		t := Term{Scale: 1}
		if inner, ok := strings.CutPrefix(part, "atanh("); ok {
			name, ok := strings.CutSuffix(inner, ")")
			if !ok || name == "" {
				return e, fmt.Errorf("invalid term %q: want atanh(NAME)", part)
			}
			t.Name, t.Atanh = name, true
			e.Terms = append(e.Terms, t)
			continue
		}
		if num, rest, ok := strings.Cut(part, "*"); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
			if err != nil {
				return e, fmt.Errorf("invalid scale %q in term %q", num, part)
			}
			t.Scale = v
			part = strings.TrimSpace(rest)
		}
		if name, ok := strings.CutSuffix(part, "^T"); ok {
			t.Transpose = true
			part = name
		}
		if part == "" || strings.ContainsAny(part, " \t()*^") {
			return e, fmt.Errorf("invalid array name %q", part)
		}
		t.Name = part
		e.Terms = append(e.Terms, t)
	}
	return e, nil
}

// String formats the expression in the syntax ParseExpr reads.
func (e Expr) String() string {
	parts := make([]string, len(e.Terms))
	for i, t := range e.Terms {
		switch {
		case t.Atanh:
			parts[i] = "atanh(" + t.Name + ")"
		default:
			s := t.Name
			if t.Transpose {
				s += "^T"
			}
			if t.Scale != 1 {
				s = strconv.FormatFloat(t.Scale, 'g', -1, 64) + "*" + s
			}
			parts[i] = s
		}
	}
	return strings.Join(parts, "+")
}
