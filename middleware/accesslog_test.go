package middleware_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/middleware"
)

func TestAccessLog(t *testing.T) {
	t.Parallel()
	const querySecret = "pw-Sup3rS3cret-in-query"
	tests := []struct {
		name       string
		method     string
		target     string
		handler    http.HandlerFunc
		wantStatus float64
		wantBytes  float64
		wantPath   string
		wantLevel  string
	}{
		{
			name:   "body and status",
			method: http.MethodPost, target: "/graphql",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusCreated)
				_, _ = io.WriteString(w, "hello")
				_, _ = io.WriteString(w, " world")
			},
			wantStatus: 201, wantBytes: 11, wantPath: "/graphql", wantLevel: "INFO",
		},
		{
			name:   "implicit 200, query string dropped",
			method: http.MethodGet, target: "/graphql?query=%7Bme%7D&variables=%7B%22password%22%3A%22" + querySecret + "%22%7D",
			handler: func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, "{}")
			},
			wantStatus: 200, wantBytes: 2, wantPath: "/graphql", wantLevel: "INFO",
		},
		{
			name:   "nothing written is 200",
			method: http.MethodGet, target: "/healthz",
			handler:    func(http.ResponseWriter, *http.Request) {},
			wantStatus: 200, wantBytes: 0, wantPath: "/healthz", wantLevel: "INFO",
		},
		{
			name:   "5xx logged as error",
			method: http.MethodGet, target: "/graphql",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "down", http.StatusBadGateway)
			},
			wantStatus: 502, wantBytes: 5, wantPath: "/graphql", wantLevel: "ERROR",
		},
		{
			name:   "second WriteHeader ignored",
			method: http.MethodPost, target: "/graphql",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusBadRequest)
				w.WriteHeader(http.StatusOK)
			},
			wantStatus: 400, wantBytes: 0, wantPath: "/graphql", wantLevel: "INFO",
		},
		{
			name:   "long path truncated",
			method: http.MethodGet, target: "/" + strings.Repeat("p", 1000),
			handler:    func(http.ResponseWriter, *http.Request) {},
			wantStatus: 200, wantBytes: 0, wantPath: "/" + strings.Repeat("p", 255) + "...", wantLevel: "INFO",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			logger, buf := jsonLogger()
			h := middleware.Chain(tt.handler, middleware.RequestID, middleware.AccessLog(logger), middleware.Auth)
			req := httptest.NewRequest(tt.method, tt.target, strings.NewReader(`{"query":"{me{id}}"}`))
			req.RemoteAddr = "192.0.2.7:51234"
			req.Header.Set("X-Auth-Token", testToken)
			req.Header.Set("X-User-Id", testUserID)
			req.Header.Set("X-2fa-Code", testCode)
			req.Header.Set("X-Request-Id", "req-42")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			out := buf.String()
			for _, secret := range []string{testToken, testCode, querySecret, "query=", "me{id}"} {
				require.NotContains(t, out, secret)
			}
			lines := logLines(t, buf)
			require.Len(t, lines, 1)
			line := lines[0]
			require.Equal(t, "http request", line["msg"])
			require.Equal(t, tt.wantLevel, line["level"])
			require.Equal(t, "req-42", line["request_id"])
			require.Equal(t, tt.method, line["method"])
			require.Equal(t, tt.wantPath, line["path"])
			require.Equal(t, tt.wantStatus, line["status"])
			require.Equal(t, float64(rec.Code), line["status"])
			require.Equal(t, tt.wantBytes, line["bytes"])
			require.Equal(t, "192.0.2.7:51234", line["remote"])
			require.IsType(t, float64(0), line["duration_ms"])
			require.GreaterOrEqual(t, line["duration_ms"].(float64), 0.0)
			wantKeys := []string{"time", "level", "msg", "request_id", "method", "path", "status", "bytes", "duration_ms", "remote"}
			require.ElementsMatch(t, wantKeys, keys(line), "no other fields (headers, bodies) are logged")
		})
	}
}

func TestAccessLogFindsRequestIDSetInside(t *testing.T) {
	t.Parallel()
	logger, buf := jsonLogger()
	h := middleware.Chain(&okHandler{}, middleware.AccessLog(logger), middleware.RequestID)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	lines := logLines(t, buf)
	require.Len(t, lines, 1)
	require.NotEmpty(t, rec.Header().Get("X-Request-Id"))
	require.Equal(t, rec.Header().Get("X-Request-Id"), lines[0]["request_id"])
}

func TestAccessLogKeepsFlushAndHijack(t *testing.T) {
	t.Parallel()
	logger, buf := jsonLogger()
	h := middleware.Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, isFlusher := w.(http.Flusher)
		_, isHijacker := w.(http.Hijacker)
		if !isFlusher || !isHijacker {
			http.Error(w, "wrapper hides Flusher or Hijacker", http.StatusInternalServerError)
			return
		}
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer conn.Close()
		_, _ = rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n")
		_ = rw.Flush()
	}), middleware.AccessLog(logger), middleware.Recover(logger))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/ws", nil)
	require.NoError(t, err)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "test")
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)

	// The access log line is written when the handler returns, after the client saw the 101.
	require.Eventually(t, func() bool { return strings.Contains(buf.String(), `"status":101`) },
		5*time.Second, time.Millisecond, "log: %s", buf.String())
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
