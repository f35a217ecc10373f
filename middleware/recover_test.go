package middleware_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/middleware"
)

func TestRecover(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		wantPanic string
	}{
		{
			name:      "string panic",
			handler:   func(http.ResponseWriter, *http.Request) { panic("boom") },
			wantPanic: "boom",
		},
		{
			name:      "error panic",
			handler:   func(http.ResponseWriter, *http.Request) { panic(errors.New("broken invariant")) },
			wantPanic: "broken invariant",
		},
		{
			name: "runtime error",
			handler: func(http.ResponseWriter, *http.Request) {
				var m map[string]int
				m["x"] = 1
			},
			wantPanic: "assignment to entry in nil map",
		},
		{
			name: "secrets in the panic value are masked",
			handler: func(w http.ResponseWriter, r *http.Request) {
				panic(fmt.Sprintf("upstream refused token %s with code %s for %s",
					r.Header.Get("X-Auth-Token"), r.Header.Get("X-2fa-Code"), r.URL.String()))
			},
			wantPanic: "upstream refused token [REDACTED] with code [REDACTED] for /graphql?[REDACTED]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			logger, buf := jsonLogger()
			h := middleware.Chain(tt.handler, middleware.RequestID, middleware.Recover(logger), middleware.Auth)
			req := httptest.NewRequest(http.MethodPost, "/graphql?password=hunter2-secret", nil)
			req.Header.Set("X-Request-Id", "req-panic-1")
			req.Header.Set("X-Auth-Token", testToken)
			req.Header.Set("X-2fa-Code", testCode)
			rec := httptest.NewRecorder()
			require.NotPanics(t, func() { h.ServeHTTP(rec, req) })

			requireJSONError(t, rec, http.StatusInternalServerError, "INTERNAL")
			require.JSONEq(t,
				`{"errors":[{"message":"internal server error","extensions":{"code":"INTERNAL"}}]}`,
				rec.Body.String())
			require.NotContains(t, rec.Body.String(), tt.wantPanic, "the panic stays out of the answer")

			out := buf.String()
			for _, secret := range []string{testToken, testCode, "hunter2-secret"} {
				require.NotContains(t, out, secret)
			}
			lines := logLines(t, buf)
			require.Len(t, lines, 1)
			require.Equal(t, "panic recovered", lines[0]["msg"])
			require.Equal(t, "ERROR", lines[0]["level"])
			require.Equal(t, "req-panic-1", lines[0]["request_id"])
			require.Equal(t, "/graphql", lines[0]["path"])
			require.Contains(t, lines[0]["panic"], tt.wantPanic)
			require.Contains(t, lines[0]["stack"], "recover_test.go")
		})
	}
}

func TestRecoverAfterHeadersWritten(t *testing.T) {
	t.Parallel()
	logger, buf := jsonLogger()
	h := middleware.Recover(logger)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"data":`)
		panic("mid-stream")
	}))
	rec := httptest.NewRecorder()
	require.NotPanics(t, func() { h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil)) })
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, `{"data":`, rec.Body.String(), "nothing is appended to a started answer")
	require.Contains(t, buf.String(), "mid-stream")
}

func TestRecoverReraisesAbortHandler(t *testing.T) {
	t.Parallel()
	logger, buf := jsonLogger()
	h := middleware.Recover(logger)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	require.PanicsWithValue(t, http.ErrAbortHandler, func() {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	})
	require.Empty(t, buf.String())
}

func TestRecoverAccessLogSees500(t *testing.T) {
	t.Parallel()
	logger, buf := jsonLogger()
	h := middleware.Chain(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("x") }),
		middleware.RequestID, middleware.AccessLog(logger), middleware.Recover(logger))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/graphql", nil))
	lines := logLines(t, buf)
	require.Len(t, lines, 2)
	require.Equal(t, "panic recovered", lines[0]["msg"])
	require.Equal(t, "http request", lines[1]["msg"])
	require.Equal(t, float64(http.StatusInternalServerError), lines[1]["status"])
	require.Equal(t, lines[0]["request_id"], lines[1]["request_id"])
	require.Equal(t, rec.Header().Get("X-Request-Id"), lines[1]["request_id"])
}
