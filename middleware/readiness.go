package middleware

import (
	"net/http"
	"sync/atomic"
)

// Readiness tells load balancers whether to send new traffic. The zero value is ready; on shutdown
// the server calls SetDraining first, so the probe fails while in-flight requests finish.
type Readiness struct {
	draining atomic.Bool
}

// SetDraining makes the probe answer 503 from now on. It is safe to call from any goroutine, more
// than once.
func (r *Readiness) SetDraining() { r.draining.Store(true) }

// Draining reports whether SetDraining was called.
func (r *Readiness) Draining() bool { return r.draining.Load() }

// Handler answers 200 {"status":"ok"} while ready and 503 {"status":"draining"} once draining.
func (r *Readiness) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-store")
		if r.Draining() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"status":"draining"}` + "\n"))
			return
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
}
