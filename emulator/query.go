package emulator

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

const (
	defaultCount = 50  // API_Default_Count
	upperCount   = 100 // API_Upper_Count_Limit
)

func lower(s string) string { return strings.ToLower(s) }

// pagination is getPaginationItems (§4): offset default 0, count default 50, capped at 100,
// count <= 0 falls back to the default (API_Allow_Infinite_Count is off). Non-numeric values are
// rejected the way the 8.8.1 coercing query validator does.
func pagination(q qsValues) (offset, count int, err error) {
	count = defaultCount
	if v, ok := q.str("offset"); ok {
		n, e := strconv.Atoi(v)
		if e != nil {
			return 0, 0, invalidParams("must be number")
		}
		offset = max(n, 0)
	} else if q.has("offset") {
		return 0, 0, invalidParams("must be number")
	}
	if v, ok := q.str("count"); ok {
		n, e := strconv.Atoi(v)
		if e != nil {
			return 0, 0, invalidParams("must be number")
		}
		if n > 0 {
			count = min(n, upperCount)
		}
	} else if q.has("count") {
		return 0, 0, invalidParams("must be number")
	}
	return offset, count, nil
}

func page[T any](items []T, offset, count int) []T {
	if offset >= len(items) {
		return []T{}
	}
	end := min(offset+count, len(items))
	return items[offset:end]
}

type sortKey struct {
	field string
	dir   int
}

// parseSort validates `sort` (a JSON object of 1/-1) like parseJsonQuery; fallback is used when
// the parameter is absent.
func parseSort(q qsValues, fallback []sortKey) ([]sortKey, error) {
	raw, ok := q.str("sort")
	if !ok {
		if q.has("sort") {
			return nil, meteorErr("error-invalid-sort", `Invalid sort parameter provided: "`+strings.Join(q["sort"], ",")+`"`, map[string]any{"helperMethod": "parseJsonQuery"})
		}
		return fallback, nil
	}
	bad := meteorErr("error-invalid-sort", `Invalid sort parameter provided: "`+raw+`"`, map[string]any{"helperMethod": "parseJsonQuery"})
	dec := json.NewDecoder(strings.NewReader(raw))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, bad
	}
	var keys []sortKey
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, bad
		}
		k, _ := kt.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, bad
		}
		f, isNum := v.(float64)
		if !isNum || (f != 1 && f != -1) {
			return nil, bad
		}
		keys = append(keys, sortKey{field: k, dir: int(f)})
	}
	if _, err := dec.Token(); err != nil {
		return nil, bad
	}
	if dec.More() {
		return nil, bad
	}
	return keys, nil
}

// sortDocs orders documents by keys; name sorts case-insensitively (the list aggregation sorts on
// nameInsensitive) and status also sorts by active (§8.1). Ties keep username order.
func sortDocs(docs []map[string]any, keys []sortKey) {
	var expanded []sortKey
	for _, k := range keys {
		switch k.field {
		case "name":
			expanded = append(expanded, sortKey{"nameInsensitive", k.dir})
		case "status":
			expanded = append(expanded, sortKey{"active", k.dir}, k)
		default:
			expanded = append(expanded, k)
		}
	}
	expanded = append(expanded, sortKey{"username", 1}, sortKey{"_id", 1})
	sort.SliceStable(docs, func(i, j int) bool {
		for _, k := range expanded {
			c := compareValues(lookupPath(docs[i], k.field), lookupPath(docs[j], k.field))
			if c != 0 {
				return c*k.dir < 0
			}
		}
		return false
	})
}

// compareValues orders like Mongo for the types we store: missing < numbers < strings < bools.
func compareValues(a, b any) int {
	rank := func(v any) int {
		switch v.(type) {
		case nil:
			return 0
		case float64, int:
			return 1
		case string:
			return 2
		case bool:
			return 3
		}
		return 4
	}
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return ra - rb
	}
	switch x := a.(type) {
	case float64:
		y := b.(float64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
	case string:
		return strings.Compare(x, b.(string))
	case bool:
		y := b.(bool)
		if x == y {
			return 0
		}
		if !x {
			return -1
		}
		return 1
	}
	return 0
}

// lookupPath reads a dotted path; through arrays it returns the values found in the elements.
func lookupPath(d map[string]any, path string) any {
	var cur any = d
	for _, p := range strings.Split(path, ".") {
		switch t := cur.(type) {
		case map[string]any:
			cur = t[p]
		case []any:
			var vals []any
			for _, el := range t {
				if m, ok := el.(map[string]any); ok {
					if v, ok := m[p]; ok {
						vals = append(vals, v)
					}
				}
			}
			cur = vals
		default:
			return nil
		}
	}
	if arr, ok := cur.([]string); ok {
		out := make([]any, len(arr))
		for i, s := range arr {
			out[i] = s
		}
		return out
	}
	return cur
}

