package middleware

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Deadline gives every request a context that ends after d: all the work a request causes (its
// upstream calls included) shares one overall deadline, on top of any per-call timeouts below.
// A client that disconnects cancels the same context earlier. Deadline panics when d is not
// positive: a configuration error.
func Deadline(d time.Duration) Middleware {
	if d <= 0 {
		panic(fmt.Sprintf("middleware: Deadline must be positive, got %s", d))
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
