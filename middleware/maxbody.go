package middleware

import (
	"fmt"
	"net/http"
)

// MaxBody limits request bodies to n bytes. A request that announces a larger Content-Length is
// refused at once with 413 and code REQUEST_TOO_LARGE, before any of it is read; a body without a
// length (chunked) is cut at n bytes by http.MaxBytesReader, so the handler's read fails with
// *http.MaxBytesError. MaxBody panics when n is not positive: a configuration error.
func MaxBody(n int64) Middleware {
	if n <= 0 {
		panic(fmt.Sprintf("middleware: MaxBody limit must be positive, got %d", n))
	}
	message := fmt.Sprintf("request body is larger than the limit of %d bytes", n)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > n {
				// The unread body makes the connection unusable for another request.
				w.Header().Set("Connection", "close")
				WriteJSONError(w, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE", message)
				return
			}
			if r.Body != nil {
				r.Body = http.MaxBytesReader(w, r.Body, n)
			}
			next.ServeHTTP(w, r)
		})
	}
}
