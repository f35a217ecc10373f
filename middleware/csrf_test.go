package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/middleware"
)

func TestCSRF(t *testing.T) {
	t.Parallel()
	const multipart = "multipart/form-data; boundary=----x"
	tests := []struct {
		name        string
		method      string
		contentType []string // nil: no Content-Type header
		headers     map[string]string
		wantStatus  int
		wantCode    string
	}{
		{name: "json ok", method: http.MethodPost, contentType: []string{"application/json"}, wantStatus: http.StatusOK},
		{name: "json with charset ok", method: http.MethodPost, contentType: []string{"application/json; charset=utf-8"}, wantStatus: http.StatusOK},
		{name: "json with upper-case charset ok", method: http.MethodPost, contentType: []string{"Application/JSON;charset=UTF-8"}, wantStatus: http.StatusOK},
		{name: "json with other charset 415", method: http.MethodPost, contentType: []string{"application/json; charset=latin1"}, wantStatus: http.StatusUnsupportedMediaType, wantCode: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "text/plain 415", method: http.MethodPost, contentType: []string{"text/plain"}, wantStatus: http.StatusUnsupportedMediaType, wantCode: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "text/plain with charset 415", method: http.MethodPost, contentType: []string{"text/plain;charset=UTF-8"}, wantStatus: http.StatusUnsupportedMediaType, wantCode: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "form-urlencoded 415", method: http.MethodPost, contentType: []string{"application/x-www-form-urlencoded"}, wantStatus: http.StatusUnsupportedMediaType, wantCode: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "no content type 415", method: http.MethodPost, wantStatus: http.StatusUnsupportedMediaType, wantCode: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "empty content type 415", method: http.MethodPost, contentType: []string{""}, wantStatus: http.StatusUnsupportedMediaType, wantCode: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "malformed content type 415", method: http.MethodPost, contentType: []string{"application/json; charset"}, wantStatus: http.StatusUnsupportedMediaType, wantCode: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "json look-alike 415", method: http.MethodPost, contentType: []string{"application/jsonx"}, wantStatus: http.StatusUnsupportedMediaType, wantCode: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "graphql-response+json as request type 415", method: http.MethodPost, contentType: []string{"application/graphql-response+json"}, wantStatus: http.StatusUnsupportedMediaType, wantCode: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "two content types 415", method: http.MethodPost, contentType: []string{"application/json", "text/plain"}, wantStatus: http.StatusUnsupportedMediaType, wantCode: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "multipart without header 400", method: http.MethodPost, contentType: []string{multipart}, wantStatus: http.StatusBadRequest, wantCode: "CSRF_PREFLIGHT_REQUIRED"},
		{name: "multipart with blank header 400", method: http.MethodPost, contentType: []string{multipart}, headers: map[string]string{"GraphQL-Require-Preflight": "  "}, wantStatus: http.StatusBadRequest, wantCode: "CSRF_PREFLIGHT_REQUIRED"},
		{name: "multipart with GraphQL-Require-Preflight ok", method: http.MethodPost, contentType: []string{multipart}, headers: map[string]string{"GraphQL-Require-Preflight": "1"}, wantStatus: http.StatusOK},
		{name: "multipart with Apollo-Require-Preflight ok", method: http.MethodPost, contentType: []string{multipart}, headers: map[string]string{"Apollo-Require-Preflight": "true"}, wantStatus: http.StatusOK},
		{name: "multipart with X-Requested-With ok", method: http.MethodPost, contentType: []string{multipart}, headers: map[string]string{"X-Requested-With": "XMLHttpRequest"}, wantStatus: http.StatusOK},
		{name: "GET ok", method: http.MethodGet, wantStatus: http.StatusOK},
		{name: "GET with text/plain ok", method: http.MethodGet, contentType: []string{"text/plain"}, wantStatus: http.StatusOK},
		{name: "HEAD ok", method: http.MethodHead, wantStatus: http.StatusOK},
		{name: "OPTIONS ok", method: http.MethodOptions, wantStatus: http.StatusOK},
		{name: "PUT text/plain 415", method: http.MethodPut, contentType: []string{"text/plain"}, wantStatus: http.StatusUnsupportedMediaType, wantCode: "UNSUPPORTED_MEDIA_TYPE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			next := &okHandler{}
			req := httptest.NewRequest(tt.method, "/graphql", strings.NewReader(`{"query":"mutation{x}"}`))
			for _, ct := range tt.contentType {
				req.Header.Add("Content-Type", ct)
			}
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			middleware.CSRF(next).ServeHTTP(rec, req)
			if tt.wantCode != "" {
				requireJSONError(t, rec, tt.wantStatus, tt.wantCode)
				require.Zero(t, next.calls, "a refused request never reaches the handler")
				return
			}
			require.Equal(t, tt.wantStatus, rec.Code, rec.Body.String())
			require.Equal(t, 1, next.calls)
		})
	}
}
