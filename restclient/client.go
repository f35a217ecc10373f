// Package restclient is a typed client for the Rocket.Chat Users REST API.
//
// It follows the shape of google/go-github: one Client, a service per API area
// (Client.Users, Client.Moderation), methods named after the endpoint, typed
// option and request structs, and one place (DecodeResponse) that turns HTTP
// status codes and the Rocket.Chat envelope into typed errors.
//
// The client never holds a logged-in identity: credentials are looked up per
// request from the context through the CredentialsFunc given to
// WithCredentials, and 2FA headers are sent only on calls whose context was
// prepared with WithTwoFactor.
package restclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	json "github.com/goccy/go-json"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

const (
	// DefaultMaxResponseBytes bounds every response body read by the client.
	DefaultMaxResponseBytes int64 = 8 << 20
	// DefaultTimeout is the per-call timeout applied through the context.
	DefaultTimeout = 10 * time.Second
	// DefaultRetries is how often an idempotent GET is retried after a connection error or a
	// 502/503/504 when WithRetries is not used: never. The gateway turns retries on.
	DefaultRetries = 0
	// DefaultRetryBase is the first backoff delay; each retry doubles it (with jitter).
	DefaultRetryBase = 100 * time.Millisecond
	// DefaultUserAgent is sent when WithUserAgent is not used.
	DefaultUserAgent = "rocketgql-restclient/1"

	apiV1 = "/api/v1/"
)

// Credentials are the Rocket.Chat login token and user id of one caller.
type Credentials struct {
	UserID    string
	AuthToken string
}

// CredentialsFunc returns the credentials of the caller a context belongs to.
// It is called once per request; ok=false sends the request without auth headers.
type CredentialsFunc func(ctx context.Context) (Credentials, bool)

// TwoFactor is a second-factor code for one call. Method is "totp", "email" or
// "password" (for "password", Code is the lower-case hex SHA-256 of the
// password, see SHA256Hex).
type TwoFactor struct {
	Code   string
	Method string
}

type twoFactorKey struct{}

// WithTwoFactor returns a context whose REST calls carry the X-2fa-Code and
// X-2fa-Method headers. Calls made with any other context never send them.
func WithTwoFactor(ctx context.Context, tf TwoFactor) context.Context {
	return context.WithValue(ctx, twoFactorKey{}, tf)
}

// TwoFactorFrom returns the 2FA code attached to ctx by WithTwoFactor.
func TwoFactorFrom(ctx context.Context) (TwoFactor, bool) {
	tf, ok := ctx.Value(twoFactorKey{}).(TwoFactor)
	return tf, ok
}

// Option configures a Client in New. Options validate their input.
type Option func(*Client) error

// WithHTTPClient makes the client send requests through hc. The client works
// on a shallow copy whose CheckRedirect never follows redirects (so
// X-Auth-Token can never be forwarded to another host and users.getAvatar's
// 307 is seen as such).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("restclient: nil http client")
		}
		c.hc = hc
		return nil
	}
}

// WithCredentials sets the function that supplies X-Auth-Token and X-User-Id
// for each request from its context.
func WithCredentials(f CredentialsFunc) Option {
	return func(c *Client) error {
		if f == nil {
			return errors.New("restclient: nil credentials func")
		}
		c.creds = f
		return nil
	}
}

// WithMaxResponseBytes bounds the size of every response body (default 8 MiB).
// Larger bodies fail with a *DecodeError wrapping ErrResponseTooLarge.
func WithMaxResponseBytes(n int64) Option {
	return func(c *Client) error {
		if n <= 0 {
			return fmt.Errorf("restclient: max response bytes must be positive, got %d", n)
		}
		c.maxBytes = n
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if ua == "" || strings.ContainsAny(ua, "\r\n") {
			return errors.New("restclient: invalid user agent")
		}
		c.userAgent = []string{ua}
		return nil
	}
}

// WithTimeout sets the per-call timeout (default 10s), applied by deriving the
// call's context; a caller deadline that is earlier still wins.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("restclient: timeout must be positive, got %s", d)
		}
		c.timeout = d
		return nil
	}
}

// WithRetries sets how often an idempotent GET is retried after a connection
// error or a 502/503/504 (default 0, at most 10) and the
// first backoff delay (default 100ms; each retry doubles it, with jitter).
// POSTs and 429s are never retried.
func WithRetries(n int, base time.Duration) Option {
	return func(c *Client) error {
		if n < 0 || n > 10 {
			return fmt.Errorf("restclient: retries must be 0..10, got %d", n)
		}
		if base <= 0 {
			return fmt.Errorf("restclient: retry base delay must be positive, got %s", base)
		}
		c.retries, c.retryBase = n, base
		return nil
	}
}

