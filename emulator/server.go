// Package emulator is an in-process emulator of the Rocket.Chat Users REST API (server 8.8.1).
//
// It exists so that rocketgql runs out of the box and its tests have a backend without a real
// Rocket.Chat (MongoDB + Meteor). It answers the 39 operations of the official Users contract
// (../shared/rocketchat-openapi/users.yaml) plus POST /api/v1/login and GET /api/info, with the
// semantics documented in ../shared/rocketchat-behavior.md: envelopes, status codes, permissions,
// 2FA, pagination, presence, avatars, the rate limiter. Where the contract and the real server
// disagree, the emulator follows the real server.
//
// The emulator deliberately shares no code or types with restclient or graph: the wire format is
// only proven if both sides were written independently against the contract.
//
// It is for demos and tests, not a Rocket.Chat replacement: state lives in memory, there are no
// rooms or messages beyond what the Users endpoints need, and e-mail is never sent.
package emulator

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configures a Server. The zero value is usable: 200 generated users, rate limiter off,
// users.createToken refused, the wall clock.
type Options struct {
	// SiteURL is the public base URL (Site_Url) used in avatar redirects. It may be set after the
	// listener is known with SetSiteURL; empty means "derive from the request Host".
	SiteURL string
	// AllowUnsafeQuery is the equivalent of ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS=true:
	// users.list honours `query` and `fields`. Off by default, as on 7.x/8.x servers.
	AllowUnsafeQuery bool
	// RateLimit enables the API rate limiter; nil leaves it off (the default for tests and demos).
	RateLimit *RateLimitConfig
	// CreateTokensSecret is CREATE_TOKENS_FOR_USERS_SECRET; empty means users.createToken always
	// answers error-not-authorized.
	CreateTokensSecret string
	// Now is the clock; nil means time.Now. Tests inject a fixed clock for TOTP and windows.
	Now func() time.Time
	// Users is the number of generated users besides the fixed demo accounts; 0 means 200,
	// a negative value means none.
	Users int
	// NameAvatars mirrors UI_Use_Name_Avatar: generated avatars show up to three initials of the
	// display name instead of the first letter of the username.
	NameAvatars bool
}

// Server is the emulator. It implements http.Handler for every route; all state is in memory and
// guarded by one mutex, so a Server is safe for concurrent use.
type Server struct {
	opts    Options
	now     func() time.Time
	mu      sync.Mutex
	siteURL string
	st      *store
	limiter *rateLimiter
	routes  map[string]*route
}

// New builds a Server with deterministic demo data (see seed.go).
func New(opts Options) *Server {
	s := &Server{opts: opts, now: opts.Now, siteURL: strings.TrimRight(opts.SiteURL, "/")}
	if s.now == nil {
		s.now = time.Now
	}
	n := opts.Users
	if n == 0 {
		n = defaultGeneratedUsers
	}
	if n < 0 {
		n = 0
	}
	s.st = seed(n)
	if opts.RateLimit != nil {
		s.limiter = newRateLimiter(*opts.RateLimit)
	}
	s.routes = buildRoutes()
	return s
}

// SetSiteURL sets Site_Url once the listen address is known (avatar redirects use it).
func (s *Server) SetSiteURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.siteURL = strings.TrimRight(u, "/")
}

// IssueLoginToken creates a fresh login token for username, as a successful login would, so the
// gateway can print ready-to-paste demo headers at start.
func (s *Server) IssueLoginToken(username string) (userID, authToken string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.byUsername(username)
	if u == nil {
		return "", "", errUnknownUser
	}
	tok, err := newSecret()
	if err != nil {
		return "", "", err
	}
	u.Tokens = append(u.Tokens, &loginToken{Hashed: hashToken(tok), When: s.now().UTC()})
	return u.ID, tok, nil
}

// handlerFunc is an endpoint implementation. It runs with s.mu held. It returns the fields to send
// next to "success": true, or an error (an *apiError decides status and envelope). A handler that
// wrote the response itself (redirects, images) returns errHandled.
type handlerFunc func(s *Server, c *call) (map[string]any, error)

