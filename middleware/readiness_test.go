package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/middleware"
)

func TestReadiness(t *testing.T) {
	t.Parallel()
	var r middleware.Readiness
	h := r.Handler()
	probe := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec
	}

	rec := probe()
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	require.JSONEq(t, `{"status":"ok"}`, rec.Body.String())
	require.False(t, r.Draining())

	// Shutdown may be signalled from several goroutines while probes run.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			r.SetDraining()
			_ = probe()
		})
	}
	wg.Wait()

	rec = probe()
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	require.JSONEq(t, `{"status":"draining"}`, rec.Body.String())
	require.True(t, r.Draining())

	r.SetDraining()
	require.Equal(t, http.StatusServiceUnavailable, probe().Code, "draining is one-way")
}
