package emulator_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/emulator"
)

// testEnv is one emulator behind a real loopback HTTP server, with logged-in demo accounts.
type testEnv struct {
	t    *testing.T
	srv  *emulator.Server
	base string
	ids  map[string]string // username → user id
	toks map[string]string // username → auth token
}

func newEnv(t *testing.T, opts emulator.Options) *testEnv {
	t.Helper()
	if opts.Users == 0 {
		opts.Users = 60
	}
	srv := emulator.New(opts)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	srv.SetSiteURL(ts.URL)
	e := &testEnv{t: t, srv: srv, base: ts.URL, ids: map[string]string{}, toks: map[string]string{}}
	for _, name := range []string{"admin", "demo", "totp", "rocket.cat"} {
		id, tok, err := srv.IssueLoginToken(name)
		require.NoError(t, err)
		e.ids[name], e.toks[name] = id, tok
	}
	return e
}

// apiResp is a decoded response.
type apiResp struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   map[string]any
}

// reqOpt adjusts a request before it is sent.
type reqOpt func(*http.Request)

func with2FA(code, method string) reqOpt {
	return func(r *http.Request) {
		r.Header.Set("x-2fa-code", code)
		if method != "" {
			r.Header.Set("x-2fa-method", method)
		}
	}
}

func withHeader(k, v string) reqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }

// call sends method path (with query already in path) as user ("" = anonymous) with a JSON body
// (nil = none). Redirects are not followed.
func (e *testEnv) call(method, path, as string, body any, opts ...reqOpt) apiResp {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		if raw, ok := body.(string); ok {
			rd = bytes.NewBufferString(raw)
		} else {
			b, err := json.Marshal(body)
			require.NoError(e.t, err)
			rd = bytes.NewReader(b)
		}
	}
	req, err := http.NewRequestWithContext(e.t.Context(), method, e.base+path, rd)
	require.NoError(e.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if as != "" {
		req.Header.Set("X-User-Id", e.ids[as])
		req.Header.Set("X-Auth-Token", e.toks[as])
	}
	for _, o := range opts {
		o(req)
	}
	return doRaw(e.t, req)
}

func doRaw(t *testing.T, req *http.Request) apiResp {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := apiResp{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	_ = json.Unmarshal(raw, &out.Body)
	return out
}

func (e *testEnv) get(path, as string, q url.Values, opts ...reqOpt) apiResp {
	e.t.Helper()
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return e.call(http.MethodGet, path, as, nil, opts...)
}

func (e *testEnv) post(path, as string, body any, opts ...reqOpt) apiResp {
	e.t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	return e.call(http.MethodPost, path, as, body, opts...)
}

// login logs in through POST /api/v1/login and remembers the token under the username.
func (e *testEnv) login(username, password string) apiResp {
	e.t.Helper()
	r := e.call(http.MethodPost, "/api/v1/login", "", map[string]any{"user": username, "password": password})
	if r.Status == http.StatusOK {
		data := r.Body["data"].(map[string]any)
		e.ids[username], e.toks[username] = data["userId"].(string), data["authToken"].(string)
	}
	return r
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// pw2FA is the password-method 2FA headers for the demo password.
func pw2FA() reqOpt { return with2FA(sha(emulator.DemoPassword), "password") }

func users(r apiResp) []map[string]any {
	arr, _ := r.Body["users"].([]any)
	out := make([]map[string]any, 0, len(arr))
	for _, x := range arr {
		out = append(out, x.(map[string]any))
	}
	return out
}
