package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// countingBackend is a stand-in Rocket.Chat that counts every call and answers users.info (and
// login) with a user, or whatever fault the test sets.
type countingBackend struct {
	*httptest.Server
	calls atomic.Int32
	mu    sync.Mutex
	fault http.HandlerFunc // nil: healthy
}

const hgUserJSON = `{"_id":"u1","username":"alice","name":"Alice","status":"online","active":true,"type":"user","roles":["user"]}`

func newCountingBackend(t *testing.T) *countingBackend {
	t.Helper()
	b := &countingBackend{}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.calls.Add(1)
		b.mu.Lock()
		fault := b.fault
		b.mu.Unlock()
		if fault != nil {
			fault(w, r)
			return
		}
		hgHealthy(w, r)
	}))
	t.Cleanup(b.Close)
	return b
}

func (b *countingBackend) setFault(f http.HandlerFunc) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fault = f
}

// hgHealthy answers like a healthy Rocket.Chat with one user, alice.
func hgHealthy(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.HasSuffix(r.URL.Path, "/users.list"), strings.HasSuffix(r.URL.Path, "/users.listByStatus"):
		_, _ = io.WriteString(w, `{"success":true,"users":[`+hgUserJSON+`],"count":1,"offset":0,"total":1}`)
	case strings.HasSuffix(r.URL.Path, "/api/info"):
		_, _ = io.WriteString(w, `{"success":true,"version":"7.0.0"}`)
	default:
		_, _ = io.WriteString(w, `{"success":true,"user":`+hgUserJSON+`}`)
	}
}

// hgAnswer is what a raw request got back.
type hgAnswer struct {
	Status int
	Header http.Header
	Body   []byte
	Data   map[string]any
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	}
}

func (a hgAnswer) code() string {
	if len(a.Errors) == 0 {
		return ""
	}
	c, _ := a.Errors[0].Extensions["code"].(string)
	return c
}

// hgClient is a client whose connections the test closes (goleak).
func hgClient(t *testing.T) *http.Client {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func hgDo(t *testing.T, c *http.Client, req *http.Request) hgAnswer {
	t.Helper()
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := hgAnswer{Status: resp.StatusCode, Header: resp.Header, Body: body}
	if len(body) > 0 && body[0] == '{' {
		require.NoError(t, json.Unmarshal(body, &a), string(body))
	}
	return a
}

func hgPost(t *testing.T, c *http.Client, base string, headers map[string]string, query string, vars map[string]any) hgAnswer {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/graphql", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return hgDo(t, c, req)
}

func json_(v any) ([]byte, error) { return json.Marshal(v) }
