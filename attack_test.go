package main

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAttacks: each abusive request is refused with its code in well under a second, and
// Rocket.Chat never hears of it.
func TestAttacks(t *testing.T) {
	t.Parallel()
	backend := newCountingBackend(t)
	base, _ := startGateway(t, map[string]string{"ROCKETCHAT_URL": backend.URL, "LOG_LEVEL": "error"})
	client := hgClient(t)
	creds := map[string]string{"X-User-Id": "u1", "X-Auth-Token": "tok"}

	jsonReq := func(body io.Reader, length int64) *http.Request {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/graphql", body)
		require.NoError(t, err)
		req.ContentLength = length
		req.Header.Set("Content-Type", "application/json")
		return req
	}
	query := func(q string) *http.Request {
		b, err := json_(map[string]any{"query": q})
		require.NoError(t, err)
		return jsonReq(bytes.NewReader(b), int64(len(b)))
	}
	var (
		aliases  strings.Builder
		cycle    = `{ me { ...A } } fragment A on User { teams { createdBy { ...B } } } fragment B on User { ...A }`
		directed = "{ me " + strings.Repeat("@include(if: true) ", 10000) + "{ id } }"
		batch    strings.Builder
	)
	aliases.WriteString("{")
	for i := range 1000 {
		fmt.Fprintf(&aliases, " a%d: me { id }", i)
	}
	aliases.WriteString(" }")
	batch.WriteString("[")
	for i := range 500 {
		if i > 0 {
			batch.WriteString(",")
		}
		batch.WriteString(`{"query":"{ me { id } }"}`)
	}
	batch.WriteString("]")
	tenMB := bytes.Repeat([]byte(" "), 10<<20)

	tests := []struct {
		name   string
		req    func() *http.Request
		status int
		code   string
	}{
		{"1,000 aliases", func() *http.Request { return query(aliases.String()) }, 200, "TOO_MANY_ALIASES"},
		{"depth 30", func() *http.Request { return query(deepQuery(30)) }, 200, "OPERATION_TOO_DEEP"},
		{"fragment cycle", func() *http.Request { return query(cycle) }, 200, "GRAPHQL_VALIDATION_FAILED"},
		{"10,000 repeated directives", func() *http.Request { return query(directed) }, 200, "TOO_MANY_TOKENS"},
		{"too complex", func() *http.Request {
			return query(`{ users(first: 100) { nodes { teams { createdBy { teams { id } } } } } }`)
		}, 200, "OPERATION_TOO_COMPLEX"},
		{"10 MB body", func() *http.Request { return jsonReq(bytes.NewReader(tenMB), int64(len(tenMB))) }, 413, "REQUEST_TOO_LARGE"},
		{"10 MB chunked body", func() *http.Request { return jsonReq(io.MultiReader(bytes.NewReader(tenMB)), -1) }, 413, "REQUEST_TOO_LARGE"},
		{"500 operations in one batch", func() *http.Request {
			return jsonReq(strings.NewReader(batch.String()), int64(batch.Len()))
		}, 400, "BATCHING_NOT_SUPPORTED"},
		{"invalid UTF-8", func() *http.Request {
			b := []byte("{\"query\":\"{ me { id \xc3\x28 } }\"}")
			return jsonReq(bytes.NewReader(b), int64(len(b)))
		}, 400, "INVALID_UTF8"},
		{"GET mutation", func() *http.Request {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/graphql?query="+url.QueryEscape(`mutation { logoutOtherClients { tokenExpires } }`), nil)
			return req
		}, 405, "METHOD_NOT_ALLOWED"},
		{"text/plain POST", func() *http.Request {
			req := query(`mutation { removeOtherTokens }`)
			req.Header.Set("Content-Type", "text/plain")
			return req
		}, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"form POST", func() *http.Request {
			req := query(`mutation { removeOtherTokens }`)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return req
		}, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"multipart without the preflight header", func() *http.Request {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			_ = mw.WriteField("operations", `{"query":"mutation($f: Upload) { setAvatar(input: {image: $f}) }","variables":{"f":null}}`)
			_ = mw.WriteField("map", `{"0":["variables.f"]}`)
			fw, _ := mw.CreateFormFile("0", "a.png")
			_, _ = fw.Write([]byte("\x89PNG"))
			_ = mw.Close()
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/graphql", &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			return req
		}, 400, "CSRF_PREFLIGHT_REQUIRED"},
		{"foreign origin with credentials", func() *http.Request {
			req := query(`mutation { removeOtherTokens }`)
			req.Header.Set("Origin", "https://evil.example")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			req.Header.Set("Cookie", "rc_token=secret")
			return req
		}, 403, "CROSS_ORIGIN_FORBIDDEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := tt.req()
			for k, v := range creds {
				req.Header.Set(k, v)
			}
			start := time.Now()
			got := hgDo(t, client, req)
			elapsed := time.Since(start)
			assert.Equal(t, tt.status, got.Status, string(got.Body))
			assert.Equal(t, tt.code, got.code(), string(got.Body))
			assert.NotEmpty(t, got.Errors[0].Message)
			assert.Empty(t, got.Header.Get("Access-Control-Allow-Origin"), "no CORS grant by default")
			assert.Less(t, elapsed, time.Second)
		})
	}
	t.Cleanup(func() {
		// After every refusal (subtests done): none reached Rocket.Chat, and the gateway still serves.
		assert.Zero(t, backend.calls.Load(), "refused requests never reach Rocket.Chat")
	})
}

