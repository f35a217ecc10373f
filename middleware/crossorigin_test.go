package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/middleware"
)

func TestCrossOriginGuard(t *testing.T) {
	t.Parallel()
	guard, err := middleware.CrossOriginGuard(middleware.CORSOptions{
		AllowedOrigins: []string{"https://app.example.com"}, AllowCredentials: true,
	})
	require.NoError(t, err)

	tests := []struct {
		name    string
		method  string
		headers map[string]string
		refused bool
	}{
		{name: "server-to-server POST without browser headers", method: http.MethodPost},
		{name: "same-origin fetch", method: http.MethodPost, headers: map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://gateway.test"}},
		{name: "user-typed navigation", method: http.MethodPost, headers: map[string]string{"Sec-Fetch-Site": "none"}},
		{name: "cross-site POST from a foreign origin", method: http.MethodPost, headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example.net"}, refused: true},
		{name: "same-site POST from a sibling origin", method: http.MethodPost, headers: map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "https://other.example.com"}, refused: true},
		{name: "old browser: foreign Origin, no Sec-Fetch-Site", method: http.MethodPost, headers: map[string]string{"Origin": "https://evil.example.net"}, refused: true},
		{name: "old browser: Origin matches Host", method: http.MethodPost, headers: map[string]string{"Origin": "http://gateway.test"}},
		{name: "cross-site POST from an allowed origin", method: http.MethodPost, headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://app.example.com"}},
		{name: "cross-site GET passes", method: http.MethodGet, headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example.net"}},
		{name: "cross-site OPTIONS passes", method: http.MethodOptions, headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example.net"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			next := &okHandler{}
			req := httptest.NewRequest(tt.method, "http://gateway.test/graphql", nil)
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			guard(next).ServeHTTP(rec, req)
			if tt.refused {
				requireJSONError(t, rec, http.StatusForbidden, "CROSS_ORIGIN_FORBIDDEN")
				require.Zero(t, next.calls)
				return
			}
			require.Equal(t, http.StatusOK, rec.Code)
			require.Equal(t, 1, next.calls)
		})
	}
}

func TestCrossOriginGuardRejectsBadOptions(t *testing.T) {
	t.Parallel()
	guard, err := middleware.CrossOriginGuard(middleware.CORSOptions{AllowedOrigins: []string{"*"}, AllowCredentials: true})
	require.ErrorIs(t, err, middleware.ErrInvalidCORSOptions)
	require.Nil(t, guard)
}
