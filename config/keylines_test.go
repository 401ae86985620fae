package config

import (
	"testing"

	"github.com/BurntSushi/toml"
)

// keyLinesDocs are TOML documents with the line of each key, written to
// trip a scanner that ignores strings, comments, arrays or inline tables.
var keyLinesDocs = []struct {
	name string
	src  string
	want map[string]int
}{
	{
		name: "tables and comments",
		src:  "# n = 1\nseed = 1 # [model]\n\n[model]\n  n = 5\n[ train ]\nepochs = 2\n",
		want: map[string]int{"seed": 2, "model": 4, "model.n": 5, "train": 6, "train.epochs": 7},
	},
	{
		name: "dotted keys",
		src:  "seed = 1\nmodel . n = 5\nmodel.g = 1.5\n[task]\nx.y.z = 1\n",
		want: map[string]int{"model": 2, "model.n": 2, "model.g": 3, "task": 4, "task.x": 5, "task.x.y": 5, "task.x.y.z": 5},
	},
	{
		name: "quoted keys",
		src:  "\"a.b\" = 1\n'c d' = 2\n\"\\u0065\" = 3\n[\"m\".'n']\nk = 4\n",
		want: map[string]int{`"a.b"`: 1, `"c d"`: 2, "e": 3, "m": 4, "m.n": 4, "m.n.k": 5},
	},
	{
		name: "multi-line strings",
		src:  "a = \"\"\"\nb = 1\n\\\"\"\"\nc = 2\"\"\"\"\nd = '''\ne = 1'''\nf = 3\n",
		want: map[string]int{"a": 1, "d": 5, "f": 7},
	},
	{
		name: "strings with hashes and brackets",
		src:  "a = \"# [x] \\\" y = 1\"\nb = '[z]'\nc = 1\n",
		want: map[string]int{"a": 1, "b": 2, "c": 3},
	},
	{
		name: "arrays over lines",
		src:  "a = [\n  1, # b = 2\n  [2, 3],\n  \"]\",\n]\nc = 1\n",
		want: map[string]int{"a": 1, "c": 6},
	},
	{
		name: "inline tables",
		src:  "train = { epochs = 5, x = { y = 1 },\n  lr = 0.1 }\nt = [{ u = 1 }]\n",
		want: map[string]int{"train": 1, "train.epochs": 1, "train.x": 1, "train.x.y": 1, "train.lr": 2, "t": 3, "t.u": 3},
	},
	{
		name: "arrays of tables",
		src:  "[[run]]\nseed = 1\n[[run]]\nseed = 2\nname = \"b\"\n",
		want: map[string]int{"run": 1, "run.seed": 2, "run.name": 5},
	},
	{
		name: "date-times",
		src:  "a = 1979-05-27 07:32:00\nb = 1979-05-27T07:32:00Z\nc = 07:32:00\nd = 1\n",
		want: map[string]int{"a": 1, "b": 2, "c": 3, "d": 4},
	},
	{
		name: "CRLF and byte order mark",
		src:  "\xef\xbb\xbfa = 1\r\n[m]\r\nb = 2\r\n",
		want: map[string]int{"a": 1, "m": 2, "m.b": 3},
	},
}

func TestKeyLines(t *testing.T) {
	for _, doc := range keyLinesDocs {
		t.Run(doc.name, func(t *testing.T) {
			var parsed map[string]any
			if _, err := toml.Decode(doc.src, &parsed); err != nil {
				t.Fatalf("test document is not valid TOML: %v", err)
			}
			got := keyLines(doc.src)
			for key, line := range doc.want {
				if got[key] != line {
					t.Errorf("line of %s = %d, want %d", key, got[key], line)
				}
			}
		})
	}
}

// TestKeyLinesCoverMetaDataKeys checks that every key the TOML library
// reports gets a line.
func TestKeyLinesCoverMetaDataKeys(t *testing.T) {
	for _, doc := range keyLinesDocs {
		checkKeyLinesCover(t, doc.src)
	}
}

func checkKeyLinesCover(t *testing.T, src string) {
	t.Helper()
	var parsed map[string]any
	md, err := toml.Decode(src, &parsed)
	if err != nil {
		return
	}
	lines := keyLines(src)
	for _, key := range md.Keys() {
		if lines[key.String()] < 1 {
			t.Errorf("no line for key %s of document %q", key, src)
		}
	}
}
