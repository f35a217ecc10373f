package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/emulator"
)

// TestSecretsNeverLogged runs the whole gateway (embedded emulator, debug logs captured) through
// logins with the password in variables and inline in the query text, 2FA mutations with codes
// in arguments and headers, wrong codes and passwords, a personal access token, a bogus token
// and an undecodable body, then searches every log line and every error message for every
// secret it used.
func TestSecretsNeverLogged(t *testing.T) {
	t.Parallel()
	base, out := startGateway(t, map[string]string{"LOG_LEVEL": "debug"})
	client := hgClient(t)
	var answers []hgAnswer
	do := func(headers map[string]string, query string, vars map[string]any) hgAnswer {
		t.Helper()
		a := hgPost(t, client, base, headers, query, vars)
		answers = append(answers, a)
		return a
	}
	pw := emulator.DemoPassword
	sum := sha256.Sum256([]byte(pw))
	secrets := map[string]string{"password": pw, "password digest": hex.EncodeToString(sum[:])}

	// Login, password in variables.
	a := do(nil, `mutation($u: String!, $p: String!) { login(user: $u, password: $p) { userId authToken } }`,
		map[string]any{"u": "demo", "p": pw})
	require.Empty(t, a.Errors, string(a.Body))
	login := a.Data["login"].(map[string]any)
	demo := map[string]string{"X-User-Id": login["userId"].(string), "X-Auth-Token": login["authToken"].(string)}
	secrets["demo login token"] = demo["X-Auth-Token"]

	// Login, password inline in the query text; and a wrong one inline.
	a = do(nil, `mutation { login(user: "admin", password: "`+pw+`") { authToken } }`, nil)
	require.Empty(t, a.Errors, string(a.Body))
	secrets["admin login token"] = a.Data["login"].(map[string]any)["authToken"].(string)
	secrets["wrong password"] = "Wr0ngPassw0rd-Secret"
	a = do(nil, `mutation { login(user: "admin", password: "Wr0ngPassw0rd-Secret") { authToken } }`, nil)
	require.NotEmpty(t, a.Errors)

	// TOTP login with a code, and a wrong code.
	code, err := emulator.TOTPCode(emulator.TOTPSecret, time.Now())
	require.NoError(t, err)
	secrets["totp code"] = code
	a = do(nil, `mutation($p: String!, $c: String) { login(user: "totp", password: $p, code: $c) { userId authToken } }`,
		map[string]any{"p": pw, "c": code})
	require.Empty(t, a.Errors, string(a.Body))
	secrets["totp login token"] = a.Data["login"].(map[string]any)["authToken"].(string)
	secrets["wrong totp code"] = "913377"
	a = do(nil, `mutation($p: String!) { login(user: "totp", password: $p, code: "913377") { authToken } }`, map[string]any{"p": pw})
	require.NotEmpty(t, a.Errors)

	// A 2FA-protected mutation: challenged, wrong code in a header, then the password method.
	const pat = `mutation($tf: TwoFactorInput) { generatePersonalAccessToken(name: "ci", twoFactor: $tf) { token } }`
	a = do(demo, pat, nil)
	require.Equal(t, "TWO_FACTOR_REQUIRED", a.code(), string(a.Body))
	secrets["wrong 2fa header code"] = "wrong-code-424242"
	a = do(map[string]string{"X-User-Id": demo["X-User-Id"], "X-Auth-Token": demo["X-Auth-Token"],
		"X-2fa-Code": "wrong-code-424242", "X-2fa-Method": "password"}, pat, nil)
	require.Equal(t, "TWO_FACTOR_INVALID", a.code(), string(a.Body))
	a = do(demo, pat, map[string]any{"tf": map[string]any{"code": pw, "method": "PASSWORD"}})
	require.Empty(t, a.Errors, string(a.Body))
	secrets["personal access token"] = a.Data["generatePersonalAccessToken"].(map[string]any)["token"].(string)

	// The PAT works as a token; a bogus token fails.
	a = do(map[string]string{"X-User-Id": demo["X-User-Id"], "X-Auth-Token": secrets["personal access token"]}, `{ me { username } }`, nil)
	require.Empty(t, a.Errors, string(a.Body))
	secrets["bogus token"] = "bogus-token-Secret-XYZ"
	a = do(map[string]string{"X-User-Id": demo["X-User-Id"], "X-Auth-Token": "bogus-token-Secret-XYZ"}, `{ me { username } }`, nil)
	require.Equal(t, "UNAUTHENTICATED", a.code(), string(a.Body))

	// An undecodable body holding the password: refused without an echo.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/graphql",
		bytes.NewReader([]byte(`{"query":"mutation { login(user: \"demo\", password: \"`+pw+`\") { authToken } }", "variables": {`)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	a = hgDo(t, client, req)
	require.Equal(t, "BAD_REQUEST", a.code())
	answers = append(answers, a)

	// A panic-free server error path: a 2FA code on a query (never forwarded) is not logged either.
	do(map[string]string{"X-User-Id": demo["X-User-Id"], "X-Auth-Token": demo["X-Auth-Token"], "X-2fa-Code": "wrong-code-424242"}, `{ me { username } }`, nil)

	var logs []string
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "{") { // JSON log lines; the banner prints demo headers on purpose
			logs = append(logs, line)
		}
	}
	require.NotEmpty(t, logs)
	assert.Contains(t, strings.Join(logs, "\n"), `"msg":"http request"`, "the access log was captured")
	for name, secret := range secrets {
		require.NotEmpty(t, secret, name)
		for _, line := range logs {
			assert.NotContains(t, line, secret, "%s in a log line", name)
		}
		for _, ans := range answers {
			for _, e := range ans.Errors {
				assert.NotContains(t, e.Message, secret, "%s in an error message", name)
				for k, v := range e.Extensions {
					if s, ok := v.(string); ok {
						assert.NotContains(t, s, secret, "%s in extensions.%s", name, k)
					}
				}
			}
		}
	}
}