// WithBreaker enables the circuit breaker (off by default): after opts.Failures
// consecutive failed calls (connection errors, timeouts, 502/503/504) every
// call fails at once with a *CircuitOpenError for opts.OpenFor, then one probe
// call decides whether to close it again.
func WithBreaker(opts BreakerOptions) Option {
	return func(c *Client) error {
		if opts.Failures < 0 {
			return fmt.Errorf("restclient: breaker failures must not be negative, got %d", opts.Failures)
		}
		if opts.Failures > 0 && opts.OpenFor <= 0 {
			return fmt.Errorf("restclient: breaker open period must be positive, got %s", opts.OpenFor)
		}
		c.breaker = breaker{threshold: opts.Failures, openFor: opts.OpenFor, now: time.Now}
		return nil
	}
}

// Client talks to one Rocket.Chat server. It is safe for concurrent use and
// holds no per-caller state.
type Client struct {
	Users      *UsersService
	Moderation *ModerationService

	hc        *http.Client
	base      *url.URL
	root      string // base URL without trailing slash, e.g. "http://host/prefix"
	api       string // root + "/api/v1/"
	creds     CredentialsFunc
	maxBytes  int64
	userAgent []string
	timeout   time.Duration
	retries   int
	retryBase time.Duration
	breaker   breaker
}

type service struct{ c *Client }

// UsersService covers the users.* endpoints.
type UsersService service

// ModerationService covers the moderation.* endpoints used for users.
type ModerationService service

// New returns a client for the Rocket.Chat server at baseURL (http or https,
// with a host; a path prefix such as "http://host/chat" is kept).
func New(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("restclient: parse base url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("restclient: base url scheme must be http or https, got %q", u.Scheme)
	}
	if u.Host == "" {
		return nil, errors.New("restclient: base url has no host")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("restclient: base url must not carry user info, query or fragment")
	}
	c := &Client{
		maxBytes:  DefaultMaxResponseBytes,
		userAgent: []string{DefaultUserAgent},
		timeout:   DefaultTimeout,
		retries:   DefaultRetries,
		retryBase: DefaultRetryBase,
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if c.hc == nil {
		c.hc = &http.Client{Transport: NewTransport()}
	}
	hc := *c.hc
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.hc = &hc

	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	c.base = u
	c.root = u.String()
	c.api = c.root + apiV1
	c.Users = &UsersService{c: c}
	c.Moderation = &ModerationService{c: c}
	return c, nil
}

// NewTransport returns the pooled transport used when WithHTTPClient is not
// given: keep-alive connections (256 idle per host), dial, TLS and
// response-header timeouts.
func NewTransport() *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          512,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// BaseURL returns a copy of the server URL the client was built with (no
// trailing slash).
func (c *Client) BaseURL() *url.URL {
	u := *c.base
	return &u
}

// Request describes one REST call for Do.
type Request struct {
	// Method is the HTTP method (GET or POST).
	Method string
	// Endpoint is the operation below /api/v1/, e.g. "users.info". When Path is
	// set instead, it is used relative to the base URL (e.g. "/api/info").
	Endpoint string
	Path     string
	// Query is URL-encoded onto the request.
	Query url.Values
	// Body is JSON-encoded as the request body when non-nil.
	Body any
	// RawBody with ContentType is sent as is (multipart uploads); it wins over Body.
	RawBody     []byte
	ContentType string
	// Anonymous sends no credentials (users of POST /api/v1/login).
	Anonymous bool
	// Accept overrides the Accept header (default application/json).
	Accept string
}

func (r *Request) op() string {
	if r.Endpoint != "" {
		return r.Method + " " + r.Endpoint
	}
	return r.Method + " " + r.Path
}

var (
	hdrAcceptJSON = []string{"application/json"}
	hdrJSON       = []string{"application/json"}
)

// newHTTPRequest builds the *http.Request for r: URL under the base path,
// encoded query, body, Accept, User-Agent, per-request credentials and (only
// when ctx carries WithTwoFactor) the 2FA headers.
func (c *Client) newHTTPRequest(ctx context.Context, r *Request) (*http.Request, error) {
	var sb strings.Builder
	q := ""
	if len(r.Query) > 0 {
		q = r.Query.Encode()
	}
	if r.Endpoint != "" {
		sb.Grow(len(c.api) + len(r.Endpoint) + len(q) + 1)
		sb.WriteString(c.api)
		sb.WriteString(r.Endpoint)
	} else {
		sb.Grow(len(c.root) + len(r.Path) + len(q) + 2)
		sb.WriteString(c.root)
		if !strings.HasPrefix(r.Path, "/") {
			sb.WriteByte('/')
		}
		sb.WriteString(r.Path)
	}
	if q != "" {
		sb.WriteByte('?')
		sb.WriteString(q)
	}

	var body io.Reader
	var ctype []string
	switch {
	case r.RawBody != nil:
		body = bytes.NewReader(r.RawBody)
		ctype = []string{r.ContentType}
	case r.Body != nil:
		b, err := json.Marshal(r.Body)
		if err != nil {
			return nil, fmt.Errorf("restclient: %s: encode body: %w", r.op(), err)
		}
		body = bytes.NewReader(b)
		ctype = hdrJSON
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, sb.String(), body)
	if err != nil {
		return nil, fmt.Errorf("restclient: %s: build request: %w", r.op(), err)
	}
	h := req.Header
	if r.Accept != "" {
		h["Accept"] = []string{r.Accept}
	} else {
		h["Accept"] = hdrAcceptJSON
	}
	h["User-Agent"] = c.userAgent
	if ctype != nil {
		h["Content-Type"] = ctype
	}
	if !r.Anonymous && c.creds != nil {
		if cr, ok := c.creds(ctx); ok {
			if cr.AuthToken != "" {
				h["X-Auth-Token"] = []string{cr.AuthToken}
			}
			if cr.UserID != "" {
				h["X-User-Id"] = []string{cr.UserID}
			}
		}
	}
	if tf, ok := TwoFactorFrom(ctx); ok && tf.Code != "" {
		h["X-2fa-Code"] = []string{tf.Code}
		if tf.Method != "" {
			h["X-2fa-Method"] = []string{tf.Method}
		}
	}
	return req, nil
}

// send is the single transport path of the client: every call (JSON, redirect
// or binary) goes through it. It consults the circuit breaker, applies the
// per-call timeout to each attempt, and retries idempotent GETs (never POSTs)
// on connection errors and 502/503/504, with exponential backoff and jitter.
// The caller must close the response body and call cancel.
func (c *Client) send(ctx context.Context, r *Request) (*http.Response, context.CancelFunc, error) {
	probe, err := c.breaker.allow()
	if err != nil {
		return nil, nil, &TransportError{Op: r.op(), Err: err}
	}
	attempts := 1
	if r.Method == http.MethodGet {
		attempts += c.retries
	}
	for attempt := 1; ; attempt++ {
		resp, cancel, err := c.attempt(ctx, r)
		var retry bool
		if err != nil {
			retry = ctx.Err() == nil && isConnectionError(err)
		} else {
			retry = isRetryableStatus(resp.StatusCode)
		}
		if !retry || attempt >= attempts {
			c.breaker.done(probe, callOutcome(ctx, resp, err))
			return resp, cancel, err
		}
		if resp != nil {
			closeBody(resp.Body)
			cancel()
		}
		if err := sleepCtx(ctx, c.backoff(attempt)); err != nil {
			c.breaker.done(probe, outcomeIgnore)
			return nil, nil, &TransportError{Op: r.op(), Err: err}
		}
	}
}

// attempt is one try of r under the per-call timeout.
func (c *Client) attempt(ctx context.Context, r *Request) (*http.Response, context.CancelFunc, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	req, err := c.newHTTPRequest(ctx, r)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		cancel()
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // drop the URL: it may carry user input
		}
		return nil, nil, &TransportError{Op: r.op(), Err: err}
	}
	return resp, cancel, nil
}

