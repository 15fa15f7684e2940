package config

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

func typeOf(v any) reflect.Type { return reflect.TypeOf(v) }

// walkKeys checks every mapping key in n against the yaml tags of t,
// records the line of every key path, and reports unknown keys with the
// closest known one. yaml.v3's own KnownFields check stops at the first
// problem and does not suggest a fix; this reports all of them.
func walkKeys(n *yaml.Node, t reflect.Type, path string, lines map[string]int, file string, errs *Errors) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n == nil {
		return
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if n.Tag == "!!null" {
				return
			}
			*errs = append(*errs, &FieldError{File: file, Line: n.Line, Path: path, Msg: fmt.Sprintf("expected a mapping of keys, found %s", describe(n))})
			return
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := join(path, k.Value)
			lines[p] = k.Line
			f, ok := fields[k.Value]
			if !ok {
				*errs = append(*errs, &FieldError{File: file, Line: k.Line, Path: p, Msg: unknownKeyMsg(k.Value, fields)})
				continue
			}
			walkKeys(v, f, p, lines, file, errs)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			if n.Tag == "!!null" {
				return
			}
			*errs = append(*errs, &FieldError{File: file, Line: n.Line, Path: path, Msg: fmt.Sprintf("expected a list (lines starting with \"- \"), found %s", describe(n))})
			return
		}
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			lines[p] = c.Line
			walkKeys(c, t.Elem(), p, lines, file, errs)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := join(path, n.Content[i].Value)
			lines[p] = n.Content[i].Line
			walkKeys(n.Content[i+1], t.Elem(), p, lines, file, errs)
		}
	}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		return fmt.Sprintf("the value %q", n.Value)
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	return "something else"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

func unknownKeyMsg(key string, fields map[string]reflect.Type) string {
	best, bestD := "", 1<<30
	for name := range fields {
		if d := levenshtein(strings.ToLower(key), name); d < bestD {
			best, bestD = name, d
		}
	}
	if best != "" && bestD <= max(2, len(key)/3) {
		return fmt.Sprintf("unknown key %q; did you mean %q?", key, best)
	}
	return fmt.Sprintf("unknown key %q; valid keys here are: %s", key, strings.Join(sortedKeys(fields), ", "))
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func pathIdx(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }
