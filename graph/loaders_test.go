package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/graph"
)

// directory is a stand-in Rocket.Chat user directory with the list/info/presence semantics of
// the behaviour document: list items carry only some fields, users.presence leaves offline users
// out, and `query` is honoured only when honourQuery is set.
type directory struct {
	users       []map[string]any
	honourQuery bool
}

func newDirectory(n int, honourQuery bool) *directory {
	d := &directory{honourQuery: honourQuery}
	statuses := []string{"online", "away", "busy", "offline"}
	for i := range n {
		d.users = append(d.users, map[string]any{
			"_id": fmt.Sprintf("id%03d", i), "username": fmt.Sprintf("user%03d", i), "name": fmt.Sprintf("User %d", i),
			"status": statuses[i%4], "active": true, "type": "user", "avatarETag": "e" + strconv.Itoa(i),
			"nickname": fmt.Sprintf("nick%d", i), "statusText": fmt.Sprintf("text %d", i), "utcOffset": 1,
		})
	}
	return d
}

var listFields = []string{"_id", "name", "username", "status", "active", "avatarETag", "type"}

func project(u map[string]any, fields []string) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		if v, ok := u[f]; ok {
			out[f] = v
		}
	}
	return out
}

func (d *directory) routes() map[string]http.HandlerFunc {
	write := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	return map[string]http.HandlerFunc{
		"/api/v1/users.list": func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			items := d.users
			fields := listFields
			if d.honourQuery && q.Get("query") != "" {
				var query struct {
					ID struct {
						In []string `json:"$in"`
					} `json:"_id"`
				}
				if err := json.Unmarshal([]byte(q.Get("query")), &query); err != nil {
					w.WriteHeader(400)
					return
				}
				want := map[string]bool{}
				for _, id := range query.ID.In {
					want[id] = true
				}
				items = nil
				for _, u := range d.users {
					if want[u["_id"].(string)] {
						items = append(items, u)
					}
				}
				fields = append(append([]string{}, listFields...), "nickname", "statusText", "utcOffset")
			}
			offset, _ := strconv.Atoi(q.Get("offset"))
			count, err := strconv.Atoi(q.Get("count"))
			if err != nil || count <= 0 {
				count = 50
			}
			count = min(count, 100)
			page := []map[string]any{}
			for i := offset; i < len(items) && i < offset+count; i++ {
				page = append(page, project(items[i], fields))
			}
			write(w, map[string]any{"users": page, "count": len(page), "offset": offset, "total": len(items), "success": true})
		},
		"/api/v1/users.info": func(w http.ResponseWriter, r *http.Request) {
			id, name := r.URL.Query().Get("userId"), r.URL.Query().Get("username")
			for _, u := range d.users {
				if (id != "" && u["_id"] == id) || (name != "" && u["username"] == name) {
					write(w, map[string]any{"user": u, "success": true})
					return
				}
			}
			w.WriteHeader(400)
			write(w, map[string]any{"success": false, "error": "User not found."})
		},
		"/api/v1/users.presence": func(w http.ResponseWriter, r *http.Request) {
			want := map[string]bool{}
			for _, id := range strings.Split(r.URL.Query().Get("ids"), ",") {
				want[id] = true
			}
			out := []map[string]any{}
			for _, u := range d.users {
				if want[u["_id"].(string)] && u["status"] != "offline" {
					out = append(out, project(u, []string{"_id", "username", "name", "status", "statusText", "utcOffset", "avatarETag"}))
				}
			}
			write(w, map[string]any{"users": out, "full": false, "success": true})
		},
	}
}

func nodesOf(t *testing.T, resp gqlResponse) []map[string]any {
	t.Helper()
	require.Empty(t, resp.Errors)
	users := resp.Data["users"].(map[string]any)
	var out []map[string]any
	for _, n := range users["nodes"].([]any) {
		out = append(out, n.(map[string]any))
	}
	return out
}