// route describes one endpoint the way Rocket.Chat's ApiClass registers it.
type route struct {
	name       string
	method     string
	auth       bool
	perms      []string // route-level permissionsRequired (all needed)
	anyPerm    []string // route-level permissionsRequired in "any of" form
	twoFactor  bool     // twoFactorRequired
	preAuth    func(c *call) error
	h          handlerFunc
	queryKeys  []string // non-nil: 8.8.1 query validator, other keys → 400
	limitCalls int      // built-in per-route rate limit override (0 = default)
}

// call carries one request through the pipeline.
type call struct {
	r      *http.Request
	w      http.ResponseWriter
	rt     *route
	q      qsValues
	body   map[string]any
	user   *user
	token  *loginToken
	rawTok string
}

func (s *Server) clock() time.Time { return s.now().UTC() }

// ServeHTTP dispatches every route. A panic anywhere becomes a 500 envelope instead of a dropped
// connection, so a fuzzed request can never take the process down.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if rec := recover(); rec != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"success": false, "error": "Internal server error"})
		}
	}()
	p := r.URL.Path
	switch {
	case r.Method == http.MethodOptions:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("OK"))
	case strings.HasPrefix(p, "/avatar/"):
		s.serveAvatar(w, r, strings.TrimPrefix(p, "/avatar/"))
	case strings.HasPrefix(p, "/api/v1/avatar/"):
		s.serveAvatar(w, r, strings.TrimPrefix(p, "/api/v1/avatar/"))
	case p == "/api/info":
		writeJSON(w, http.StatusOK, map[string]any{"version": serverVersion, "success": true})
	case strings.HasPrefix(p, "/api/v1/"):
		s.serveAPI(w, r, strings.TrimPrefix(p, "/api/v1/"))
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"success": false, "error": "Resource not found"})
	}
}

const serverVersion = "8.8.1"

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, name string) {
	rt := s.routes[r.Method+" "+name]
	if rt == nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"success": false, "error": "Resource not found"})
		return
	}
	c := &call{r: r, w: w, rt: rt, q: parseQS(r.URL.RawQuery)}
	c.body = parseBody(r)

	// Typed routes validate before authentication and rate limiting (router.ts).
	if rt.preAuth != nil {
		if err := rt.preAuth(c); err != nil {
			writeError(w, err)
			return
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	c.user, c.token, c.rawTok = s.authenticate(r)
	if rt.auth && c.user == nil {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"success": false, "error": "You must be logged in to do this."})
		return
	}
	if s.limiter != nil && !(s.limiter.cfg.BypassAdmins && c.user != nil && s.can(c.user, "api-bypass-rate-limit")) {
		if err := s.limiter.take(w, clientIP(r), rt, s.clock()); err != nil {
			writeError(w, err)
			return
		}
	}
	if len(rt.perms) > 0 || len(rt.anyPerm) > 0 {
		if c.user == nil {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"success": false, "error": "You must be logged in to do this [error-unauthorized]"})
			return
		}
		if !s.canAll(c.user, rt.perms) || (len(rt.anyPerm) > 0 && !s.canAny(c.user, rt.anyPerm)) {
			writeJSON(w, http.StatusForbidden, map[string]any{"success": false, "error": "User does not have the permissions required for this action [error-forbidden]"})
			return
		}
	}
	if rt.queryKeys != nil {
		if err := checkQueryKeys(c.q, rt.queryKeys); err != nil {
			writeError(w, err)
			return
		}
	}
	if rt.twoFactor {
		if err := s.checkTwoFactor(c, c.r.Header.Get("x-2fa-code"), c.r.Header.Get("x-2fa-method")); err != nil {
			writeError(w, err)
			return
		}
	}
	out, err := rt.h(s, c)
	if err == errHandled {
		return
	}
	if err != nil {
		writeError(w, err)
		return
	}
	if out == nil {
		out = map[string]any{}
	}
	out["success"] = true
	writeJSON(w, http.StatusOK, out)
}

// setAPIHeaders sets the headers router.ts puts on every API response.
func setAPIHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	setAPIHeaders(w)
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"success":false,"error":"Internal server error"}`)
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
