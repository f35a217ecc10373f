package middleware_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/middleware"
)

const (
	testToken  = "tok-9f2c7a1e5b3d8c4f6a0e2b7d1c9f3a5e8b4d6c2f0"
	testCode   = "code-482913"
	testUserID = "userid-abcdefg1234"
)

func TestAuthCapturesCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		headers map[string]string
		want    middleware.Credentials
		wantOK  bool
	}{
		{
			name:    "no headers",
			headers: map[string]string{},
		},
		{
			name:    "token and user id",
			headers: map[string]string{"X-Auth-Token": testToken, "X-User-Id": testUserID},
			want:    middleware.Credentials{UserID: testUserID, AuthToken: testToken},
			wantOK:  true,
		},
		{
			name: "all four, trimmed",
			headers: map[string]string{
				"X-Auth-Token": "  " + testToken + " ", "X-User-Id": "\t" + testUserID,
				"X-2fa-Code": " " + testCode + " ", "X-2fa-Method": "totp ",
			},
			want: middleware.Credentials{
				UserID: testUserID, AuthToken: testToken, TwoFactorCode: testCode, TwoFactorMethod: "totp",
			},
			wantOK: true,
		},
		{
			name:    "token only",
			headers: map[string]string{"X-Auth-Token": testToken},
			want:    middleware.Credentials{AuthToken: testToken},
			wantOK:  true,
		},
		{
			name:    "user id only",
			headers: map[string]string{"X-User-Id": testUserID},
			want:    middleware.Credentials{UserID: testUserID},
			wantOK:  true,
		},
		{
			name:    "2fa only is not ok",
			headers: map[string]string{"X-2fa-Code": testCode, "X-2fa-Method": "email"},
			want:    middleware.Credentials{TwoFactorCode: testCode, TwoFactorMethod: "email"},
		},
		{
			name:    "blank values are absent",
			headers: map[string]string{"X-Auth-Token": "   ", "X-User-Id": " "},
		},
		{
			name:    "over-long token ignored",
			headers: map[string]string{"X-Auth-Token": strings.Repeat("t", 513), "X-User-Id": testUserID},
			want:    middleware.Credentials{UserID: testUserID},
			wantOK:  true,
		},
		{
			name:    "over-long user id ignored",
			headers: map[string]string{"X-Auth-Token": testToken, "X-User-Id": strings.Repeat("u", 257)},
			want:    middleware.Credentials{AuthToken: testToken},
			wantOK:  true,
		},
		{
			name: "over-long 2fa code and method ignored",
			headers: map[string]string{
				"X-Auth-Token": testToken, "X-2fa-Code": strings.Repeat("1", 1025), "X-2fa-Method": strings.Repeat("m", 33),
			},
			want:   middleware.Credentials{AuthToken: testToken},
			wantOK: true,
		},
		{
			name:    "header names are case-insensitive",
			headers: map[string]string{"x-auth-token": testToken, "x-user-id": testUserID, "x-2FA-code": testCode},
			want:    middleware.Credentials{UserID: testUserID, AuthToken: testToken, TwoFactorCode: testCode},
			wantOK:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var (
				got   middleware.Credentials
				gotOK bool
			)
			h := middleware.Auth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got, gotOK = middleware.CredentialsFrom(r.Context())
				w.WriteHeader(http.StatusNoContent)
			}))
			req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, http.StatusNoContent, rec.Code, "Auth never refuses")
			require.Equal(t, tt.want, got)
			require.Equal(t, tt.wantOK, gotOK)
		})
	}
}

func TestCredentialsFromOutsideMiddleware(t *testing.T) {
	t.Parallel()
	c, ok := middleware.CredentialsFrom(t.Context())
	require.False(t, ok)
	require.Equal(t, middleware.Credentials{}, c)
}

func TestCredentialsRedaction(t *testing.T) {
	t.Parallel()
	c := middleware.Credentials{
		UserID: testUserID, AuthToken: testToken, TwoFactorCode: testCode, TwoFactorMethod: "totp",
	}

	t.Run("slog json", func(t *testing.T) {
		t.Parallel()
		logger, buf := jsonLogger()
		logger.Info("call", "credentials", c)
		out := buf.String()
		require.NotContains(t, out, testToken)
		require.NotContains(t, out, testCode)
		lines := logLines(t, buf)
		require.Len(t, lines, 1)
		require.Equal(t, map[string]any{
			"user_id": testUserID, "has_token": true, "has_2fa_code": true, "2fa_method": "totp",
		}, lines[0]["credentials"])
	})

	t.Run("slog text", func(t *testing.T) {
		t.Parallel()
		var buf strings.Builder
		slog.New(slog.NewTextHandler(&buf, nil)).Info("call", "credentials", c)
		require.NotContains(t, buf.String(), testToken)
		require.NotContains(t, buf.String(), testCode)
		require.Contains(t, buf.String(), "credentials.user_id="+testUserID)
	})

	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		t.Run("fmt "+verb, func(t *testing.T) {
			t.Parallel()
			out := fmt.Sprintf(verb, c)
			require.NotContains(t, out, testToken)
			require.NotContains(t, out, testCode)
			require.Contains(t, out, testUserID)
			require.Contains(t, out, "[REDACTED]")
		})
	}

	t.Run("empty token shows as empty", func(t *testing.T) {
		t.Parallel()
		logger, buf := jsonLogger()
		logger.Info("call", "credentials", middleware.Credentials{UserID: testUserID})
		lines := logLines(t, buf)
		require.Equal(t, map[string]any{
			"user_id": testUserID, "has_token": false, "has_2fa_code": false, "2fa_method": "",
		}, lines[0]["credentials"])
	})
}
