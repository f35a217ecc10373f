package restclient_test

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/restclient"
)

const (
	basePath  = "/rc"
	testToken = "tok-secret-0123456789"
	testUser  = "uid-caller-1"
)

type credKey struct{}

// withCaller attaches the caller's credentials the way the gateway's
// middleware does; the client reads them through WithCredentials.
func withCaller(ctx context.Context) context.Context {
	return context.WithValue(ctx, credKey{}, restclient.Credentials{UserID: testUser, AuthToken: testToken})
}

func credsFromCtx(ctx context.Context) (restclient.Credentials, bool) {
	c, ok := ctx.Value(credKey{}).(restclient.Credentials)
	return c, ok
}

// recorded is what the fake server saw.
type recorded struct {
	Method, Path, RawPath, RawQuery string
	Query                           url.Values
	Header                          http.Header
	Body                            []byte
}

type fakeServer struct {
	*httptest.Server
	mu    sync.Mutex
	calls []recorded
}

func (f *fakeServer) last(t *testing.T) recorded {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	require.Len(t, f.calls, 1, "exactly one upstream call")
	return f.calls[0]
}

// newFake serves respond under basePath only; anything else is a 404 that
// fails the call, so a lost base path is caught.
func newFake(t *testing.T, respond http.HandlerFunc) *fakeServer {
	t.Helper()
	f := &fakeServer{}
	mux := http.NewServeMux()
	mux.HandleFunc(basePath+"/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.calls = append(f.calls, recorded{
			Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
			Query: r.URL.Query(), Header: r.Header.Clone(), Body: body,
		})
		f.mu.Unlock()
		respond(w, r)
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

// newFakeB serves h under basePath for benchmarks and returns the server URL.
func newFakeB(b *testing.B, h http.HandlerFunc) string {
	b.Helper()
	mux := http.NewServeMux()
	mux.Handle(basePath+"/", h)
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	return srv.URL
}

