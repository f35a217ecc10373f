package emulator_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/emulator"
)

func TestAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{})
	tests := []struct {
		name       string
		uid, tok   string
		wantStatus int
	}{
		{"valid login token", e.ids["demo"], e.toks["demo"], http.StatusOK},
		{"no headers", "", "", http.StatusUnauthorized},
		{"token of another user", e.ids["admin"], e.toks["demo"], http.StatusUnauthorized},
		{"garbage token", e.ids["demo"], "nope", http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call(http.MethodGet, "/api/v1/users.getStatus", "", nil, withHeader("X-User-Id", tc.uid), withHeader("X-Auth-Token", tc.tok))
			require.Equal(t, tc.wantStatus, r.Status, string(r.Raw))
			require.Equal(t, "application/json", r.Header.Get("Content-Type"))
			require.Equal(t, "no-store", r.Header.Get("Cache-Control"))
			require.Equal(t, "no-cache", r.Header.Get("Pragma"))
			if tc.wantStatus == http.StatusUnauthorized {
				require.Equal(t, map[string]any{"success": false, "error": "You must be logged in to do this."}, r.Body)
			}
		})
	}

	t.Run("login", func(t *testing.T) {
		cases := []struct {
			name   string
			body   map[string]any
			status int
			errStr string
		}{
			{"username", map[string]any{"user": "demo", "password": emulator.DemoPassword}, 200, ""},
			{"email", map[string]any{"user": "demo@example.com", "password": emulator.DemoPassword}, 200, ""},
			{"username key", map[string]any{"username": "admin", "password": emulator.DemoPassword}, 200, ""},
			{"wrong password", map[string]any{"user": "demo", "password": "x"}, 401, "Unauthorized"},
			{"unknown user", map[string]any{"user": "nobody", "password": "x"}, 401, "Unauthorized"},
			{"totp without code", map[string]any{"user": "totp", "password": emulator.DemoPassword}, 401, "totp-required"},
			{"totp wrong code", map[string]any{"user": "totp", "password": emulator.DemoPassword, "code": "000000"}, 401, "totp-invalid"},
		}
		for _, tc := range cases {
			r := e.call(http.MethodPost, "/api/v1/login", "", tc.body)
			require.Equal(t, tc.status, r.Status, tc.name+": "+string(r.Raw))
			if tc.errStr != "" {
				require.Equal(t, "error", r.Body["status"], tc.name)
				require.Equal(t, tc.errStr, r.Body["error"], tc.name)
				continue
			}
			data := r.Body["data"].(map[string]any)
			me := data["me"].(map[string]any)
			require.Equal(t, data["userId"], me["_id"])
			require.Contains(t, me, "emails")
			// the issued token works
			check := e.call(http.MethodGet, "/api/v1/users.getStatus", "", nil,
				withHeader("X-User-Id", data["userId"].(string)), withHeader("X-Auth-Token", data["authToken"].(string)))
			require.Equal(t, http.StatusOK, check.Status)
		}
		r := e.call(http.MethodPost, "/api/v1/login", "", map[string]any{"user": "totp", "password": emulator.DemoPassword})
		require.Equal(t, map[string]any{"method": "totp", "codeGenerated": false, "availableMethods": []any{"totp"}}, r.Body["details"])
		code, err := emulator.TOTPCode(emulator.TOTPSecret, time.Now())
		require.NoError(t, err)
		r = e.call(http.MethodPost, "/api/v1/login", "", map[string]any{"user": "totp", "password": emulator.DemoPassword, "code": code})
		require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	})

	t.Run("info and options", func(t *testing.T) {
		r := e.call(http.MethodGet, "/api/info", "", nil)
		require.Equal(t, map[string]any{"version": "8.8.1", "success": true}, r.Body)
		r = e.call(http.MethodOptions, "/api/v1/users.info", "", nil)
		require.Equal(t, http.StatusOK, r.Status)
		require.Equal(t, "OK", string(r.Raw))
	})
}

