package middleware

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
)

// Recover turns a panic in next into a logged error and a 500 answer
// {"errors":[{"message":"internal server error","extensions":{"code":"INTERNAL"}}]}, so one bad
// request cannot take the process down or show internals to the client. The log line carries the
// request id, the panic value and the stack, with the request's token, 2FA code and query string
// masked out of them. http.ErrAbortHandler is re-raised, as net/http expects.
func Recover(logger *slog.Logger) Middleware {
	if logger == nil {
		panic("middleware: Recover needs a logger")
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sw := newStatusWriter(w)
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(v)
				}
				mask := secretMasker(r)
				logger.LogAttrs(r.Context(), slog.LevelError, "panic recovered",
					slog.String("request_id", requestIDOf(r, w)),
					slog.String("method", r.Method),
					slog.String("path", loggedPath(r)),
					slog.String("panic", mask.Replace(fmt.Sprint(v))),
					slog.String("stack", mask.Replace(string(debug.Stack()))),
				)
				if sw.wroteHeader || sw.hijacked {
					// Too late for a clean answer; the client sees a truncated response.
					return
				}
				WriteJSONError(sw, http.StatusInternalServerError, "INTERNAL", "internal server error")
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// secretMasker replaces the request's secrets (token, 2FA code, raw query string) with [REDACTED].
func secretMasker(r *http.Request) *strings.Replacer {
	var secrets []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			secrets = append(secrets, s)
		}
	}
	for _, name := range []string{HeaderAuthToken, HeaderTwoFactorCode} {
		for _, v := range r.Header.Values(name) {
			add(v)
		}
	}
	if c, _ := CredentialsFrom(r.Context()); c.AuthToken != "" || c.TwoFactorCode != "" {
		add(c.AuthToken)
		add(c.TwoFactorCode)
	}
	if r.URL != nil {
		add(r.URL.RawQuery)
	}
	// Longest first, so a secret inside another (a token inside the query) cannot leave a remainder.
	slices.SortStableFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		pairs = append(pairs, s, "[REDACTED]")
	}
	return strings.NewReplacer(pairs...)
}
