package graph_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/graph"
)

var creds = map[string]string{"X-User-Id": "u1", "X-Auth-Token": "secret-token-u1"}

// TestUpstreamErrorsMapToCodes drives every class of Rocket.Chat failure through a real backend
// and checks the GraphQL error code, its extensions, and that the message leaks nothing.
func TestUpstreamErrorsMapToCodes(t *testing.T) {
	t.Parallel()
	reset := time.Now().Add(30 * time.Second).UnixMilli()
	tests := []struct {
		name    string
		answer  http.HandlerFunc
		code    string
		ext     map[string]any
		message string
	}{
		{"401", jsonAnswer(401, `{"success":false,"error":"You must be logged in to do this."}`), graph.CodeUnauthenticated, nil, "authentication required"},
		{"403", jsonAnswer(403, `{"success":false,"error":"User does not have the permissions required for this action [error-forbidden]"}`), graph.CodeForbidden, nil, "User does not have the permissions required for this action"},
		{"400 not allowed", jsonAnswer(400, `{"success":false,"error":"Not allowed [error-action-not-allowed]","errorType":"error-action-not-allowed"}`), graph.CodeForbidden, map[string]any{"upstreamErrorType": "error-action-not-allowed"}, "Not allowed"},
		{"user not found", jsonAnswer(400, `{"success":false,"error":"User not found."}`), graph.CodeNotFound, nil, "User not found."},
		{"invalid user", jsonAnswer(400, `{"success":false,"error":"The required \"userId\" or \"username\" param provided does not match any users [error-invalid-user]","errorType":"error-invalid-user"}`), graph.CodeNotFound, map[string]any{"upstreamErrorType": "error-invalid-user"}, "does not match any users"},
		{"other 400", jsonAnswer(400, `{"success":false,"error":"Invalid sort parameter provided: \"x\" [error-invalid-sort]","errorType":"error-invalid-sort"}`), graph.CodeBadUserInput, map[string]any{"upstreamErrorType": "error-invalid-sort"}, "Invalid sort parameter"},
		{"2fa required", jsonAnswer(400, `{"success":false,"error":"TOTP Required [totp-required]","errorType":"totp-required","details":{"method":"password","codeGenerated":false,"availableMethods":["password"]}}`),
			graph.CodeTwoFactorRequired, map[string]any{"method": "password", "availableMethods": []any{"password"}, "upstreamErrorType": "totp-required"}, "two-factor authentication required"},
		{"2fa invalid", jsonAnswer(400, `{"success":false,"error":"TOTP Invalid [totp-invalid]","errorType":"totp-invalid","details":{"method":"totp"}}`), graph.CodeTwoFactorInvalid, map[string]any{"method": "totp"}, "invalid"},
		{"429", jsonAnswer(429, `{"success":false,"error":"Error, too many requests. Please slow down. You must wait 30 seconds before trying this endpoint again. [error-too-many-requests]"}`, "X-RateLimit-Reset", strconv.FormatInt(reset, 10)), graph.CodeRateLimited, nil, "rate limit"},
		{"500", jsonAnswer(500, `{"success":false,"error":"Internal server error at /srv/app.js:12"}`), graph.CodeUpstreamError, nil, "Rocket.Chat failed"},
		{"502 html", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			_, _ = w.Write([]byte("<html>bad gateway</html>"))
		}, graph.CodeUpstreamUnavailable, nil, ""},
		{"503", jsonAnswer(503, `{"success":false,"error":"unavailable"}`), graph.CodeUpstreamUnavailable, nil, "unavailable"},
		{"200 not json", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("hello")) }, graph.CodeUpstreamError, nil, "could not read"},
		{"200 truncated", jsonAnswer(200, `{"user":{"_id":"u2","username":"ja`), graph.CodeUpstreamError, nil, "could not read"},
		{"200 oversized", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"user":{"_id":"u2","bio":"` + strings.Repeat("x", 9<<20) + `"},"success":true}`))
		}, graph.CodeUpstreamError, nil, "could not read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			backend := newRecordingBackend(t, map[string]http.HandlerFunc{"/api/v1/users.info": tt.answer})
			gw := newGateway(t, backend.URL, graph.LoaderConfig{UserLookup: graph.LookupFanOut})
			resp := gw.do(t, creds, `{ user(id: "u2") { id username } }`, nil)
			require.Len(t, resp.Errors, 1, "errors: %+v", resp.Errors)
			e := resp.Errors[0]
			assert.Equal(t, tt.code, e.Extensions["code"])
			for k, v := range tt.ext {
				assert.Equal(t, v, e.Extensions[k], "extension %s", k)
			}
			if tt.code == graph.CodeRateLimited {
				secs, ok := e.Extensions["retryAfterSeconds"].(float64)
				require.True(t, ok, "retryAfterSeconds: %v", e.Extensions)
				assert.True(t, secs >= 1 && secs <= 30, "retryAfterSeconds %v", secs)
			}
			assert.Contains(t, e.Message, tt.message)
			assert.NotContains(t, e.Message, "secret-token-u1")
			assert.NotContains(t, e.Message, "/srv/app.js")
			assert.NotContains(t, e.Message, "127.0.0.1")
			assert.Equal(t, []any{"user"}, e.Path)
			assert.Nil(t, resp.Data["user"])
		})
	}
}

func TestUnreachableBackendIsUpstreamUnavailable(t *testing.T) {
	t.Parallel()
	backend := newRecordingBackend(t, nil)
	url := backend.URL
	backend.Close()
	gw := newGateway(t, url, graph.LoaderConfig{UserLookup: graph.LookupFanOut})
	resp := gw.do(t, creds, `{ me { id } }`, nil)
	require.Len(t, resp.Errors, 1)
	assert.Equal(t, graph.CodeUpstreamUnavailable, resp.Errors[0].Extensions["code"])
	assert.NotContains(t, resp.Errors[0].Message, strings.TrimPrefix(url, "http://"))
}

// TestBadArgumentsCostNoCall checks that the gateway refuses bad input itself.
func TestBadArgumentsCostNoCall(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, query string }{
		{"user with both", `{ user(id: "a", username: "b") { id } }`},
		{"user with neither", `{ user { id } }`},
		{"user with empty id", `{ user(id: "") { id } }`},
		{"negative first", `{ users(first: -1) { totalCount } }`},
		{"bad cursor", `{ users(after: "nope") { totalCount } }`},
		{"bad date", `{ presences(since: "yesterday") { full } }`},
		{"setStatus without anything", `mutation { setStatus }`},
		{"preferences not an object", `mutation { setPreferences(preferences: [1, 2]) { language } }`},
		{"avatar url not http", `mutation { setAvatar(input: {avatarUrl: "file:///etc/passwd"}) }`},
		{"outsized username", `{ user(username: "` + strings.Repeat("a", 300) + `") { id } }`},
		{"outsized search term", `{ users(filter: {searchTerm: "` + strings.Repeat("a", 300) + `"}) { totalCount } }`},
		{"too many roles", `{ users(filter: {roles: [` + strings.Repeat(`"r",`, 101) + `]}) { totalCount } }`},
		{"outsized availability check", `{ usernameAvailable(username: "` + strings.Repeat("a", 300) + `") }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			backend := newRecordingBackend(t, nil)
			gw := newGateway(t, backend.URL, graph.LoaderConfig{})
			resp := gw.do(t, creds, tt.query, nil)
			require.NotEmpty(t, resp.Errors)
			assert.Equal(t, graph.CodeBadUserInput, resp.Errors[0].Extensions["code"], fmt.Sprintf("%+v", resp.Errors))
			assert.Zero(t, backend.total(), "backend calls")
		})
	}
}
