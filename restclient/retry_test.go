package restclient_test

import (
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/restclient"
)

// TestRetries: only GETs are retried, only on 502/503/504 and connection errors, at most n times;
// 429, 500 and 4xx never.
func TestRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		post      bool
		statuses  []int // answered in turn; the last one repeats
		wantCalls int
		wantErr   bool
	}{
		{"GET 502 then ok", false, []int{502, 200}, 2, false},
		{"GET 503 twice then ok", false, []int{503, 503, 200}, 3, false},
		{"GET 504 always: 1 + 2 retries", false, []int{504}, 3, true},
		{"GET 500 not retried", false, []int{500}, 1, true},
		{"GET 429 not retried", false, []int{429}, 1, true},
		{"GET 400 not retried", false, []int{400}, 1, true},
		{"POST 502 not retried", true, []int{502, 200}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1))
				status := tt.statuses[min(n, len(tt.statuses))-1]
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				if status == 200 {
					_, _ = w.Write([]byte(`{"success":true,"result":"name"}`))
					return
				}
				_, _ = w.Write([]byte(`{"success":false,"error":"nope"}`))
			})
			c := newClient(t, f.URL, restclient.WithRetries(2, time.Millisecond))
			var err error
			if tt.post {
				err = c.Users.SetStatus(t.Context(), restclient.SetStatusRequest{Status: "online"})
			} else {
				_, err = c.Users.GetUsernameSuggestion(t.Context())
				if err != nil && errors.Is(err, restclient.ErrCircuitOpen) {
					t.Fatal("breaker is off by default")
				}
			}
			assert.Equal(t, tt.wantErr, err != nil, "err: %v", err)
			assert.Equal(t, tt.wantCalls, int(calls.Load()))
		})
	}
}

// TestRetryConnectionRefused: a refused connection is retried for a GET and ends as a
// *TransportError.
func TestRetryConnectionRefused(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	c := newClient(t, "http://"+addr, restclient.WithRetries(2, time.Millisecond))
	_, err = c.Users.GetUsernameSuggestion(t.Context())
	var te *restclient.TransportError
	require.ErrorAs(t, err, &te)
	assert.False(t, te.Timeout())
}

// TestBreaker: consecutive failures open the circuit; while open, calls fail at once without
// reaching the server; after the open period one probe closes it again.
func TestBreaker(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var healthy atomic.Bool
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if !healthy.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{"success":true,"result":"name"}`))
	})
	const openFor = 100 * time.Millisecond
	c := newClient(t, f.URL, restclient.WithBreaker(restclient.BreakerOptions{Failures: 3, OpenFor: openFor}))
	for range 3 {
		_, err := c.Users.GetUsernameSuggestion(t.Context())
		require.Error(t, err)
		require.NotErrorIs(t, err, restclient.ErrCircuitOpen)
	}
	start := time.Now()
	_, err := c.Users.GetUsernameSuggestion(t.Context())
	require.ErrorIs(t, err, restclient.ErrCircuitOpen)
	var co *restclient.CircuitOpenError
	require.ErrorAs(t, err, &co)
	assert.WithinDuration(t, start.Add(openFor), co.Until, openFor)
	assert.Less(t, time.Since(start), 50*time.Millisecond, "an open circuit answers at once")
	assert.Equal(t, int32(3), calls.Load(), "no call while open")

	healthy.Store(true)
	require.Eventually(t, func() bool {
		_, err := c.Users.GetUsernameSuggestion(t.Context())
		return err == nil
	}, 2*time.Second, 10*time.Millisecond)
	_, err = c.Users.GetUsernameSuggestion(t.Context())
	require.NoError(t, err, "closed again after a good probe")
}

// TestBreakerIgnoresClientErrors: 4xx, 429 and 500 mean the server is up; they never open it.
func TestBreakerIgnoresClientErrors(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 429, 500} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"success":false,"error":"x"}`))
		})
		c := newClient(t, f.URL, restclient.WithBreaker(restclient.BreakerOptions{Failures: 2, OpenFor: time.Minute}))
		for range 4 {
			_, err := c.Users.GetUsernameSuggestion(t.Context())
			require.Error(t, err)
			require.NotErrorIs(t, err, restclient.ErrCircuitOpen, "status %d", status)
		}
	}
}

func TestRetryOptionsValidated(t *testing.T) {
	t.Parallel()
	for _, opt := range []restclient.Option{
		restclient.WithRetries(-1, time.Millisecond),
		restclient.WithRetries(11, time.Millisecond),
		restclient.WithRetries(1, 0),
		restclient.WithBreaker(restclient.BreakerOptions{Failures: -1}),
		restclient.WithBreaker(restclient.BreakerOptions{Failures: 1}),
	} {
		_, err := restclient.New("http://127.0.0.1:1", opt)
		assert.Error(t, err)
	}
}