func newClient(t *testing.T, srvURL string, opts ...restclient.Option) *restclient.Client {
	t.Helper()
	opts = append([]restclient.Option{restclient.WithCredentials(credsFromCtx)}, opts...)
	c, err := restclient.New(srvURL+basePath, opts...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func serveFile(t *testing.T, status int, name string, header map[string]string) http.HandlerFunc {
	t.Helper()
	body := fixture(t, name)
	return func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

func ptr[T any](v T) *T { return &v }

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

type opCase struct {
	name string
	call func(ctx context.Context, c *restclient.Client) (any, error)
	// twoFactor runs the call with WithTwoFactor; the 2FA headers must be
	// sent then and only then.
	twoFactor bool
	anonymous bool // no credentials may be sent (login)
	method    string
	path      string     // decoded path as the server sees it
	query     url.Values // exact query (nil = none)
	body      string     // exact JSON body ("" = no body)
	checkReq  func(t *testing.T, r recorded)
	status    int
	file      string
	header    map[string]string
	check     func(t *testing.T, got any)
}

func TestUsersOperations(t *testing.T) {
	t.Parallel()
	from := ts("2024-06-01T08:00:00.123Z")
	cases := []opCase{
		{
			name: "users.info by username with special characters",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.Info(ctx, restclient.InfoOptions{Username: "j@ne.d+e #1[x] y", IncludeUserRooms: true})
			},
			method: "GET", path: "/rc/api/v1/users.info",
			query: url.Values{"username": {"j@ne.d+e #1[x] y"}, "includeUserRooms": {"true"}},
			checkReq: func(t *testing.T, r recorded) {
				assert.Contains(t, r.RawQuery, "username=j%40ne.d%2Be+%231%5Bx%5D+y")
			},
			file: "users_info.json",
			check: func(t *testing.T, got any) {
				u := got.(*restclient.User)
				assert.Equal(t, "aobEdbYhXfu5hkeqG", u.ID)
				assert.Equal(t, "jane", u.Username)
				assert.Equal(t, "Jane Doe", u.Name)
				assert.Equal(t, []restclient.Email{{Address: "jane@example.com", Verified: true}}, u.Emails)
				assert.Equal(t, ptr(true), u.Active)
				assert.Equal(t, ptr(2.0), u.UTCOffset)
				assert.Equal(t, ts("2024-05-01T10:00:00Z"), *u.CreatedAt)
				assert.Equal(t, ts("2024-06-01T08:00:00Z"), *u.LastLogin)
				assert.Nil(t, u.UpdatedAt)
				assert.Nil(t, u.InactiveReason)
				assert.Equal(t, ptr(true), u.CanViewAllInfo)
				assert.Equal(t, ptr(false), u.RequirePasswordChange)
				assert.Equal(t, map[string]any{"team": "core"}, u.CustomFields)
				assert.Equal(t, []restclient.UserRoom{
					{ID: "s1", RoomID: "GENERAL", Name: "general", Type: "c", Unread: 3},
					{ID: "s2", RoomID: "p1", Name: "ops", Type: "p", Roles: []string{"owner"}},
				}, u.Rooms)
			},
		},
		{
			name: "users.info by id",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.Info(ctx, restclient.InfoOptions{UserID: "aobEdbYhXfu5hkeqG"})
			},
			method: "GET", path: "/rc/api/v1/users.info", query: url.Values{"userId": {"aobEdbYhXfu5hkeqG"}},
			file:  "users_info.json",
			check: func(t *testing.T, got any) { assert.Equal(t, "aobEdbYhXfu5hkeqG", got.(*restclient.User).ID) },
		},
		{
			name: "users.list",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.List(ctx, restclient.ListOptions{Offset: 10, Count: 2, Sort: `{"name":1}`, Email: "a+b@x.io"})
			},
			method: "GET", path: "/rc/api/v1/users.list",
			query: url.Values{"offset": {"10"}, "count": {"2"}, "sort": {`{"name":1}`}, "email": {"a+b@x.io"}},
			file:  "users_list.json",
			check: func(t *testing.T, got any) {
				p := got.(*restclient.UserPage)
				assert.Equal(t, 2, p.Count)
				assert.Equal(t, 10, p.Offset)
				assert.Equal(t, 57, p.Total)
				require.Len(t, p.Users, 2)
				assert.Equal(t, "jane", p.Users[0].Username)
				assert.Equal(t, []string{"user", "admin"}, p.Users[0].Roles)
				assert.Equal(t, ts("2024-06-01T08:00:00Z"), *p.Users[0].LastLogin)
				assert.Equal(t, "bob.smith", p.Users[1].Username)
				assert.Equal(t, ptr(false), p.Users[1].Active)
				assert.Nil(t, p.Users[1].LastLogin, `"" is no date`)
				assert.Nil(t, p.Users[1].CreatedAt, "null is no date")
			},
		},
		{
			name: "users.list never sends count<=0",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.List(ctx, restclient.ListOptions{Count: 0})
			},
			method: "GET", path: "/rc/api/v1/users.list", query: nil,
			file:  "users_list.json",
			check: func(t *testing.T, got any) { assert.Len(t, got.(*restclient.UserPage).Users, 2) },
		},
		{
			name: "users.listByStatus",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.ListByStatus(ctx, restclient.ListByStatusOptions{
					Status: "deactivated", HasLoggedIn: ptr(false), Type: "user", Roles: []string{"admin", "user"},
					SearchTerm: "car ol", InactiveReason: []string{"idle_too_long"}, Sort: `{"status":-1}`, Count: 25, Offset: 50,
				})
			},
			method: "GET", path: "/rc/api/v1/users.listByStatus",
			query: url.Values{
				"status": {"deactivated"}, "hasLoggedIn": {"false"}, "type": {"user"}, "roles[]": {"admin", "user"},
				"searchTerm": {"car ol"}, "inactiveReason[]": {"idle_too_long"}, "sort": {`{"status":-1}`}, "count": {"25"}, "offset": {"50"},
			},
			file: "users_listByStatus.json",
			check: func(t *testing.T, got any) {
				p := got.(*restclient.UserPage)
				require.Len(t, p.Users, 1)
				u := p.Users[0]
				assert.Equal(t, "carol", u.Username)
				assert.Equal(t, ptr("idle_too_long"), u.InactiveReason)
				assert.Equal(t, "hired", u.Reason)
				assert.Equal(t, ptr(false), u.Federated)
				assert.Equal(t, ts("2024-02-03T04:05:06.789Z"), *u.LastLogin)
				assert.Equal(t, 1, p.Total)
			},
		},
		{
			name: "users.autocomplete",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.Autocomplete(ctx, restclient.AutocompleteOptions{
					Term: "ja", Exceptions: []string{"rocket.cat"}, Conditions: map[string]any{"active": map[string]any{"$ne": false}},
				})
			},
			method: "GET", path: "/rc/api/v1/users.autocomplete",
			checkReq: func(t *testing.T, r recorded) {
				require.Len(t, r.Query, 1)
				assert.JSONEq(t, `{"term":"ja","exceptions":["rocket.cat"],"conditions":{"active":{"$ne":false}}}`, r.Query.Get("selector"))
			},
			file: "users_autocomplete.json",
			check: func(t *testing.T, got any) {
				assert.Equal(t, []restclient.AutocompleteItem{
					{ID: "u1", Name: "Jane Doe", Username: "jane", Nickname: "jd", Status: "online", AvatarETag: "e1"},
					{ID: "u4", Name: "Jack", Username: "jack", Status: "offline"},
				}, got)
			},
		},
		{
			name: "users.listTeams",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.ListTeams(ctx, "u1")
			},
			method: "GET", path: "/rc/api/v1/users.listTeams", query: url.Values{"userId": {"u1"}},
			file: "users_listTeams.json",
			check: func(t *testing.T, got any) {
				assert.Equal(t, []restclient.Team{{
					ID: "t1", Name: "core", RoomID: "r1", Type: 1,
					CreatedBy: restclient.TeamCreator{ID: "u1", Username: "jane"},
					CreatedAt: ptr(ts("2024-01-01T00:00:00Z")), UpdatedAt: ptr(ts("2024-03-01T00:00:00Z")), IsOwner: true,
				}}, got)
			},
		},
		{
			name: "users.checkUsernameAvailability",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.CheckUsernameAvailability(ctx, "jane doe+1")
			},
			method: "GET", path: "/rc/api/v1/users.checkUsernameAvailability", query: url.Values{"username": {"jane doe+1"}},
			file:  "users_checkUsernameAvailability.json",
			check: func(t *testing.T, got any) { assert.Equal(t, false, got) },
		},
		{
			name: "users.getUsernameSuggestion",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.GetUsernameSuggestion(ctx)
			},
			method: "GET", path: "/rc/api/v1/users.getUsernameSuggestion",
			file:  "users_getUsernameSuggestion.json",
			check: func(t *testing.T, got any) { assert.Equal(t, "jane.doe", got) },
		},
		{
			name: "users.presence",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.Presence(ctx, restclient.PresenceOptions{From: &from, IDs: []string{"u1", "u2"}})
			},
			method: "GET", path: "/rc/api/v1/users.presence",
			query: url.Values{"from": {"2024-06-01T08:00:00.123Z"}, "ids": {"u1,u2"}},
			file:  "users_presence.json",
			check: func(t *testing.T, got any) {
				assert.Equal(t, &restclient.PresenceResult{Users: []restclient.PresenceEntry{{
					ID: "u1", Username: "jane", Name: "Jane", Status: "away", StatusText: "lunch", AvatarETag: "x", UTCOffset: ptr(5.5),
				}}}, got)
			},
		},
		{
			name: "users.getPresence",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.GetPresence(ctx, restclient.UserSelector{Username: "jane"})
			},
			method: "GET", path: "/rc/api/v1/users.getPresence", query: url.Values{"username": {"jane"}},
			file: "users_getPresence.json",
			check: func(t *testing.T, got any) {
				assert.Equal(t, &restclient.PresenceStatus{Presence: "online", ConnectionStatus: "away", LastLogin: ptr(ts("2024-06-01T08:00:00Z"))}, got)
			},
		},
		{
			name: "users.getStatus",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.GetStatus(ctx, restclient.UserSelector{UserID: "u1"})
			},
			method: "GET", path: "/rc/api/v1/users.getStatus", query: url.Values{"userId": {"u1"}},
			file: "users_getStatus.json",
			check: func(t *testing.T, got any) {
				assert.Equal(t, &restclient.UserStatusResult{
					ID: "u1", Status: "busy", ConnectionStatus: "online", StatusSource: "manual", StatusExpiresAt: ptr(ts("2024-07-01T00:00:00Z")),
				}, got)
			},
		},
		{
			name: "users.setStatus",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return nil, c.Users.SetStatus(ctx, restclient.SetStatusRequest{Message: ptr(""), Status: "away", Username: "jane"})
			},
			method: "POST", path: "/rc/api/v1/users.setStatus", body: `{"message":"","status":"away","username":"jane"}`,
			file: "success.json",
		},
		{
			name: "users.getAvatar",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.GetAvatar(ctx, restclient.UserSelector{Username: "jane"})
			},
			method: "GET", path: "/rc/api/v1/users.getAvatar", query: url.Values{"username": {"jane"}},
			status: http.StatusTemporaryRedirect, file: "users_getAvatar.json",
			header: map[string]string{"Location": "https://chat.example.com/avatar/jane"},
			check:  func(t *testing.T, got any) { assert.Equal(t, "https://chat.example.com/avatar/jane", got) },
		},
		{
			name: "users.setAvatar (URL)",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return nil, c.Users.SetAvatarURL(ctx, restclient.SetAvatarURLRequest{AvatarURL: "https://img.example.com/a.png", UserID: "u2"})
			},
			method: "POST", path: "/rc/api/v1/users.setAvatar", body: `{"avatarUrl":"https://img.example.com/a.png","userId":"u2"}`,
			file: "success.json",
		},
		{
			name: "users.setAvatar (multipart upload)",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return nil, c.Users.UploadAvatar(ctx, restclient.UserSelector{Username: "jane"}, "me.png", "image/png", strings.NewReader("\x89PNG-bytes"))
			},
			method: "POST", path: "/rc/api/v1/users.setAvatar",
			checkReq: func(t *testing.T, r recorded) {
				mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
				require.NoError(t, err)
				assert.Equal(t, "multipart/form-data", mt)
				mr := multipart.NewReader(strings.NewReader(string(r.Body)), params["boundary"])
				form, err := mr.ReadForm(1 << 20)
				require.NoError(t, err)
				assert.Equal(t, []string{"jane"}, form.Value["username"])
				require.Len(t, form.File["image"], 1)
				fh := form.File["image"][0]
				assert.Equal(t, "me.png", fh.Filename)
				assert.Equal(t, "image/png", fh.Header.Get("Content-Type"))
				f, err := fh.Open()
				require.NoError(t, err)
				data, _ := io.ReadAll(f)
				assert.Equal(t, "\x89PNG-bytes", string(data))
			},
			file: "success.json",
		},
		{
			name: "users.resetAvatar",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return nil, c.Users.ResetAvatar(ctx, restclient.UserSelector{UserID: "u1"})
			},
			method: "POST", path: "/rc/api/v1/users.resetAvatar", body: `{"userId":"u1"}`, file: "success.json",
		},
		{
			name: "avatar/{subject} outside /api/v1",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.Avatar(ctx, "j a#ne?", restclient.AvatarOptions{Size: 64, Format: "png"})
			},
			method: "GET", path: "/rc/avatar/j a#ne?", query: url.Values{"size": {"64"}, "format": {"png"}},
			checkReq: func(t *testing.T, r recorded) {
				assert.Equal(t, "/rc/avatar/j%20a%23ne%3F", r.RawPath)
				assert.Equal(t, "image/*", r.Header.Get("Accept"))
			},
			file: "avatar.svg", header: map[string]string{"Content-Type": "image/svg+xml"},
			check: func(t *testing.T, got any) {
				img := got.(*restclient.AvatarImage)
				assert.Equal(t, "image/svg+xml", img.ContentType)
				assert.Equal(t, `<svg xmlns="http://www.w3.org/2000/svg"><text>J</text></svg>`, string(img.Data))
			},
		},
		{
			name: "avatar/uid/{id} keeps the segment slash",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.Avatar(ctx, "uid/u1", restclient.AvatarOptions{})
			},
			method: "GET", path: "/rc/avatar/uid/u1",
			file: "avatar.svg", header: map[string]string{"Content-Type": "image/svg+xml"},
			check: func(t *testing.T, got any) { assert.NotEmpty(t, got.(*restclient.AvatarImage).Data) },
		},
		{
			name: "users.create",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.Create(ctx, restclient.CreateUserRequest{
					Email: "new@example.com", Name: "New User", Password: "pw-plain-1", Username: "new.user",
					Active: ptr(true), JoinDefaultChannels: ptr(false), Verified: ptr(true), Nickname: "nu",
					Roles: []string{"user"}, CustomFields: map[string]any{"team": "x"},
				})
			},
			method: "POST", path: "/rc/api/v1/users.create",
			body: `{"email":"new@example.com","name":"New User","password":"pw-plain-1","username":"new.user","active":true,
				"joinDefaultChannels":false,"verified":true,"nickname":"nu","roles":["user"],"customFields":{"team":"x"}}`,
			file: "users_create.json",
			check: func(t *testing.T, got any) {
				u := got.(*restclient.User)
				assert.Equal(t, "newU1", u.ID)
				assert.Equal(t, ts("2024-06-02T12:00:00.500Z"), *u.UpdatedAt)
				require.NotNil(t, u.Settings)
				assert.Equal(t, map[string]any{}, u.Settings.Preferences)
			},
		},
		{
			name: "users.register",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.Register(ctx, restclient.RegisterRequest{Username: "reg.user", Email: "r@example.com", Pass: "p", Name: "Reg", Reason: "please"})
			},
			method: "POST", path: "/rc/api/v1/users.register",
			body: `{"username":"reg.user","email":"r@example.com","pass":"p","name":"Reg","reason":"please"}`,
			file: "users_register.json",
			check: func(t *testing.T, got any) {
				u := got.(*restclient.User)
				assert.Equal(t, "reg1", u.ID)
				assert.Equal(t, ptr("pending_approval"), u.InactiveReason)
			},
		},
		{
			name: "users.update with 2FA",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.Update(ctx, restclient.UpdateUserRequest{
					UserID: "u1", Data: restclient.UpdateUserData{Name: ptr("Jane Q"), Active: ptr(false), Roles: []string{"user", "admin"}},
					ConfirmRelinquish: ptr(true),
				})
			},
			twoFactor: true,
			method:    "POST", path: "/rc/api/v1/users.update",
			body: `{"userId":"u1","data":{"name":"Jane Q","active":false,"roles":["user","admin"]},"confirmRelinquish":true}`,
			file: "users_update.json",
			check: func(t *testing.T, got any) {
				u := got.(*restclient.User)
				assert.Equal(t, "Jane Q", u.Name)
				assert.Equal(t, map[string]any{"team": "core", "level": 3.0}, u.CustomFields)
			},
		},
		{
			name: "users.updateOwnBasicInfo",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.UpdateOwnBasicInfo(ctx, restclient.UpdateOwnBasicInfoRequest{
					Data: restclient.OwnBasicInfo{Email: ptr("jane2@example.com"), CurrentPassword: ptr(restclient.SHA256Hex("old")), NewPassword: ptr("new")},
				})
			},
			method: "POST", path: "/rc/api/v1/users.updateOwnBasicInfo",
			body: `{"data":{"email":"jane2@example.com","currentPassword":"` + restclient.SHA256Hex("old") + `","newPassword":"new"}}`,
			file: "users_updateOwnBasicInfo.json",
			check: func(t *testing.T, got any) {
				assert.Equal(t, "jane2", got.(*restclient.User).Username)
				assert.Equal(t, "busy day", got.(*restclient.User).StatusText)
			},
		},
		{
			name: "users.getPreferences",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.GetPreferences(ctx)
			},
			method: "GET", path: "/rc/api/v1/users.getPreferences", file: "users_getPreferences.json",
			check: func(t *testing.T, got any) {
				assert.Equal(t, map[string]any{"language": "en", "useEmojis": true, "clockMode": 1.0, "highlights": []any{"urgent"}}, got)
			},
		},
		{
			name: "users.setPreferences",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.SetPreferences(ctx, restclient.SetPreferencesRequest{UserID: "u1", Data: map[string]any{"language": "de"}})
			},
			method: "POST", path: "/rc/api/v1/users.setPreferences", body: `{"userId":"u1","data":{"language":"de"}}`,
			file: "users_setPreferences.json",
			check: func(t *testing.T, got any) {
				assert.Equal(t, map[string]any{"language": "de", "enableAutoAway": true, "idleTimeLimit": 300.0}, got)
			},
		},
		{
			name: "users.setActiveStatus",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.SetActiveStatus(ctx, restclient.SetActiveStatusRequest{UserID: "u2", ActiveStatus: false, ConfirmRelinquish: true})
			},
			method: "POST", path: "/rc/api/v1/users.setActiveStatus", body: `{"userId":"u2","activeStatus":false,"confirmRelinquish":true}`,
			file: "users_setActiveStatus.json",
			check: func(t *testing.T, got any) {
				assert.Equal(t, &restclient.User{ID: "u2", Active: ptr(false)}, got)
			},
		},
		{
			name: "users.deactivateIdle",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.DeactivateIdle(ctx, restclient.DeactivateIdleRequest{DaysIdle: 30, Role: "guest"})
			},
			method: "POST", path: "/rc/api/v1/users.deactivateIdle", body: `{"daysIdle":30,"role":"guest"}`,
			file: "users_deactivateIdle.json", check: func(t *testing.T, got any) { assert.Equal(t, 3, got) },
		},
		{
			name: "users.delete",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return nil, c.Users.Delete(ctx, restclient.DeleteUserRequest{Username: "bob", ConfirmRelinquish: true})
			},
			method: "POST", path: "/rc/api/v1/users.delete", body: `{"username":"bob","confirmRelinquish":true}`, file: "users_delete.json",
		},
		{
			name: "users.deleteOwnAccount",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return nil, c.Users.DeleteOwnAccount(ctx, restclient.DeleteOwnAccountRequest{Password: restclient.SHA256Hex("hunter2")})
			},
			method: "POST", path: "/rc/api/v1/users.deleteOwnAccount",
			body: `{"password":"f52fbd32b2b3b86ff88ef6c490628285f482af15ddcb29541f94bcf526a3f6c7"}`, file: "success.json",
		},
		{
			name: "users.createToken",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.CreateToken(ctx, restclient.CreateTokenRequest{UserID: "u2", Secret: "s3"})
			},
			method: "POST", path: "/rc/api/v1/users.createToken", body: `{"userId":"u2","secret":"s3"}`,
			file: "users_createToken.json",
			check: func(t *testing.T, got any) {
				assert.Equal(t, &restclient.AuthToken{UserID: "u2", AuthToken: "tok-created"}, got)
			},
		},
		{
			name: "users.generatePersonalAccessToken with 2FA",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.GeneratePersonalAccessToken(ctx, restclient.GeneratePersonalAccessTokenRequest{TokenName: "ci", BypassTwoFactor: false})
			},
			twoFactor: true,
			method:    "POST", path: "/rc/api/v1/users.generatePersonalAccessToken", body: `{"tokenName":"ci","bypassTwoFactor":false}`,
			file: "users_token.json", check: func(t *testing.T, got any) { assert.Equal(t, "pat-secret-value", got) },
		},
		{
			name: "users.regeneratePersonalAccessToken with 2FA",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.RegeneratePersonalAccessToken(ctx, "ci")
			},
			twoFactor: true,
			method:    "POST", path: "/rc/api/v1/users.regeneratePersonalAccessToken", body: `{"tokenName":"ci"}`,
			file: "users_token.json", check: func(t *testing.T, got any) { assert.Equal(t, "pat-secret-value", got) },
		},
		{
			name: "users.removePersonalAccessToken with 2FA",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return nil, c.Users.RemovePersonalAccessToken(ctx, "ci")
			},
			twoFactor: true,
			method:    "POST", path: "/rc/api/v1/users.removePersonalAccessToken", body: `{"tokenName":"ci"}`, file: "success.json",
		},
		{
			name: "users.getPersonalAccessTokens",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.GetPersonalAccessTokens(ctx)
			},
			method: "GET", path: "/rc/api/v1/users.getPersonalAccessTokens", file: "users_getPersonalAccessTokens.json",
			check: func(t *testing.T, got any) {
				assert.Equal(t, []restclient.PersonalAccessToken{
					{Name: "ci", LastTokenPart: "Ab3dE9", CreatedAt: ptr(ts("2024-05-01T10:00:00Z"))},
					{Name: "bot", LastTokenPart: "Zz9yX8", CreatedAt: ptr(ts("2024-05-02T10:00:00Z")), BypassTwoFactor: true},
				}, got)
			},
		},
		{
			name: "users.logout other user",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.Logout(ctx, "u1")
			},
			method: "POST", path: "/rc/api/v1/users.logout", body: `{"userId":"u1"}`,
			file: "users_logout.json", check: func(t *testing.T, got any) { assert.Equal(t, "User u1 has been logged out!", got) },
		},
		{
			name: "users.logout self omits userId",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.Logout(ctx, "")
			},
			method: "POST", path: "/rc/api/v1/users.logout", body: `{}`,
			file: "users_logout.json", check: func(t *testing.T, got any) { assert.Equal(t, "User u1 has been logged out!", got) },
		},
		{
			name: "users.logoutOtherClients",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.LogoutOtherClients(ctx)
			},
			method: "POST", path: "/rc/api/v1/users.logoutOtherClients", file: "users_logoutOtherClients.json",
			check: func(t *testing.T, got any) {
				assert.Equal(t, &restclient.LogoutOtherClientsResult{Token: "current-token", TokenExpires: ptr(ts("2024-09-01T00:00:00Z"))}, got)
			},
		},
		{
			name: "users.removeOtherTokens",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return nil, c.Users.RemoveOtherTokens(ctx)
			},
			method: "POST", path: "/rc/api/v1/users.removeOtherTokens", file: "users_removeOtherTokens.json",
		},
		{
			name: "users.resetE2EKey with 2FA",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return nil, c.Users.ResetE2EKey(ctx, restclient.UserSelector{Username: "bob"})
			},
			twoFactor: true,
			method:    "POST", path: "/rc/api/v1/users.resetE2EKey", body: `{"username":"bob"}`, file: "success.json",
		},
		{
			name: "users.resetTOTP self with 2FA",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return nil, c.Users.ResetTOTP(ctx, restclient.UserSelector{})
			},
			twoFactor: true,
			method:    "POST", path: "/rc/api/v1/users.resetTOTP", body: `{}`, file: "success.json",
		},
		{
			name: "users.forgotPassword",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return nil, c.Users.ForgotPassword(ctx, "jane@example.com")
			},
			method: "POST", path: "/rc/api/v1/users.forgotPassword", body: `{"email":"jane@example.com"}`, file: "success.json",
		},
		{
			name: "users.sendWelcomeEmail",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return nil, c.Users.SendWelcomeEmail(ctx, "new@example.com")
			},
			method: "POST", path: "/rc/api/v1/users.sendWelcomeEmail", body: `{"email":"new@example.com"}`, file: "success.json",
		},
		{
			name: "users.requestDataDownload",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Users.RequestDataDownload(ctx, true)
			},
			method: "GET", path: "/rc/api/v1/users.requestDataDownload", query: url.Values{"fullExport": {"true"}},
			file: "users_requestDataDownload.json",
			check: func(t *testing.T, got any) {
				assert.Equal(t, &restclient.DataDownload{
					Requested: true,
					ExportOperation: restclient.ExportOperation{
						ID: "exp1", Status: "pending", UserID: "u1", FullExport: true, CreatedAt: ptr(ts("2024-06-04T00:00:00Z")),
					},
					PendingOperationsBeforeMyRequest: 2,
				}, got)
			},
		},
		{
			name: "moderation.reportUser",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return nil, c.Moderation.ReportUser(ctx, restclient.ReportUserRequest{UserID: "u9", Description: "spam"})
			},
			method: "POST", path: "/rc/api/v1/moderation.reportUser", body: `{"userId":"u9","description":"spam"}`, file: "success.json",
		},
		{
			name: "login",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.Login(ctx, restclient.LoginRequest{User: "jane", Password: "pw", Code: "123456"})
			},
			anonymous: true,
			method:    "POST", path: "/rc/api/v1/login", body: `{"user":"jane","password":"pw","code":"123456"}`,
			file: "login.json",
			check: func(t *testing.T, got any) {
				r := got.(*restclient.LoginResult)
				assert.Equal(t, "u1", r.UserID)
				assert.Equal(t, "login-token-xyz", r.AuthToken)
				require.NotNil(t, r.Me)
				assert.Equal(t, "jane", r.Me.Username)
				assert.Equal(t, map[string]any{"language": "en"}, r.Me.Settings.Preferences)
			},
		},
		{
			name: "info",
			call: func(ctx context.Context, c *restclient.Client) (any, error) {
				return c.ServerInfo(ctx)
			},
			method: "GET", path: "/rc/api/info", file: "info.json",
			check: func(t *testing.T, got any) { assert.Equal(t, &restclient.ServerInfo{Version: "7.4.1"}, got) },
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status := tc.status
			if status == 0 {
				status = http.StatusOK
			}
			srv := newFake(t, serveFile(t, status, tc.file, tc.header))
			c := newClient(t, srv.URL, restclient.WithUserAgent("rocketgql-test/1"))
			ctx := withCaller(t.Context())
			if tc.twoFactor {
				ctx = restclient.WithTwoFactor(ctx, restclient.TwoFactor{Code: "654321", Method: "totp"})
			}
			got, err := tc.call(ctx, c)
			require.NoError(t, err)

			r := srv.last(t)
			assert.Equal(t, tc.method, r.Method)
			assert.Equal(t, tc.path, r.Path)
			if tc.checkReq == nil || tc.query != nil {
				if tc.query == nil {
					assert.Empty(t, r.RawQuery)
				} else {
					assert.Equal(t, tc.query, r.Query)
				}
			}
			if tc.body != "" {
				assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
				assert.JSONEq(t, tc.body, string(r.Body))
			} else if tc.checkReq == nil {
				assert.Empty(t, r.Body)
			}
			if tc.checkReq != nil {
				tc.checkReq(t, r)
			}
			if tc.anonymous {
				assert.Empty(t, r.Header.Values("X-Auth-Token"))
				assert.Empty(t, r.Header.Values("X-User-Id"))
			} else {
				assert.Equal(t, []string{testToken}, r.Header.Values("X-Auth-Token"))
				assert.Equal(t, []string{testUser}, r.Header.Values("X-User-Id"))
			}
			if tc.twoFactor {
				assert.Equal(t, []string{"654321"}, r.Header.Values("X-2fa-Code"))
				assert.Equal(t, []string{"totp"}, r.Header.Values("X-2fa-Method"))
			} else {
				assert.Empty(t, r.Header.Values("X-2fa-Code"))
				assert.Empty(t, r.Header.Values("X-2fa-Method"))
			}
			assert.Equal(t, "rocketgql-test/1", r.Header.Get("User-Agent"))
			if !strings.HasPrefix(tc.path, "/rc/avatar/") {
				assert.Equal(t, "application/json", r.Header.Get("Accept"))
			}
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

// TestNoCredentialsWithoutCaller: a context without a caller sends no auth
// headers; the client holds no identity of its own.
func TestNoCredentialsWithoutCaller(t *testing.T) {
	t.Parallel()
	srv := newFake(t, serveFile(t, 200, "users_getUsernameSuggestion.json", nil))
	c := newClient(t, srv.URL)
	_, err := c.Users.GetUsernameSuggestion(t.Context())
	require.NoError(t, err)
	r := srv.last(t)
	assert.Empty(t, r.Header.Values("X-Auth-Token"))
	assert.Empty(t, r.Header.Values("X-User-Id"))
	assert.Equal(t, restclient.DefaultUserAgent, r.Header.Get("User-Agent"))
}

// TestTwoFactorNotSticky: 2FA headers of one call never leak into the next.
func TestTwoFactorNotSticky(t *testing.T) {
	t.Parallel()
	srv := newFake(t, serveFile(t, 200, "success.json", nil))
	c := newClient(t, srv.URL)
	ctx := withCaller(t.Context())
	require.NoError(t, c.Users.ResetTOTP(restclient.WithTwoFactor(ctx, restclient.TwoFactor{Code: "111111", Method: "totp"}), restclient.UserSelector{}))
	require.NoError(t, c.Users.ResetTOTP(ctx, restclient.UserSelector{}))
	srv.mu.Lock()
	defer srv.mu.Unlock()
	require.Len(t, srv.calls, 2)
	assert.Equal(t, "111111", srv.calls[0].Header.Get("X-2fa-Code"))
	assert.Empty(t, srv.calls[1].Header.Values("X-2fa-Code"))
	assert.Empty(t, srv.calls[1].Header.Values("X-2fa-Method"))
}

func TestNewValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		url  string
		opts []restclient.Option
		ok   bool
	}{
		{"http with prefix", "http://127.0.0.1:3000/chat/", nil, true},
		{"https", "https://chat.example.com", nil, true},
		{"ftp scheme", "ftp://x", nil, false},
		{"no host", "http:///x", nil, false},
		{"relative", "/api", nil, false},
		{"query", "http://h/?a=b", nil, false},
		{"nil http client", "http://h", []restclient.Option{restclient.WithHTTPClient(nil)}, false},
		{"zero timeout", "http://h", []restclient.Option{restclient.WithTimeout(0)}, false},
		{"negative max bytes", "http://h", []restclient.Option{restclient.WithMaxResponseBytes(-1)}, false},
		{"nil credentials", "http://h", []restclient.Option{restclient.WithCredentials(nil)}, false},
		{"bad user agent", "http://h", []restclient.Option{restclient.WithUserAgent("a\r\nX-Evil: 1")}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := restclient.New(tc.url, tc.opts...)
			if !tc.ok {
				assert.Error(t, err)
				assert.Nil(t, c)
				return
			}
			require.NoError(t, err)
			assert.False(t, strings.HasSuffix(c.BaseURL().String(), "/"))
		})
	}
}

func TestSHA256Hex(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", restclient.SHA256Hex(""))
	assert.Equal(t, "f52fbd32b2b3b86ff88ef6c490628285f482af15ddcb29541f94bcf526a3f6c7", restclient.SHA256Hex("hunter2"))
}