// isRetryableStatus is a proxy or server saying "not now": safe to ask again for a GET.
func isRetryableStatus(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

// isConnectionError reports a failure to connect or a connection dropped before an answer:
// refused, reset, closed. Timeouts are not retried: the server may be working on the request.
func isConnectionError(err error) bool {
	var te *TransportError
	if !errors.As(err, &te) || te.Timeout() {
		return false
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// callOutcome is what a finished call says about the server's health: unreachable, timed out
// or 502/503/504 count against it; any other answer (500 and 429 included: the server is up)
// counts for it; a call the caller gave up on counts for nothing.
func callOutcome(ctx context.Context, resp *http.Response, err error) outcome {
	switch {
	case ctx.Err() != nil:
		return outcomeIgnore
	case err != nil:
		var te *TransportError
		if errors.As(err, &te) {
			return outcomeFailure
		}
		return outcomeIgnore // the request could not be built
	case isRetryableStatus(resp.StatusCode):
		return outcomeFailure
	}
	return outcomeSuccess
}

// backoff is the wait before retry n (1-based): exponential from the base delay, capped at
// maxBackoff, with half of it random so that many clients do not retry in step.
func (c *Client) backoff(n int) time.Duration {
	d := c.retryBase << (n - 1)
	if d <= 0 || d > maxBackoff {
		d = maxBackoff
	}
	half := d / 2
	return half + rand.N(half+1)
}

const maxBackoff = 2 * time.Second

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Do sends r and decodes the JSON response into v (which may be nil) with
// DecodeResponse. Errors are *ErrorResponse, *RateLimitError, *DecodeError or
// *TransportError.
func (c *Client) Do(ctx context.Context, r *Request, v any) error {
	resp, cancel, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	defer cancel()
	defer closeBody(resp.Body)
	if err := DecodeResponse(resp, c.maxBytes, v); err != nil {
		var te *TransportError
		if errors.As(err, &te) && te.Op == "" {
			te.Op = r.op()
		}
		return err
	}
	return nil
}

// closeBody drains a little of what is left so the connection can be reused.
func closeBody(b io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, b, 4<<10)
	_ = b.Close()
}

// CloseIdleConnections closes the idle keep-alive connections of the
// underlying transport (for shutdown and leak checks).
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }
