package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

var faultCreds = map[string]string{"X-User-Id": "u1", "X-Auth-Token": "tok"}

// faultEnv is a gateway tuned for fast fault tests: short REST timeout and retry backoff.
func faultEnv(backendURL string, extra ...string) map[string]string {
	env := map[string]string{
		"ROCKETCHAT_URL":     backendURL,
		"LOG_LEVEL":          "error",
		"REST_TIMEOUT":       "300ms",
		"REST_RETRY_BACKOFF": "5ms",
		"BREAKER_OPEN":       "200ms",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return env
}

// TestFaults: each upstream fault gives its documented code, the gateway stays healthy (a good
// query right after succeeds), and nothing leaks. Not parallel at the top, so that goleak sees
// only this test's goroutines.
func TestFaults(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	const me = `{ me { username } }`
	t.Run("cases", func(t *testing.T) {
		tests := []struct {
			name      string
			fault     http.HandlerFunc
			code      string
			wantCalls int32 // upstream calls of the failing query (retries included); 0: not checked
			env       []string
			check     func(t *testing.T, got hgAnswer)
		}{
			{name: "hang past the timeout", fault: func(w http.ResponseWriter, r *http.Request) {
				<-r.Context().Done()
			}, code: "UPSTREAM_UNAVAILABLE", wantCalls: 1, check: func(t *testing.T, got hgAnswer) {
				assert.Contains(t, got.Errors[0].Message, "in time")
			}},
			{name: "500", fault: status(500, `{"success":false,"error":"Internal server error"}`), code: "UPSTREAM_ERROR", wantCalls: 1},
			{name: "502 retried twice", fault: status(502, `<html>bad gateway</html>`), code: "UPSTREAM_UNAVAILABLE", wantCalls: 3},
			{name: "503 retried twice", fault: status(503, ``), code: "UPSTREAM_UNAVAILABLE", wantCalls: 3},
			{name: "429 never retried", fault: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-RateLimit-Limit", "10")
				w.Header().Set("X-RateLimit-Remaining", "0")
				w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(42*time.Second).UnixMilli(), 10))
				status(429, `{"success":false,"error":"Error, too many requests. Please slow down. You must wait 42 seconds before trying this endpoint again. [error-too-many-requests]"}`)(w, r)
			}, code: "RATE_LIMITED", wantCalls: 1, check: func(t *testing.T, got hgAnswer) {
				secs, _ := got.Errors[0].Extensions["retryAfterSeconds"].(float64)
				assert.InDelta(t, 42, secs, 2)
			}},
			{name: "malformed JSON", fault: status(200, `{"success":true,"user":{"_id":`), code: "UPSTREAM_ERROR", wantCalls: 1},
			{name: "truncated body", fault: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", "500")
				_, _ = io.WriteString(w, `{"success":true,"user":{"_id":"u1"`)
			}, code: "UPSTREAM_ERROR", wantCalls: 1},
			{name: "50 MB body", fault: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"success":true,"user":{"_id":"u1","bio":"`)
				chunk := []byte(strings.Repeat("x", 1<<20))
				for range 50 {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
				_, _ = io.WriteString(w, `"}}`)
			}, code: "UPSTREAM_ERROR", wantCalls: 1, env: []string{"REST_TIMEOUT", "5s"}},
			{name: "connection dropped", fault: func(w http.ResponseWriter, r *http.Request) {
				conn, _, err := http.NewResponseController(w).Hijack()
				if err == nil {
					_ = conn.Close()
				}
			}, code: "UPSTREAM_UNAVAILABLE", wantCalls: 3},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				backend := newCountingBackend(t)
				base, _ := startGateway(t, faultEnv(backend.URL, tt.env...))
				client := hgClient(t)
				backend.setFault(tt.fault)
				start := time.Now()
				got := hgPost(t, client, base, faultCreds, me, nil)
				assert.Less(t, time.Since(start), 3*time.Second)
				assert.Equal(t, http.StatusOK, got.Status, "a fault upstream is not a gateway failure")
				require.NotEmpty(t, got.Errors, string(got.Body))
				assert.Equal(t, tt.code, got.code(), string(got.Body))
				assert.Nil(t, got.Data["me"])
				if tt.wantCalls > 0 {
					assert.Equal(t, tt.wantCalls, backend.calls.Load())
				}
				if tt.check != nil {
					tt.check(t, got)
				}
				backend.setFault(nil)
				got = hgPost(t, client, base, faultCreds, me, nil)
				require.Empty(t, got.Errors, "healthy again: %s", got.Body)
				assert.Equal(t, "alice", got.Data["me"].(map[string]any)["username"])
			})
		}

		t.Run("connection refused", func(t *testing.T) {
			t.Parallel()
			// 127.0.0.2: no other test listens there, so the freed port stays free until reused here.
			ln, err := net.Listen("tcp", "127.0.0.2:0")
			require.NoError(t, err)
			addr := ln.Addr().String()
			require.NoError(t, ln.Close())
			base, _ := startGateway(t, faultEnv("http://"+addr))
			client := hgClient(t)
			got := hgPost(t, client, base, faultCreds, me, nil)
			assert.Equal(t, "UPSTREAM_UNAVAILABLE", got.code(), string(got.Body))
			assert.Contains(t, got.Errors[0].Message, "could not be reached")
			assert.NotContains(t, got.Errors[0].Message, addr, "no addresses in messages")

			// Rocket.Chat comes up on that address: the gateway recovers.
			ln, err = net.Listen("tcp", addr)
			require.NoError(t, err)
			srv := &http.Server{Handler: http.HandlerFunc(hgHealthy), ReadHeaderTimeout: time.Second}
			go func() { _ = srv.Serve(ln) }()
			t.Cleanup(func() { _ = srv.Close() })
			got = hgPost(t, client, base, faultCreds, me, nil)
			require.Empty(t, got.Errors, string(got.Body))
		})

		t.Run("circuit breaker", func(t *testing.T) {
			t.Parallel()
			backend := newCountingBackend(t)
			base, _ := startGateway(t, faultEnv(backend.URL, "BREAKER_FAILURES", "3", "REST_RETRIES", "0", "BREAKER_OPEN", "2s"))
			client := hgClient(t)
			backend.setFault(status(503, ``))
			for range 3 {
				assert.Equal(t, "UPSTREAM_UNAVAILABLE", hgPost(t, client, base, faultCreds, me, nil).code())
			}
			require.Equal(t, int32(3), backend.calls.Load())
			start := time.Now()
			got := hgPost(t, client, base, faultCreds, me, nil)
			// An open circuit answers without calling: well inside the 2 s open period even on a
			// loaded CI machine (the call count below is the real proof).
			assert.Less(t, time.Since(start), time.Second, "an open circuit answers at once")
			assert.Equal(t, "UPSTREAM_UNAVAILABLE", got.code())
			assert.Contains(t, got.Errors[0].Message, "too many recent failures")
			assert.Contains(t, []any{1.0, 2.0}, got.Errors[0].Extensions["retryAfterSeconds"])
			assert.Equal(t, int32(3), backend.calls.Load(), "no call while open")

			backend.setFault(nil)
			require.Eventually(t, func() bool {
				return len(hgPost(t, client, base, faultCreds, me, nil).Errors) == 0
			}, 8*time.Second, 50*time.Millisecond, "a probe after the open period closes the circuit")
		})

		t.Run("operation deadline", func(t *testing.T) {
			t.Parallel()
			backend := newCountingBackend(t)
			base, _ := startGateway(t, faultEnv(backend.URL, "REST_TIMEOUT", "10s", "OPERATION_TIMEOUT", "250ms"))
			backend.setFault(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
			start := time.Now()
			got := hgPost(t, hgClient(t), base, faultCreds, me, nil)
			assert.Less(t, time.Since(start), 2*time.Second, "the operation deadline, not the 10 s call timeout")
			assert.Equal(t, "UPSTREAM_UNAVAILABLE", got.code(), string(got.Body))
		})

		t.Run("client disconnect cancels upstream calls", func(t *testing.T) {
			t.Parallel()
			backend := newCountingBackend(t)
			base, _ := startGateway(t, faultEnv(backend.URL, "REST_TIMEOUT", "10s"))
			arrived, canceled := make(chan struct{}), make(chan error, 1)
			backend.setFault(func(w http.ResponseWriter, r *http.Request) {
				close(arrived)
				select {
				case <-r.Context().Done():
					canceled <- r.Context().Err()
				case <-time.After(5 * time.Second):
					canceled <- errors.New("the upstream call was not canceled")
				}
			})
			ctx, cancel := context.WithCancel(t.Context())
			body := strings.NewReader(`{"query":"{ me { username } }"}`)
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", body)
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			errc := make(chan error, 1)
			go func() {
				resp, err := hgClient(t).Do(req)
				if err == nil {
					resp.Body.Close()
				}
				errc <- err
			}()
			<-arrived
			start := time.Now()
			cancel() // the client gives up
			require.ErrorIs(t, <-errc, context.Canceled)
			require.ErrorIs(t, <-canceled, context.Canceled, "Rocket.Chat sees the call canceled")
			assert.Less(t, time.Since(start), time.Second)
		})
	})
	goleak.VerifyNone(t, ignore)
}

func status(code int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}
