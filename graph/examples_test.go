package graph

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/graph/model"
	"github.com/rocketgql/rocketgql/restclient"
)

const exampleAvatarBase = "https://chat.example.com"

// contractPath is the official Users contract, relative to the repository root; RC_OPENAPI
// overrides it.
func contractPath() string {
	if p := os.Getenv("RC_OPENAPI"); p != "" {
		return p
	}
	return filepath.Join("..", "..", "shared", "rocketchat-openapi", "users.yaml")
}

// contractExample is one 2xx JSON response example of the contract.
type contractExample struct {
	path, method, name string
	status             int
	body               []byte
	raw                map[string]any
}

func (e contractExample) op() string { return e.method + " " + e.path }

// exampleMapper calls the resolver of the operation (whose REST call answers with the example)
// and checks that the identifying values of the raw example survive into the GraphQL model.
type exampleMapper func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any)

// exampleMappers maps each contract path to the resolver that serves it. Resolvers that need
// gqlgen's field context get an empty selection (see resolverContext), so they map exactly what
// the REST answer holds and make no further call.
var exampleMappers = map[string]exampleMapper{
	"/api/v1/users.create": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		u, err := (&mutationResolver{r}).CreateUser(ctx, model.CreateUserInput{Email: "a@example.com", Name: "a", Password: "p", Username: "a"})
		require.NoError(t, err)
		checkUser(t, obj(t, raw, "user"), u)
	},
	"/api/v1/users.register": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		u, err := (&mutationResolver{r}).RegisterUser(ctx, model.RegisterUserInput{Username: "a", Email: "a@example.com", Password: "p"})
		require.NoError(t, err)
		checkUser(t, obj(t, raw, "user"), u)
	},
	"/api/v1/users.update": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		u, err := (&mutationResolver{r}).UpdateUser(ctx, model.UpdateUserInput{UserID: "x"}, nil)
		require.NoError(t, err)
		checkUser(t, obj(t, raw, "user"), u)
	},
	"/api/v1/users.updateOwnBasicInfo": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		u, err := (&mutationResolver{r}).UpdateOwnBasicInfo(ctx, model.UpdateOwnBasicInfoInput{}, nil)
		require.NoError(t, err)
		checkUser(t, obj(t, raw, "user"), u)
	},
	"/api/v1/users.info": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		rec := obj(t, raw, "user")
		id := rec["_id"].(string)
		u, err := (&queryResolver{r}).User(ctx, &id, nil) // through the by-id loader (fan-out: users.info)
		require.NoError(t, err)
		checkUser(t, rec, u)
	},
	"/api/v1/users.list": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		conn, err := (&queryResolver{r}).Users(ctx, nil, nil, nil, nil)
		require.NoError(t, err)
		checkConnection(t, raw, conn)
	},
	"/api/v1/users.listByStatus": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		active := model.AccountStateActive
		conn, err := (&queryResolver{r}).Users(ctx, nil, nil, &model.UserFilter{State: &active}, nil)
		require.NoError(t, err)
		checkConnection(t, raw, conn)
	},
	"/api/v1/users.autocomplete": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		users, err := (&queryResolver{r}).SearchUsers(ctx, "a", nil)
		require.NoError(t, err)
		items := objs(t, raw, "items")
		require.Len(t, users, len(items))
		for i := range users {
			checkUser(t, items[i], &users[i])
			assert.Equal(t, true, *users[i].Active(), "users.autocomplete only answers active users")
		}
	},
	"/api/v1/users.presence": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		feed, err := (&queryResolver{r}).Presences(ctx, nil, nil)
		require.NoError(t, err)
		entries := objs(t, raw, "users")
		require.Len(t, feed.Users, len(entries))
		full, _ := raw["full"].(bool)
		assert.Equal(t, full, feed.Full)
		for i, e := range entries {
			p := feed.Users[i]
			assert.Equal(t, model.StatusOf(str(e, "status")), p.Status)
			assert.Equal(t, optStr(e, "statusText"), p.StatusText)
			if v, ok := e["utcOffset"].(float64); ok {
				require.NotNil(t, p.UtcOffset)
				assert.InDelta(t, v, *p.UtcOffset, 0)
			}
			checkUser(t, e, p.User)
		}
	},
	"/api/v1/users.getPresence": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		p, err := (&queryResolver{r}).UserPresence(ctx, nil, nil)
		require.NoError(t, err)
		assert.Equal(t, model.StatusOf(str(raw, "presence")), p.Status)
		assert.Equal(t, optionalStatus(str(raw, "connectionStatus")), p.ConnectionStatus)
		assertTime(t, raw["lastLogin"], p.LastLogin)
	},
	"/api/v1/users.getStatus": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		s, err := (&queryResolver{r}).UserStatus(ctx, nil, nil)
		require.NoError(t, err)
		assert.Equal(t, str(raw, "_id"), s.UserID)
		assert.Equal(t, model.StatusOf(str(raw, "status")), s.Status)
		assert.Equal(t, optionalStatus(str(raw, "connectionStatus")), s.ConnectionStatus)
	},
	"/api/v1/users.setActiveStatus": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		rec := obj(t, raw, "user")
		// Ask for the opposite of the example, so the payload can only come from the answer.
		want, _ := rec["active"].(bool)
		p, err := (&mutationResolver{r}).SetUserActiveStatus(ctx, "someone-else", !want, nil)
		require.NoError(t, err)
		assert.Equal(t, str(rec, "_id"), p.UserID)
		assert.Equal(t, want, p.Active)
	},
	"/api/v1/users.deactivateIdle": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		p, err := (&mutationResolver{r}).DeactivateIdleUsers(ctx, 30, nil)
		require.NoError(t, err)
		assert.Equal(t, int(raw["count"].(float64)), p.Count)
	},
	"/api/v1/users.listTeams": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		teams, err := (&queryResolver{r}).Teams(ctx, "x")
		require.NoError(t, err)
		entries := objs(t, raw, "teams")
		require.Len(t, teams, len(entries))
		for i, e := range entries {
			tm := teams[i]
			assert.Equal(t, str(e, "_id"), tm.ID)
			assert.Equal(t, str(e, "name"), tm.Name)
			assert.Equal(t, str(e, "roomId"), tm.RoomID)
			assert.Equal(t, e["type"] == float64(1), tm.Private)
			isOwner, _ := e["isOwner"].(bool)
			assert.Equal(t, isOwner, tm.IsOwner)
			assertTime(t, e["createdAt"], tm.CreatedAt)
			assertTime(t, e["_updatedAt"], tm.UpdatedAt)
			if cb, ok := e["createdBy"].(map[string]any); ok && str(cb, "_id") != "" {
				require.NotNil(t, tm.CreatedBy)
				checkUser(t, cb, tm.CreatedBy)
			}
		}
	},
	"/api/v1/users.getPreferences": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		p, err := (&queryResolver{r}).Preferences(ctx)
		require.NoError(t, err)
		checkPreferences(t, obj(t, raw, "preferences"), p)
	},
	"/api/v1/users.setPreferences": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		p, err := (&mutationResolver{r}).SetPreferences(ctx, map[string]any{"useEmojis": true}, nil)
		require.NoError(t, err)
		checkPreferences(t, obj(t, raw, "preferences"), p)
	},
	"/api/v1/users.createToken": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		tok, err := (&mutationResolver{r}).CreateUserToken(ctx, "x", "secret")
		require.NoError(t, err)
		data := obj(t, raw, "data")
		assert.Equal(t, str(data, "userId"), tok.UserID)
		assert.Equal(t, str(data, "authToken"), tok.AuthToken)
	},
	"/api/v1/users.generatePersonalAccessToken": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		s, err := (&mutationResolver{r}).GeneratePersonalAccessToken(ctx, "myToken", nil, nil)
		require.NoError(t, err)
		assert.Equal(t, "myToken", s.Name)
		assert.Equal(t, str(raw, "token"), s.Token)
	},
	"/api/v1/users.regeneratePersonalAccessToken": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		s, err := (&mutationResolver{r}).RegeneratePersonalAccessToken(ctx, "myToken", nil)
		require.NoError(t, err)
		assert.Equal(t, "myToken", s.Name)
		assert.Equal(t, str(raw, "token"), s.Token)
	},
	"/api/v1/users.getPersonalAccessTokens": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		tokens, err := (&queryResolver{r}).PersonalAccessTokens(ctx)
		require.NoError(t, err)
		entries := objs(t, raw, "tokens")
		require.Len(t, tokens, len(entries))
		for i, e := range entries {
			assert.Equal(t, str(e, "name"), tokens[i].Name)
			assert.Equal(t, str(e, "lastTokenPart"), tokens[i].LastTokenPart)
			bypass, _ := e["bypassTwoFactor"].(bool)
			assert.Equal(t, bypass, tokens[i].BypassTwoFactor)
			assertTime(t, e["createdAt"], tokens[i].CreatedAt)
		}
	},
	"/api/v1/users.requestDataDownload": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		d, err := (&mutationResolver{r}).RequestDataDownload(ctx, nil)
		require.NoError(t, err)
		op := obj(t, raw, "exportOperation")
		requested, _ := raw["requested"].(bool)
		assert.Equal(t, requested, d.Requested)
		assert.Equal(t, str(op, "_id"), d.ExportID)
		assert.Equal(t, str(op, "status"), d.Status)
		full, _ := op["fullExport"].(bool)
		assert.Equal(t, full, d.FullExport)
		assertTime(t, op["createdAt"], d.CreatedAt)
		assert.Equal(t, optStr(raw, "url"), d.URL)
		pending, _ := raw["pendingOperationsBeforeMyRequest"].(float64)
		assert.Equal(t, int(pending), d.PendingOperationsBeforeMyRequest)
	},
	"/api/v1/users.logoutOtherClients": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		p, err := (&mutationResolver{r}).LogoutOtherClients(ctx)
		require.NoError(t, err)
		assertTime(t, raw["tokenExpires"], p.TokenExpires)
	},
	"/api/v1/users.getUsernameSuggestion": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		s, err := (&queryResolver{r}).UsernameSuggestion(ctx)
		require.NoError(t, err)
		assert.Equal(t, str(raw, "result"), value(s))
	},
	"/api/v1/users.checkUsernameAvailability": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		ok, err := (&queryResolver{r}).UsernameAvailable(ctx, "rocket.mic")
		require.NoError(t, err)
		assert.Equal(t, raw["result"], value(ok))
	},
	"/api/v1/users.forgotPassword": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		ok, err := (&mutationResolver{r}).ForgotPassword(ctx, "a@example.com")
		require.NoError(t, err)
		assert.Equal(t, true, value(ok))
	},
	"/api/v1/users.setStatus": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		away := model.SettableUserStatusAway
		ok, err := (&mutationResolver{r}).SetStatus(ctx, &away, nil, nil, nil)
		require.NoError(t, err)
		assert.Equal(t, true, value(ok))
	},
	"/api/v1/users.setAvatar": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		// The image form: the URL form would resolve the host against the SSRF guard.
		img := &graphql.Upload{File: strings.NewReader("\x89PNG"), Filename: "a.png", ContentType: "image/png"}
		ok, err := (&mutationResolver{r}).SetAvatar(ctx, model.SetAvatarInput{Image: img})
		require.NoError(t, err)
		assert.Equal(t, true, value(ok))
	},
	"/api/v1/users.resetAvatar": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		name := "someone"
		ok, err := (&mutationResolver{r}).ResetAvatar(ctx, nil, &name)
		require.NoError(t, err)
		assert.Equal(t, true, value(ok))
	},
	"/api/v1/users.deleteOwnAccount": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		ok, err := (&mutationResolver{r}).DeleteOwnAccount(ctx, "password", nil)
		require.NoError(t, err)
		assert.Equal(t, true, value(ok))
	},
	"/api/v1/users.removePersonalAccessToken": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		ok, err := (&mutationResolver{r}).RemovePersonalAccessToken(ctx, "myToken", nil)
		require.NoError(t, err)
		assert.Equal(t, true, value(ok))
	},
	"/api/v1/users.removeOtherTokens": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		ok, err := (&mutationResolver{r}).RemoveOtherTokens(ctx)
		require.NoError(t, err)
		assert.Equal(t, true, value(ok))
	},
	"/api/v1/users.resetE2EKey": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		ok, err := (&mutationResolver{r}).ResetE2EKey(ctx, nil, nil, nil)
		require.NoError(t, err)
		assert.Equal(t, true, value(ok))
	},
	"/api/v1/users.resetTOTP": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		ok, err := (&mutationResolver{r}).ResetTotp(ctx, nil, nil, nil)
		require.NoError(t, err)
		assert.Equal(t, true, value(ok))
	},
	"/api/v1/users.sendWelcomeEmail": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		ok, err := (&mutationResolver{r}).SendWelcomeEmail(ctx, "a@example.com")
		require.NoError(t, err)
		assert.Equal(t, true, value(ok))
	},
	"/api/v1/moderation.reportUser": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		ok, err := (&mutationResolver{r}).ReportUser(ctx, "x", "spam")
		require.NoError(t, err)
		assert.Equal(t, true, value(ok))
	},
	"/api/v1/users.logout": func(t *testing.T, ctx context.Context, r *Resolver, raw map[string]any) {
		ok, err := (&mutationResolver{r}).Logout(ctx, nil)
		require.NoError(t, err)
		assert.Equal(t, true, value(ok))
	},
}

