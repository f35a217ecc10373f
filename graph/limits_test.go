package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"

	"github.com/rocketgql/rocketgql/graph"
	"github.com/rocketgql/rocketgql/graphhttp"
	"github.com/rocketgql/rocketgql/restclient"
)

// limitsGateway serves the GraphQL layer with opts in front of a backend that counts every call
// and answers users.info with one user.
func limitsGateway(t *testing.T, opts graph.ServerOptions) (string, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"success":true,"user":{"_id":"u1","username":"alice","status":"online","active":true,"type":"user","roles":["user"]}}`))
	}))
	t.Cleanup(backend.Close)
	rc, err := restclient.New(backend.URL)
	require.NoError(t, err)
	t.Cleanup(rc.CloseIdleConnections)
	r, err := graph.NewResolver(graph.ResolverOptions{Users: rc.Users, Moderation: rc.Moderation, Session: rc, AvatarBaseURL: "https://chat.example.com"})
	require.NoError(t, err)
	opts.Transports = graphhttp.Transports(8 << 20)
	srv := httptest.NewServer(graph.NewServer(r, opts))
	t.Cleanup(srv.Close)
	return srv.URL, &calls
}

type limitsAnswer struct {
	Status int
	Data   map[string]any
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	}
}

func (a limitsAnswer) code() string {
	if len(a.Errors) == 0 {
		return ""
	}
	c, _ := a.Errors[0].Extensions["code"].(string)
	return c
}

func postRaw(t *testing.T, url, ctype string, body []byte) limitsAnswer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", ctype)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out := limitsAnswer{Status: resp.StatusCode}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out
}

func postQuery(t *testing.T, url, query string, vars map[string]any) limitsAnswer {
	t.Helper()
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	return postRaw(t, url, "application/json", b)
}

func nested(depth int) string {
	// me { teams { createdBy { teams { createdBy ... { id } } } } }
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

func TestOperationLimits(t *testing.T) {
	t.Parallel()
	url, calls := limitsGateway(t, graph.ServerOptions{
		Limits: graph.Limits{MaxDepth: 5, MaxComplexity: 20, MaxAliases: 3, MaxRootFields: 4, MaxDirectives: 3, MaxTokens: 200},
	})
	tests := []struct {
		name, query, code string
		vars              map[string]any
	}{
		{"depth at the limit", nested(5), "", nil},
		{"too deep", nested(6), graph.CodeOperationTooDeep, nil},
		{"too deep through a fragment", `{ me { ...T } } fragment T on User { teams { createdBy { teams { createdBy { id } } } } }`, graph.CodeOperationTooDeep, nil},
		{"aliases at the limit", `{ a: me { id } b: me { id } c: me { id } }`, "", nil},
		{"too many aliases", `{ a: me { id } b: me { id } c: me { id } d: me { id } }`, graph.CodeTooManyAliases, nil},
		{"aliases multiplied by fragments", `{ me { ...A ...B } } fragment A on User { x: id y: id } fragment B on User { z: id ...A }`, graph.CodeTooManyAliases, nil},
		{"too many root fields", `{ me { id } serverInfo { version } usernameSuggestion preferences { all } user(id: "u1") { id } }`, graph.CodeTooManyRootFields, nil},
		{"too many directives", `{ me @include(if: true) { id @skip(if: false) username @skip(if: false) name @skip(if: false) } }`, graph.CodeTooManyDirectives, nil},
		{"too many tokens", "{ me { " + strings.Repeat("id ", 300) + "} }", graph.CodeTooManyTokens, nil},
		{"too complex: a page of 30 users with teams", `{ users(first: 30) { nodes { teams { id } } } }`, graph.CodeOperationTooComplex, nil},
		{"too complex through a variable", `query($n: Int) { users(first: $n) { nodes { nickname } } }`, graph.CodeOperationTooComplex, map[string]any{"n": 25}},
		{"complexity within the limit", `query($n: Int) { users(first: $n) { nodes { nickname } } }`, "", map[string]any{"n": 19}},
		{"complexity within the limit, batched presence", `{ users(first: 100) { nodes { id presence { status } } } }`, "", nil},
		{"fragment cycle", `{ me { ...A } } fragment A on User { teams { createdBy { ...B } } } fragment B on User { ...A }`, "GRAPHQL_VALIDATION_FAILED", nil},
		{"introspection off by default in ServerOptions", `{ __schema { queryType { name } } }`, graph.CodeIntrospectionDisabled, nil},
		{"__typename is not introspection", `{ __typename }`, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := postQuery(t, url, tt.query, tt.vars)
			if tt.code == "" {
				// Accepted: it ran (the stand-in backend's one answer may not fit every field).
				assert.Equal(t, http.StatusOK, got.Status, "errors: %+v", got.Errors)
				assert.Contains(t, []string{"", graph.CodeUpstreamError}, got.code())
				return
			}
			assert.Equal(t, tt.code, got.code(), "errors: %+v", got.Errors)
			{
				assert.Equal(t, http.StatusOK, got.Status, "a request error is 200 for application/json clients (GraphQL over HTTP)")
				assert.Nil(t, got.Data)
				if strings.HasPrefix(tt.code, "GRAPHQL_") {
					return
				}
				assert.NotEmpty(t, got.Errors[0].Message)
				if tt.code != graph.CodeIntrospectionDisabled {
					assert.NotNil(t, got.Errors[0].Extensions["limit"])
				}
			}
		})
	}
	// The refusals above ran in parallel with accepted operations; a refused operation alone
	// must not reach the backend.
	before := calls.Load()
	for _, q := range []string{nested(9), `{ a: me { id } b: me { id } c: me { id } d: me { id } }`, `{ users(first: 100) { nodes { teams { id } } } }`} {
		postQuery(t, url, q, nil)
	}
	assert.Equal(t, before, calls.Load(), "refused operations never reach Rocket.Chat")
}

// TestIntrospectionSwitch: off refuses __schema and __type with INTROSPECTION_DISABLED, on answers.
func TestIntrospectionSwitch(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{false, true} {
		t.Run(fmt.Sprint(on), func(t *testing.T) {
			t.Parallel()
			url, _ := limitsGateway(t, graph.ServerOptions{Introspection: on})
			for _, q := range []string{`{ __schema { types { name } } }`, `{ __type(name: "User") { name } }`, `{ ...F } fragment F on Query { __schema { queryType { name } } }`} {
				got := postQuery(t, url, q, nil)
				if on {
					assert.Empty(t, got.Errors, q)
				} else {
					assert.Equal(t, graph.CodeIntrospectionDisabled, got.code(), q)
				}
			}
		})
	}
}

// TestComplexity pins the cost model: the upstream calls each shape of query can cause.
func TestComplexity(t *testing.T) {
	t.Parallel()
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	tests := []struct {
		name, query string
		vars        map[string]any
		want        int
	}{
		{"me", `{ me { id username } }`, nil, 1},
		{"me with teams", `{ me { teams { id createdBy { username } } } }`, nil, 2},
		{"me, teams' creators in full", `{ me { teams { createdBy { nickname } } } }`, nil, 2 + 10},
		{"users list-carried fields", `{ users(first: 50) { nodes { id username presence { status } } } }`, nil, 1},
		{"users default page with a full-record field", `{ users { nodes { id nickname } } }`, nil, 1 + 50},
		{"users nodes and edges both", `{ users(first: 10) { nodes { bio } edges { node { bio } } } }`, nil, 1 + 10 + 10},
		{"users first clamped to 100", `{ users(first: 5000) { nodes { teams { id } } } }`, nil, 1 + 100},
		{"users first from a variable", `query($n: Int) { users(first: $n) { nodes { teams { id } } } }`, map[string]any{"n": 7}, 1 + 7},
		{"same field twice merges", `{ me { teams { id } teams { name } } }`, nil, 2},
		{"aliases do not merge", `{ a: me { id } b: me { id } }`, nil, 2},
		{"fragments merge", `{ me { ...F ...F teams { id } } } fragment F on User { teams { name } }`, nil, 2},
		{"presences by ids", `{ presences(ids: ["a", "b"]) { users { user { nickname } } } }`, nil, 1 + 2},
		{"search", `{ searchUsers(term: "a") { id teams { id } } }`, nil, 1 + 10},
		{"introspection is free", `{ __typename }`, nil, 0},
		{"mutation", `mutation { resetAvatar }`, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, errs := gqlparser.LoadQuery(schema, tt.query)
			require.Empty(t, errs)
			op := &graphql.OperationContext{Operation: doc.Operations[0], Variables: tt.vars}
			assert.Equal(t, tt.want, graph.Complexity(op))
		})
	}
}

// TestLimitsCheapOnHugeDocuments: a fragment fan-out that would expand to 2^40 fields is measured
// in linear time and refused.
func TestLimitsCheapOnHugeDocuments(t *testing.T) {
	t.Parallel()
	url, calls := limitsGateway(t, graph.ServerOptions{})
	var b strings.Builder
	b.WriteString("{ me { ...F0 } }\n")
	for i := range 40 {
		fmt.Fprintf(&b, "fragment F%d on User { a%d: id ...F%d ...F%d }\n", i, i, i+1, i+1)
	}
	b.WriteString("fragment F40 on User { id }")
	got := postQuery(t, url, b.String(), nil)
	assert.Equal(t, graph.CodeTooManyAliases, got.code())
	assert.Contains(t, got.Errors[0].Message, "more than")
	assert.Zero(t, calls.Load())
	_ = context.Background
}