// TestFiftyUsersWithPresenceCostOneCall is the design promise: a page of users with their
// presence is one REST call, and a field the list items lack adds one batched call (list-query).
func TestFiftyUsersWithPresenceCostOneCall(t *testing.T) {
	t.Parallel()
	for _, mode := range []graph.UserLookup{graph.LookupAuto, graph.LookupListQuery, graph.LookupFanOut} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			backend := newRecordingBackend(t, newDirectory(120, true).routes())
			gw := newGateway(t, backend.URL, graph.LoaderConfig{UserLookup: mode})
			nodes := nodesOf(t, gw.do(t, creds, `{ users(first: 50) { nodes { id presence { status } } } }`, nil))
			require.Len(t, nodes, 50)
			assert.Equal(t, "id000", nodes[0]["id"])
			assert.Equal(t, map[string]any{"status": "AWAY"}, nodes[1]["presence"])
			assert.Equal(t, map[string]any{"status": "OFFLINE"}, nodes[3]["presence"])
			assert.Equal(t, 1, backend.total(), "upstream calls")
			assert.Equal(t, 1, backend.count("/api/v1/users.list"))
		})
	}
}

func TestFieldListItemsLackIsBatched(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mode      graph.UserLookup
		wantList  int
		wantInfo  int
		honour    bool
		wantTotal int
	}{
		{graph.LookupListQuery, 2, 0, true, 2},
		{graph.LookupAuto, 2, 0, true, 2},
		{graph.LookupFanOut, 1, 50, true, 51},
		// A server that ignores `query` (Rocket.Chat >= 7 by default): auto falls back to fan-out.
		{graph.LookupAuto, 2, 50, false, 52},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s honour=%v", tt.mode, tt.honour), func(t *testing.T) {
			t.Parallel()
			backend := newRecordingBackend(t, newDirectory(120, tt.honour).routes())
			gw := newGateway(t, backend.URL, graph.LoaderConfig{UserLookup: tt.mode})
			nodes := nodesOf(t, gw.do(t, creds, `{ users(first: 50) { nodes { id nickname presence { status } } } }`, nil))
			require.Len(t, nodes, 50)
			for i, n := range nodes {
				assert.Equal(t, fmt.Sprintf("nick%d", i), n["nickname"])
			}
			assert.Equal(t, tt.wantList, backend.count("/api/v1/users.list"), "users.list calls")
			assert.Equal(t, tt.wantInfo, backend.count("/api/v1/users.info"), "users.info calls")
			assert.Equal(t, tt.wantTotal, backend.total(), "all calls")
		})
	}
}

func TestAliasedUsersAreDeduplicated(t *testing.T) {
	t.Parallel()
	var q strings.Builder
	q.WriteString("{")
	for i := range 50 {
		fmt.Fprintf(&q, ` u%d: user(id: "id%03d") { id username }`, i, i%10)
	}
	q.WriteString(" }")
	tests := []struct {
		mode       graph.UserLookup
		list, info int
	}{
		{graph.LookupFanOut, 0, 10},
		{graph.LookupListQuery, 1, 0},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			t.Parallel()
			backend := newRecordingBackend(t, newDirectory(20, true).routes())
			// Aliased root fields run concurrently and meet in the loader's batch window; a
			// generous window keeps the count exact on a loaded CI machine (the default window
			// is measured by BenchmarkBatchWait).
			gw := newGateway(t, backend.URL, graph.LoaderConfig{UserLookup: tt.mode, Wait: 50 * time.Millisecond})
			resp := gw.do(t, creds, q.String(), nil)
			require.Empty(t, resp.Errors)
			for i := range 50 {
				u := resp.Data[fmt.Sprintf("u%d", i)].(map[string]any)
				assert.Equal(t, fmt.Sprintf("user%03d", i%10), u["username"])
			}
			assert.Equal(t, tt.info, backend.count("/api/v1/users.info"))
			assert.Equal(t, tt.list, backend.count("/api/v1/users.list"))
		})
	}
}

func TestOneMissingUserFailsOnlyItself(t *testing.T) {
	t.Parallel()
	for _, mode := range []graph.UserLookup{graph.LookupFanOut, graph.LookupListQuery} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			backend := newRecordingBackend(t, newDirectory(5, true).routes())
			gw := newGateway(t, backend.URL, graph.LoaderConfig{UserLookup: mode})
			resp := gw.do(t, creds, `{ a: user(id: "id001") { username } b: user(id: "nope") { username } c: user(id: "id002") { username } }`, nil)
			assert.Equal(t, map[string]any{"username": "user001"}, resp.Data["a"])
			assert.Nil(t, resp.Data["b"])
			assert.Equal(t, map[string]any{"username": "user002"}, resp.Data["c"])
			require.Len(t, resp.Errors, 1)
			assert.Equal(t, graph.CodeNotFound, resp.Errors[0].Extensions["code"])
			assert.Equal(t, []any{"b"}, resp.Errors[0].Path)
		})
	}
}

func TestPresenceOfReferencedUsersIsOneCall(t *testing.T) {
	t.Parallel()
	backend := newRecordingBackend(t, newDirectory(10, false).routes())
	gw := newGateway(t, backend.URL, graph.LoaderConfig{})
	resp := gw.do(t, creds, `{ presences(ids: ["id000", "id003", "id001", "id000"]) { users { status user { id } } } }`, nil)
	require.Empty(t, resp.Errors)
	users := resp.Data["presences"].(map[string]any)["users"].([]any)
	require.Len(t, users, 4)
	assert.Equal(t, "ONLINE", users[0].(map[string]any)["status"])
	assert.Equal(t, "OFFLINE", users[1].(map[string]any)["status"], "left out by users.presence means offline")
	assert.Equal(t, "AWAY", users[2].(map[string]any)["status"])
	assert.Equal(t, 1, backend.total())
}

// TestCallersNeverMix runs two identities' operations concurrently and checks that every upstream
// call carries the token of the operation it serves and that no answer holds the other's data.
func TestCallersNeverMix(t *testing.T) {
	t.Parallel()
	tokens := map[string]string{"alice": "token-alice", "bob": "token-bob"}
	var mismatched sync.Map
	backend := newRecordingBackend(t, map[string]http.HandlerFunc{
		"/api/v1/users.info": func(w http.ResponseWriter, r *http.Request) {
			caller := r.Header.Get("X-User-Id")
			if tokens[caller] != r.Header.Get("X-Auth-Token") {
				mismatched.Store(caller+"/"+r.Header.Get("X-Auth-Token"), true)
				w.WriteHeader(401)
				_, _ = w.Write([]byte(`{"success":false,"error":"You must be logged in to do this."}`))
				return
			}
			id := r.URL.Query().Get("userId")
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, `{"user":{"_id":%q,"username":"seen-by-%s","status":"online"},"success":true}`, id, caller)
		},
	})
	gw := newGateway(t, backend.URL, graph.LoaderConfig{UserLookup: graph.LookupFanOut})
	const perIdentity = 1000
	var wg sync.WaitGroup
	errs := make(chan string, 2*perIdentity)
	sem := make(chan struct{}, 64)
	for _, who := range []string{"alice", "bob"} {
		for i := range perIdentity {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				h := map[string]string{"X-User-Id": who, "X-Auth-Token": tokens[who]}
				resp := gw.do(t, h, fmt.Sprintf(`{ me { username } other: user(id: "x%d") { username } }`, i%7), nil)
				if len(resp.Errors) > 0 {
					errs <- fmt.Sprint(resp.Errors)
					return
				}
				for _, k := range []string{"me", "other"} {
					if got := resp.Data[k].(map[string]any)["username"]; got != "seen-by-"+who {
						errs <- fmt.Sprintf("%s got %v", who, got)
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	mismatched.Range(func(k, _ any) bool {
		t.Errorf("upstream call with mixed credentials: %v", k)
		return true
	})
	assert.Equal(t, 2*perIdentity*2, backend.count("/api/v1/users.info"), "one call per distinct user per operation")
}

// TestUsersAreFetchedOncePerOperation: a user completed by one field is not fetched again by
// another field of the same operation (the caller appears both as `me` and in the page).
func TestUsersAreFetchedOncePerOperation(t *testing.T) {
	t.Parallel()
	backend := newRecordingBackend(t, newDirectory(60, false).routes())
	gw := newGateway(t, backend.URL, graph.LoaderConfig{UserLookup: graph.LookupFanOut, Wait: 20 * time.Millisecond})
	caller := map[string]string{"X-User-Id": "id000", "X-Auth-Token": "t"}
	resp := gw.do(t, caller, `{ me { id nickname } users(first: 50) { nodes { id nickname } } again: user(id: "id001") { nickname } }`, nil)
	require.Empty(t, resp.Errors)
	assert.Equal(t, "nick0", resp.Data["me"].(map[string]any)["nickname"])
	assert.Equal(t, "nick1", resp.Data["again"].(map[string]any)["nickname"])
	assert.Equal(t, 1, backend.count("/api/v1/users.list"))
	assert.Equal(t, 50, backend.count("/api/v1/users.info"), "50 distinct users, each fetched once")
}