func TestTOTPCodeRFC6238(t *testing.T) {
	t.Parallel()
	// RFC 6238 appendix B, SHA-1 key "12345678901234567890" (base32 below), last six digits.
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	for ts, want := range map[int64]string{59: "287082", 1111111109: "081804", 1234567890: "005924", 2000000000: "279037"} {
		got, err := emulator.TOTPCode(secret, time.Unix(ts, 0))
		require.NoError(t, err)
		require.Equal(t, want, got, "t=%d", ts)
	}
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		method   string
		path     string
		body     func(e *testEnv) map[string]any
		opts     []reqOpt
		demoWant int
		demoType string
	}{
		{"create user", "POST", "/api/v1/users.create", func(*testEnv) map[string]any {
			return map[string]any{"email": "n@example.com", "name": "N", "password": "p", "username": "n.one"}
		}, nil, 400, "error-action-not-allowed"},
		{"delete user", "POST", "/api/v1/users.delete", func(e *testEnv) map[string]any { return map[string]any{"userId": e.ids["rocket.cat"]} }, nil, 403, ""},
		{"set active status", "POST", "/api/v1/users.setActiveStatus", func(e *testEnv) map[string]any {
			return map[string]any{"userId": e.ids["rocket.cat"], "activeStatus": false}
		}, nil, 403, ""},
		{"update other", "POST", "/api/v1/users.update", func(e *testEnv) map[string]any {
			return map[string]any{"userId": e.ids["rocket.cat"], "data": map[string]any{"name": "Cat"}}
		}, []reqOpt{pw2FA()}, 400, "error-action-not-allowed"},
		{"send welcome mail", "POST", "/api/v1/users.sendWelcomeEmail", func(*testEnv) map[string]any { return map[string]any{"email": "totp@example.com"} }, nil, 403, ""},
		{"logout other", "POST", "/api/v1/users.logout", func(e *testEnv) map[string]any { return map[string]any{"userId": e.ids["admin"]} }, nil, 403, ""},
		{"reset other totp", "POST", "/api/v1/users.resetTOTP", func(e *testEnv) map[string]any { return map[string]any{"userId": e.ids["totp"]} }, []reqOpt{pw2FA()}, 400, "error-not-allowed"},
		{"set other status", "POST", "/api/v1/users.setStatus", func(e *testEnv) map[string]any {
			return map[string]any{"userId": e.ids["totp"], "status": "busy"}
		}, nil, 403, ""},
		{"reset other avatar", "POST", "/api/v1/users.resetAvatar", func(e *testEnv) map[string]any { return map[string]any{"userId": e.ids["totp"]} }, nil, 400, "error-not-allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, emulator.Options{})
			r := e.call(tc.method, tc.path, "demo", tc.body(e), tc.opts...)
			require.Equal(t, tc.demoWant, r.Status, string(r.Raw))
			require.Equal(t, false, r.Body["success"])
			if tc.demoWant == 403 {
				require.Contains(t, []any{"User does not have the permissions required for this action [error-forbidden]", "forbidden"}, r.Body["error"])
			} else {
				require.Equal(t, tc.demoType, r.Body["errorType"])
			}
			r = e.call(tc.method, tc.path, "admin", tc.body(e), tc.opts...)
			require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
			require.Equal(t, true, r.Body["success"])
		})
	}
}

