package graph_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/rocketgql/rocketgql/emulator"
	"github.com/rocketgql/rocketgql/graph"
)

// The root-field tests run every Query and Mutation root field through the whole stack: GraphQL
// over HTTP → gateway → restclient → the real emulator over HTTP. Each case gets a fresh emulator
// (state changes stay inside the case) and asserts real values, usually the effect of a write as
// seen by a later read.

const (
	// rfSecret is the emulator's CREATE_TOKENS_FOR_USERS_SECRET.
	rfSecret = "s3cret"
	// rfGenerated is the number of generated users besides admin, demo, totp and rocket.cat.
	rfGenerated = 30
	rfTotal     = rfGenerated + 4
)

// rfNow is the emulator's fixed clock: TOTP codes, token lifetimes, presence deltas, idle days and
// export windows all follow from it, so nothing depends on when the test runs.
var rfNow = time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)

// upstreamCall is one request the gateway sent to Rocket.Chat.
type upstreamCall struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
}

// upstreamRecorder records every request before handing it to the emulator.
type upstreamRecorder struct {
	next  http.Handler
	mu    sync.Mutex
	calls []upstreamCall
}

func (r *upstreamRecorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.calls = append(r.calls, upstreamCall{Method: req.Method, Path: req.URL.Path, Query: req.URL.Query(), Header: req.Header.Clone()})
	r.mu.Unlock()
	r.next.ServeHTTP(w, req)
}

// mark is the number of calls so far; since(mark) returns the calls made after it.
func (r *upstreamRecorder) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

func (r *upstreamRecorder) since(n int) []upstreamCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls[n:])
}

func paths(calls []upstreamCall) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.Method + " " + c.Path
	}
	return out
}

// session is a logged-in demo account.
type session struct {
	ID      string
	Headers map[string]string
}

func (s session) withToken(token string) map[string]string {
	return map[string]string{"X-User-Id": s.ID, "X-Auth-Token": token}
}

// rootCoverage collects the root fields of operations that answered without any error.
type rootCoverage struct {
	schema *ast.Schema
	mu     sync.Mutex
	seen   map[string]bool
	ran    atomic.Int32
}

func newRootCoverage() *rootCoverage {
	return &rootCoverage{schema: graph.NewExecutableSchema(graph.Config{}).Schema(), seen: map[string]bool{}}
}

func (c *rootCoverage) add(t *testing.T, query string) {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(c.schema, query)
	require.Empty(t, errs, "query: %s", query)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, op := range doc.Operations {
		root := "Query"
		if op.Operation == ast.Mutation {
			root = "Mutation"
		}
		for _, sel := range op.SelectionSet {
			if f, ok := sel.(*ast.Field); ok {
				c.seen[root+"."+f.Name] = true
			}
		}
	}
}

// missing lists the schema's root fields no successful operation used.
func (c *rootCoverage) missing() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, def := range []*ast.Definition{c.schema.Query, c.schema.Mutation} {
		for _, f := range def.Fields {
			if !strings.HasPrefix(f.Name, "__") && !c.seen[def.Name+"."+f.Name] {
				out = append(out, def.Name+"."+f.Name)
			}
		}
	}
	return out
}

// rcEnv is one fresh emulator behind a recorder, the gateway in front of it, and a login token
// for each demo account.
type rcEnv struct {
	gw                *gateway
	emu               *emulator.Server
	rec               *upstreamRecorder
	backend           string
	cov               *rootCoverage
	admin, demo, totp session
}

func newRCEnv(t *testing.T, cov *rootCoverage) *rcEnv {
	t.Helper()
	emu := emulator.New(emulator.Options{CreateTokensSecret: rfSecret, Users: rfGenerated, Now: func() time.Time { return rfNow }})
	rec := &upstreamRecorder{next: emu}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	e := &rcEnv{emu: emu, rec: rec, backend: srv.URL, cov: cov}
	e.gw = newGateway(t, srv.URL, graph.LoaderConfig{})
	e.admin, e.demo, e.totp = e.issue(t, "admin"), e.issue(t, "demo"), e.issue(t, "totp")
	return e
}

// issue gives a new login token of a demo account, as a successful login would.
func (e *rcEnv) issue(t *testing.T, username string) session {
	t.Helper()
	id, token, err := e.emu.IssueLoginToken(username)
	require.NoError(t, err)
	return session{ID: id, Headers: map[string]string{"X-User-Id": id, "X-Auth-Token": token}}
}

func (e *rcEnv) do(t *testing.T, headers map[string]string, query string, vars map[string]any) gqlResponse {
	t.Helper()
	resp := e.gw.do(t, headers, query, vars)
	if e.cov != nil && len(resp.Errors) == 0 {
		e.cov.add(t, query)
	}
	return resp
}

// ok runs an operation that must answer without errors and returns its data.
func (e *rcEnv) ok(t *testing.T, headers map[string]string, query string, vars map[string]any) map[string]any {
	t.Helper()
	resp := e.do(t, headers, query, vars)
	require.Empty(t, resp.Errors, "query: %s", query)
	return resp.Data
}

// fails runs an operation that must answer exactly one error with the given code; it returns
// the whole response.
func (e *rcEnv) fails(t *testing.T, headers map[string]string, code, query string, vars map[string]any) gqlResponse {
	t.Helper()
	resp := e.do(t, headers, query, vars)
	require.Len(t, resp.Errors, 1, "query: %s errors: %+v", query, resp.Errors)
	require.Equal(t, code, resp.Errors[0].Extensions["code"], "message: %s", resp.Errors[0].Message)
	return resp
}

