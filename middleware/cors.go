package middleware

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/cors"
)

// ErrInvalidCORSOptions is wrapped by every configuration error CORS returns.
var ErrInvalidCORSOptions = errors.New("invalid cors options")

// corsAllowedHeaders are the request headers a browser may send cross-origin: the content type,
// the caller's credentials and 2FA headers, request correlation, and the CSRF preflight markers.
var corsAllowedHeaders = []string{
	"Content-Type",
	"Accept",
	HeaderAuthToken,
	HeaderUserID,
	HeaderTwoFactorCode,
	HeaderTwoFactorMethod,
	RequestIDHeader,
	"GraphQL-Require-Preflight",
	"Apollo-Require-Preflight",
	"X-Requested-With",
}

// CORSOptions configures cross-origin access. The zero value allows no cross-origin access at all.
type CORSOptions struct {
	// AllowedOrigins lists absolute http(s) origins ("https://app.example.com", no path). "*" and
	// single-wildcard patterns ("https://*.example.com", "http://localhost:*") are accepted only
	// without AllowCredentials.
	AllowedOrigins []string
	// AllowCredentials lets browsers send cookies and read answers to credentialed requests.
	AllowCredentials bool
	// MaxAge is how long browsers may cache a preflight answer; 0 leaves it to the browser.
	MaxAge time.Duration
}

// CORS returns a middleware answering CORS preflights and decorating cross-origin answers for the
// allowed origins, with methods GET, POST and OPTIONS and the auth, 2FA, request id and preflight
// headers allowed. It rejects bad configuration up front: an origin that is not an absolute http(s)
// origin without path, or "*" or a wildcard pattern together with AllowCredentials. Without origins
// it adds no CORS headers at all, so only same-origin browser calls can read answers.
func CORS(opts CORSOptions) (Middleware, error) {
	m, err := compileOrigins(opts, true)
	if err != nil {
		return nil, err
	}
	if opts.MaxAge < 0 {
		return nil, fmt.Errorf("%w: negative max age %s", ErrInvalidCORSOptions, opts.MaxAge)
	}
	if m.empty() {
		return func(next http.Handler) http.Handler { return next }, nil
	}
	c := cors.New(cors.Options{
		// One matcher decides for both CORS and OriginAllowed (the websocket check).
		AllowOriginFunc:  m.allowed,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders:   corsAllowedHeaders,
		ExposedHeaders:   []string{RequestIDHeader},
		AllowCredentials: opts.AllowCredentials,
		MaxAge:           int(opts.MaxAge / time.Second),
	})
	return c.Handler, nil
}

// OriginAllowed reports whether origin is on the allow-list, exactly as CORS decides it, so that
// other origin checks (the websocket upgrade) follow the same list. It fails closed: entries CORS
// would reject never match, and without origins nothing matches. Same-origin requests are for the
// caller to recognise.
func (o CORSOptions) OriginAllowed(origin string) bool {
	m, _ := compileOrigins(o, false)
	return m.allowed(origin)
}

// originMatcher is a validated, lower-cased allow-list.
type originMatcher struct {
	all       bool
	exact     map[string]struct{}
	wildcards []originWildcard
}

// originWildcard matches prefix + one host label (or dotted labels) + suffix, or, for a port
// wildcard, prefix + digits.
type originWildcard struct {
	prefix, suffix string
	port           bool
}

func (m originMatcher) empty() bool {
	return !m.all && len(m.exact) == 0 && len(m.wildcards) == 0
}

func (m originMatcher) allowed(origin string) bool {
	if origin == "" || origin == "null" {
		return false
	}
	if m.all {
		return true
	}
	origin = strings.ToLower(origin)
	if _, ok := m.exact[origin]; ok {
		return true
	}
	for _, w := range m.wildcards {
		if w.match(origin) {
			return true
		}
	}
	return false
}

func (w originWildcard) match(origin string) bool {
	if len(origin) <= len(w.prefix)+len(w.suffix) ||
		!strings.HasPrefix(origin, w.prefix) || !strings.HasSuffix(origin, w.suffix) {
		return false
	}
	middle := origin[len(w.prefix) : len(origin)-len(w.suffix)]
	for i := 0; i < len(middle); i++ {
		c := middle[i]
		switch {
		case c >= '0' && c <= '9':
		case !w.port && (c >= 'a' && c <= 'z' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// compileOrigins validates opts.AllowedOrigins. With strict, the first bad entry is an error;
// otherwise bad entries are skipped.
func compileOrigins(opts CORSOptions, strict bool) (originMatcher, error) {
	m := originMatcher{exact: map[string]struct{}{}}
	for _, raw := range opts.AllowedOrigins {
		err := m.add(strings.ToLower(strings.TrimSpace(raw)), opts.AllowCredentials)
		if err != nil && strict {
			return originMatcher{}, fmt.Errorf("%w: origin %q: %w", ErrInvalidCORSOptions, raw, err)
		}
	}
	return m, nil
}

func (m *originMatcher) add(origin string, credentials bool) error {
	if origin == "*" {
		if credentials {
			return errors.New(`"*" cannot be combined with credentials`)
		}
		m.all = true
		return nil
	}
	i := strings.IndexByte(origin, '*')
	if i < 0 {
		if err := checkOrigin(origin); err != nil {
			return err
		}
		m.exact[origin] = struct{}{}
		return nil
	}
	if credentials {
		return errors.New("wildcard origins cannot be combined with credentials")
	}
	if strings.Count(origin, "*") > 1 {
		return errors.New("only one wildcard is allowed")
	}
	prefix, suffix := origin[:i], origin[i+1:]
	var w originWildcard
	switch {
	case strings.HasSuffix(prefix, "://") && strings.HasPrefix(suffix, "."):
		// https://*.example.com: any subdomain.
		if err := checkOrigin(prefix + "sub" + suffix); err != nil {
			return err
		}
		w = originWildcard{prefix: prefix, suffix: suffix}
	case strings.HasSuffix(prefix, ":") && suffix == "":
		// http://localhost:*: any port.
		if err := checkOrigin(prefix + "1"); err != nil {
			return err
		}
		w = originWildcard{prefix: prefix, port: true}
	default:
		return errors.New(`a wildcard must be a leading subdomain ("https://*.example.com") or the port ("http://localhost:*")`)
	}
	m.wildcards = append(m.wildcards, w)
	return nil
}

// checkOrigin accepts exactly scheme://host[:port] with scheme http or https.
func checkOrigin(origin string) error {
	u, err := url.Parse(origin)
	if err != nil {
		return fmt.Errorf("not a url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errors.New("scheme must be http or https")
	}
	if u.Host == "" || u.Hostname() == "" {
		return errors.New("missing host")
	}
	if u.User != nil || u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" ||
		origin != u.Scheme+"://"+u.Host {
		return errors.New("an origin is scheme://host[:port] without path, query or fragment")
	}
	return nil
}
