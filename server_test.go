package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/emulator"
)

// lockedBuffer collects run()'s output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var listeningLine = regexp.MustCompile(`rocketgql listening on (http://\S+)`)

// startGateway runs the whole program on a loopback port and returns its base URL and output.
func startGateway(t *testing.T, env map[string]string, args ...string) (string, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	done := make(chan error, 1)
	getenv := func(k string) string { return env[k] }
	go func() {
		done <- run(ctx, append([]string{"rocketgql", "-listen", "127.0.0.1:0"}, args...), getenv, out)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err, "run returned an error on shutdown")
		case <-time.After(20 * time.Second):
			t.Error("run did not return after its context was cancelled")
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		// The banner is several writes: on the emulator, wait for its last line, the demo headers.
		text := out.String()
		onEmulator := env["ROCKETCHAT_URL"] == "" && !slices.Contains(args, "-rocketchat-url")
		if m := listeningLine.FindStringSubmatch(text); m != nil && (!onEmulator || strings.Contains(text, "demo headers (demo): ")) {
			return m[1], out
		}
		select {
		case err := <-done:
			t.Fatalf("run stopped early: %v\n%s", err, out.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("gateway did not start:\n%s", out.String())
	return "", nil
}

type result struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func post(t *testing.T, base string, headers map[string]string, query string, vars map[string]any) result {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var r result
	require.NoError(t, json.Unmarshal(raw, &r), string(raw))
	return r
}

// TestEndToEndOnEmulator is the product path: the binary's run() on the embedded emulator, a
// login through GraphQL, `me`, a page of users with presence, and a two-factor protected mutation
// through the challenge-and-retry flow.
func TestEndToEndOnEmulator(t *testing.T) {
	t.Parallel()
	base, out := startGateway(t, nil)
	assert.Contains(t, out.String(), `demo headers (admin): {"X-Auth-Token":`)

	login := post(t, base, nil, `mutation($u: String!, $p: String!) { login(user: $u, password: $p) { userId authToken me { username roles } } }`,
		map[string]any{"u": "admin", "p": "demo1234"})
	require.Empty(t, login.Errors)
	auth := login.Data["login"].(map[string]any)
	assert.Equal(t, map[string]any{"username": "admin", "roles": []any{"admin", "user"}}, auth["me"])
	headers := map[string]string{"X-User-Id": auth["userId"].(string), "X-Auth-Token": auth["authToken"].(string)}

	me := post(t, base, headers, `{ me { id username name presence { status } } }`, nil)
	require.Empty(t, me.Errors)
	assert.Equal(t, auth["userId"], me.Data["me"].(map[string]any)["id"])
	assert.Equal(t, "admin", me.Data["me"].(map[string]any)["username"])

	page := post(t, base, headers, `{ users(first: 50) { totalCount nodes { id username presence { status } } pageInfo { hasNextPage endCursor } } }`, nil)
	require.Empty(t, page.Errors)
	users := page.Data["users"].(map[string]any)
	assert.Greater(t, users["totalCount"].(float64), 200.0)
	nodes := users["nodes"].([]any)
	require.Len(t, nodes, 50)
	statuses := map[string]bool{}
	for _, n := range nodes {
		statuses[n.(map[string]any)["presence"].(map[string]any)["status"].(string)] = true
	}
	assert.Greater(t, len(statuses), 1, "demo data has varied statuses: %v", statuses)
	assert.Equal(t, true, users["pageInfo"].(map[string]any)["hasNextPage"])

	// users.update is two-factor protected: first the challenge, then the retry with the code.
	target := nodes[10].(map[string]any)["id"].(string)
	update := `mutation($id: ID!, $tf: TwoFactorInput) { updateUser(input: {userId: $id, nickname: "renamed"}, twoFactor: $tf) { id nickname } }`
	challenge := post(t, base, headers, update, map[string]any{"id": target})
	require.Len(t, challenge.Errors, 1)
	ext := challenge.Errors[0].Extensions
	assert.Equal(t, "TWO_FACTOR_REQUIRED", ext["code"])
	assert.Equal(t, "password", ext["method"])
	// Rocket.Chat lists only the methods a user enabled (TOTP, email); the password fallback is not one.
	assert.Equal(t, []any{}, ext["availableMethods"])

	wrong := post(t, base, headers, update, map[string]any{"id": target, "tf": map[string]any{"code": "not-it", "method": "PASSWORD"}})
	require.Len(t, wrong.Errors, 1)
	assert.Equal(t, "TWO_FACTOR_INVALID", wrong.Errors[0].Extensions["code"])

	ok := post(t, base, headers, update, map[string]any{"id": target, "tf": map[string]any{"code": "demo1234", "method": "PASSWORD"}})
	require.Empty(t, ok.Errors)
	assert.Equal(t, map[string]any{"id": target, "nickname": "renamed"}, ok.Data["updateUser"])

	// The same retry through the X-2fa-* headers instead of the argument.
	withHeaders := map[string]string{"X-2fa-Code": "demo1234", "X-2fa-Method": "password"}
	for k, v := range headers {
		withHeaders[k] = v
	}
	again := post(t, base, withHeaders, `mutation($id: ID!) { updateUser(input: {userId: $id, bio: "set via headers"}) { bio } }`, map[string]any{"id": target})
	require.Empty(t, again.Errors)
	assert.Equal(t, "set via headers", again.Data["updateUser"].(map[string]any)["bio"])

	read := post(t, base, headers, `query($id: ID!) { user(id: $id) { nickname bio } }`, map[string]any{"id": target})
	require.Empty(t, read.Errors)
	assert.Equal(t, map[string]any{"nickname": "renamed", "bio": "set via headers"}, read.Data["user"])
}

// TestRolesOnEmulator: an ordinary user is refused admin-only mutations, the admin is not.
func TestRolesOnEmulator(t *testing.T) {
	t.Parallel()
	base, out := startGateway(t, nil)
	headersOf := func(name string) map[string]string {
		sc := bufio.NewScanner(strings.NewReader(out.String()))
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "demo headers ("+name+"): "); ok {
				var h map[string]string
				require.NoError(t, json.Unmarshal([]byte(rest), &h))
				return h
			}
		}
		t.Fatalf("no demo headers for %s in:\n%s", name, out.String())
		return nil
	}
	create := `mutation($u: String!) { createUser(input: {email: "x@example.com", name: "X Y", password: "pw-12345", username: $u}) { username } }`
	denied := post(t, base, headersOf("demo"), create, map[string]any{"u": "made.by.demo"})
	require.Len(t, denied.Errors, 1)
	assert.Equal(t, "FORBIDDEN", denied.Errors[0].Extensions["code"])

	allowed := post(t, base, headersOf("admin"), create, map[string]any{"u": "made.by.admin"})
	require.Empty(t, allowed.Errors)
	assert.Equal(t, map[string]any{"username": "made.by.admin"}, allowed.Data["createUser"])

	// One failing root field keeps its siblings: the client learns the status write happened.
	mixed := post(t, base, headersOf("demo"), `mutation { setStatus(status: BUSY) deleteUser(username: "admin") }`, nil)
	assert.Equal(t, map[string]any{"setStatus": true, "deleteUser": nil}, mixed.Data)
	require.Len(t, mixed.Errors, 1)
	assert.Equal(t, "FORBIDDEN", mixed.Errors[0].Extensions["code"])

	anonymous := post(t, base, nil, `{ me { id } }`, nil)
	require.Len(t, anonymous.Errors, 1)
	assert.Equal(t, "UNAUTHENTICATED", anonymous.Errors[0].Extensions["code"])
}

