package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/graph"
	"github.com/rocketgql/rocketgql/graphhttp"
	"github.com/rocketgql/rocketgql/middleware"
	"github.com/rocketgql/rocketgql/restclient"
)

// gateway is the GraphQL layer served over real HTTP in front of a real HTTP backend.
type gateway struct {
	URL string
}

func newGateway(t testing.TB, backendURL string, loaders graph.LoaderConfig) *gateway {
	t.Helper()
	rc, err := restclient.New(backendURL, restclient.WithCredentials(func(ctx context.Context) (restclient.Credentials, bool) {
		c, ok := middleware.CredentialsFrom(ctx)
		return restclient.Credentials{UserID: c.UserID, AuthToken: c.AuthToken}, ok
	}))
	require.NoError(t, err)
	r, err := graph.NewResolver(graph.ResolverOptions{
		Users: rc.Users, Moderation: rc.Moderation, Session: rc,
		AvatarBaseURL: "https://chat.example.com",
		Caller: func(ctx context.Context) graph.Caller {
			c, _ := middleware.CredentialsFrom(ctx)
			return graph.Caller{UserID: c.UserID, TwoFactorCode: c.TwoFactorCode, TwoFactorMethod: c.TwoFactorMethod}
		},
		Loaders: loaders,
	})
	require.NoError(t, err)
	srv := httptest.NewServer(middleware.Auth(graph.NewServer(r, graph.ServerOptions{Introspection: true, Transports: graphhttp.Transports(8 << 20)})))
	t.Cleanup(srv.Close)
	return &gateway{URL: srv.URL}
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Data   map[string]any `json:"data"`
	Errors []gqlError     `json:"errors"`
}

// do posts one GraphQL request with the given headers.
func (g *gateway) do(t testing.TB, headers map[string]string, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, g.URL, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out gqlResponse
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out
}

// recordingBackend is a stand-in Rocket.Chat whose answer per path the test sets; it counts and
// records every call.
type recordingBackend struct {
	*httptest.Server
	mu      sync.Mutex
	calls   map[string]int
	headers []http.Header
	routes  map[string]http.HandlerFunc
}

func newRecordingBackend(t testing.TB, routes map[string]http.HandlerFunc) *recordingBackend {
	b := &recordingBackend{calls: map[string]int{}, routes: routes}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		b.calls[r.URL.Path]++
		b.headers = append(b.headers, r.Header.Clone())
		h := b.routes[r.URL.Path]
		b.mu.Unlock()
		if h == nil {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		h(w, r)
	}))
	t.Cleanup(b.Close)
	return b
}

func (b *recordingBackend) total() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, c := range b.calls {
		n += c
	}
	return n
}

func (b *recordingBackend) count(path string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.calls[path]
}

func jsonAnswer(status int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}
