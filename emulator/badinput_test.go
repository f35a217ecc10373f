package emulator_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/emulator"
)

// TestBadInput: malformed requests get the real server's status and envelope.
func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.Options{})
	tests := []struct {
		name      string
		method    string
		path      string
		as        string
		body      any
		status    int
		errorType string // "" = must be absent
		errorText string // "" = not checked
	}{
		{"getPresence unknown user", "GET", "/api/v1/users.getPresence?username=ghost", "demo", nil, 400, "error-invalid-user",
			`The required "userId" or "username" param provided does not match any users [error-invalid-user]`},
		{"getAvatar without target", "GET", "/api/v1/users.getAvatar", "demo", nil, 400, "error-user-param-not-provided",
			`The required "userId" or "username" param was not provided [error-user-param-not-provided]`},
		{"resetAvatar without target", "POST", "/api/v1/users.resetAvatar", "demo", map[string]any{}, 400, "error-user-param-not-provided", ""},
		{"delete unknown", "POST", "/api/v1/users.delete", "admin", map[string]any{"userId": "nope"}, 400, "error-invalid-user", ""},
		{"list bad sort", "GET", "/api/v1/users.list?sort=%7Bname%3A1", "admin", nil, 400, "error-invalid-sort", `Invalid sort parameter provided: "{name:1" [error-invalid-sort]`},
		{"list sort value 2", "GET", `/api/v1/users.list?sort=%7B%22name%22%3A2%7D`, "admin", nil, 400, "error-invalid-sort", ""},
		{"list count not a number", "GET", "/api/v1/users.list?count=abc", "admin", nil, 400, "invalid-params", "must be number [invalid-params]"},
		{"list unknown query key", "GET", "/api/v1/users.list?foo=1", "admin", nil, 400, "invalid-params", "must NOT have additional properties [invalid-params]"},
		{"info without key", "GET", "/api/v1/users.info", "demo", nil, 400, "invalid-params", ""},
		{"info two keys", "GET", "/api/v1/users.info?userId=a&username=b", "demo", nil, 400, "invalid-params", ""},
		{"info not found", "GET", "/api/v1/users.info?username=ghost", "demo", nil, 400, "", "User not found."},
		{"create invalid JSON body", "POST", "/api/v1/users.create", "admin", `{"name":`, 400, "invalid-params", "must have required property 'email' [invalid-params]"},
		{"create extra key", "POST", "/api/v1/users.create", "admin", map[string]any{"email": "a@b.co", "name": "A", "password": "p", "username": "aa", "admin": true}, 400, "invalid-params", "must NOT have additional properties [invalid-params]"},
		{"create wrong type", "POST", "/api/v1/users.create", "admin", map[string]any{"email": "a@b.co", "name": "A", "password": "p", "username": 5}, 400, "invalid-params", "must be string [invalid-params]"},
		{"create taken username", "POST", "/api/v1/users.create", "admin", map[string]any{"email": "a@b.co", "name": "A", "password": "p", "username": "Demo"}, 400, "error-field-unavailable", "Demo is already in use :( [error-field-unavailable]"},
		{"create bad name", "POST", "/api/v1/users.create", "admin", map[string]any{"email": "a@b.co", "name": "<b>", "password": "p", "username": "bb"}, 400, "", "Name contains invalid characters"},
		{"setStatus neither field", "POST", "/api/v1/users.setStatus", "demo", map[string]any{}, 400, "", "Match error: Failed Match.OneOf, Match.Maybe or Match.Optional validation"},
		{"setStatus bad status", "POST", "/api/v1/users.setStatus", "demo", map[string]any{"status": "sleeping"}, 400, "error-invalid-status", ""},
		{"setStatus past expiry", "POST", "/api/v1/users.setStatus", "demo", map[string]any{"status": "away", "expiresAt": "2001-01-01T00:00:00.000Z"}, 400, "error-invalid-date", "expiresAt must be a future date [error-invalid-date]"},
		{"setPreferences unknown key", "POST", "/api/v1/users.setPreferences", "demo", map[string]any{"data": map[string]any{"messageViewMode": 0}}, 400, "invalid-params", "must NOT have additional properties [invalid-params]"},
		{"setPreferences wrong type", "POST", "/api/v1/users.setPreferences", "demo", map[string]any{"data": map[string]any{"useEmojis": "yes"}}, 400, "invalid-params", "must be boolean [invalid-params]"},
		{"autocomplete bad JSON", "GET", "/api/v1/users.autocomplete?selector=x", "demo", nil, 400, "", "Unexpected token x in JSON at position 0"},
		{"autocomplete missing", "GET", "/api/v1/users.autocomplete", "demo", nil, 400, "invalid-params", "must have required property 'selector' [invalid-params]"},
		{"createToken typed validation before auth", "POST", "/api/v1/users.createToken", "", map[string]any{"userId": "x"}, 400, "error-invalid-params", "must have required property 'secret'"},
		{"createToken secret unset", "POST", "/api/v1/users.createToken", "admin", map[string]any{"userId": "x", "secret": "s"}, 400, "error-not-authorized", "Not authorized [error-not-authorized]"},
		{"reportUser empty description", "POST", "/api/v1/moderation.reportUser", "demo", map[string]any{"userId": "x", "description": ""}, 400, "error-invalid-params", ""},
		{"reportUser unknown user", "POST", "/api/v1/moderation.reportUser", "demo", map[string]any{"userId": "x", "description": "d"}, 400, "", "Invalid user id provided."},
		{"deleteOwnAccount plain password", "POST", "/api/v1/users.deleteOwnAccount", "demo", map[string]any{"password": emulator.DemoPassword}, 400, "error-invalid-password", ""},
		{"deleteOwnAccount missing", "POST", "/api/v1/users.deleteOwnAccount", "demo", map[string]any{}, 400, "invalid-params", "must have required property 'password' [invalid-params]"},
		{"PAT without name", "POST", "/api/v1/users.generatePersonalAccessToken", "demo", map[string]any{}, 400, "totp-required", ""},
		{"logout unknown", "POST", "/api/v1/users.logout", "admin", map[string]any{"userId": "nope"}, 400, "error-invalid-user-id", ""},
		{"register while logged in", "POST", "/api/v1/users.register", "demo", map[string]any{"username": "r", "email": "r@x.io", "pass": "p"}, 400, "", "Logged in users can not register again."},
		{"register taken", "POST", "/api/v1/users.register", "", map[string]any{"username": "admin", "email": "r@x.io", "pass": "p"}, 400, "", "Username is already in use"},
		{"listTeams missing userId", "GET", "/api/v1/users.listTeams", "demo", nil, 400, "invalid-params", ""},
		{"listByStatus bad status", "GET", "/api/v1/users.listByStatus?status=gone", "admin", nil, 400, "invalid-params", ""},
		{"requestDataDownload bad flag", "GET", "/api/v1/users.requestDataDownload?fullExport=yes", "demo", nil, 400, "invalid-params", ""},
		{"sendWelcomeEmail unknown address", "POST", "/api/v1/users.sendWelcomeEmail", "admin", map[string]any{"email": "who@nowhere.io"}, 400, "error-invalid-user", ""},
		{"getPreferences without settings", "GET", "/api/v1/users.getPreferences", "rocket.cat", nil, 400, "", "FAILED TO RETRIEVE USER PREFERENCES BECAUSE THEY HAVEN'T BEEN SET UP BY THE USER"},
		{"unknown endpoint", "GET", "/api/v1/users.nope", "demo", nil, 404, "", ""},
		{"wrong method", "GET", "/api/v1/users.create", "admin", nil, 404, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call(tc.method, tc.path, tc.as, tc.body)
			require.Equal(t, tc.status, r.Status, string(r.Raw))
			require.Equal(t, "application/json", r.Header.Get("Content-Type"))
			if tc.status == http.StatusOK {
				return
			}
			require.Equal(t, false, r.Body["success"], string(r.Raw))
			if tc.errorType == "" {
				require.NotContains(t, r.Body, "errorType")
			} else {
				require.Equal(t, tc.errorType, r.Body["errorType"])
			}
			if tc.errorText != "" {
				require.Equal(t, tc.errorText, r.Body["error"])
			}
		})
	}
}