// upload sends an operation with one file through the GraphQL multipart request specification.
func (e *rcEnv) upload(t *testing.T, headers map[string]string, query, variable, filename, contentType string, data []byte) gqlResponse {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	ops, err := json.Marshal(map[string]any{"query": query, "variables": map[string]any{variable: nil}})
	require.NoError(t, err)
	require.NoError(t, mw.WriteField("operations", string(ops)))
	require.NoError(t, mw.WriteField("map", `{"0": ["variables.`+variable+`"]}`))
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="0"; filename="`+filename+`"`)
	h.Set("Content-Type", contentType)
	part, err := mw.CreatePart(h)
	require.NoError(t, err)
	_, err = part.Write(data)
	require.NoError(t, err)
	require.NoError(t, mw.Close())

	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.gw.URL, &body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("GraphQL-Require-Preflight", "1")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out gqlResponse
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	if e.cov != nil && len(out.Errors) == 0 {
		e.cov.add(t, query)
	}
	return out
}

// at walks decoded JSON by map keys and slice indexes.
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			require.True(t, ok, "at %q: %T is not an object", k, v)
			v = m[k]
		case int:
			s, ok := v.([]any)
			require.True(t, ok, "at [%d]: %T is not a list", k, v)
			require.Less(t, k, len(s))
			v = s[k]
		}
	}
	return v
}

// column collects one key of every object of a list.
func column(t *testing.T, list any, key string) []any {
	t.Helper()
	items, ok := list.([]any)
	require.True(t, ok, "%T is not a list", list)
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = at(t, it, key)
	}
	return out
}

func strs(t *testing.T, vs []any) []string {
	t.Helper()
	out := make([]string, len(vs))
	for i, v := range vs {
		s, ok := v.(string)
		require.True(t, ok, "%v is not a string", v)
		out[i] = s
	}
	return out
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	img.Set(1, 1, color.RGBA{B: 255, A: 255})
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

func totpNow(t *testing.T) string {
	t.Helper()
	code, err := emulator.TOTPCode(emulator.TOTPSecret, rfNow)
	require.NoError(t, err)
	return code
}

// passwordFactor is the twoFactor argument for the password method with the demo password.
var passwordFactor = map[string]any{"code": emulator.DemoPassword, "method": "PASSWORD"}

// usernames lists every username through the gateway, in the server's default order.
func (e *rcEnv) usernames(t *testing.T) []string {
	t.Helper()
	data := e.ok(t, e.admin.Headers, `{ users(first: 50) { totalCount nodes { username } } }`, nil)
	require.EqualValues(t, rfTotal, at(t, data, "users", "totalCount"))
	return strs(t, column(t, at(t, data, "users", "nodes"), "username"))
}

// generatedUsers returns the generated, active, ordinary users (not the fixed demo accounts).
func (e *rcEnv) generatedUsers(t *testing.T) []map[string]any {
	t.Helper()
	data := e.ok(t, e.admin.Headers, `{ users(first: 50, filter: {type: "user", state: ACTIVE}) { nodes { id username } } }`, nil)
	var out []map[string]any
	for _, n := range at(t, data, "users", "nodes").([]any) {
		u := n.(map[string]any)
		if name := u["username"].(string); name != "admin" && name != "demo" && name != "totp" {
			out = append(out, u)
		}
	}
	require.GreaterOrEqual(t, len(out), 3)
	return out
}

type rootCase struct {
	name string
	run  func(t *testing.T, e *rcEnv)
}

// rootCases has one or more cases for every root field of the schema; TestRootFields fails
// when a root field has no successful operation among them.
var rootCases = []rootCase{
	{"Query.me", func(t *testing.T, e *rcEnv) {
		data := e.ok(t, e.admin.Headers, `{ me { id username name type active roles emails { address verified } utcOffset language } }`, nil)
		assert.Equal(t, map[string]any{
			"id": e.admin.ID, "username": "admin", "name": "Administrator", "type": "user", "active": true,
			"roles": []any{"admin", "user"}, "emails": []any{map[string]any{"address": "admin@example.com", "verified": true}},
			"utcOffset": 0.0, "language": "en",
		}, data["me"])

		data = e.ok(t, e.demo.Headers, `{ me { id username name } }`, nil)
		assert.Equal(t, map[string]any{"id": e.demo.ID, "username": "demo", "name": "Demo User"}, data["me"])

		resp := e.fails(t, nil, graph.CodeUnauthenticated, `{ me { id } }`, nil)
		assert.Nil(t, resp.Data["me"])
		resp = e.fails(t, e.demo.withToken("not-a-token"), graph.CodeUnauthenticated, `{ me { id } }`, nil)
		assert.Nil(t, resp.Data["me"])
	}},
	{"Query.user", func(t *testing.T, e *rcEnv) {
		data := e.ok(t, e.demo.Headers, `{ user(username: "totp") { id username name status utcOffset } }`, nil)
		assert.Equal(t, map[string]any{"id": e.totp.ID, "username": "totp", "name": "TOTP Demo", "status": "AWAY", "utcOffset": 1.0}, data["user"])

		data = e.ok(t, e.demo.Headers, `query($id: ID) { user(id: $id) { username lastLogin createdAt } }`, map[string]any{"id": e.demo.ID})
		assert.Equal(t, map[string]any{"username": "demo", "lastLogin": "2025-05-30T07:00:00.000Z", "createdAt": "2023-01-03T09:00:00.000Z"}, data["user"])

		// Emails are private: an ordinary user does not see them, an admin does.
		data = e.ok(t, e.demo.Headers, `{ user(username: "admin") { username emails { address } } }`, nil)
		assert.Equal(t, map[string]any{"username": "admin", "emails": nil}, data["user"])
		data = e.ok(t, e.admin.Headers, `{ user(username: "demo") { username emails { address } } }`, nil)
		assert.Equal(t, map[string]any{"username": "demo", "emails": []any{map[string]any{"address": "demo@example.com"}}}, data["user"])

		resp := e.fails(t, e.demo.Headers, graph.CodeNotFound, `{ user(username: "no.such.user") { id } }`, nil)
		assert.Nil(t, resp.Data["user"])

		mark := e.rec.mark()
		e.fails(t, e.demo.Headers, graph.CodeBadUserInput, `{ user { id } }`, nil)
		e.fails(t, e.demo.Headers, graph.CodeBadUserInput, `query($id: ID) { user(id: $id, username: "demo") { id } }`, map[string]any{"id": e.demo.ID})
		assert.Empty(t, e.rec.since(mark), "bad arguments cost no REST call")
	}},
	{"Query.users/plain and pagination", func(t *testing.T, e *rcEnv) {
		mark := e.rec.mark()
		data := e.ok(t, e.demo.Headers, `{ users(first: 50) { totalCount nodes { username } pageInfo { hasNextPage hasPreviousPage } } }`, nil)
		all := strs(t, column(t, at(t, data, "users", "nodes"), "username"))
		require.Len(t, all, rfTotal)
		assert.EqualValues(t, rfTotal, at(t, data, "users", "totalCount"))
		assert.Equal(t, map[string]any{"hasNextPage": false, "hasPreviousPage": false}, at(t, data, "users", "pageInfo"))
		assert.True(t, sort.StringsAreSorted(all), "users.list sorts by username by default: %v", all)
		assert.Subset(t, all, []string{"admin", "demo", "totp", "rocket.cat"})
		for _, c := range e.rec.since(mark) {
			assert.Equal(t, "/api/v1/users.list", c.Path)
		}

		const pageQuery = `query($after: String) { users(first: 3, after: $after) {
			totalCount edges { cursor node { username } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`
		page1 := e.ok(t, e.demo.Headers, pageQuery, nil)
		edges := at(t, page1, "users", "edges")
		assert.Equal(t, all[0:3], strs(t, []any{at(t, edges, 0, "node", "username"), at(t, edges, 1, "node", "username"), at(t, edges, 2, "node", "username")}))
		assert.Equal(t, true, at(t, page1, "users", "pageInfo", "hasNextPage"))
		assert.Equal(t, false, at(t, page1, "users", "pageInfo", "hasPreviousPage"))
		end := at(t, page1, "users", "pageInfo", "endCursor")
		assert.Equal(t, at(t, edges, 2, "cursor"), end)

		mark = e.rec.mark()
		page2 := e.ok(t, e.demo.Headers, pageQuery, map[string]any{"after": end})
		edges = at(t, page2, "users", "edges")
		assert.Equal(t, all[3:6], strs(t, []any{at(t, edges, 0, "node", "username"), at(t, edges, 1, "node", "username"), at(t, edges, 2, "node", "username")}))
		assert.EqualValues(t, rfTotal, at(t, page2, "users", "totalCount"))
		assert.Equal(t, true, at(t, page2, "users", "pageInfo", "hasPreviousPage"))
		calls := e.rec.since(mark)
		require.Len(t, calls, 1)
		assert.Equal(t, "/api/v1/users.list", calls[0].Path)
		assert.Equal(t, "3", calls[0].Query.Get("offset"))
		assert.Equal(t, "3", calls[0].Query.Get("count"))

		e.fails(t, e.demo.Headers, graph.CodeBadUserInput, `{ users(after: "not-a-cursor") { totalCount } }`, nil)
		e.fails(t, nil, graph.CodeUnauthenticated, `{ users(first: 1) { totalCount } }`, nil)
	}},
	{"Query.users/filter", func(t *testing.T, e *rcEnv) {
		mark := e.rec.mark()
		data := e.ok(t, e.admin.Headers, `{ users(filter: {roles: ["admin"]}) { totalCount nodes { id username } } }`, nil)
		assert.Equal(t, map[string]any{"totalCount": 1.0, "nodes": []any{map[string]any{"id": e.admin.ID, "username": "admin"}}}, data["users"])

		data = e.ok(t, e.admin.Headers, `{ users(filter: {searchTerm: "TOTP"}) { totalCount nodes { username name } } }`, nil)
		assert.Equal(t, map[string]any{"totalCount": 1.0, "nodes": []any{map[string]any{"username": "totp", "name": "TOTP Demo"}}}, data["users"])

		data = e.ok(t, e.admin.Headers, `{ users(first: 50, filter: {type: "bot"}) { totalCount nodes { username type } } }`, nil)
		bots := at(t, data, "users", "nodes").([]any)
		assert.Len(t, bots, int(at(t, data, "users", "totalCount").(float64)))
		assert.Contains(t, strs(t, column(t, bots, "username")), "rocket.cat")
		for _, typ := range column(t, bots, "type") {
			assert.Equal(t, "bot", typ)
		}

		data = e.ok(t, e.admin.Headers, `{ users(first: 50, filter: {state: DEACTIVATED}) { totalCount nodes { username active } } }`, nil)
		for _, active := range column(t, at(t, data, "users", "nodes"), "active") {
			assert.Equal(t, false, active)
		}
		assert.Less(t, at(t, data, "users", "totalCount").(float64), float64(rfTotal))

		calls := e.rec.since(mark)
		require.NotEmpty(t, calls)
		for _, c := range calls {
			assert.Equal(t, "/api/v1/users.listByStatus", c.Path, "a filter switches the listing to users.listByStatus")
		}
		assert.Equal(t, []string{"admin"}, calls[0].Query["roles[]"])
	}},
	{"Query.users/orderBy", func(t *testing.T, e *rcEnv) {
		asc := e.usernames(t)
		mark := e.rec.mark()
		data := e.ok(t, e.demo.Headers, `{ users(first: 50, orderBy: {field: USERNAME, direction: DESC}) { nodes { username } } }`, nil)
		desc := strs(t, column(t, at(t, data, "users", "nodes"), "username"))
		slices.Reverse(asc)
		assert.Equal(t, asc, desc)
		calls := e.rec.since(mark)
		require.Len(t, calls, 1)
		assert.JSONEq(t, `{"username": -1}`, calls[0].Query.Get("sort"))
	}},
	{"Query.searchUsers", func(t *testing.T, e *rcEnv) {
		data := e.ok(t, e.demo.Headers, `{ searchUsers(term: "totp") { id username name active presence { status } } }`, nil)
		assert.Equal(t, []any{map[string]any{"id": e.totp.ID, "username": "totp", "name": "TOTP Demo", "active": true,
			"presence": map[string]any{"status": "AWAY"}}}, data["searchUsers"])

		data = e.ok(t, e.demo.Headers, `{ searchUsers(term: "demo") { username } }`, nil)
		found := strs(t, column(t, data["searchUsers"], "username"))
		assert.Contains(t, found, "demo")
		assert.Contains(t, found, "totp", `"TOTP Demo" matches by name`)

		data = e.ok(t, e.demo.Headers, `{ searchUsers(term: "demo", exclude: ["demo"]) { username } }`, nil)
		found = strs(t, column(t, data["searchUsers"], "username"))
		assert.NotContains(t, found, "demo")
		assert.Contains(t, found, "totp")
	}},
	{"Query.usernameAvailable", func(t *testing.T, e *rcEnv) {
		assert.Equal(t, false, e.ok(t, e.demo.Headers, `{ usernameAvailable(username: "admin") }`, nil)["usernameAvailable"])
		assert.Equal(t, true, e.ok(t, e.demo.Headers, `{ usernameAvailable(username: "brand.new.name") }`, nil)["usernameAvailable"])
		e.fails(t, e.demo.Headers, graph.CodeBadUserInput, `{ usernameAvailable(username: " ") }`, nil)
	}},
	{"Query.usernameSuggestion", func(t *testing.T, e *rcEnv) {
		assert.Equal(t, "demo.user", e.ok(t, e.demo.Headers, `{ usernameSuggestion }`, nil)["usernameSuggestion"])
		assert.Equal(t, "administrator", e.ok(t, e.admin.Headers, `{ usernameSuggestion }`, nil)["usernameSuggestion"])
	}},
	{"Query.presences/ids", func(t *testing.T, e *rcEnv) {
		assert.Equal(t, true, e.ok(t, e.demo.Headers, `mutation { setStatus(status: OFFLINE) }`, nil)["setStatus"])
		data := e.ok(t, e.admin.Headers, `query($ids: [ID!]) { presences(ids: $ids) { full users { status user { id username } } } }`,
			map[string]any{"ids": []string{e.admin.ID, e.totp.ID, e.demo.ID}})
		assert.Equal(t, map[string]any{"full": false, "users": []any{
			map[string]any{"status": "ONLINE", "user": map[string]any{"id": e.admin.ID, "username": "admin"}},
			map[string]any{"status": "AWAY", "user": map[string]any{"id": e.totp.ID, "username": "totp"}},
			map[string]any{"status": "OFFLINE", "user": map[string]any{"id": e.demo.ID, "username": "demo"}},
		}}, data["presences"])
	}},
	{"Query.presences/since and everybody", func(t *testing.T, e *rcEnv) {
		assert.Equal(t, true, e.ok(t, e.demo.Headers, `mutation { setStatus(status: BUSY, message: "Deep work") }`, nil)["setStatus"])
		data := e.ok(t, e.admin.Headers, `query($since: DateTime) { presences(since: $since) { full users { status statusText user { username } } } }`,
			map[string]any{"since": rfNow.Add(-5 * time.Minute).Format(time.RFC3339)})
		assert.Equal(t, map[string]any{"full": false, "users": []any{
			map[string]any{"status": "BUSY", "statusText": "Deep work", "user": map[string]any{"username": "demo"}},
		}}, data["presences"], "only demo changed in the last five minutes")

		data = e.ok(t, e.admin.Headers, `{ presences { full users { status user { username } } } }`, nil)
		assert.Equal(t, true, at(t, data, "presences", "full"))
		entries := at(t, data, "presences", "users").([]any)
		var names []string
		for _, en := range entries {
			assert.NotEqual(t, "OFFLINE", at(t, en, "status"))
			names = append(names, at(t, en, "user", "username").(string))
		}
		assert.Subset(t, names, []string{"admin", "demo", "totp", "rocket.cat"})

		e.fails(t, e.admin.Headers, graph.CodeBadUserInput, `query($since: DateTime) { presences(ids: ["x"], since: $since) { full } }`,
			map[string]any{"since": rfNow.Format(time.RFC3339)})
	}},
	{"Query.userPresence", func(t *testing.T, e *rcEnv) {
		data := e.ok(t, e.demo.Headers, `{ userPresence { status connectionStatus lastLogin } }`, nil)
		assert.Equal(t, map[string]any{"status": "ONLINE", "connectionStatus": "ONLINE", "lastLogin": "2025-05-30T07:00:00.000Z"}, data["userPresence"])
		data = e.ok(t, e.demo.Headers, `{ userPresence(username: "totp") { status connectionStatus lastLogin } }`, nil)
		assert.Equal(t, map[string]any{"status": "AWAY", "connectionStatus": nil, "lastLogin": nil}, data["userPresence"])
		e.fails(t, e.demo.Headers, graph.CodeNotFound, `{ userPresence(username: "no.such.user") { status } }`, nil)
	}},
	{"Query.userStatus", func(t *testing.T, e *rcEnv) {
		data := e.ok(t, e.demo.Headers, `{ userStatus { userId status connectionStatus } }`, nil)
		assert.Equal(t, map[string]any{"userId": e.demo.ID, "status": "ONLINE", "connectionStatus": "ONLINE"}, data["userStatus"])
		data = e.ok(t, e.demo.Headers, `query($id: ID) { userStatus(id: $id) { userId status connectionStatus } }`, map[string]any{"id": e.totp.ID})
		assert.Equal(t, map[string]any{"userId": e.totp.ID, "status": "AWAY", "connectionStatus": nil}, data["userStatus"])
	}},
	{"Query.avatarLocation", func(t *testing.T, e *rcEnv) {
		assert.Equal(t, e.backend+"/avatar/totp", e.ok(t, e.demo.Headers, `{ avatarLocation(username: "totp") }`, nil)["avatarLocation"])
		assert.Equal(t, e.backend+"/avatar/demo", e.ok(t, e.demo.Headers, `{ avatarLocation }`, nil)["avatarLocation"])
		data := e.ok(t, e.demo.Headers, `query($id: ID) { avatarLocation(id: $id) }`, map[string]any{"id": e.admin.ID})
		assert.Equal(t, e.backend+"/avatar/admin", data["avatarLocation"])
	}},
	{"Query.avatarImage", func(t *testing.T, e *rcEnv) {
		uri := e.ok(t, e.demo.Headers, `{ avatarImage(subject: "demo", size: 64) }`, nil)["avatarImage"].(string)
		const prefix = "data:image/svg+xml;base64,"
		require.True(t, strings.HasPrefix(uri, prefix), uri)
		svg, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(uri, prefix))
		require.NoError(t, err)
		assert.Contains(t, string(svg), `width="64" height="64"`)
		assert.Contains(t, string(svg), `>D</text>`)
		e.fails(t, e.demo.Headers, graph.CodeBadUserInput, `{ avatarImage(subject: "") }`, nil)
	}},
	{"Query.teams", func(t *testing.T, e *rcEnv) {
		const q = `query($id: ID!) { teams(userId: $id) { name private isOwner roomId createdBy { username } } }`
		data := e.ok(t, e.demo.Headers, q, map[string]any{"id": e.demo.ID})
		teams := at(t, data, "teams").([]any)
		require.Len(t, teams, 2)
		for _, tm := range teams {
			assert.NotEmpty(t, at(t, tm, "roomId"))
			delete(tm.(map[string]any), "roomId")
		}
		assert.Equal(t, []any{
			map[string]any{"name": "engineering", "private": false, "isOwner": false, "createdBy": map[string]any{"username": "admin"}},
			map[string]any{"name": "support", "private": false, "isOwner": true, "createdBy": map[string]any{"username": "demo"}},
		}, teams)

		// Private teams are hidden from callers outside them, shown to admins (view-all-teams).
		data = e.ok(t, e.demo.Headers, `query($id: ID!) { teams(userId: $id) { name } }`, map[string]any{"id": e.admin.ID})
		assert.Equal(t, []any{map[string]any{"name": "engineering"}}, data["teams"])
		data = e.ok(t, e.admin.Headers, `query($id: ID!) { teams(userId: $id) { name private isOwner } }`, map[string]any{"id": e.admin.ID})
		assert.Equal(t, []any{
			map[string]any{"name": "engineering", "private": false, "isOwner": true},
			map[string]any{"name": "design", "private": true, "isOwner": true},
			map[string]any{"name": "leadership", "private": true, "isOwner": true},
		}, data["teams"])
	}},
	{"Query.preferences", func(t *testing.T, e *rcEnv) {
		data := e.ok(t, e.demo.Headers, `{ preferences { language useEmojis sendOnEnter idleTimeLimit highlights themeAppearence emailNotificationMode all } }`, nil)
		prefs := data["preferences"].(map[string]any)
		all := prefs["all"].(map[string]any)
		delete(prefs, "all")
		assert.Equal(t, map[string]any{"language": "en", "useEmojis": true, "sendOnEnter": "normal", "idleTimeLimit": 300.0,
			"highlights": []any{}, "themeAppearence": "auto", "emailNotificationMode": "mentions"}, prefs)
		assert.Equal(t, "activity", all["sidebarSortby"])
		assert.Equal(t, "medium", all["sidebarViewMode"])
		e.fails(t, nil, graph.CodeUnauthenticated, `{ preferences { language } }`, nil)
	}},
	{"Query.serverInfo", func(t *testing.T, e *rcEnv) {
		assert.Equal(t, map[string]any{"version": "8.8.1"}, e.ok(t, nil, `{ serverInfo { version } }`, nil)["serverInfo"])
	}},
	{"Mutation.login", func(t *testing.T, e *rcEnv) {
		const q = `mutation($u: String!, $p: String!, $c: String) { login(user: $u, password: $p, code: $c) { userId authToken me { id username } } }`
		data := e.ok(t, nil, q, map[string]any{"u": "admin", "p": emulator.DemoPassword})
		auth := data["login"].(map[string]any)
		assert.Equal(t, e.admin.ID, auth["userId"])
		assert.Equal(t, map[string]any{"id": e.admin.ID, "username": "admin"}, auth["me"])
		token := auth["authToken"].(string)
		require.NotEmpty(t, token)
		me := e.ok(t, e.admin.withToken(token), `{ me { username } }`, nil)
		assert.Equal(t, map[string]any{"username": "admin"}, me["me"], "the issued token authenticates")

		// By e-mail address too.
		data = e.ok(t, nil, q, map[string]any{"u": "demo@example.com", "p": emulator.DemoPassword})
		assert.Equal(t, e.demo.ID, at(t, data, "login", "userId"))

		e.fails(t, nil, graph.CodeUnauthenticated, q, map[string]any{"u": "admin", "p": "wrong-password"})

		// TOTP user: the code is required, checked, and then accepted.
		resp := e.fails(t, nil, graph.CodeTwoFactorRequired, q, map[string]any{"u": "totp", "p": emulator.DemoPassword})
		assert.Equal(t, "totp", resp.Errors[0].Extensions["method"])
		e.fails(t, nil, graph.CodeTwoFactorInvalid, q, map[string]any{"u": "totp", "p": emulator.DemoPassword, "c": "000000"})
		data = e.ok(t, nil, q, map[string]any{"u": "totp", "p": emulator.DemoPassword, "c": totpNow(t)})
		assert.Equal(t, e.totp.ID, at(t, data, "login", "userId"))
		assert.Equal(t, "totp", at(t, data, "login", "me", "username"))
	}},
	{"Mutation.createUser", func(t *testing.T, e *rcEnv) {
		const q = `mutation($in: CreateUserInput!) { createUser(input: $in) { id username name nickname bio active roles emails { address verified } } }`
		in := map[string]any{"email": "new.person@example.com", "name": "New Person", "password": "pw-new-person",
			"username": "new.person", "nickname": "newbie", "bio": "Just arrived", "verified": true}
		data := e.ok(t, e.admin.Headers, q, map[string]any{"in": in})
		created := data["createUser"].(map[string]any)
		id := created["id"].(string)
		require.NotEmpty(t, id)
		delete(created, "id")
		assert.Equal(t, map[string]any{"username": "new.person", "name": "New Person", "nickname": "newbie", "bio": "Just arrived",
			"active": true, "roles": []any{"user"}, "emails": []any{map[string]any{"address": "new.person@example.com", "verified": true}}}, created)

		data = e.ok(t, e.demo.Headers, `{ user(username: "new.person") { id name nickname } }`, nil)
		assert.Equal(t, map[string]any{"id": id, "name": "New Person", "nickname": "newbie"}, data["user"])
		data = e.ok(t, nil, `mutation { login(user: "new.person", password: "pw-new-person") { userId } }`, nil)
		assert.Equal(t, id, at(t, data, "login", "userId"), "the new user can log in with the password given")

		// demo lacks create-user.
		in2 := map[string]any{"email": "second@example.com", "name": "Second", "password": "pw-second", "username": "second.person"}
		resp := e.fails(t, e.demo.Headers, graph.CodeForbidden, q, map[string]any{"in": in2})
		assert.Equal(t, map[string]any{"createUser": nil}, resp.Data, "a root field fails alone: data keeps its key")
		e.fails(t, e.admin.Headers, graph.CodeNotFound, `{ user(username: "second.person") { id } }`, nil)
	}},
	{"Mutation.registerUser", func(t *testing.T, e *rcEnv) {
		const q = `mutation($in: RegisterUserInput!) { registerUser(input: $in) { id username name } }`
		in := map[string]any{"username": "self.made", "email": "self.made@example.com", "password": "pw-self-made", "name": "Self Made"}
		data := e.ok(t, nil, q, map[string]any{"in": in})
		id := at(t, data, "registerUser", "id").(string)
		assert.Equal(t, map[string]any{"id": id, "username": "self.made", "name": "Self Made"}, data["registerUser"])
		assert.Equal(t, false, e.ok(t, e.demo.Headers, `{ usernameAvailable(username: "self.made") }`, nil)["usernameAvailable"])
		data = e.ok(t, nil, `mutation { login(user: "self.made", password: "pw-self-made") { userId me { name } } }`, nil)
		assert.Equal(t, map[string]any{"userId": id, "me": map[string]any{"name": "Self Made"}}, data["login"])

		in["username"], in["email"] = "other.made", "other.made@example.com"
		e.fails(t, e.demo.Headers, graph.CodeBadUserInput, q, map[string]any{"in": in}) // logged-in users cannot register
		in["username"] = "self.made"
		e.fails(t, nil, graph.CodeBadUserInput, q, map[string]any{"in": in}) // taken
	}},
	{"Mutation.updateUser", func(t *testing.T, e *rcEnv) {
		const q = `mutation($in: UpdateUserInput!, $tf: TwoFactorInput) { updateUser(input: $in, twoFactor: $tf) { id nickname bio } }`
		in := map[string]any{"userId": e.demo.ID, "nickname": "renamed", "bio": "Edited by admin"}
		resp := e.fails(t, e.admin.Headers, graph.CodeTwoFactorRequired, q, map[string]any{"in": in})
		assert.Equal(t, "password", resp.Errors[0].Extensions["method"])
		e.fails(t, e.admin.Headers, graph.CodeTwoFactorInvalid, q, map[string]any{"in": in, "tf": map[string]any{"code": "nope", "method": "PASSWORD"}})

		data := e.ok(t, e.admin.Headers, q, map[string]any{"in": in, "tf": passwordFactor})
		assert.Equal(t, map[string]any{"id": e.demo.ID, "nickname": "renamed", "bio": "Edited by admin"}, data["updateUser"])
		data = e.ok(t, e.totp.Headers, `{ user(username: "demo") { nickname bio } }`, nil)
		assert.Equal(t, map[string]any{"nickname": "renamed", "bio": "Edited by admin"}, data["user"])

		// demo may not edit someone else, even with a valid second factor.
		e.fails(t, e.demo.Headers, graph.CodeForbidden, q, map[string]any{"in": map[string]any{"userId": e.admin.ID, "nickname": "pwned"}, "tf": passwordFactor})
		data = e.ok(t, e.admin.Headers, `{ me { nickname } }`, nil)
		assert.Equal(t, map[string]any{"nickname": nil}, data["me"])
	}},
	{"Mutation.updateOwnBasicInfo", func(t *testing.T, e *rcEnv) {
		const q = `mutation($in: UpdateOwnBasicInfoInput!) { updateOwnBasicInfo(input: $in) { id bio nickname status emails { address } } }`
		data := e.ok(t, e.demo.Headers, q, map[string]any{"in": map[string]any{"bio": "Writes tests", "nickname": "tester", "statusType": "BUSY"}})
		assert.Equal(t, map[string]any{"id": e.demo.ID, "bio": "Writes tests", "nickname": "tester", "status": "BUSY",
			"emails": []any{map[string]any{"address": "demo@example.com"}}}, data["updateOwnBasicInfo"])

		// An e-mail change needs the current password.
		mail := map[string]any{"email": "demo.new@example.com"}
		e.fails(t, e.demo.Headers, graph.CodeTwoFactorRequired, q, map[string]any{"in": mail})
		mail["currentPassword"] = "wrong-password"
		e.fails(t, e.demo.Headers, graph.CodeTwoFactorInvalid, q, map[string]any{"in": mail})
		mail["currentPassword"] = emulator.DemoPassword
		data = e.ok(t, e.demo.Headers, q, map[string]any{"in": mail})
		assert.Equal(t, []any{map[string]any{"address": "demo.new@example.com"}}, at(t, data, "updateOwnBasicInfo", "emails"))

		data = e.ok(t, e.demo.Headers, `{ me { bio nickname emails { address verified } } }`, nil)
		assert.Equal(t, map[string]any{"bio": "Writes tests", "nickname": "tester",
			"emails": []any{map[string]any{"address": "demo.new@example.com", "verified": false}}}, data["me"])
	}},
	{"Mutation.setUserActiveStatus", func(t *testing.T, e *rcEnv) {
		const q = `mutation($id: ID!, $a: Boolean!, $c: Boolean) { setUserActiveStatus(userId: $id, active: $a, confirmRelinquish: $c) { userId active user { username active } } }`
		data := e.ok(t, e.admin.Headers, q, map[string]any{"id": e.totp.ID, "a": false})
		assert.Equal(t, map[string]any{"userId": e.totp.ID, "active": false, "user": map[string]any{"username": "totp", "active": false}}, data["setUserActiveStatus"])
		e.fails(t, e.totp.Headers, graph.CodeUnauthenticated, `{ me { id } }`, nil) // deactivation logs out
		data = e.ok(t, e.admin.Headers, `{ users(filter: {state: DEACTIVATED, searchTerm: "totp"}) { nodes { username } } }`, nil)
		assert.Equal(t, []any{map[string]any{"username": "totp"}}, at(t, data, "users", "nodes"))

		data = e.ok(t, e.admin.Headers, q, map[string]any{"id": e.totp.ID, "a": true})
		assert.Equal(t, map[string]any{"userId": e.totp.ID, "active": true, "user": map[string]any{"username": "totp", "active": true}}, data["setUserActiveStatus"])

		// demo is the last owner of the support team: deactivating needs confirmRelinquish.
		resp := e.fails(t, e.admin.Headers, graph.CodeBadUserInput, q, map[string]any{"id": e.demo.ID, "a": false})
		assert.Equal(t, "user-last-owner", resp.Errors[0].Extensions["upstreamErrorType"])
		data = e.ok(t, e.admin.Headers, q, map[string]any{"id": e.demo.ID, "a": false, "c": true})
		assert.Equal(t, false, at(t, data, "setUserActiveStatus", "active"))

		// An ordinary user may not (de)activate anybody.
		e.fails(t, e.totp.Headers, graph.CodeUnauthenticated, q, map[string]any{"id": e.admin.ID, "a": false})
		totp := e.issue(t, "totp")
		e.fails(t, totp.Headers, graph.CodeForbidden, q, map[string]any{"id": e.admin.ID, "a": false})
		assert.Equal(t, map[string]any{"active": true}, e.ok(t, e.admin.Headers, `{ me { active } }`, nil)["me"])
	}},
	{"Mutation.deactivateIdleUsers", func(t *testing.T, e *rcEnv) {
		data := e.ok(t, e.admin.Headers, `{ users(first: 50, filter: {roles: ["user"], state: ACTIVE, hasLoggedIn: true}) { nodes { username lastLogin } } }`, nil)
		cutoff := rfNow.AddDate(0, 0, -30)
		var idle []string
		for _, n := range at(t, data, "users", "nodes").([]any) {
			last, err := time.Parse(time.RFC3339, at(t, n, "lastLogin").(string))
			require.NoError(t, err)
			if !last.After(cutoff) {
				idle = append(idle, at(t, n, "username").(string))
			}
		}
		require.NotEmpty(t, idle, "the seed has users idle for more than 30 days")
		require.NotContains(t, idle, "admin")

		e.fails(t, e.demo.Headers, graph.CodeForbidden, `mutation { deactivateIdleUsers(daysIdle: 30, role: "user") { count } }`, nil)
		data = e.ok(t, e.admin.Headers, `mutation { deactivateIdleUsers(daysIdle: 30, role: "user") { count } }`, nil)
		assert.Equal(t, map[string]any{"count": float64(len(idle))}, data["deactivateIdleUsers"])

		data = e.ok(t, e.admin.Headers, `{ users(first: 50, filter: {inactiveReasons: [IDLE_TOO_LONG]}) { totalCount nodes { username active inactiveReason } } }`, nil)
		assert.EqualValues(t, len(idle), at(t, data, "users", "totalCount"))
		nodes := at(t, data, "users", "nodes").([]any)
		assert.ElementsMatch(t, idle, strs(t, column(t, nodes, "username")))
		for _, n := range nodes {
			assert.Equal(t, false, at(t, n, "active"))
			assert.Equal(t, "IDLE_TOO_LONG", at(t, n, "inactiveReason"))
		}
		e.fails(t, e.admin.Headers, graph.CodeBadUserInput, `mutation { deactivateIdleUsers(daysIdle: -1) { count } }`, nil)
	}},
	{"Mutation.deleteUser", func(t *testing.T, e *rcEnv) {
		victims := e.generatedUsers(t)
		byName, byID, spared := victims[0]["username"].(string), victims[1]["id"].(string), victims[2]["username"].(string)

		e.fails(t, e.demo.Headers, graph.CodeForbidden, `mutation($u: String) { deleteUser(username: $u) }`, map[string]any{"u": spared})
		assert.Equal(t, spared, at(t, e.ok(t, e.admin.Headers, `query($u: String) { user(username: $u) { username } }`, map[string]any{"u": spared}), "user", "username"))

		assert.Equal(t, true, e.ok(t, e.admin.Headers, `mutation($u: String) { deleteUser(username: $u) }`, map[string]any{"u": byName})["deleteUser"])
		assert.Equal(t, true, e.ok(t, e.admin.Headers, `mutation($id: ID) { deleteUser(id: $id) }`, map[string]any{"id": byID})["deleteUser"])
		e.fails(t, e.admin.Headers, graph.CodeNotFound, `query($u: String) { user(username: $u) { id } }`, map[string]any{"u": byName})
		e.fails(t, e.admin.Headers, graph.CodeNotFound, `query($id: ID) { user(id: $id) { id } }`, map[string]any{"id": byID})
		assert.EqualValues(t, rfTotal-2, at(t, e.ok(t, e.admin.Headers, `{ users(first: 1) { totalCount } }`, nil), "users", "totalCount"))

		e.fails(t, e.admin.Headers, graph.CodeBadUserInput, `mutation { deleteUser }`, nil)
	}},
	{"Mutation.deleteOwnAccount", func(t *testing.T, e *rcEnv) {
		e.ok(t, e.admin.Headers, `mutation { createUser(input: {email: "leaving@example.com", name: "Leaving Soon", password: "pw-leaving", username: "leaving.soon"}) { id } }`, nil)
		data := e.ok(t, nil, `mutation { login(user: "leaving.soon", password: "pw-leaving") { userId authToken } }`, nil)
		leaving := map[string]string{"X-User-Id": at(t, data, "login", "userId").(string), "X-Auth-Token": at(t, data, "login", "authToken").(string)}

		resp := e.fails(t, leaving, graph.CodeBadUserInput, `mutation { deleteOwnAccount(password: "not-my-password") }`, nil)
		assert.Equal(t, "error-invalid-password", resp.Errors[0].Extensions["upstreamErrorType"])
		assert.Equal(t, true, e.ok(t, leaving, `mutation { deleteOwnAccount(password: "pw-leaving") }`, nil)["deleteOwnAccount"])
		e.fails(t, e.admin.Headers, graph.CodeNotFound, `{ user(username: "leaving.soon") { id } }`, nil)
		e.fails(t, leaving, graph.CodeUnauthenticated, `{ me { id } }`, nil)
	}},
	{"Mutation.setStatus", func(t *testing.T, e *rcEnv) {
		assert.Equal(t, true, e.ok(t, e.demo.Headers, `mutation { setStatus(status: BUSY, message: "In a meeting") }`, nil)["setStatus"])
		data := e.ok(t, e.demo.Headers, `{ me { status statusText presence { status statusText } } }`, nil)
		assert.Equal(t, map[string]any{"status": "BUSY", "statusText": "In a meeting",
			"presence": map[string]any{"status": "BUSY", "statusText": "In a meeting"}}, data["me"])

		// Another user's status needs edit-other-user-info: admin yes, demo no.
		assert.Equal(t, true, e.ok(t, e.admin.Headers, `mutation { setStatus(username: "demo", status: AWAY) }`, nil)["setStatus"])
		data = e.ok(t, e.demo.Headers, `{ user(username: "demo") { status statusText } }`, nil)
		assert.Equal(t, map[string]any{"status": "AWAY", "statusText": "In a meeting"}, data["user"])
		e.fails(t, e.demo.Headers, graph.CodeForbidden, `mutation { setStatus(username: "admin", message: "hijacked") }`, nil)
		data = e.ok(t, e.admin.Headers, `{ me { status statusText } }`, nil)
		assert.Equal(t, map[string]any{"status": "ONLINE", "statusText": nil}, data["me"])

		e.fails(t, e.demo.Headers, graph.CodeBadUserInput, `mutation { setStatus }`, nil)
	}},
	{"Mutation.setAvatar/avatarUrl", func(t *testing.T, e *rcEnv) {
		assert.Equal(t, map[string]any{"avatarETag": nil}, e.ok(t, e.demo.Headers, `{ me { avatarETag } }`, nil)["me"])
		// Literal public addresses (a documentation range): the avatar URL policy needs no DNS
		// look-up, and the emulator records the URL without fetching it.
		const q = `mutation($in: SetAvatarInput!) { setAvatar(input: $in) }`
		assert.Equal(t, true, e.ok(t, e.demo.Headers, q, map[string]any{"in": map[string]any{"avatarUrl": "https://203.0.113.7/avatars/demo.png"}})["setAvatar"])
		first := at(t, e.ok(t, e.demo.Headers, `{ me { avatarETag } }`, nil), "me", "avatarETag")
		require.NotNil(t, first)

		// Someone else's avatar needs edit-other-user-avatar.
		e.fails(t, e.demo.Headers, graph.CodeForbidden, q, map[string]any{"in": map[string]any{"username": "admin", "avatarUrl": "https://203.0.113.7/avatars/x.png"}})
		assert.Nil(t, at(t, e.ok(t, e.admin.Headers, `{ me { avatarETag } }`, nil), "me", "avatarETag"))
		assert.Equal(t, true, e.ok(t, e.admin.Headers, q, map[string]any{"in": map[string]any{"username": "demo", "avatarUrl": "https://203.0.113.7/avatars/by-admin.png"}})["setAvatar"])
		second := at(t, e.ok(t, e.demo.Headers, `{ me { avatarETag } }`, nil), "me", "avatarETag")
		assert.NotEqual(t, first, second)

		// Refused before any REST call: not http(s), or an address inside Rocket.Chat's network.
		mark := e.rec.mark()
		e.fails(t, e.demo.Headers, graph.CodeBadUserInput, q, map[string]any{"in": map[string]any{"avatarUrl": "file:///etc/passwd"}})
		e.fails(t, e.demo.Headers, graph.CodeBadUserInput, q, map[string]any{"in": map[string]any{"avatarUrl": "http://169.254.169.254/latest/meta-data/"}})
		assert.Empty(t, e.rec.since(mark))
		e.fails(t, e.demo.Headers, graph.CodeBadUserInput, q, map[string]any{"in": map[string]any{}})
	}},
	{"Mutation.setAvatar/upload and resetAvatar", func(t *testing.T, e *rcEnv) {
		img := tinyPNG(t)
		resp := e.upload(t, e.demo.Headers, `mutation($f: Upload) { setAvatar(input: {image: $f}) }`, "f", "me.png", "image/png", img)
		require.Empty(t, resp.Errors)
		assert.Equal(t, true, resp.Data["setAvatar"])
		assert.Equal(t, "data:image/png;base64,"+base64.StdEncoding.EncodeToString(img),
			e.ok(t, e.totp.Headers, `{ avatarImage(subject: "demo") }`, nil)["avatarImage"], "the uploaded bytes are served back")
		assert.NotNil(t, at(t, e.ok(t, e.demo.Headers, `{ me { avatarETag } }`, nil), "me", "avatarETag"))

		// demo may not reset admin's avatar; admin may reset demo's.
		e.fails(t, e.demo.Headers, graph.CodeForbidden, `mutation { resetAvatar(username: "admin") }`, nil)
		assert.Equal(t, true, e.ok(t, e.admin.Headers, `mutation { resetAvatar(username: "demo") }`, nil)["resetAvatar"])
		assert.True(t, strings.HasPrefix(e.ok(t, e.demo.Headers, `{ avatarImage(subject: "demo") }`, nil)["avatarImage"].(string), "data:image/svg+xml;base64,"))
		assert.Equal(t, map[string]any{"avatarETag": nil}, e.ok(t, e.demo.Headers, `{ me { avatarETag } }`, nil)["me"])

		// Upload again and reset one's own.
		resp = e.upload(t, e.demo.Headers, `mutation($f: Upload) { setAvatar(input: {image: $f}) }`, "f", "me.png", "image/png", img)
		require.Empty(t, resp.Errors)
		assert.Equal(t, true, e.ok(t, e.demo.Headers, `mutation { resetAvatar }`, nil)["resetAvatar"])
		assert.True(t, strings.HasPrefix(e.ok(t, e.demo.Headers, `{ avatarImage(subject: "demo") }`, nil)["avatarImage"].(string), "data:image/svg+xml;base64,"))
	}},
	{"Mutation.setPreferences", func(t *testing.T, e *rcEnv) {
		const q = `mutation($p: JSON!, $id: ID) { setPreferences(preferences: $p, userId: $id) { useEmojis sendOnEnter highlights language fontSize } }`
		data := e.ok(t, e.demo.Headers, q, map[string]any{"p": map[string]any{"useEmojis": false, "sendOnEnter": "desktop", "highlights": []string{"urgent"}, "language": "de"}})
		want := map[string]any{"useEmojis": false, "sendOnEnter": "desktop", "highlights": []any{"urgent"}, "language": "de", "fontSize": nil}
		assert.Equal(t, want, data["setPreferences"])
		data = e.ok(t, e.demo.Headers, `{ preferences { useEmojis sendOnEnter highlights language fontSize } }`, nil)
		assert.Equal(t, want, data["preferences"], "a later read sees the change")

		// Someone else's preferences need edit-other-user-info.
		data = e.ok(t, e.admin.Headers, q, map[string]any{"p": map[string]any{"fontSize": "large"}, "id": e.demo.ID})
		assert.Equal(t, "large", at(t, data, "setPreferences", "fontSize"))
		assert.Equal(t, "large", at(t, e.ok(t, e.demo.Headers, `{ preferences { fontSize } }`, nil), "preferences", "fontSize"))
		e.fails(t, e.demo.Headers, graph.CodeForbidden, q, map[string]any{"p": map[string]any{"fontSize": "small"}, "id": e.admin.ID})
		assert.Nil(t, at(t, e.ok(t, e.admin.Headers, `{ preferences { fontSize } }`, nil), "preferences", "fontSize"))

		e.fails(t, e.demo.Headers, graph.CodeBadUserInput, q, map[string]any{"p": map[string]any{}})
		e.fails(t, e.demo.Headers, graph.CodeBadUserInput, q, map[string]any{"p": map[string]any{"noSuchPreference": true}})
	}},
	{"Mutation.createUserToken", func(t *testing.T, e *rcEnv) {
		const q = `mutation($id: ID!, $s: String!) { createUserToken(userId: $id, secret: $s) { userId authToken } }`
		data := e.ok(t, e.admin.Headers, q, map[string]any{"id": e.demo.ID, "s": rfSecret})
		assert.Equal(t, e.demo.ID, at(t, data, "createUserToken", "userId"))
		token := at(t, data, "createUserToken", "authToken").(string)
		assert.Equal(t, map[string]any{"username": "demo"}, e.ok(t, e.demo.withToken(token), `{ me { username } }`, nil)["me"])

		e.fails(t, e.admin.Headers, graph.CodeForbidden, q, map[string]any{"id": e.demo.ID, "s": "wrong-secret"})
	}},
	{"Mutation.personalAccessTokens", func(t *testing.T, e *rcEnv) {
		assert.Equal(t, []any{}, e.ok(t, e.demo.Headers, `{ personalAccessTokens { name } }`, nil)["personalAccessTokens"])

		const gen = `mutation($tf: TwoFactorInput) { generatePersonalAccessToken(name: "ci", twoFactor: $tf) { name token } }`
		resp := e.fails(t, e.demo.Headers, graph.CodeTwoFactorRequired, gen, nil)
		assert.Equal(t, "password", resp.Errors[0].Extensions["method"])
		e.fails(t, e.demo.Headers, graph.CodeTwoFactorInvalid, gen, map[string]any{"tf": map[string]any{"code": "wrong", "method": "PASSWORD"}})
		data := e.ok(t, e.demo.Headers, gen, map[string]any{"tf": passwordFactor})
		assert.Equal(t, "ci", at(t, data, "generatePersonalAccessToken", "name"))
		t1 := at(t, data, "generatePersonalAccessToken", "token").(string)
		assert.Equal(t, map[string]any{"id": e.demo.ID}, e.ok(t, e.demo.withToken(t1), `{ me { id } }`, nil)["me"], "the token authenticates as demo")

		data = e.ok(t, e.demo.Headers, `{ personalAccessTokens { name createdAt lastTokenPart bypassTwoFactor } }`, nil)
		assert.Equal(t, []any{map[string]any{"name": "ci", "createdAt": "2025-06-15T12:00:00.000Z", "lastTokenPart": t1[len(t1)-6:], "bypassTwoFactor": false}},
			data["personalAccessTokens"])
		e.fails(t, e.demo.Headers, graph.CodeBadUserInput, gen, map[string]any{"tf": passwordFactor}) // the name is taken

		data = e.ok(t, e.demo.Headers, `mutation($tf: TwoFactorInput) { regeneratePersonalAccessToken(name: "ci", twoFactor: $tf) { name token } }`, map[string]any{"tf": passwordFactor})
		t2 := at(t, data, "regeneratePersonalAccessToken", "token").(string)
		assert.NotEqual(t, t1, t2)
		e.fails(t, e.demo.withToken(t1), graph.CodeUnauthenticated, `{ me { id } }`, nil)
		assert.Equal(t, map[string]any{"id": e.demo.ID}, e.ok(t, e.demo.withToken(t2), `{ me { id } }`, nil)["me"])
		assert.Equal(t, t2[len(t2)-6:], at(t, e.ok(t, e.demo.Headers, `{ personalAccessTokens { lastTokenPart } }`, nil), "personalAccessTokens", 0, "lastTokenPart"))

		const rm = `mutation($n: String!, $tf: TwoFactorInput) { removePersonalAccessToken(name: $n, twoFactor: $tf) }`
		e.fails(t, e.demo.Headers, graph.CodeTwoFactorRequired, rm, map[string]any{"n": "ci"})
		assert.Equal(t, true, e.ok(t, e.demo.Headers, rm, map[string]any{"n": "ci", "tf": passwordFactor})["removePersonalAccessToken"])
		assert.Equal(t, []any{}, e.ok(t, e.demo.Headers, `{ personalAccessTokens { name } }`, nil)["personalAccessTokens"])
		e.fails(t, e.demo.withToken(t2), graph.CodeUnauthenticated, `{ me { id } }`, nil)
		e.fails(t, e.demo.Headers, graph.CodeBadUserInput, rm, map[string]any{"n": "ci", "tf": passwordFactor}) // gone

		// The TOTP user answers the challenge with a TOTP code.
		data = e.ok(t, e.totp.Headers, `mutation($tf: TwoFactorInput) { generatePersonalAccessToken(name: "bot", bypassTwoFactor: true, twoFactor: $tf) { token } }`,
			map[string]any{"tf": map[string]any{"code": totpNow(t), "method": "TOTP"}})
		bot := at(t, data, "generatePersonalAccessToken", "token").(string)
		assert.Equal(t, map[string]any{"username": "totp"}, e.ok(t, e.totp.withToken(bot), `{ me { username } }`, nil)["me"])
		assert.Equal(t, true, at(t, e.ok(t, e.totp.Headers, `{ personalAccessTokens { bypassTwoFactor } }`, nil), "personalAccessTokens", 0, "bypassTwoFactor"))
	}},
	{"Mutation.logout", func(t *testing.T, e *rcEnv) {
		assert.Equal(t, true, e.ok(t, e.demo.Headers, `mutation { logout }`, nil)["logout"])
		e.fails(t, e.demo.Headers, graph.CodeUnauthenticated, `{ me { id } }`, nil)

		// Another user: admin yes (logout-other-user), demo no.
		demo := e.issue(t, "demo")
		e.fails(t, demo.Headers, graph.CodeForbidden, `mutation($id: ID) { logout(userId: $id) }`, map[string]any{"id": e.admin.ID})
		assert.Equal(t, map[string]any{"username": "admin"}, e.ok(t, e.admin.Headers, `{ me { username } }`, nil)["me"])
		assert.Equal(t, true, e.ok(t, e.admin.Headers, `mutation($id: ID) { logout(userId: $id) }`, map[string]any{"id": e.totp.ID})["logout"])
		e.fails(t, e.totp.Headers, graph.CodeUnauthenticated, `{ me { id } }`, nil)
		assert.Equal(t, map[string]any{"username": "demo"}, e.ok(t, demo.Headers, `{ me { username } }`, nil)["me"])
	}},
	{"Mutation.logoutOtherClients", func(t *testing.T, e *rcEnv) {
		other := e.issue(t, "demo")
		data := e.ok(t, e.demo.Headers, `mutation { logoutOtherClients { tokenExpires } }`, nil)
		assert.Equal(t, map[string]any{"tokenExpires": rfNow.Add(90 * 24 * time.Hour).Format("2006-01-02T15:04:05.000Z")}, data["logoutOtherClients"])
		e.fails(t, other.Headers, graph.CodeUnauthenticated, `{ me { id } }`, nil)
		assert.Equal(t, map[string]any{"username": "demo"}, e.ok(t, e.demo.Headers, `{ me { username } }`, nil)["me"])
	}},
	{"Mutation.removeOtherTokens", func(t *testing.T, e *rcEnv) {
		other := e.issue(t, "demo")
		data := e.ok(t, e.demo.Headers, `mutation($tf: TwoFactorInput) { generatePersonalAccessToken(name: "keep", twoFactor: $tf) { token } }`, map[string]any{"tf": passwordFactor})
		pat := at(t, data, "generatePersonalAccessToken", "token").(string)

		assert.Equal(t, true, e.ok(t, e.demo.Headers, `mutation { removeOtherTokens }`, nil)["removeOtherTokens"])
		e.fails(t, other.Headers, graph.CodeUnauthenticated, `{ me { id } }`, nil)
		assert.Equal(t, map[string]any{"username": "demo"}, e.ok(t, e.demo.Headers, `{ me { username } }`, nil)["me"], "the token in use is kept")
		assert.Equal(t, map[string]any{"username": "demo"}, e.ok(t, e.demo.withToken(pat), `{ me { username } }`, nil)["me"], "personal access tokens survive")
		e.fails(t, nil, graph.CodeUnauthenticated, `mutation { removeOtherTokens }`, nil)
	}},
	{"Mutation.resetE2EKey", func(t *testing.T, e *rcEnv) {
		const q = `mutation($u: String, $tf: TwoFactorInput) { resetE2EKey(username: $u, twoFactor: $tf) }`
		e.fails(t, e.demo.Headers, graph.CodeTwoFactorRequired, q, nil)
		assert.Equal(t, true, e.ok(t, e.demo.Headers, q, map[string]any{"tf": passwordFactor})["resetE2EKey"])
		assert.Equal(t, map[string]any{"username": "demo"}, e.ok(t, e.demo.Headers, `{ me { username } }`, nil)["me"], "resetting one's own key keeps the session")

		e.fails(t, e.demo.Headers, graph.CodeForbidden, q, map[string]any{"u": "admin", "tf": passwordFactor})
		assert.Equal(t, map[string]any{"username": "admin"}, e.ok(t, e.admin.Headers, `{ me { username } }`, nil)["me"])
		// An admin resetting someone else's key also logs them out.
		assert.Equal(t, true, e.ok(t, e.admin.Headers, q, map[string]any{"u": "demo", "tf": passwordFactor})["resetE2EKey"])
		e.fails(t, e.demo.Headers, graph.CodeUnauthenticated, `{ me { id } }`, nil)
	}},
	{"Mutation.resetTOTP", func(t *testing.T, e *rcEnv) {
		const q = `mutation($u: String, $tf: TwoFactorInput) { resetTOTP(username: $u, twoFactor: $tf) }`
		const login = `mutation { login(user: "totp", password: "demo1234") { userId } }`
		e.fails(t, nil, graph.CodeTwoFactorRequired, login, nil)

		e.fails(t, e.demo.Headers, graph.CodeForbidden, q, map[string]any{"u": "totp", "tf": passwordFactor})
		e.fails(t, e.totp.Headers, graph.CodeTwoFactorRequired, q, nil)
		assert.Equal(t, true, e.ok(t, e.totp.Headers, q, map[string]any{"tf": map[string]any{"code": totpNow(t), "method": "TOTP"}})["resetTOTP"])
		// TOTP is off now: the password alone logs in.
		assert.Equal(t, e.totp.ID, at(t, e.ok(t, nil, login, nil), "login", "userId"))
	}},
	{"Mutation.forgotPassword", func(t *testing.T, e *rcEnv) {
		mark := e.rec.mark()
		assert.Equal(t, true, e.ok(t, nil, `mutation { forgotPassword(email: "demo@example.com") }`, nil)["forgotPassword"])
		assert.Equal(t, true, e.ok(t, nil, `mutation { forgotPassword(email: "nobody@example.com") }`, nil)["forgotPassword"], "no account enumeration")
		assert.Equal(t, []string{"POST /api/v1/users.forgotPassword", "POST /api/v1/users.forgotPassword"}, paths(e.rec.since(mark)))

		mark = e.rec.mark()
		e.fails(t, nil, graph.CodeBadUserInput, `mutation { forgotPassword(email: "not-an-address") }`, nil)
		assert.Empty(t, e.rec.since(mark))
	}},
	{"Mutation.sendWelcomeEmail", func(t *testing.T, e *rcEnv) {
		assert.Equal(t, true, e.ok(t, e.admin.Headers, `mutation { sendWelcomeEmail(email: "demo@example.com") }`, nil)["sendWelcomeEmail"])
		e.fails(t, e.demo.Headers, graph.CodeForbidden, `mutation { sendWelcomeEmail(email: "totp@example.com") }`, nil)
		e.fails(t, e.admin.Headers, graph.CodeNotFound, `mutation { sendWelcomeEmail(email: "nobody@example.com") }`, nil)
		e.fails(t, e.admin.Headers, graph.CodeBadUserInput, `mutation { sendWelcomeEmail(email: "nobody") }`, nil)
	}},
	{"Mutation.requestDataDownload", func(t *testing.T, e *rcEnv) {
		const q = `mutation($full: Boolean) { requestDataDownload(fullExport: $full) { requested exportId status fullExport createdAt url pendingOperationsBeforeMyRequest } }`
		data := e.ok(t, e.demo.Headers, q, nil)
		first := data["requestDataDownload"].(map[string]any)
		id := first["exportId"].(string)
		require.NotEmpty(t, id)
		assert.Equal(t, map[string]any{"requested": true, "exportId": id, "status": "pending", "fullExport": false,
			"createdAt": "2025-06-15T12:00:00.000Z", "url": nil, "pendingOperationsBeforeMyRequest": 0.0}, first)

		data = e.ok(t, e.demo.Headers, q, map[string]any{"full": false})
		assert.Equal(t, false, at(t, data, "requestDataDownload", "requested"), "a request of the last 24 hours is returned")
		assert.Equal(t, id, at(t, data, "requestDataDownload", "exportId"))

		data = e.ok(t, e.demo.Headers, q, map[string]any{"full": true})
		assert.Equal(t, true, at(t, data, "requestDataDownload", "requested"))
		assert.Equal(t, true, at(t, data, "requestDataDownload", "fullExport"))
		assert.NotEqual(t, id, at(t, data, "requestDataDownload", "exportId"))

		data = e.ok(t, e.admin.Headers, q, nil)
		assert.Equal(t, true, at(t, data, "requestDataDownload", "requested"), "exports are per user")
	}},
	{"Mutation.reportUser", func(t *testing.T, e *rcEnv) {
		const q = `mutation($id: ID!, $d: String!) { reportUser(userId: $id, description: $d) }`
		assert.Equal(t, true, e.ok(t, e.demo.Headers, q, map[string]any{"id": e.admin.ID, "d": "spams the general channel"})["reportUser"])
		e.fails(t, e.demo.Headers, graph.CodeBadUserInput, q, map[string]any{"id": "no-such-user-id", "d": "who?"})
		mark := e.rec.mark()
		e.fails(t, e.demo.Headers, graph.CodeBadUserInput, q, map[string]any{"id": e.admin.ID, "d": "   "})
		assert.Empty(t, e.rec.since(mark))
		e.fails(t, nil, graph.CodeUnauthenticated, q, map[string]any{"id": e.admin.ID, "d": "anonymous"})
	}},
	{"Query._entities", func(t *testing.T, e *rcEnv) {
		const q = `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on User { id username name } } }`
		data := e.ok(t, e.demo.Headers, q, map[string]any{"r": []any{
			map[string]any{"__typename": "User", "id": e.totp.ID},
			map[string]any{"__typename": "User", "username": "admin"},
		}})
		assert.Equal(t, []any{
			map[string]any{"__typename": "User", "id": e.totp.ID, "username": "totp", "name": "TOTP Demo"},
			map[string]any{"__typename": "User", "id": e.admin.ID, "username": "admin", "name": "Administrator"},
		}, data["_entities"])

		resp := e.do(t, e.demo.Headers, q, map[string]any{"r": []any{map[string]any{"__typename": "User", "id": "no-such-user-id"}}})
		require.Len(t, resp.Errors, 1)
		assert.Equal(t, graph.CodeNotFound, resp.Errors[0].Extensions["code"])
	}},
	{"Query._service", func(t *testing.T, e *rcEnv) {
		sdl := at(t, e.ok(t, nil, `{ _service { sdl } }`, nil), "_service", "sdl").(string)
		assert.Contains(t, sdl, `type User @key(fields: "id") @key(fields: "username")`)
		assert.Contains(t, sdl, "REST: GET /api/v1/users.info")
		assert.Contains(t, sdl, "https://specs.apollo.dev/federation/v2.3")
	}},
}

// TestRootFields runs every case on its own emulator, then checks that every Query and Mutation
// root field answered successfully at least once.
func TestRootFields(t *testing.T) {
	t.Parallel()
	cov := newRootCoverage()
	t.Run("cases", func(t *testing.T) {
		for _, tc := range rootCases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				cov.ran.Add(1)
				tc.run(t, newRCEnv(t, cov))
			})
		}
	})
	if int(cov.ran.Load()) != len(rootCases) {
		t.Skipf("coverage not checked: %d of %d cases ran (-run filter)", cov.ran.Load(), len(rootCases))
	}
	if t.Failed() {
		return
	}
	assert.Empty(t, cov.missing(), "root fields without a successful case")
}

// TestTwoFactorHeadersOnlyOnMutations checks that X-2fa-Code/X-2fa-Method of a GraphQL request
// reach Rocket.Chat only on the REST calls of mutations, and that the twoFactor argument wins.
func TestTwoFactorHeadersOnlyOnMutations(t *testing.T) {
	t.Parallel()
	e := newRCEnv(t, nil)
	withCode := func(code string) map[string]string {
		h := map[string]string{"X-2fa-Code": code, "X-2fa-Method": "password"}
		for k, v := range e.demo.Headers {
			h[k] = v
		}
		return h
	}
	noTwoFactor := func(t *testing.T, calls []upstreamCall) {
		t.Helper()
		require.NotEmpty(t, calls)
		for _, c := range calls {
			assert.Empty(t, c.Header.Values("X-2fa-Code"), "%s %s", c.Method, c.Path)
			assert.Empty(t, c.Header.Values("X-2fa-Method"), "%s %s", c.Method, c.Path)
			assert.Equal(t, e.demo.ID, c.Header.Get("X-User-Id"), "credentials still go on every call")
		}
	}

	const query = `{ me { id } userStatus { status } preferences { useEmojis } personalAccessTokens { name }
		users(first: 2) { nodes { username presence { status } } } searchUsers(term: "totp") { username } }`
	mark := e.rec.mark()
	e.ok(t, withCode(emulator.DemoPassword), query, nil)
	calls := e.rec.since(mark)
	assert.Subset(t, paths(calls), []string{"GET /api/v1/users.info", "GET /api/v1/users.getStatus", "GET /api/v1/users.getPreferences",
		"GET /api/v1/users.getPersonalAccessTokens", "GET /api/v1/users.list", "GET /api/v1/users.autocomplete"})
	noTwoFactor(t, calls)

	// A mutation: the header's code goes upstream (the password method as its SHA-256 digest).
	mark = e.rec.mark()
	data := e.ok(t, withCode(emulator.DemoPassword), `mutation { generatePersonalAccessToken(name: "by-header") { name } }`, nil)
	assert.Equal(t, "by-header", at(t, data, "generatePersonalAccessToken", "name"))
	calls = e.rec.since(mark)
	require.Equal(t, []string{"POST /api/v1/users.generatePersonalAccessToken"}, paths(calls))
	assert.Equal(t, sha256Hex(emulator.DemoPassword), calls[0].Header.Get("X-2fa-Code"))
	assert.Equal(t, "password", calls[0].Header.Get("X-2fa-Method"))

	// The twoFactor argument wins over the headers.
	mark = e.rec.mark()
	e.ok(t, withCode("wrong-password"), `mutation($tf: TwoFactorInput) { removePersonalAccessToken(name: "by-header", twoFactor: $tf) }`, map[string]any{"tf": passwordFactor})
	calls = e.rec.since(mark)
	require.Len(t, calls, 1)
	assert.Equal(t, sha256Hex(emulator.DemoPassword), calls[0].Header.Get("X-2fa-Code"))

	// A wrong header code reaches the mutation (and fails there), never the query before it.
	mark = e.rec.mark()
	resp := e.do(t, withCode("wrong-password"), `mutation { resetE2EKey }`, nil)
	require.Len(t, resp.Errors, 1)
	assert.Equal(t, graph.CodeTwoFactorInvalid, resp.Errors[0].Extensions["code"])
	calls = e.rec.since(mark)
	require.Len(t, calls, 1)
	assert.Equal(t, sha256Hex("wrong-password"), calls[0].Header.Get("X-2fa-Code"))

	mark = e.rec.mark()
	e.ok(t, withCode(emulator.DemoPassword), query, nil)
	noTwoFactor(t, e.rec.since(mark))
}
