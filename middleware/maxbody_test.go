package middleware_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/middleware"
)

const tenMB = 10 << 20

func TestMaxBody(t *testing.T) {
	t.Parallel()
	const limit = 1 << 20
	tests := []struct {
		name       string
		size       int
		wantStatus int
	}{
		{name: "empty", size: 0, wantStatus: http.StatusOK},
		{name: "small", size: 100, wantStatus: http.StatusOK},
		{name: "exactly the limit", size: limit, wantStatus: http.StatusOK},
		{name: "one byte over", size: limit + 1, wantStatus: http.StatusRequestEntityTooLarge},
		{name: "10 MB", size: tenMB, wantStatus: http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var read int
			h := middleware.MaxBody(limit)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, err := io.ReadAll(r.Body)
				if err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				read = len(b)
			}))
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(make([]byte, tt.size)))
			require.EqualValues(t, tt.size, req.ContentLength)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if tt.wantStatus == http.StatusRequestEntityTooLarge {
				requireJSONError(t, rec, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE")
				require.Zero(t, read, "the handler never runs")
				require.Equal(t, "close", rec.Header().Get("Connection"))
				return
			}
			require.Equal(t, tt.wantStatus, rec.Code, rec.Body.String())
			require.Equal(t, tt.size, read)
		})
	}
}

// A chunked body announces no length; the reader stops it at the limit.
func TestMaxBodyChunkedOverHTTP(t *testing.T) {
	t.Parallel()
	const limit = 1 << 20
	h := middleware.MaxBody(limit)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.Copy(io.Discard, r.Body)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			middleware.WriteJSONError(w, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE", "too large")
			return
		}
		http.Error(w, "limit not enforced", http.StatusInternalServerError)
	}))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	// io.MultiReader hides the length, so the client sends the 10 MB chunked.
	body := io.MultiReader(strings.NewReader("{"), bytes.NewReader(make([]byte, tenMB)))
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, body)
	require.NoError(t, err)
	require.EqualValues(t, 0, req.ContentLength)
	resp, err := srv.Client().Do(req)
	if err == nil {
		defer resp.Body.Close()
		require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	} else {
		// The server may close the connection before the client finished sending.
		// A server that read everything would have answered; an early close means it stopped.
		require.Error(t, err)
	}
}

func TestMaxBodyRejectsNonPositiveLimit(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{0, -1} {
		require.Panics(t, func() { middleware.MaxBody(n) })
	}
}