func TestTwoFactor(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{})
	gen := func(as, name string, opts ...reqOpt) apiResp {
		return e.post("/api/v1/users.generatePersonalAccessToken", as, map[string]any{"tokenName": name}, opts...)
	}
	totpNow := func() string {
		c, err := emulator.TOTPCode(emulator.TOTPSecret, time.Now())
		require.NoError(t, err)
		return c
	}
	tests := []struct {
		name       string
		as         string
		opts       []reqOpt
		wantStatus int
		wantType   string
		wantMethod string
	}{
		{"password user, no code", "demo", nil, 400, "totp-required", "password"},
		{"password user, wrong digest", "demo", []reqOpt{with2FA(sha("wrong"), "password")}, 400, "totp-invalid", "password"},
		{"password user, plain password is not accepted", "demo", []reqOpt{with2FA(emulator.DemoPassword, "password")}, 400, "totp-invalid", "password"},
		{"password user, upper-case digest", "demo", []reqOpt{with2FA(strings.ToUpper(sha(emulator.DemoPassword)), "password")}, 200, "", ""},
		{"totp user, no code", "totp", nil, 400, "totp-required", "totp"},
		{"totp user, password digest is not enough", "totp", []reqOpt{pw2FA()}, 400, "totp-invalid", "totp"},
		{"totp user, wrong code", "totp", []reqOpt{with2FA("123456", "totp")}, 400, "totp-invalid", "totp"},
		{"totp user, valid code", "totp", []reqOpt{with2FA(totpNow(), "totp")}, 200, "", ""},
	}
	for i, tc := range tests {
		r := gen(tc.as, "tok"+strconv.Itoa(i), tc.opts...)
		require.Equal(t, tc.wantStatus, r.Status, tc.name+": "+string(r.Raw))
		if tc.wantType == "" {
			continue
		}
		require.Equal(t, tc.wantType, r.Body["errorType"], tc.name)
		details := r.Body["details"].(map[string]any)
		require.Equal(t, tc.wantMethod, details["method"], tc.name)
		if tc.wantType == "totp-required" {
			require.Equal(t, false, details["codeGenerated"], tc.name)
			want := []any{}
			if tc.wantMethod == "totp" {
				want = []any{"totp"}
			}
			require.Equal(t, want, details["availableMethods"], tc.name)
			require.Equal(t, "TOTP Required [totp-required]", r.Body["error"])
		}
	}

	t.Run("bypassTwoFactor PAT skips the challenge", func(t *testing.T) {
		r := e.post("/api/v1/users.generatePersonalAccessToken", "demo", map[string]any{"tokenName": "bot", "bypassTwoFactor": true}, pw2FA())
		require.Equal(t, http.StatusOK, r.Status)
		pat := r.Body["token"].(string)
		asPAT := []reqOpt{withHeader("X-User-Id", e.ids["demo"]), withHeader("X-Auth-Token", pat)}
		r = e.call(http.MethodPost, "/api/v1/users.generatePersonalAccessToken", "", map[string]any{"tokenName": "more"}, asPAT...)
		require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
		// a PAT without bypass is challenged like a login token
		r = e.call(http.MethodPost, "/api/v1/users.generatePersonalAccessToken", "", map[string]any{"tokenName": "even-more"},
			withHeader("X-User-Id", e.ids["demo"]), withHeader("X-Auth-Token", r.Body["token"].(string)))
		require.Equal(t, "totp-required", r.Body["errorType"])
		list := e.get("/api/v1/users.getPersonalAccessTokens", "demo", nil)
		var last string
		for _, x := range list.Body["tokens"].([]any) {
			if m := x.(map[string]any); m["name"] == "bot" {
				last = m["lastTokenPart"].(string)
				require.Equal(t, true, m["bypassTwoFactor"])
			}
		}
		require.Equal(t, pat[len(pat)-6:], last)
	})

	t.Run("updateOwnBasicInfo password change needs currentPassword digest", func(t *testing.T) {
		r := e.post("/api/v1/users.updateOwnBasicInfo", "demo", map[string]any{"data": map[string]any{"newPassword": "n3w"}})
		require.Equal(t, "totp-required", r.Body["errorType"], string(r.Raw))
		r = e.post("/api/v1/users.updateOwnBasicInfo", "demo", map[string]any{"data": map[string]any{"newPassword": "n3w", "currentPassword": sha(emulator.DemoPassword)}})
		require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
		require.Equal(t, http.StatusOK, e.login("demo", "n3w").Status)
		require.Equal(t, http.StatusUnauthorized, e.login("demo", emulator.DemoPassword).Status)
	})
}

func TestPagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{Users: 200})
	tests := []struct {
		query               string
		wantCount, wantOffs int
	}{
		{"", 50, 0},
		{"count=10", 10, 0},
		{"count=500", 100, 0},
		{"count=0", 50, 0},
		{"count=-3", 50, 0},
		{"count=10&offset=200", 4, 200},
		{"count=10&offset=500", 0, 500},
	}
	for _, tc := range tests {
		r := e.get("/api/v1/users.list?"+tc.query, "admin", nil)
		require.Equal(t, http.StatusOK, r.Status, tc.query)
		require.Equal(t, float64(tc.wantCount), r.Body["count"], tc.query)
		require.Len(t, users(r), tc.wantCount, tc.query)
		require.Equal(t, float64(tc.wantOffs), r.Body["offset"], tc.query)
		require.Equal(t, float64(204), r.Body["total"], tc.query)
	}
	// pages do not overlap and follow the default username order
	p1 := users(e.get("/api/v1/users.list", "admin", q("count", "3")))
	p2 := users(e.get("/api/v1/users.list", "admin", q("count", "3", "offset", "3")))
	names := []string{}
	for _, u := range append(p1, p2...) {
		names = append(names, u["username"].(string))
	}
	require.IsIncreasing(t, names)
	// sort by name descending, case-insensitively
	byName := users(e.get("/api/v1/users.list", "admin", q("count", "20", "sort", `{"name":-1}`)))
	for i := 1; i < len(byName); i++ {
		require.GreaterOrEqual(t, byName[i-1]["nameInsensitive"], byName[i]["nameInsensitive"])
	}
}