// TestContractExamplesMapToModel serves every 2xx JSON response example of the official contract
// through the real client method and resolver of its operation: payloads written by Rocket.Chat,
// not by us, must decode and map to the GraphQL model without error, and keep their values.
func TestContractExamplesMapToModel(t *testing.T) {
	t.Parallel()
	p := contractPath()
	if _, err := os.Stat(p); err != nil {
		t.Skipf("official contract not found at %s (set RC_OPENAPI to users.yaml): %v", p, err)
	}
	doc, err := openapi3.NewLoader().LoadFromFile(p)
	require.NoError(t, err)

	examples, without := successExamples(t, doc)
	require.NotEmpty(t, examples, "2xx JSON response examples in the contract")
	for _, op := range without {
		t.Logf("not covered: %s has no 2xx JSON response example in the contract", op)
	}
	var unmapped []string
	for _, ex := range examples {
		if exampleMappers[ex.path] == nil {
			unmapped = append(unmapped, ex.op()+" ("+ex.name+"): no resolver mapping in exampleMappers")
		}
	}
	assert.Empty(t, unmapped, "operations whose 2xx examples could not be mapped")

	covered := 0
	for _, ex := range examples {
		mapper := exampleMappers[ex.path]
		if mapper == nil {
			continue
		}
		covered++
		t.Run(ex.op()+"/"+strconv.Itoa(ex.status)+"/"+ex.name, func(t *testing.T) {
			t.Parallel()
			r, calls := exampleResolver(t, ex)
			ctx := resolverContext(t.Context(), r)
			mapper(t, ctx, r, ex.raw)
			assert.Empty(t, graphql.GetErrors(ctx), "errors added while mapping")
			assert.Positive(t, calls.Load(), "the example was served through the client")
		})
	}
	assert.Positive(t, covered, "2xx examples mapped")
	t.Logf("mapped %d 2xx JSON examples of %d operations; %d operations without one", covered, len(exampleMappers), len(without))
}

