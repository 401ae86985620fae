package sweep

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// maxSeeds bounds the number of seeds a range may expand to, so a typo
// such as "1-1000000000" fails at once instead of planning a billion runs.
const maxSeeds = 100000

// ParseFloats parses a comma-separated list of finite numbers such as
// "0.5,0.8,1.2". Blanks around the numbers are ignored. An empty list, an
// empty item, a value that is not a finite number and a repeated value are
// errors. The values are returned in the order given.
func ParseFloats(s string) ([]float64, error) {
	items := strings.Split(s, ",")
	values := make([]float64, 0, len(items))
	seen := map[float64]bool{}
	for i, item := range items {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("item %d of %q is empty; expected numbers separated by commas, such as 0.5,0.8,1.2", i+1, s)
		}
		v, err := strconv.ParseFloat(item, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%q is not a finite number", item)
		}
		if seen[v] {
			return nil, fmt.Errorf("value %s appears twice in %q", item, s)
		}
		seen[v] = true
		values = append(values, v)
	}
	return values, nil
}

// ParseSeeds parses a list of non-negative whole numbers given as
// comma-separated items, each a single seed or an inclusive range such as
// "1-3": "1-3" is 1, 2, 3 and "1,4,7" is 1, 4, 7, and the two forms mix, as
// in "1-3,10". A range whose end is below its start, a repeated seed, and
// more than 100000 seeds in all are errors. The seeds are returned in the
// order given.
func ParseSeeds(s string) ([]uint64, error) {
	var seeds []uint64
	seen := map[uint64]bool{}
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("item %d of %q is empty; expected seeds such as 1-3 or 1,4,7", i+1, s)
		}
		lo, hi, err := parseSeedItem(item)
		if err != nil {
			return nil, err
		}
		if hi-lo >= maxSeeds || len(seeds)+int(hi-lo)+1 > maxSeeds {
			return nil, fmt.Errorf("%q gives more than %d seeds", s, maxSeeds)
		}
		for seed := lo; ; seed++ {
			if seen[seed] {
				return nil, fmt.Errorf("seed %d appears twice in %q", seed, s)
			}
			seen[seed] = true
			seeds = append(seeds, seed)
			if seed == hi {
				break
			}
		}
	}
	return seeds, nil
}

// parseSeedItem parses "7" or "1-3" into an inclusive range.
func parseSeedItem(item string) (lo, hi uint64, err error) {
	first, last, isRange := strings.Cut(item, "-")
	if lo, err = parseSeed(first, item); err != nil {
		return 0, 0, err
	}
	if !isRange {
		return lo, lo, nil
	}
	if hi, err = parseSeed(last, item); err != nil {
		return 0, 0, err
	}
	if hi < lo {
		return 0, 0, fmt.Errorf("seed range %q ends below its start; write it as %d-%d", item, hi, lo)
	}
	return lo, hi, nil
}

func parseSeed(s, item string) (uint64, error) {
	v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 63)
	if err != nil {
		return 0, fmt.Errorf("%q is not a seed or a seed range: expected whole numbers from 0 to 2⁶³−1, such as 3 or 1-3", item)
	}
	return v, nil
}
