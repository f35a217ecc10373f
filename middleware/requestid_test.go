package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/middleware"
)

var generatedID = regexp.MustCompile(`^[A-Z2-7]{26}$`)

func TestRequestID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		incoming []string // nil: header absent
		want     string   // "" : a generated id is expected
	}{
		{name: "absent is generated"},
		{name: "sane id accepted", incoming: []string{"abc-123_X.y"}, want: "abc-123_X.y"},
		{name: "64 chars accepted", incoming: []string{strings.Repeat("a", 64)}, want: strings.Repeat("a", 64)},
		{name: "uuid accepted", incoming: []string{"0f8fad5b-d9cb-469f-a165-70867728950e"}, want: "0f8fad5b-d9cb-469f-a165-70867728950e"},
		{name: "empty is replaced", incoming: []string{""}},
		{name: "65 chars is replaced", incoming: []string{strings.Repeat("a", 65)}},
		{name: "space is replaced", incoming: []string{"abc def"}},
		{name: "log injection is replaced", incoming: []string{`abc","level":"ERROR`}},
		{name: "slash is replaced", incoming: []string{"a/b"}},
		{name: "non-ascii is replaced", incoming: []string{"idé"}},
		{name: "first of several is used", incoming: []string{"first", "second"}, want: "first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var seen string
			h := middleware.RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = middleware.RequestIDFrom(r.Context())
			}))
			req := httptest.NewRequest(http.MethodGet, "/graphql", nil)
			for _, v := range tt.incoming {
				req.Header.Add("X-Request-Id", v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			if tt.want != "" {
				require.Equal(t, tt.want, seen)
			} else {
				require.Regexp(t, generatedID, seen)
				for _, v := range tt.incoming {
					require.NotEqual(t, v, seen)
				}
			}
			require.Equal(t, seen, rec.Header().Get("X-Request-Id"))
		})
	}
}

func TestRequestIDGeneratedIDsDiffer(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	h := middleware.RequestID(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for range 100 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		id := rec.Header().Get("X-Request-Id")
		require.False(t, seen[id], "duplicate id %s", id)
		seen[id] = true
	}
}

func TestRequestIDFromOutsideMiddleware(t *testing.T) {
	t.Parallel()
	require.Empty(t, middleware.RequestIDFrom(t.Context()))
}