func TestProjection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{})
	privileged := users(e.get("/api/v1/users.list", "admin", q("count", "100")))
	plain := users(e.get("/api/v1/users.list", "demo", q("count", "100")))
	require.Len(t, plain, len(privileged))
	allowed := map[string]bool{"_id": true, "name": true, "username": true, "status": true, "active": true, "avatarETag": true, "type": true, "nameInsensitive": true}
	for _, u := range plain {
		for k := range u {
			require.True(t, allowed[k], "unprivileged users.list leaks %q", k)
		}
	}
	require.Contains(t, privileged[0], "emails")
	require.Contains(t, privileged[0], "roles")

	other := e.get("/api/v1/users.info", "demo", q("username", "admin")).Body["user"].(map[string]any)
	require.NotContains(t, other, "emails")
	require.NotContains(t, other, "roles")
	require.NotContains(t, other, "services")
	require.Equal(t, false, other["canViewAllInfo"])
	self := e.get("/api/v1/users.info", "demo", q("userId", e.ids["demo"])).Body["user"].(map[string]any)
	require.Contains(t, self, "emails")
	require.Equal(t, true, self["canViewAllInfo"])
	require.Equal(t, true, self["services"].(map[string]any)["password"])
	adminView := e.get("/api/v1/users.info", "admin", q("username", "demo")).Body["user"].(map[string]any)
	require.Contains(t, adminView, "roles")
	require.NotContains(t, adminView, "services")

	created := e.post("/api/v1/users.create", "admin", map[string]any{"email": "x@example.com", "name": "X", "password": "p", "username": "x.new"})
	require.Contains(t, created.Body["user"], "emails")
	require.NotContains(t, created.Body["user"], "services")
	reg := e.post("/api/v1/users.register", "", map[string]any{"username": "reg1", "email": "reg1@example.com", "pass": "p", "name": "Reg"})
	require.Equal(t, http.StatusOK, reg.Status, string(reg.Raw))
	require.NotContains(t, reg.Body["user"], "emails")
	require.NotContains(t, reg.Body["user"], "roles")
}

func TestUnsafeQuery(t *testing.T) {
	t.Parallel()
	off := newEnv(t, emulator.Options{})
	on := newEnv(t, emulator.Options{AllowUnsafeQuery: true})
	query := q("query", `{"username":{"$regex":"^ADM","$options":"i"}}`, "fields", `{"username":1}`)
	require.Equal(t, float64(64), off.get("/api/v1/users.list", "admin", query).Body["total"], "ignored without the switch")
	r := on.get("/api/v1/users.list", "admin", query)
	require.Equal(t, []map[string]any{{"_id": on.ids["admin"], "username": "admin"}}, users(r))
	in := on.get("/api/v1/users.list", "admin", q("query", `{"$or":[{"_id":{"$in":["`+on.ids["demo"]+`"]}},{"username":"totp"}]}`))
	require.Equal(t, float64(2), in.Body["total"], string(in.Raw))
	// hidden fields are stripped from an unprivileged query, so it matches everybody
	r = on.get("/api/v1/users.list", "demo", q("query", `{"emails.address":"demo@example.com"}`))
	require.Equal(t, float64(64), r.Body["total"])
	// fields adds to the list's projection (a nickname lives only in the full record), while the
	// forced projection still hides private fields from an unprivileged caller.
	require.Equal(t, http.StatusOK, on.post("/api/v1/users.updateOwnBasicInfo", "totp", map[string]any{"data": map[string]any{"nickname": "tt"}}).Status)
	byID := `{"_id":{"$in":["` + on.ids["totp"] + `"]}}`
	r = on.get("/api/v1/users.list", "demo", q("query", byID, "fields", `{"nickname":1,"username":1,"emails":1}`))
	require.Equal(t, []map[string]any{{"_id": on.ids["totp"], "username": "totp", "nickname": "tt"}}, users(r))
	r = on.get("/api/v1/users.list", "admin", q("query", byID, "fields", `{"nickname":1,"emails":1}`))
	require.Equal(t, "tt", users(r)[0]["nickname"])
	require.NotEmpty(t, users(r)[0]["emails"], "a privileged caller sees emails")
	for _, bad := range []struct{ key, typ string }{{"query", "error-invalid-query"}, {"fields", "error-invalid-fields"}} {
		r = on.get("/api/v1/users.list", "admin", q(bad.key, "{nope"))
		require.Equal(t, http.StatusBadRequest, r.Status)
		require.Equal(t, bad.typ, r.Body["errorType"])
	}
}

