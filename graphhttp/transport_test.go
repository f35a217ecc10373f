package graphhttp_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/graph"
	"github.com/rocketgql/rocketgql/graphhttp"
	"github.com/rocketgql/rocketgql/restclient"
)

// gateway serves the GraphQL layer over these transports in front of a stand-in Rocket.Chat that
// counts its calls and answers users.info with one user.
func gateway(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"success":true,"user":{"_id":"u1","username":"alice","status":"online"}}`))
	}))
	t.Cleanup(backend.Close)
	rc, err := restclient.New(backend.URL)
	require.NoError(t, err)
	t.Cleanup(rc.CloseIdleConnections)
	r, err := graph.NewResolver(graph.ResolverOptions{Users: rc.Users, Moderation: rc.Moderation, Session: rc, AvatarBaseURL: "https://chat.example.com"})
	require.NoError(t, err)
	srv := httptest.NewServer(graph.NewServer(r, graph.ServerOptions{Transports: graphhttp.Transports(1 << 20)}))
	t.Cleanup(srv.Close)
	return srv.URL, &calls
}

type answer struct {
	Status int
	Header http.Header
	Raw    map[string]json.RawMessage
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	}
}

func (a answer) code() string {
	if len(a.Errors) == 0 {
		return ""
	}
	c, _ := a.Errors[0].Extensions["code"].(string)
	return c
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := answer{Status: resp.StatusCode, Header: resp.Header}
	require.NoError(t, json.Unmarshal(body, &out.Raw), string(body))
	require.NoError(t, json.Unmarshal(body, &out), string(body))
	return out
}

func TestRefusalsHaveCodesAndNoData(t *testing.T) {
	t.Parallel()
	base, calls := gateway(t)
	tests := []struct {
		name   string
		body   []byte
		status int
		code   string
	}{
		{"batch", []byte(` [{"query":"{ me { id } }"},{"query":"{ me { id } }"}]`), 400, graphhttp.CodeBatchingNotSupported},
		{"invalid utf-8", []byte("{\"query\":\"{ me { id } }\xff\xfe\"}"), 400, graphhttp.CodeInvalidUTF8},
		{"not json", []byte(`{"query": "{ me { id } }", "variables": {"password": "hunter2"`), 400, graphhttp.CodeBadRequest},
		{"two objects", []byte(`{"query":"{ me { id } }"} {"query":"{ me { id } }"}`), 400, graphhttp.CodeBadRequest},
		{"wrong shape", []byte(`{"query": 5}`), 400, graphhttp.CodeBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base, bytes.NewReader(tt.body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			got := do(t, req)
			assert.Equal(t, tt.status, got.Status)
			assert.Equal(t, tt.code, got.code())
			assert.NotContains(t, got.Raw, "data", "nothing executed: no data entry")
			for _, e := range got.Errors {
				assert.NotContains(t, e.Message, "hunter2", "a refusal never echoes the body")
			}
		})
	}
	assert.Zero(t, calls.Load())
}

func TestRequestErrorStatusFollowsAccept(t *testing.T) {
	t.Parallel()
	base, calls := gateway(t)
	for accept, status := range map[string]int{"application/json": 200, "application/graphql-response+json": 400} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base, bytes.NewReader([]byte(`{"query":"{ me { "}`)))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", accept)
		got := do(t, req)
		assert.Equal(t, status, got.Status, accept)
		assert.Equal(t, accept, got.Header.Get("Content-Type"))
		assert.Equal(t, "GRAPHQL_PARSE_FAILED", got.code())
		assert.NotContains(t, got.Raw, "data")
	}
	assert.Zero(t, calls.Load())
}

func TestGETIsForQueriesOnly(t *testing.T) {
	t.Parallel()
	base, calls := gateway(t)
	get := func(query string) answer {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"?query="+url.QueryEscape(query), nil)
		require.NoError(t, err)
		return do(t, req)
	}
	got := get(`mutation { resetAvatar }`)
	assert.Equal(t, http.StatusMethodNotAllowed, got.Status)
	assert.Equal(t, "POST", got.Header.Get("Allow"))
	assert.Equal(t, graphhttp.CodeMethodNotAllowed, got.code())
	assert.Zero(t, calls.Load())

	got = get(`{ me { id } }`)
	assert.Equal(t, http.StatusOK, got.Status)
	assert.JSONEq(t, `{"me":{"id":"u1"}}`, string(got.Raw["data"]))
	assert.Equal(t, int32(1), calls.Load())
}
