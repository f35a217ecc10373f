package middleware

import (
	"log/slog"
	"net/http"
	"time"
)

// maxLoggedPathLen bounds the logged path so a huge URL cannot blow up a log line.
const maxLoggedPathLen = 256

// AccessLog writes one structured line per request to logger: request_id, method, path, status,
// bytes, duration_ms and remote. It never logs headers, bodies or the query string, any of which
// can hold tokens, passwords or 2FA codes. Place it inside RequestID and outside Recover so that
// recovered panics are logged with their 500.
func AccessLog(logger *slog.Logger) Middleware {
	if logger == nil {
		panic("middleware: AccessLog needs a logger")
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw := newStatusWriter(w)
			next.ServeHTTP(sw, r)
			status := sw.statusCode()
			level := slog.LevelInfo
			if status >= http.StatusInternalServerError {
				level = slog.LevelError
			}
			logger.LogAttrs(r.Context(), level, "http request",
				slog.String("request_id", requestIDOf(r, w)),
				slog.String("method", r.Method),
				slog.String("path", loggedPath(r)),
				slog.Int("status", status),
				slog.Int64("bytes", sw.bytes),
				slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
				slog.String("remote", r.RemoteAddr),
			)
		})
	}
}

// requestIDOf finds the request id whether RequestID runs outside this middleware (context) or
// inside it (response header).
func requestIDOf(r *http.Request, w http.ResponseWriter) string {
	if id := RequestIDFrom(r.Context()); id != "" {
		return id
	}
	return w.Header().Get(RequestIDHeader)
}

func loggedPath(r *http.Request) string {
	if r.URL == nil {
		return ""
	}
	p := r.URL.Path
	if len(p) > maxLoggedPathLen {
		p = p[:maxLoggedPathLen] + "..."
	}
	return p
}
