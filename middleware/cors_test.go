package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/middleware"
)

func TestCORSConstructorValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    middleware.CORSOptions
		wantErr string // "" : accepted
	}{
		{name: "no origins", opts: middleware.CORSOptions{}},
		{name: "no origins with credentials", opts: middleware.CORSOptions{AllowCredentials: true}},
		{name: "exact origin with credentials", opts: middleware.CORSOptions{AllowedOrigins: []string{"https://app.example.com", "http://localhost:5173"}, AllowCredentials: true}},
		{name: "star without credentials", opts: middleware.CORSOptions{AllowedOrigins: []string{"*"}}},
		{name: "subdomain pattern without credentials", opts: middleware.CORSOptions{AllowedOrigins: []string{"https://*.example.com"}}},
		{name: "port pattern without credentials", opts: middleware.CORSOptions{AllowedOrigins: []string{"http://localhost:*"}}},
		{name: "star with credentials", opts: middleware.CORSOptions{AllowedOrigins: []string{"*"}, AllowCredentials: true}, wantErr: `"*" cannot be combined with credentials`},
		{name: "star among others with credentials", opts: middleware.CORSOptions{AllowedOrigins: []string{"https://app.example.com", "*"}, AllowCredentials: true}, wantErr: `"*" cannot be combined with credentials`},
		{name: "subdomain pattern with credentials", opts: middleware.CORSOptions{AllowedOrigins: []string{"https://*.example.com"}, AllowCredentials: true}, wantErr: "wildcard origins cannot be combined with credentials"},
		{name: "port pattern with credentials", opts: middleware.CORSOptions{AllowedOrigins: []string{"http://localhost:*"}, AllowCredentials: true}, wantErr: "wildcard origins cannot be combined with credentials"},
		{name: "origin with path", opts: middleware.CORSOptions{AllowedOrigins: []string{"https://app.example.com/graphql"}}, wantErr: "without path"},
		{name: "origin with trailing slash", opts: middleware.CORSOptions{AllowedOrigins: []string{"https://app.example.com/"}}, wantErr: "without path"},
		{name: "origin with query", opts: middleware.CORSOptions{AllowedOrigins: []string{"https://app.example.com?x=1"}}, wantErr: "without path"},
		{name: "origin with user info", opts: middleware.CORSOptions{AllowedOrigins: []string{"https://u@app.example.com"}}, wantErr: "without path"},
		{name: "pattern with path", opts: middleware.CORSOptions{AllowedOrigins: []string{"https://*.example.com/x"}}, wantErr: "without path"},
		{name: "no scheme", opts: middleware.CORSOptions{AllowedOrigins: []string{"app.example.com"}}, wantErr: "scheme must be http or https"},
		{name: "ftp scheme", opts: middleware.CORSOptions{AllowedOrigins: []string{"ftp://app.example.com"}}, wantErr: "scheme must be http or https"},
		{name: "empty origin", opts: middleware.CORSOptions{AllowedOrigins: []string{""}}, wantErr: "scheme must be http or https"},
		{name: "null origin", opts: middleware.CORSOptions{AllowedOrigins: []string{"null"}}, wantErr: "scheme must be http or https"},
		{name: "missing host", opts: middleware.CORSOptions{AllowedOrigins: []string{"https://"}}, wantErr: "missing host"},
		{name: "two wildcards", opts: middleware.CORSOptions{AllowedOrigins: []string{"https://*.*.example.com"}}, wantErr: "only one wildcard"},
		{name: "wildcard inside a label", opts: middleware.CORSOptions{AllowedOrigins: []string{"https://app*.example.com"}}, wantErr: "a wildcard must be a leading subdomain"},
		{name: "wildcard scheme", opts: middleware.CORSOptions{AllowedOrigins: []string{"*://app.example.com"}}, wantErr: "a wildcard must be a leading subdomain"},
		{name: "negative max age", opts: middleware.CORSOptions{AllowedOrigins: []string{"https://app.example.com"}, MaxAge: -time.Second}, wantErr: "negative max age"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mw, err := middleware.CORS(tt.opts)
			if tt.wantErr == "" {
				require.NoError(t, err)
				require.NotNil(t, mw)
				return
			}
			require.ErrorIs(t, err, middleware.ErrInvalidCORSOptions)
			require.ErrorContains(t, err, tt.wantErr)
			require.Nil(t, mw)
		})
	}
}

func TestCORSRequests(t *testing.T) {
	t.Parallel()
	const allowed = "https://app.example.com"
	mw, err := middleware.CORS(middleware.CORSOptions{
		AllowedOrigins:   []string{allowed, "http://localhost:5173"},
		AllowCredentials: true,
		MaxAge:           10 * time.Minute,
	})
	require.NoError(t, err)

	tests := []struct {
		name            string
		method          string
		origin          string
		preflightMethod string // Access-Control-Request-Method
		preflightHdrs   string // Access-Control-Request-Headers
		wantAllowOrigin string // "" : no CORS grant at all
		wantHandler     bool
		wantStatus      int
		wantAllowHdrs   string
	}{
		{name: "allowed origin POST", method: http.MethodPost, origin: allowed, wantAllowOrigin: allowed, wantHandler: true, wantStatus: 200},
		{name: "allowed origin GET", method: http.MethodGet, origin: "http://localhost:5173", wantAllowOrigin: "http://localhost:5173", wantHandler: true, wantStatus: 200},
		{name: "allowed origin in other case", method: http.MethodPost, origin: "HTTPS://APP.EXAMPLE.COM", wantAllowOrigin: "HTTPS://APP.EXAMPLE.COM", wantHandler: true, wantStatus: 200},
		{name: "foreign origin gets nothing", method: http.MethodPost, origin: "https://evil.example.net", wantHandler: true, wantStatus: 200},
		{name: "suffix look-alike gets nothing", method: http.MethodPost, origin: "https://app.example.com.evil.net", wantHandler: true, wantStatus: 200},
		{name: "other scheme gets nothing", method: http.MethodPost, origin: "http://app.example.com", wantHandler: true, wantStatus: 200},
		{name: "other port gets nothing", method: http.MethodPost, origin: "http://localhost:5174", wantHandler: true, wantStatus: 200},
		{name: "null origin gets nothing", method: http.MethodPost, origin: "null", wantHandler: true, wantStatus: 200},
		{name: "no origin gets nothing", method: http.MethodPost, wantHandler: true, wantStatus: 200},
		{
			name: "preflight allows auth and 2fa headers", method: http.MethodOptions, origin: allowed,
			preflightMethod: http.MethodPost, preflightHdrs: "content-type,x-2fa-code,x-auth-token",
			wantAllowOrigin: allowed, wantStatus: http.StatusNoContent, wantAllowHdrs: "content-type,x-2fa-code,x-auth-token",
		},
		{
			name: "preflight allows user id, 2fa method, request id, preflight markers", method: http.MethodOptions, origin: allowed,
			preflightMethod: http.MethodPost, preflightHdrs: "apollo-require-preflight,graphql-require-preflight,x-2fa-method,x-request-id,x-user-id",
			wantAllowOrigin: allowed, wantStatus: http.StatusNoContent, wantAllowHdrs: "apollo-require-preflight,graphql-require-preflight,x-2fa-method,x-request-id,x-user-id",
		},
		{
			name: "preflight GET allowed", method: http.MethodOptions, origin: allowed,
			preflightMethod: http.MethodGet, wantAllowOrigin: allowed, wantStatus: http.StatusNoContent,
		},
		{
			name: "preflight with unknown header refused", method: http.MethodOptions, origin: allowed,
			preflightMethod: http.MethodPost, preflightHdrs: "content-type,x-evil", wantStatus: http.StatusNoContent,
		},
		{
			name: "preflight with PUT refused", method: http.MethodOptions, origin: allowed,
			preflightMethod: http.MethodPut, preflightHdrs: "content-type", wantStatus: http.StatusNoContent,
		},
		{
			name: "preflight from foreign origin refused", method: http.MethodOptions, origin: "https://evil.example.net",
			preflightMethod: http.MethodPost, preflightHdrs: "content-type,x-auth-token", wantStatus: http.StatusNoContent,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			next := &okHandler{}
			req := httptest.NewRequest(tt.method, "/graphql", nil)
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			if tt.preflightMethod != "" {
				req.Header.Set("Access-Control-Request-Method", tt.preflightMethod)
			}
			if tt.preflightHdrs != "" {
				req.Header.Set("Access-Control-Request-Headers", tt.preflightHdrs)
			}
			rec := httptest.NewRecorder()
			mw(next).ServeHTTP(rec, req)

			require.Equal(t, tt.wantStatus, rec.Code)
			require.Equal(t, tt.wantHandler, next.calls == 1, "preflights stop at the CORS layer")
			require.Contains(t, rec.Header().Values("Vary"), varyFor(tt.preflightMethod != ""))
			h := rec.Header()
			if tt.wantAllowOrigin == "" {
				for _, name := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
					"Access-Control-Allow-Headers", "Access-Control-Allow-Methods", "Access-Control-Expose-Headers"} {
					require.Empty(t, h.Get(name), name)
				}
				return
			}
			require.Equal(t, tt.wantAllowOrigin, h.Get("Access-Control-Allow-Origin"))
			require.Equal(t, "true", h.Get("Access-Control-Allow-Credentials"))
			if tt.preflightMethod != "" {
				require.Equal(t, tt.preflightMethod, h.Get("Access-Control-Allow-Methods"))
				require.Equal(t, tt.wantAllowHdrs, h.Get("Access-Control-Allow-Headers"))
				require.Equal(t, "600", h.Get("Access-Control-Max-Age"))
			} else {
				require.Equal(t, "X-Request-Id", h.Get("Access-Control-Expose-Headers"))
			}
		})
	}
}

