package middleware

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
)

// Headers a caller authenticates with, as Rocket.Chat names them.
const (
	HeaderAuthToken       = "X-Auth-Token"
	HeaderUserID          = "X-User-Id"
	HeaderTwoFactorCode   = "X-2fa-Code"
	HeaderTwoFactorMethod = "X-2fa-Method"
)

// Upper bounds for credential header values. Rocket.Chat ids are 17 characters and tokens 43; the
// 2FA code may be a plain password for the password method. Longer values are ignored rather than
// forwarded upstream.
const (
	maxUserIDLen          = 256
	maxAuthTokenLen       = 512
	maxTwoFactorCodeLen   = 1024
	maxTwoFactorMethodLen = 32
)

// Credentials are the caller's Rocket.Chat credentials for one request. They are forwarded upstream
// for that request only and never stored. Use LogValue (slog) or String (fmt) to print them: both
// redact the token and the 2FA code.
type Credentials struct {
	UserID          string
	AuthToken       string
	TwoFactorCode   string
	TwoFactorMethod string
}

// Auth captures the caller's credentials from X-Auth-Token, X-User-Id, X-2fa-Code and X-2fa-Method
// into the context (see CredentialsFrom). Values are trimmed; over-long values are ignored. Auth
// refuses nothing: whether a request needs credentials is for the upstream to say.
func Auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := Credentials{
			UserID:          headerValue(r.Header, HeaderUserID, maxUserIDLen),
			AuthToken:       headerValue(r.Header, HeaderAuthToken, maxAuthTokenLen),
			TwoFactorCode:   headerValue(r.Header, HeaderTwoFactorCode, maxTwoFactorCodeLen),
			TwoFactorMethod: headerValue(r.Header, HeaderTwoFactorMethod, maxTwoFactorMethodLen),
		}
		if c == (Credentials{}) {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), credentialsKey, c)))
	})
}

// CredentialsFrom returns the credentials captured by Auth. ok is false when the request carried
// neither a user id nor a token; the 2FA fields may still be set then.
func CredentialsFrom(ctx context.Context) (Credentials, bool) {
	c, _ := ctx.Value(credentialsKey).(Credentials)
	return c, c.UserID != "" || c.AuthToken != ""
}

// LogValue makes slog print the user id and whether a token or 2FA code was sent, never their values.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("user_id", c.UserID),
		slog.Bool("has_token", c.AuthToken != ""),
		slog.Bool("has_2fa_code", c.TwoFactorCode != ""),
		slog.String("2fa_method", c.TwoFactorMethod),
	)
}

// String redacts like LogValue so that fmt verbs cannot leak the token either.
func (c Credentials) String() string {
	return "Credentials{UserID:" + c.UserID +
		" AuthToken:" + redacted(c.AuthToken) +
		" TwoFactorCode:" + redacted(c.TwoFactorCode) +
		" TwoFactorMethod:" + c.TwoFactorMethod + "}"
}

// GoString covers the %#v verb.
func (c Credentials) GoString() string { return "middleware." + c.String() }

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "[REDACTED]"
}

// headerValue returns the trimmed first value of name, or "" when it is longer than maxLen.
func headerValue(h http.Header, name string, maxLen int) string {
	v := strings.TrimSpace(h.Get(name))
	if len(v) > maxLen {
		return ""
	}
	return v
}