func TestListenDefaultsToLoopbackOnEmulator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"emulator", nil, "127.0.0.1:8080"},
		{"real server", map[string]string{"ROCKETCHAT_URL": "https://chat.example.com"}, ":8080"},
		{"explicit", map[string]string{"LISTEN_ADDR": "0.0.0.0:9000"}, "0.0.0.0:9000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := loadConfig(nil, func(k string) string { return tt.env[k] }, io.Discard)
			require.NoError(t, err)
			assert.Equal(t, tt.want, cfg.ListenAddr)
		})
	}
}

func TestUnservedMethodsGetACode(t *testing.T) {
	t.Parallel()
	base, _ := startGateway(t, nil)
	for _, method := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete} {
		req, err := http.NewRequest(method, base+"/graphql", strings.NewReader(`{"query":"{ me { id } }"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var body result
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		resp.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, method)
		require.Len(t, body.Errors, 1)
		assert.Equal(t, "METHOD_NOT_ALLOWED", body.Errors[0].Extensions["code"], method)
	}
}

// TestLoginWithTOTP: the two-factor code of a login comes from its code argument or the X-2fa-Code
// header, and the challenge says so.
func TestLoginWithTOTP(t *testing.T) {
	t.Parallel()
	base, _ := startGateway(t, nil)
	const login = `mutation { login(user: "totp", password: "demo1234") { me { username } } }`
	challenge := post(t, base, nil, login, nil)
	require.Len(t, challenge.Errors, 1)
	assert.Equal(t, "TWO_FACTOR_REQUIRED", challenge.Errors[0].Extensions["code"])
	assert.Contains(t, challenge.Errors[0].Message, "retry login with the code argument")

	code, err := emulator.TOTPCode(emulator.TOTPSecret, time.Now())
	require.NoError(t, err)
	viaHeader := post(t, base, map[string]string{"X-2fa-Code": code, "X-2fa-Method": "totp"}, login, nil)
	require.Empty(t, viaHeader.Errors)
	assert.Equal(t, map[string]any{"me": map[string]any{"username": "totp"}}, viaHeader.Data["login"])
}