// parseJSONObject parses a query parameter that must be a JSON object.
func parseJSONObject(raw string) (map[string]any, error) {
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		if err == nil {
			err = fmt.Errorf("not an object")
		}
		return nil, err
	}
	return normalizeNumbers(m).(map[string]any), nil
}

// cleanQuery drops keys a caller may not filter on (the hidden fields of §4) and operators other
// than the allowed ones, like parseJsonQuery's clean step.
func cleanQuery(q map[string]any, hidden map[string]bool) map[string]any {
	out := map[string]any{}
	for k, v := range q {
		switch k {
		case "$or", "$and":
			arr, ok := v.([]any)
			if !ok {
				continue
			}
			var sub []any
			for _, el := range arr {
				if m, ok := el.(map[string]any); ok {
					sub = append(sub, cleanQuery(m, hidden))
				}
			}
			out[k] = sub
		default:
			if strings.HasPrefix(k, "$") || hidden[strings.SplitN(k, ".", 2)[0]] {
				continue
			}
			out[k] = v
		}
	}
	return out
}

// matchQuery evaluates the supported Mongo subset: field equality (array contains), $in, $regex
// with $options, $or, $and.
func matchQuery(d map[string]any, q map[string]any) (bool, error) {
	for k, v := range q {
		switch k {
		case "$or", "$and":
			arr, _ := v.([]any)
			any1 := false
			for _, el := range arr {
				m, _ := el.(map[string]any)
				ok, err := matchQuery(d, m)
				if err != nil {
					return false, err
				}
				if k == "$and" && !ok {
					return false, nil
				}
				any1 = any1 || ok
			}
			if k == "$or" && !any1 && len(arr) > 0 {
				return false, nil
			}
		default:
			ok, err := matchField(lookupPath(d, k), v)
			if err != nil || !ok {
				return false, err
			}
		}
	}
	return true, nil
}

func matchField(val any, cond any) (bool, error) {
	ops, isOps := cond.(map[string]any)
	if isOps {
		if _, ok := ops["$regex"]; !ok {
			if _, ok := ops["$in"]; !ok {
				isOps = false
			}
		}
	}
	if !isOps {
		return valueEquals(val, cond), nil
	}
	if re, ok := ops["$regex"]; ok {
		pat, _ := re.(string)
		flags, _ := ops["$options"].(string)
		prefix := ""
		for _, f := range flags {
			if f == 'i' || f == 'm' || f == 's' {
				prefix += string(f)
			}
		}
		if prefix != "" {
			pat = "(?" + prefix + ")" + pat
		}
		rx, err := regexp.Compile(pat)
		if err != nil {
			return false, meteorErr("error-invalid-query", "Invalid query parameter provided: "+err.Error(), map[string]any{"helperMethod": "parseJsonQuery"})
		}
		if !anyValue(val, func(x any) bool { s, ok := x.(string); return ok && rx.MatchString(s) }) {
			return false, nil
		}
	}
	if in, ok := ops["$in"]; ok {
		arr, _ := in.([]any)
		hit := false
		for _, c := range arr {
			if valueEquals(val, c) {
				hit = true
				break
			}
		}
		if !hit {
			return false, nil
		}
	}
	return true, nil
}

func anyValue(val any, f func(any) bool) bool {
	if arr, ok := val.([]any); ok {
		for _, x := range arr {
			if f(x) {
				return true
			}
		}
		return false
	}
	return f(val)
}

func valueEquals(val, want any) bool {
	return anyValue(val, func(x any) bool { return compareValues(x, want) == 0 && fmt.Sprint(x) == fmt.Sprint(want) })
}

// applyFields is the `fields` projection: 1s include (plus _id), 0s exclude.
func applyFields(d map[string]any, fields map[string]any) map[string]any {
	include := false
	for _, v := range fields {
		if f, ok := v.(float64); ok && f == 1 {
			include = true
		}
	}
	if include {
		out := map[string]any{"_id": d["_id"]}
		for k, v := range fields {
			if f, ok := v.(float64); ok && f == 1 {
				if x, ok := d[k]; ok {
					out[k] = x
				}
			}
		}
		return out
	}
	for k := range fields {
		delete(d, k)
	}
	return d
}
