package middleware

import (
	"context"
	"crypto/rand"
	"net/http"
)

// RequestIDHeader carries the request id in both directions.
const RequestIDHeader = "X-Request-Id"

// maxRequestIDLen bounds an incoming id so it cannot bloat every log line of the request.
const maxRequestIDLen = 64

type ctxKey int

const (
	requestIDKey ctxKey = iota
	credentialsKey
)

// RequestID gives every request an id: a sane incoming X-Request-Id (1 to 64 characters of
// [A-Za-z0-9._-]) is kept so a trace can cross services, anything else is replaced by a fresh random
// id. The id is stored in the context (see RequestIDFrom) and echoed in the X-Request-Id response
// header.
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !validRequestID(id) {
			id = rand.Text()
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

// RequestIDFrom returns the request id stored by RequestID, or "" outside of it.
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}