// TestAttacksLeaveGatewayServing: right after an abusive request, a good query works.
func TestAttacksLeaveGatewayServing(t *testing.T) {
	t.Parallel()
	backend := newCountingBackend(t)
	base, _ := startGateway(t, map[string]string{"ROCKETCHAT_URL": backend.URL, "LOG_LEVEL": "error"})
	client := hgClient(t)
	creds := map[string]string{"X-User-Id": "u1", "X-Auth-Token": "tok"}
	got := hgPost(t, client, base, creds, deepQuery(30), nil)
	require.Equal(t, "OPERATION_TOO_DEEP", got.code())
	require.Zero(t, backend.calls.Load())
	got = hgPost(t, client, base, creds, `{ me { username } }`, nil)
	require.Empty(t, got.Errors, string(got.Body))
	assert.Equal(t, "alice", got.Data["me"].(map[string]any)["username"])
	assert.Equal(t, int32(1), backend.calls.Load())
}

// TestIntrospectionOffThroughRun: GRAPHQL_INTROSPECTION=false refuses __schema before any call.
func TestIntrospectionOffThroughRun(t *testing.T) {
	t.Parallel()
	backend := newCountingBackend(t)
	base, _ := startGateway(t, map[string]string{"ROCKETCHAT_URL": backend.URL, "GRAPHQL_INTROSPECTION": "false", "LOG_LEVEL": "error"})
	got := hgPost(t, hgClient(t), base, nil, `{ __schema { queryType { name } } }`, nil)
	assert.Equal(t, "INTROSPECTION_DISABLED", got.code())
	got = hgPost(t, hgClient(t), base, nil, `{ __type(name: "User") { name } }`, nil)
	assert.Equal(t, "INTROSPECTION_DISABLED", got.code())
	// Federation's SDL stays available: a supergraph is composed from it.
	got = hgPost(t, hgClient(t), base, nil, `{ _service { sdl } }`, nil)
	require.Empty(t, got.Errors, string(got.Body))
	assert.Contains(t, got.Data["_service"].(map[string]any)["sdl"], "type User @key")
	assert.Zero(t, backend.calls.Load())
}

// TestCORSThroughRun: no origins by default; the configured allow-list gets CORS grants and
// passes the cross-origin guard; others get neither.
func TestCORSThroughRun(t *testing.T) {
	t.Parallel()
	backend := newCountingBackend(t)
	defaultBase, _ := startGateway(t, map[string]string{"ROCKETCHAT_URL": backend.URL, "LOG_LEVEL": "error"})
	listBase, _ := startGateway(t, map[string]string{"ROCKETCHAT_URL": backend.URL, "LOG_LEVEL": "error",
		"CORS_ALLOWED_ORIGINS": "https://app.example", "CORS_ALLOW_CREDENTIALS": "true"})
	client := hgClient(t)
	preflight := func(base, origin string) hgAnswer {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodOptions, base+"/graphql", nil)
		require.NoError(t, err)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type,x-2fa-code,x-auth-token,x-user-id") // browsers send them sorted, lower-case
		return hgDo(t, client, req)
	}
	tests := []struct {
		name, base, origin string
		allowed            bool
	}{
		{"default: none", defaultBase, "https://app.example", false},
		{"listed origin", listBase, "https://app.example", true},
		{"other origin", listBase, "https://evil.example", false},
		{"lookalike origin", listBase, "https://app.example.evil.example", false},
		{"null origin", listBase, "null", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := preflight(tt.base, tt.origin)
			if !tt.allowed {
				assert.Empty(t, got.Header.Get("Access-Control-Allow-Origin"))
				assert.Empty(t, got.Header.Get("Access-Control-Allow-Credentials"))
			} else {
				assert.Equal(t, tt.origin, got.Header.Get("Access-Control-Allow-Origin"))
				assert.Equal(t, "true", got.Header.Get("Access-Control-Allow-Credentials"))
				allowedHeaders := strings.ToLower(got.Header.Get("Access-Control-Allow-Headers"))
				for _, h := range []string{"x-auth-token", "x-user-id", "x-2fa-code"} {
					assert.Contains(t, allowedHeaders, h)
				}
			}
			// The actual cross-site POST: runs only for the listed origin.
			b, _ := json_(map[string]any{"query": `{ me { username } }`})
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, tt.base+"/graphql", bytes.NewReader(b))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Origin", tt.origin)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			got = hgDo(t, client, req)
			if tt.allowed {
				assert.Equal(t, http.StatusOK, got.Status, string(got.Body))
				assert.Equal(t, tt.origin, got.Header.Get("Access-Control-Allow-Origin"))
			} else {
				assert.Equal(t, http.StatusForbidden, got.Status)
				assert.Equal(t, "CROSS_ORIGIN_FORBIDDEN", got.code())
			}
		})
	}
}

// deepQuery nests me { teams { createdBy { teams ... { id } } } } to depth levels.
func deepQuery(depth int) string {
	var b strings.Builder
	b.WriteString("{ me {")
	for i := 0; i < depth-2; i++ {
		if i%2 == 0 {
			b.WriteString(" teams {")
		} else {
			b.WriteString(" createdBy {")
		}
	}
	b.WriteString(" id")
	b.WriteString(strings.Repeat(" }", depth-1))
	b.WriteString(" }")
	return b.String()
}
