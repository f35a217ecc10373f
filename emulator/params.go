package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// maxBodyBytes bounds every request body (FileUpload_MaxFileSize is far larger on real servers;
// an emulator has no business buffering more).
const maxBodyBytes = 8 << 20

// qsValues is the query string as the `qs` library sees it, reduced to what the Users endpoints
// use: `k=v` once is a string, `k=a&k=b`, `k[]=a` or `k[0]=a` are arrays.
type qsValues map[string][]string

func parseQS(raw string) qsValues {
	vals, err := url.ParseQuery(raw)
	if err != nil {
		vals = url.Values{}
		for _, part := range strings.Split(raw, "&") {
			k, v, _ := strings.Cut(part, "=")
			k, err1 := url.QueryUnescape(k)
			v, err2 := url.QueryUnescape(v)
			if err1 == nil && err2 == nil && k != "" {
				vals[k] = append(vals[k], v)
			}
		}
	}
	out := qsValues{}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		base := k
		if i := strings.IndexByte(k, '['); i > 0 && strings.HasSuffix(k, "]") {
			base = k[:i]
		}
		out[base] = append(out[base], vals[k]...)
	}
	return out
}

// str returns the single string value of k; arrays are not strings.
func (q qsValues) str(k string) (string, bool) {
	v, ok := q[k]
	if !ok || len(v) != 1 {
		return "", false
	}
	return v[0], true
}

func (q qsValues) has(k string) bool { _, ok := q[k]; return ok }

// checkQueryKeys is the 8.8.1 query validator's additionalProperties:false.
func checkQueryKeys(q qsValues, allowed []string) error {
	for k := range q {
		ok := false
		for _, a := range allowed {
			if a == k {
				ok = true
				break
			}
		}
		if !ok {
			return invalidParams("must NOT have additional properties")
		}
	}
	return nil
}

// parseBody turns the request body into bodyParams the way router.ts does: JSON objects are
// parsed; multipart forms become their text fields (the file is read by setAvatar itself);
// anything else, or anything unparsable, becomes {} without an error.
func parseBody(r *http.Request) map[string]any {
	if r.Body == nil || r.Method == http.MethodGet {
		return map[string]any{}
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		return map[string]any{}
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		return map[string]any{}
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	if ct != "application/json" {
		return map[string]any{}
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		return map[string]any{}
	}
	return normalizeNumbers(m).(map[string]any)
}

// normalizeNumbers converts json.Number to float64 so type checks see JSON semantics.
func normalizeNumbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = normalizeNumbers(x)
		}
		return t
	case []any:
		for i, x := range t {
			t[i] = normalizeNumbers(x)
		}
		return t
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return t.String()
		}
		return f
	}
	return v
}

// kind is a JSON type for the small ajv-like body validator below.
type kind int

const (
	kString kind = iota + 1
	kNonEmptyString
	kBool
	kNumber
	kInteger
	kObject
	kStringArray
	kArray
	kAny
)

// bodySchema is one endpoint's rest-typings body schema: property kinds, required keys, and
// whether other keys are rejected (additionalProperties: false).
type bodySchema struct {
	props    map[string]kind
	required []string
	strict   bool
}

// check returns the ajv messages for body (empty when valid). ajv reports the first required
// property missing, then type errors, then additional properties.
func (bs bodySchema) check(body map[string]any) []string {
	var msgs []string
	for _, k := range bs.required {
		if _, ok := body[k]; !ok {
			msgs = append(msgs, "must have required property '"+k+"'")
			return msgs
		}
	}
	for _, k := range sortedKeys(body) {
		kd, ok := bs.props[k]
		if !ok {
			if bs.strict {
				msgs = append(msgs, "must NOT have additional properties")
				return msgs
			}
			continue
		}
		if m := kindMismatch(kd, body[k]); m != "" {
			return append(msgs, m)
		}
	}
	return msgs
}

func kindMismatch(kd kind, v any) string {
	switch kd {
	case kString:
		if _, ok := v.(string); !ok {
			return "must be string"
		}
	case kNonEmptyString:
		s, ok := v.(string)
		if !ok {
			return "must be string"
		}
		if s == "" {
			return "must NOT have fewer than 1 characters"
		}
	case kBool:
		if _, ok := v.(bool); !ok {
			return "must be boolean"
		}
	case kNumber:
		if _, ok := v.(float64); !ok {
			return "must be number"
		}
	case kInteger:
		f, ok := v.(float64)
		if !ok || f != float64(int64(f)) {
			return "must be integer"
		}
	case kObject:
		if _, ok := v.(map[string]any); !ok {
			return "must be object"
		}
	case kStringArray:
		arr, ok := v.([]any)
		if !ok {
			return "must be array"
		}
		for _, x := range arr {
			if _, ok := x.(string); !ok {
				return "must be string"
			}
		}
	case kArray:
		if _, ok := v.([]any); !ok {
			return "must be array"
		}
	}
	return ""
}

// validate runs a legacy (post-auth) schema check.
func (bs bodySchema) validate(body map[string]any) error {
	if msgs := bs.check(body); len(msgs) > 0 {
		return invalidParams(msgs...)
	}
	return nil
}

func bstr(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func bbool(m map[string]any, k string) (bool, bool) {
	b, ok := m[k].(bool)
	return b, ok
}

// userFromParams is getUserFromParams (§4): userId, then username, then user (a username),
// username matched case-insensitively. get reads a param from the query or the body.
func (s *Server) userFromParams(get func(string) string) (*user, error) {
	if id := get("userId"); id != "" {
		if u := s.st.users[id]; u != nil {
			return u, nil
		}
		return nil, errInvalidUser()
	}
	for _, k := range []string{"username", "user"} {
		if name := get(k); name != "" {
			if u := s.st.byUsername(name); u != nil {
				return u, nil
			}
			return nil, errInvalidUser()
		}
	}
	return nil, errUserParamNotProvided()
}

// isUserFromParams is true when no target is named or the named one is the caller.
func isUserFromParams(get func(string) string, me *user) bool {
	id, un, u := get("userId"), get("username"), get("user")
	if id == "" && un == "" && u == "" {
		return true
	}
	return (id != "" && id == me.ID) || (un != "" && strings.EqualFold(un, me.Username)) || (u != "" && strings.EqualFold(u, me.Username))
}

func (c *call) qget(k string) string { v, _ := c.q.str(k); return v }
func (c *call) bget(k string) string { return bstr(c.body, k) }
