package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGracefulShutdown: with a request in flight, cancelling run's context (SIGTERM) turns
// /healthz to 503 at once, the in-flight request still completes with 200, and run returns nil.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	backend := newCountingBackend(t)
	arrived, release := make(chan struct{}), make(chan struct{})
	backend.setFault(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
		hgHealthy(w, r)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &lockedBuffer{}
	done := make(chan error, 1)
	env := map[string]string{"ROCKETCHAT_URL": backend.URL, "LOG_LEVEL": "error", "SHUTDOWN_DRAIN_DELAY": "1s", "SHUTDOWN_TIMEOUT": "10s"}
	go func() {
		done <- run(ctx, []string{"rocketgql", "-listen", "127.0.0.1:0"}, func(k string) string { return env[k] }, out)
	}()
	var base string
	require.Eventually(t, func() bool {
		m := listeningLine.FindStringSubmatch(out.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	}, 20*time.Second, 5*time.Millisecond)
	client := hgClient(t)
	health := func() int {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/healthz", nil)
		resp, err := client.Do(req)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusOK, health())

	inFlight := make(chan hgAnswer, 1)
	go func() {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, base+"/graphql",
			strings.NewReader(`{"query":"{ me { username } }"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			inFlight <- hgAnswer{}
			return
		}
		defer resp.Body.Close()
		inFlight <- hgAnswer{Status: resp.StatusCode}
	}()
	<-arrived

	cancel() // SIGTERM
	require.Eventually(t, func() bool { return health() == http.StatusServiceUnavailable }, time.Second, 5*time.Millisecond,
		"readiness fails first")
	select {
	case err := <-done:
		t.Fatalf("run returned with a request in flight: %v", err)
	default:
	}
	close(release)
	got := <-inFlight
	assert.Equal(t, http.StatusOK, got.Status, "the in-flight request completes")
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return")
	}
	assert.Zero(t, health(), "the listener is closed")
}