// successExamples collects the 2xx JSON response examples, sorted, and the operations that have none.
func successExamples(t *testing.T, doc *openapi3.T) ([]contractExample, []string) {
	t.Helper()
	var out []contractExample
	var without []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			n := 0
			for code, ref := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil || status < 200 || status > 299 || ref.Value == nil {
					continue
				}
				for ct, mt := range ref.Value.Content {
					if !strings.Contains(ct, "json") {
						continue
					}
					add := func(name string, v any) {
						body, err := json.Marshal(v)
						require.NoError(t, err)
						var raw map[string]any
						require.NoError(t, json.Unmarshal(body, &raw), "%s %s example %s is not a JSON object", method, path, name)
						out = append(out, contractExample{path: path, method: method, name: name, status: status, body: body, raw: raw})
						n++
					}
					if mt.Example != nil {
						add("example", mt.Example)
					}
					for name, ex := range mt.Examples {
						if ex != nil && ex.Value != nil && ex.Value.Value != nil {
							add(name, ex.Value.Value)
						}
					}
				}
			}
			if n == 0 {
				without = append(without, method+" "+path)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.op()+strconv.Itoa(a.status)+a.name < b.op()+strconv.Itoa(b.status)+b.name
	})
	sort.Strings(without)
	return out, without
}