func TestPresence(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{})
	full := e.get("/api/v1/users.presence", "demo", nil)
	require.Equal(t, true, full.Body["full"])
	for _, u := range users(full) {
		require.NotEqual(t, "offline", u["status"])
	}
	// ids in all three qs forms; offline users are left out
	require.Equal(t, http.StatusOK, e.post("/api/v1/users.setStatus", "totp", map[string]any{"status": "offline"}).Status)
	forms := []url.Values{
		q("ids", e.ids["admin"]+","+e.ids["totp"]),
		q("ids[]", e.ids["admin"], "ids[]", e.ids["totp"]),
		q("ids", e.ids["admin"], "ids", e.ids["totp"]),
	}
	for _, f := range forms {
		r := e.get("/api/v1/users.presence", "demo", f)
		require.Equal(t, false, r.Body["full"])
		require.Len(t, users(r), 1, f.Encode())
		require.Equal(t, e.ids["admin"], users(r)[0]["_id"])
	}
	// a recent `from` returns the delta, offline changes included, never the caller
	from := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339Nano)
	require.Equal(t, http.StatusOK, e.post("/api/v1/users.setStatus", "demo", map[string]any{"status": "busy"}).Status)
	delta := e.get("/api/v1/users.presence", "demo", q("from", from))
	require.Equal(t, false, delta.Body["full"])
	require.Len(t, users(delta), 1)
	require.Equal(t, "offline", users(delta)[0]["status"])
	old := e.get("/api/v1/users.presence", "demo", q("from", "2020-01-01T00:00:00.000Z"))
	require.Equal(t, true, old.Body["full"])

	self := e.get("/api/v1/users.getPresence", "demo", nil)
	require.Equal(t, "busy", self.Body["presence"])
	require.Contains(t, self.Body, "connectionStatus")
	other := e.get("/api/v1/users.getPresence", "demo", q("username", "totp"))
	require.Equal(t, map[string]any{"presence": "offline", "success": true}, other.Body)
	st := e.get("/api/v1/users.getStatus", "admin", q("userId", e.ids["demo"]))
	require.Equal(t, "busy", st.Body["status"])
	require.NotContains(t, st.Body, "connectionStatus")
}

func TestRateLimiter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	e := newEnv(t, emulator.Options{Now: func() time.Time { return now }, RateLimit: &emulator.RateLimitConfig{
		Limit: 3, Window: time.Minute, PerRoute: map[string]emulator.RouteLimit{"users.info": {Limit: 1}},
	}})
	for i := range 3 {
		r := e.get("/api/v1/users.getStatus", "admin", nil)
		require.Equal(t, http.StatusOK, r.Status)
		require.Equal(t, "3", r.Header.Get("X-RateLimit-Limit"))
		require.Equal(t, strconv.Itoa(2-i), r.Header.Get("X-RateLimit-Remaining"))
		require.Equal(t, strconv.FormatInt(now.Add(time.Minute).UnixMilli(), 10), r.Header.Get("X-RateLimit-Reset"))
	}
	r := e.get("/api/v1/users.getStatus", "demo", nil)
	require.Equal(t, http.StatusTooManyRequests, r.Status)
	require.Equal(t, map[string]any{"success": false, "error": "Error, too many requests. Please slow down. You must wait 60 seconds before trying this endpoint again. [error-too-many-requests]"}, r.Body)
	// other routes have their own budget; per-route overrides apply
	require.Equal(t, http.StatusOK, e.get("/api/v1/users.info", "demo", q("username", "demo")).Status)
	require.Equal(t, http.StatusTooManyRequests, e.get("/api/v1/users.info", "demo", q("username", "demo")).Status)
	require.Equal(t, http.StatusOK, e.get("/api/v1/users.getPresence", "demo", nil).Status)

	bypass := newEnv(t, emulator.Options{RateLimit: &emulator.RateLimitConfig{Limit: 1, BypassAdmins: true}})
	for range 3 {
		require.Equal(t, http.StatusOK, bypass.get("/api/v1/users.getStatus", "admin", nil).Status)
	}
	require.Equal(t, http.StatusOK, bypass.get("/api/v1/users.getStatus", "demo", nil).Status)
	require.Equal(t, http.StatusTooManyRequests, bypass.get("/api/v1/users.getStatus", "demo", nil).Status)
}

func TestStateChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{})
	info := func(as, username string) map[string]any {
		r := e.get("/api/v1/users.info", as, q("username", username))
		require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
		return r.Body["user"].(map[string]any)
	}

	created := e.post("/api/v1/users.create", "admin", map[string]any{"email": "Neo@Example.com", "name": "Neo", "password": "red-pill", "username": "neo"})
	require.Equal(t, http.StatusOK, created.Status, string(created.Raw))
	id := created.Body["user"].(map[string]any)["_id"].(string)
	require.Len(t, id, 17)
	require.Equal(t, "neo@example.com", info("admin", "neo")["emails"].([]any)[0].(map[string]any)["address"])
	require.Equal(t, false, e.get("/api/v1/users.checkUsernameAvailability", "demo", q("username", "NEO")).Body["result"])
	require.Equal(t, http.StatusOK, e.login("neo", "red-pill").Status)

	up := e.post("/api/v1/users.update", "admin", map[string]any{"userId": id, "data": map[string]any{"name": "Thomas Anderson", "active": false}}, pw2FA())
	require.Equal(t, http.StatusOK, up.Status, string(up.Raw))
	u := info("admin", "neo")
	require.Equal(t, "Thomas Anderson", u["name"])
	require.Equal(t, false, u["active"])
	require.Equal(t, http.StatusUnauthorized, e.get("/api/v1/users.getStatus", "neo", nil).Status, "deactivation logs out")
	require.Equal(t, "error-user-is-not-activated", e.login("neo", "red-pill").Body["error"])

	act := e.post("/api/v1/users.setActiveStatus", "admin", map[string]any{"userId": id, "activeStatus": true})
	require.Equal(t, map[string]any{"_id": id, "active": true}, act.Body["user"])
	u = info("admin", "neo")
	require.Nil(t, u["inactiveReason"])
	require.Contains(t, u, "inactiveReason")

	// status and avatar
	require.Equal(t, http.StatusOK, e.post("/api/v1/users.setStatus", "demo", map[string]any{"message": "Out", "status": "away"}).Status)
	d := info("admin", "demo")
	require.Equal(t, "away", d["status"])
	require.Equal(t, "Out", d["statusText"])
	require.NotContains(t, d, "avatarETag")
	require.Equal(t, http.StatusOK, e.post("/api/v1/users.setAvatar", "demo", map[string]any{"avatarUrl": "http://example.invalid/a.png"}).Status)
	etag1 := info("admin", "demo")["avatarETag"]
	require.NotEmpty(t, etag1)
	require.Equal(t, http.StatusOK, e.post("/api/v1/users.setAvatar", "demo", map[string]any{"avatarUrl": "http://example.invalid/b.png"}).Status)
	require.NotEqual(t, etag1, info("admin", "demo")["avatarETag"])
	require.Equal(t, http.StatusOK, e.post("/api/v1/users.resetAvatar", "demo", map[string]any{"username": "demo"}).Status)
	require.NotContains(t, info("admin", "demo"), "avatarETag")

	// preferences
	r := e.post("/api/v1/users.setPreferences", "demo", map[string]any{"data": map[string]any{"language": "de", "clockMode": 2}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Raw))
	prefs := e.get("/api/v1/users.getPreferences", "demo", nil).Body["preferences"].(map[string]any)
	require.Equal(t, "de", prefs["language"])
	require.Equal(t, float64(2), prefs["clockMode"])

	// data download: requested once per 24h
	first := e.get("/api/v1/users.requestDataDownload", "demo", nil)
	second := e.get("/api/v1/users.requestDataDownload", "demo", nil)
	require.Equal(t, true, first.Body["requested"])
	require.Equal(t, false, second.Body["requested"])
	require.Equal(t, first.Body["exportOperation"].(map[string]any)["_id"], second.Body["exportOperation"].(map[string]any)["_id"])
	require.Contains(t, first.Body, "url")

	// personal access tokens
	pat := e.post("/api/v1/users.generatePersonalAccessToken", "demo", map[string]any{"tokenName": "ci"}, pw2FA())
	require.Equal(t, http.StatusOK, pat.Status)
	dup := e.post("/api/v1/users.generatePersonalAccessToken", "demo", map[string]any{"tokenName": "ci"}, pw2FA())
	require.Equal(t, "error-token-already-exists", dup.Body["errorType"])
	asPAT := []reqOpt{withHeader("X-User-Id", e.ids["demo"]), withHeader("X-Auth-Token", pat.Body["token"].(string))}
	require.Equal(t, http.StatusOK, e.call(http.MethodGet, "/api/v1/users.getStatus", "", nil, asPAT...).Status)
	re := e.post("/api/v1/users.regeneratePersonalAccessToken", "demo", map[string]any{"tokenName": "ci"}, pw2FA())
	require.Equal(t, http.StatusOK, re.Status)
	require.Equal(t, http.StatusUnauthorized, e.call(http.MethodGet, "/api/v1/users.getStatus", "", nil, asPAT...).Status, "old secret is gone")

	// logoutOtherClients keeps the current token and PATs
	second2 := e.login("demo", emulator.DemoPassword)
	require.Equal(t, http.StatusOK, second2.Status)
	other := e.post("/api/v1/users.logoutOtherClients", "demo", nil)
	require.Equal(t, e.toks["demo"], other.Body["token"])
	require.NotEmpty(t, other.Body["tokenExpires"])
	require.Len(t, e.get("/api/v1/users.getPersonalAccessTokens", "demo", nil).Body["tokens"], 1)

	// logout clears everything
	out := e.post("/api/v1/users.logout", "demo", nil)
	require.Equal(t, "User "+e.ids["demo"]+" has been logged out!", out.Body["message"])
	require.Equal(t, http.StatusUnauthorized, e.get("/api/v1/users.getStatus", "demo", nil).Status)

	// delete
	require.Equal(t, http.StatusOK, e.post("/api/v1/users.delete", "admin", map[string]any{"username": "neo"}).Status)
	r = e.get("/api/v1/users.info", "admin", q("username", "neo"))
	require.Equal(t, map[string]any{"success": false, "error": "User not found."}, r.Body)
	// the last owner of a team cannot be deleted without confirmRelinquish
	r = e.post("/api/v1/users.delete", "admin", map[string]any{"userId": e.ids["demo"]})
	require.Equal(t, "user-last-owner", r.Body["errorType"])
	require.Equal(t, http.StatusOK, e.post("/api/v1/users.delete", "admin", map[string]any{"userId": e.ids["demo"], "confirmRelinquish": true}).Status)
}

