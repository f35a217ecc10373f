package graph_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/graph"
)

// TestMalformedEntityRepresentations: what a federation gateway sends is input, so a malformed
// representation is BAD_USER_INPUT (not INTERNAL) and costs no REST call.
func TestMalformedEntityRepresentations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		reps any
	}{
		{"no key", []any{map[string]any{"__typename": "User"}}},
		{"unknown type", []any{map[string]any{"__typename": "Nope", "id": "x"}}},
		{"not an object", []any{1}},
		{"id not a string", []any{map[string]any{"__typename": "User", "id": []any{"a", "b"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			backend := newRecordingBackend(t, nil)
			gw := newGateway(t, backend.URL, graph.LoaderConfig{})
			resp := gw.do(t, creds, `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }`, map[string]any{"r": tt.reps})
			require.NotEmpty(t, resp.Errors)
			for _, e := range resp.Errors {
				assert.Equal(t, graph.CodeBadUserInput, e.Extensions["code"], e.Message)
				assert.NotContains(t, e.Message, "interface")
			}
			assert.Zero(t, backend.total())
		})
	}
}

// TestLoginWording: login's refusals say what a person logging in needs to hear, and a second
// login in one request is refused before any call (aliases would multiply password guesses).
func TestLoginWording(t *testing.T) {
	t.Parallel()
	backend := newRecordingBackend(t, map[string]http.HandlerFunc{
		"/api/v1/login": jsonAnswer(401, `{"status":"error","error":"Unauthorized","message":"Unauthorized"}`),
	})
	gw := newGateway(t, backend.URL, graph.LoaderConfig{})
	resp := gw.do(t, nil, `mutation { login(user: "demo", password: "nope") { userId } }`, nil)
	require.Len(t, resp.Errors, 1)
	assert.Equal(t, graph.CodeUnauthenticated, resp.Errors[0].Extensions["code"])
	assert.Equal(t, "wrong user or password", resp.Errors[0].Message)

	before := backend.total()
	resp = gw.do(t, nil, `mutation { a: login(user: "demo", password: "x1") { userId } b: login(user: "demo", password: "x2") { userId } }`, nil)
	require.NotEmpty(t, resp.Errors)
	for _, e := range resp.Errors {
		assert.Equal(t, graph.CodeBadUserInput, e.Extensions["code"])
		assert.Contains(t, e.Message, "one login per request")
	}
	assert.Equal(t, before, backend.total(), "no login call was made")
}