func varyFor(preflight bool) string {
	if preflight {
		return "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
	}
	return "Origin"
}

func TestCORSWithoutOriginsAddsNothing(t *testing.T) {
	t.Parallel()
	mw, err := middleware.CORS(middleware.CORSOptions{AllowCredentials: true})
	require.NoError(t, err)
	next := &okHandler{}
	req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	req.Header.Set("Origin", "https://app.example.com")
	req.Header.Set("Access-Control-Request-Method", http.MethodPost)
	rec := httptest.NewRecorder()
	mw(next).ServeHTTP(rec, req)
	require.Equal(t, 1, next.calls, "without CORS the handler answers OPTIONS itself")
	for name := range rec.Header() {
		require.NotContains(t, name, "Access-Control-")
	}
}

func TestCORSOriginAllowed(t *testing.T) {
	t.Parallel()
	exact := middleware.CORSOptions{AllowedOrigins: []string{"https://app.example.com", " http://localhost:5173 "}, AllowCredentials: true}
	subdomains := middleware.CORSOptions{AllowedOrigins: []string{"https://*.example.com"}}
	ports := middleware.CORSOptions{AllowedOrigins: []string{"http://localhost:*"}}
	star := middleware.CORSOptions{AllowedOrigins: []string{"*"}}
	tests := []struct {
		name   string
		opts   middleware.CORSOptions
		origin string
		want   bool
	}{
		{"exact match", exact, "https://app.example.com", true},
		{"exact match, trimmed config", exact, "http://localhost:5173", true},
		{"exact match is case-insensitive", exact, "https://App.Example.com", true},
		{"exact other host", exact, "https://evil.example.com", false},
		{"exact with path never matches", exact, "https://app.example.com/", false},
		{"exact empty", exact, "", false},
		{"exact null", exact, "null", false},
		{"subdomain", subdomains, "https://a.example.com", true},
		{"nested subdomain", subdomains, "https://a.b.example.com", true},
		{"bare domain is not a subdomain", subdomains, "https://example.com", false},
		{"empty label", subdomains, "https://.example.com", false},
		{"other scheme", subdomains, "http://a.example.com", false},
		{"path smuggled into the wildcard", subdomains, "https://evil.net/.example.com", false},
		{"userinfo smuggled into the wildcard", subdomains, "https://evil.net@a.example.com", false},
		{"port smuggled into the wildcard", subdomains, "https://evil.net:443.example.com", false},
		{"look-alike suffix", subdomains, "https://a.example.com.evil.net", false},
		{"any port", ports, "http://localhost:3000", true},
		{"port pattern needs a port", ports, "http://localhost", false},
		{"port pattern digits only", ports, "http://localhost:3000.evil.net", false},
		{"star", star, "https://anything.example.org", true},
		{"star still refuses null", star, "null", false},
		{"nothing configured", middleware.CORSOptions{}, "https://app.example.com", false},
		{"invalid star with credentials fails closed", middleware.CORSOptions{AllowedOrigins: []string{"*"}, AllowCredentials: true}, "https://app.example.com", false},
		{"invalid pattern with credentials fails closed", middleware.CORSOptions{AllowedOrigins: []string{"https://*.example.com"}, AllowCredentials: true}, "https://a.example.com", false},
		{"invalid entry skipped, valid one kept", middleware.CORSOptions{AllowedOrigins: []string{"https://bad.example.com/path", "https://app.example.com"}}, "https://app.example.com", true},
		{"invalid entry never matches", middleware.CORSOptions{AllowedOrigins: []string{"https://bad.example.com/path"}}, "https://bad.example.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.opts.OriginAllowed(tt.origin))

			// Wherever the options are valid, the CORS middleware decides the same way.
			mw, err := middleware.CORS(tt.opts)
			if err != nil {
				return
			}
			req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			req.Header.Set("Origin", tt.origin)
			rec := httptest.NewRecorder()
			mw(&okHandler{}).ServeHTTP(rec, req)
			require.Equal(t, tt.want, rec.Header().Get("Access-Control-Allow-Origin") != "")
		})
	}
}