func TestTeamsAndAvatars(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{})
	names := func(as string) []string {
		r := e.get("/api/v1/users.listTeams", as, q("userId", e.ids["admin"]))
		var out []string
		for _, x := range r.Body["teams"].([]any) {
			out = append(out, x.(map[string]any)["name"].(string))
		}
		return out
	}
	require.Equal(t, []string{"engineering", "design", "leadership"}, names("admin"))
	require.Equal(t, []string{"engineering"}, names("demo"), "private teams of others are hidden without view-all-teams")

	r := e.get("/api/v1/users.getAvatar", "demo", q("username", "demo"))
	require.Equal(t, http.StatusTemporaryRedirect, r.Status)
	require.Equal(t, e.base+"/avatar/demo", r.Header.Get("Location"))
	img := e.call(http.MethodGet, "/avatar/demo", "", nil)
	require.Equal(t, "image/svg+xml", img.Header.Get("Content-Type"))
	require.Equal(t, "public, max-age=3600", img.Header.Get("Cache-Control"))
	require.Equal(t, "inline", img.Header.Get("Content-Disposition"))
	require.Contains(t, string(img.Raw), ">D</text>")
	notModified := e.call(http.MethodGet, "/avatar/demo", "", nil, withHeader("If-Modified-Since", "Thu, 01 Jan 2015 00:00:00 GMT"))
	require.Equal(t, http.StatusNotModified, notModified.Status)
	require.Equal(t, http.StatusNotFound, e.call(http.MethodGet, "/avatar/uid/nope", "", nil).Status)
	require.Equal(t, http.StatusOK, e.call(http.MethodGet, "/avatar/nobody-at-all", "", nil).Status)
	require.Contains(t, string(e.call(http.MethodGet, "/avatar/uid/"+e.ids["admin"], "", nil).Raw), ">A</text>")
}
