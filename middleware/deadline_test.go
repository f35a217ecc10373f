package middleware_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/rocketgql/rocketgql/middleware"
)

func TestDeadline(t *testing.T) {
	t.Parallel()
	var got error
	h := middleware.Deadline(20 * time.Millisecond)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dl, ok := r.Context().Deadline()
		assert.True(t, ok)
		assert.WithinDuration(t, time.Now().Add(20*time.Millisecond), dl, 20*time.Millisecond)
		<-r.Context().Done()
		got = r.Context().Err()
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	assert.True(t, errors.Is(got, context.DeadlineExceeded))
	assert.Panics(t, func() { middleware.Deadline(0) })
}
