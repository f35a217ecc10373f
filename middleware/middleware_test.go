package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/middleware"
)

func TestChainOrderFirstIsOutermost(t *testing.T) {
	t.Parallel()
	var order []string
	mark := func(name string) middleware.Middleware {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				order = append(order, name+">")
				next.ServeHTTP(w, r)
				order = append(order, "<"+name)
			})
		}
	}
	h := middleware.Chain(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		order = append(order, "handler")
	}), mark("a"), mark("b"), mark("c"))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	require.Equal(t, []string{"a>", "b>", "c>", "handler", "<c", "<b", "<a"}, order)
}

func TestChainWithoutMiddlewareIsHandler(t *testing.T) {
	t.Parallel()
	h := &okHandler{}
	rec := httptest.NewRecorder()
	middleware.Chain(h).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	require.Equal(t, 1, h.calls)
	require.Equal(t, "ok", rec.Body.String())
}

func TestWriteJSONError(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	middleware.WriteJSONError(rec, http.StatusTeapot, "SOME_CODE", `quote " and <tag>`)
	require.Equal(t, http.StatusTeapot, rec.Code)
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
	require.JSONEq(t,
		`{"errors":[{"message":"quote \" and <tag>","extensions":{"code":"SOME_CODE"}}]}`,
		rec.Body.String())
	require.True(t, strings.HasSuffix(rec.Body.String(), "\n"))
}