// exampleResolver is a Resolver whose REST client talks to a server answering ex, and only on
// ex's path; calls counts the requests it served.
func exampleResolver(t *testing.T, ex contractExample) (*Resolver, *atomic.Int32) {
	t.Helper()
	calls := new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != ex.path {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"success":false,"error":"unexpected path ` + req.URL.Path + `"}`))
			return
		}
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(ex.status)
		_, _ = w.Write(ex.body)
	}))
	t.Cleanup(srv.Close)
	c, err := restclient.New(srv.URL)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	r, err := NewResolver(ResolverOptions{
		Users: c.Users, Moderation: c.Moderation, Session: c,
		AvatarBaseURL: exampleAvatarBase,
		Loaders:       LoaderConfig{UserLookup: LookupFanOut},
	})
	require.NoError(t, err)
	return r, calls
}

// resolverContext is what gqlgen gives a root resolver, with an empty selection: materialize has
// nothing to complete, so users stay exactly as the REST answer built them.
func resolverContext(ctx context.Context, r *Resolver) context.Context {
	ctx = graphql.WithOperationContext(ctx, &graphql.OperationContext{})
	ctx = graphql.WithResponseContext(ctx, graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{})
	return r.WithLoaders(ctx)
}

func checkConnection(t *testing.T, raw map[string]any, conn *model.UserConnection) {
	t.Helper()
	items := objs(t, raw, "users")
	require.Len(t, conn.Nodes, len(items))
	if total, ok := raw["total"].(float64); ok {
		assert.Equal(t, int(total), conn.TotalCount)
	}
	for i := range items {
		assert.False(t, conn.Nodes[i].Complete, "a listed user is partial until materialized")
		checkUser(t, items[i], &conn.Nodes[i])
		assert.Same(t, &conn.Nodes[i], conn.Edges[i].Node)
	}
}

// checkUser reads every method of model.User and checks that each value the raw REST record
// holds for a GraphQL field reads back unchanged.
func checkUser(t *testing.T, raw map[string]any, u *model.User) {
	t.Helper()
	require.NotNil(t, u)
	require.NotNil(t, u.Record, "model.User.Record is never nil")
	readAllMethods(t, u)

	assert.Equal(t, str(raw, "_id"), u.ID, "_id")
	assert.Equal(t, u.ID, u.Record.ID)
	assert.Equal(t, optStr(raw, "username"), u.Username(), "username")
	assert.Equal(t, optStr(raw, "name"), u.Name(), "name")
	assert.Equal(t, optStr(raw, "nickname"), u.Nickname(), "nickname")
	assert.Equal(t, optStr(raw, "bio"), u.Bio(), "bio")
	assert.Equal(t, optStr(raw, "statusText"), u.StatusText(), "statusText")
	assert.Equal(t, optStr(raw, "type"), u.Type(), "type")
	assert.Equal(t, optStr(raw, "language"), u.Language(), "language")
	assert.Equal(t, optStr(raw, "avatarETag"), u.AvatarETag(), "avatarETag")
	assert.Equal(t, optionalStatus(str(raw, "status")), u.Status(), "status")
	assertBool(t, raw, "requirePasswordChange", u.RequirePasswordChange())
	assertBool(t, raw, "federated", u.Federated())
	assertBool(t, raw, "canViewAllInfo", u.CanViewAllInfo())
	if _, ok := raw["active"]; ok {
		assertBool(t, raw, "active", u.Active())
	}
	assertTime(t, raw["createdAt"], u.CreatedAt())
	assertTime(t, raw["lastLogin"], u.LastLogin())

	if v, ok := raw["utcOffset"].(float64); ok {
		require.NotNil(t, u.UtcOffset(), "utcOffset")
		assert.InDelta(t, v, *u.UtcOffset(), 0, "utcOffset")
	} else {
		assert.Nil(t, u.UtcOffset(), "utcOffset")
	}
	if roles, ok := raw["roles"].([]any); ok {
		want := make([]string, len(roles))
		for i, r := range roles {
			want[i] = r.(string)
		}
		assert.Equal(t, want, u.Roles(), "roles")
	} else {
		assert.Nil(t, u.Roles(), "roles")
	}
	if emails, ok := raw["emails"].([]any); ok {
		want := make([]model.Email, len(emails))
		for i, e := range emails {
			m := e.(map[string]any)
			verified, _ := m["verified"].(bool)
			want[i] = model.Email{Address: str(m, "address"), Verified: verified}
		}
		assert.Equal(t, want, u.Emails(), "emails")
	} else {
		assert.Nil(t, u.Emails(), "emails are null, not empty, when not shown")
	}
	if cf, ok := raw["customFields"].(map[string]any); ok {
		assert.Equal(t, cf, u.CustomFields(), "customFields")
	} else {
		assert.Nil(t, u.CustomFields(), "customFields")
	}
	if reason, ok := raw["inactiveReason"].(string); ok && reason != "" {
		require.NotNil(t, u.InactiveReason(), "inactiveReason %q", reason)
		assert.Equal(t, strings.ToUpper(reason), string(*u.InactiveReason()))
	} else {
		assert.Nil(t, u.InactiveReason(), "inactiveReason")
	}

	// Presence answers from the record, with no call: the status of the record, or offline.
	p := u.Presence()
	require.NotNil(t, p)
	assert.Equal(t, model.StatusOf(str(raw, "status")), p.Status, "presence.status")
	assert.Equal(t, optStr(raw, "statusText"), p.StatusText, "presence.statusText")

	// The avatar URL is by username when known, else by id, with the ETag when there is one.
	want := exampleAvatarBase + "/avatar/uid/" + url.PathEscape(u.ID)
	if name := str(raw, "username"); name != "" {
		want = exampleAvatarBase + "/avatar/" + url.PathEscape(name)
	}
	if etag := str(raw, "avatarETag"); etag != "" {
		want += "?" + url.Values{"etag": {etag}}.Encode()
	}
	assert.Equal(t, want, u.AvatarURL(nil, nil), "avatarUrl")
	size, png := 64, model.AvatarFormatPng
	sized, err := url.Parse(u.AvatarURL(&size, &png))
	require.NoError(t, err)
	assert.Equal(t, "64", sized.Query().Get("size"))
	assert.Equal(t, "png", sized.Query().Get("format"))
}

// checkedUserMethods are the methods of *model.User whose values checkUser asserts. A method
// added to the model fails readAllMethods until checkUser checks it too.
var checkedUserMethods = []string{"Active", "AvatarETag", "AvatarURL", "Bio", "CanViewAllInfo",
	"CreatedAt", "CustomFields", "Emails", "Federated", "InactiveReason", "IsEntity", "Language",
	"LastLogin", "Name", "Nickname", "Presence", "RequirePasswordChange", "Roles", "Status",
	"StatusText", "Type", "UtcOffset", "Username"}

// readAllMethods calls every exported method of *model.User with zero arguments (a nil
// dereference on a partial record would panic) and checks that checkUser knows them all.
func readAllMethods(t *testing.T, u *model.User) {
	t.Helper()
	v := reflect.ValueOf(u)
	names := make([]string, 0, v.NumMethod())
	for i := range v.NumMethod() {
		m := v.Method(i)
		args := make([]reflect.Value, m.Type().NumIn())
		for j := range args {
			args[j] = reflect.Zero(m.Type().In(j))
		}
		name := v.Type().Method(i).Name
		names = append(names, name)
		assert.NotPanics(t, func() { m.Call(args) }, "model.User.%s", name)
	}
	assert.ElementsMatch(t, checkedUserMethods, names, "model.User methods read and checked")
}

func checkPreferences(t *testing.T, raw map[string]any, p *model.Preferences) {
	t.Helper()
	require.NotNil(t, p)
	assert.Equal(t, raw, p.All, "every preference is kept in `all`")
	strs := map[string]*string{
		"language": p.Language, "newRoomNotification": p.NewRoomNotification,
		"newMessageNotification": p.NewMessageNotification, "sendOnEnter": p.SendOnEnter,
		"themeAppearence": p.ThemeAppearence, "fontSize": p.FontSize,
		"desktopNotifications": p.DesktopNotifications, "pushNotifications": p.PushNotifications,
		"emailNotificationMode": p.EmailNotificationMode,
	}
	for k, got := range strs {
		if s, ok := raw[k].(string); ok {
			assert.Equal(t, &s, got, k)
		} else {
			assert.Nil(t, got, k)
		}
	}
	bools := map[string]*bool{
		"useEmojis": p.UseEmojis, "convertAsciiEmoji": p.ConvertASCIIEmoji, "enableAutoAway": p.EnableAutoAway,
	}
	for k, got := range bools {
		if b, ok := raw[k].(bool); ok {
			assert.Equal(t, &b, got, k)
		} else {
			assert.Nil(t, got, k)
		}
	}
	if f, ok := raw["idleTimeLimit"].(float64); ok {
		require.NotNil(t, p.IdleTimeLimit)
		assert.Equal(t, int(f), *p.IdleTimeLimit)
	}
	if hs, ok := raw["highlights"].([]any); ok {
		assert.Len(t, p.Highlights, len(hs))
	}
}

func obj(t *testing.T, m map[string]any, key string) map[string]any {
	t.Helper()
	v, ok := m[key].(map[string]any)
	require.True(t, ok, "example has no object %q", key)
	return v
}

func objs(t *testing.T, m map[string]any, key string) []map[string]any {
	t.Helper()
	list, ok := m[key].([]any)
	require.True(t, ok, "example has no array %q", key)
	out := make([]map[string]any, len(list))
	for i, v := range list {
		out[i], ok = v.(map[string]any)
		require.True(t, ok, "%s[%d] is not an object", key, i)
	}
	return out
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func optStr(m map[string]any, key string) *string {
	return strPtr(str(m, key))
}

func assertBool(t *testing.T, raw map[string]any, key string, got *bool) {
	t.Helper()
	if b, ok := raw[key].(bool); ok {
		require.NotNil(t, got, key)
		assert.Equal(t, b, *got, key)
	} else {
		assert.Nil(t, got, key)
	}
}

func assertTime(t *testing.T, raw any, got *time.Time) {
	t.Helper()
	s, ok := raw.(string)
	if !ok || s == "" {
		assert.Nil(t, got)
		return
	}
	want, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	require.NotNil(t, got, "date %s", s)
	assert.True(t, want.Equal(*got), "date: want %s, got %s", want, got)
}

// value dereferences a root field's result, so the checks hold whether the schema makes the
// field nullable (a pointer) or not.
func value(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		return rv.Elem().Interface()
	}
	return v
}
