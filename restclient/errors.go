package restclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	json "github.com/goccy/go-json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrResponseTooLarge is wrapped by a *DecodeError when a response body is
// larger than the configured maximum (WithMaxResponseBytes).
var ErrResponseTooLarge = errors.New("response body too large")

// ErrorResponse is a Rocket.Chat failure: a non-2xx status (other than 429)
// or success:false, with the envelope's fields.
type ErrorResponse struct {
	// StatusCode is the HTTP status (400 for most handler failures).
	StatusCode int
	// Message is the envelope's `error` text (for the legacy
	// {"status":"error"} envelope, its human `message`).
	Message string
	// ErrorType is the envelope's `errorType`; when absent it is taken from a
	// trailing "[code]" in the error text or from a code-like legacy `error`.
	ErrorType string
	// Details is the envelope's `details` object, if any.
	Details map[string]any
}

// Error shows the status, error type and message only; request headers
// (tokens, 2FA codes) and bodies are never part of it.
func (e *ErrorResponse) Error() string {
	var b strings.Builder
	b.WriteString("rocket.chat: ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.ErrorType != "" {
		b.WriteString(" ")
		b.WriteString(e.ErrorType)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(truncate(e.Message, 300))
	}
	return b.String()
}

// RateLimitError is a 429 (or an error-too-many-requests failure).
type RateLimitError struct {
	StatusCode int
	Message    string
	// Limit and Remaining are X-RateLimit-Limit / X-RateLimit-Remaining (0 when absent).
	Limit, Remaining int
	// Reset is when the window resets: X-RateLimit-Reset (epoch ms), else the
	// receipt time plus the N of "wait N seconds" in the message; zero if unknown.
	Reset time.Time
}

func (e *RateLimitError) Error() string {
	msg := "rocket.chat: " + strconv.Itoa(e.StatusCode) + " rate limited"
	if !e.Reset.IsZero() {
		msg += " until " + e.Reset.UTC().Format(time.RFC3339)
	}
	return msg
}

// RetryAfter is how long to wait from now before trying again (0 when the
// reset time is unknown or past).
func (e *RateLimitError) RetryAfter(now time.Time) time.Duration {
	if e.Reset.IsZero() {
		return 0
	}
	if d := e.Reset.Sub(now); d > 0 {
		return d
	}
	return 0
}

// TransportError is a failure to get a response: connection refused, DNS,
// timeout, context canceled, connection reset while reading the body.
type TransportError struct {
	Op  string // e.g. "GET users.info"
	Err error
}

func (e *TransportError) Error() string { return "restclient: " + e.Op + ": " + e.Err.Error() }
func (e *TransportError) Unwrap() error { return e.Err }

// Timeout reports whether the failure was a timeout or deadline.
func (e *TransportError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.Is(e.Err, context.DeadlineExceeded) || (errors.As(e.Err, &t) && t.Timeout())
}

// DecodeError is a response that could not be decoded: not JSON, truncated,
// too large (wraps ErrResponseTooLarge) or of the wrong shape.
type DecodeError struct {
	StatusCode int
	Err        error
}

func (e *DecodeError) Error() string {
	return "restclient: decode response (status " + strconv.Itoa(e.StatusCode) + "): " + e.Err.Error()
}
func (e *DecodeError) Unwrap() error { return e.Err }

// StatusCode returns the HTTP status carried by err (any of the typed errors
// of this package), or 0 when there was no response.
func StatusCode(err error) int {
	var er *ErrorResponse
	var rl *RateLimitError
	var de *DecodeError
	switch {
	case errors.As(err, &er):
		return er.StatusCode
	case errors.As(err, &rl):
		return rl.StatusCode
	case errors.As(err, &de):
		return de.StatusCode
	}
	return 0
}

// TwoFactorChallenge describes a 2FA refusal (errorType totp-required or totp-invalid).
type TwoFactorChallenge struct {
	// Method is the method the server asks for: totp, email or password.
	Method string
	// AvailableMethods is only sent with totp-required.
	AvailableMethods []string
	// CodeGenerated is true when the server just sent an email code.
	CodeGenerated bool
	// Invalid is true for totp-invalid (a code was sent and was wrong).
	Invalid bool
}

// IsTwoFactorRequired reports whether err is a 2FA challenge. It is true for
// both totp-required and totp-invalid (then Invalid is set): in both cases the
// caller must retry the same call with a (new) code via WithTwoFactor.
func IsTwoFactorRequired(err error) (*TwoFactorChallenge, bool) {
	var er *ErrorResponse
	if !errors.As(err, &er) {
		return nil, false
	}
	if er.ErrorType != "totp-required" && er.ErrorType != "totp-invalid" {
		return nil, false
	}
	ch := &TwoFactorChallenge{Invalid: er.ErrorType == "totp-invalid"}
	if m, ok := er.Details["method"].(string); ok {
		ch.Method = m
	}
	if g, ok := er.Details["codeGenerated"].(bool); ok {
		ch.CodeGenerated = g
	}
	if ms, ok := er.Details["availableMethods"].([]any); ok {
		for _, m := range ms {
			if s, ok := m.(string); ok {
				ch.AvailableMethods = append(ch.AvailableMethods, s)
			}
		}
	}
	return ch, true
}

// IsTwoFactorInvalid reports whether err is a totp-invalid refusal.
func IsTwoFactorInvalid(err error) bool {
	ch, ok := IsTwoFactorRequired(err)
	return ok && ch.Invalid
}

// envelope holds the Rocket.Chat status keys. Every response wrapper embeds it
// so that success:false on a 2xx is detected without a second decode.
type envelope struct {
	Success   *bool          `json:"success"`
	Status    string         `json:"status"` // legacy envelope: "success" | "error"
	Error     string         `json:"error"`
	ErrorType string         `json:"errorType"`
	Message   string         `json:"message"`
	Details   map[string]any `json:"details"`
}

func (e *envelope) env() *envelope { return e }

type enveloped interface{ env() *envelope }

func (e *envelope) failed() bool {
	if e.Success != nil {
		return !*e.Success
	}
	return e.Status == "error"
}

var (
	bracketCode = regexp.MustCompile(`\[([a-zA-Z0-9_.-]+)\]\s*$`)
	codeLike    = regexp.MustCompile(`^[a-z0-9]+(?:[-_][a-z0-9]+)+$`)
	waitSeconds = regexp.MustCompile(`wait (\d+) seconds?`)
)

func (e *envelope) toError(status int) *ErrorResponse {
	er := &ErrorResponse{StatusCode: status, Message: e.Error, ErrorType: e.ErrorType, Details: e.Details}
	if er.ErrorType == "" && codeLike.MatchString(e.Error) {
		// legacy {"status":"error","error":"totp-required","message":"TOTP Required"}
		er.ErrorType = e.Error
		if e.Message != "" {
			er.Message = e.Message
		}
	}
	if er.ErrorType == "" {
		if m := bracketCode.FindStringSubmatch(e.Error); m != nil {
			er.ErrorType = m[1]
		}
	}
	if er.Message == "" {
		er.Message = e.Message
	}
	if er.Message == "" {
		er.Message = http.StatusText(status)
	}
	return er
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// DecodeResponse is the one place that turns a response into a result or a
// typed error. It reads at most maxBytes of the body (it does not close it):
//   - 429, or errorType error-too-many-requests → *RateLimitError
//   - other non-2xx with a JSON envelope, or a 2xx with success:false
//     (or legacy "status":"error") → *ErrorResponse
//   - a body that is not JSON, truncated, too large or of the wrong shape
//     → *DecodeError (with the status)
//   - a read failure (reset, context canceled) → *TransportError
//
// On a 2xx the body is decoded into v (nil v only checks the envelope).
func DecodeResponse(resp *http.Response, maxBytes int64, v any) error {
	status := resp.StatusCode
	if maxBytes <= 0 {
		maxBytes = DefaultMaxResponseBytes
	}
	if resp.ContentLength > maxBytes {
		return rateLimitOr(resp, &DecodeError{StatusCode: status, Err: ErrResponseTooLarge})
	}
	buf := bufPool.Get().(*bytes.Buffer)
	defer putBuf(buf)
	buf.Reset()
	if resp.Body != nil {
		n, err := buf.ReadFrom(io.LimitReader(resp.Body, maxBytes+1))
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return rateLimitOr(resp, &DecodeError{StatusCode: status, Err: fmt.Errorf("truncated body: %w", err)})
			}
			return &TransportError{Err: fmt.Errorf("read body: %w", err)}
		}
		if n > maxBytes {
			return rateLimitOr(resp, &DecodeError{StatusCode: status, Err: ErrResponseTooLarge})
		}
	}
	return decodeBody(resp, buf.Bytes(), v)
}

func putBuf(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 {
		bufPool.Put(b)
	}
}

func decodeBody(resp *http.Response, body []byte, v any) error {
	status := resp.StatusCode
	if status < 200 || status > 299 {
		var env envelope
		if err := json.Unmarshal(body, &env); err != nil {
			return rateLimitOr(resp, &DecodeError{StatusCode: status, Err: fmt.Errorf("error body: %w", err)})
		}
		er := env.toError(status)
		if status == http.StatusTooManyRequests || er.ErrorType == "error-too-many-requests" {
			return newRateLimitError(resp, er.Message)
		}
		return er
	}
	if v == nil {
		v = new(envelope)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return &DecodeError{StatusCode: status, Err: err}
	}
	if e, ok := v.(enveloped); ok {
		if env := e.env(); env.failed() {
			er := env.toError(status)
			if er.ErrorType == "error-too-many-requests" {
				return newRateLimitError(resp, er.Message)
			}
			return er
		}
	}
	return nil
}

// rateLimitOr keeps a 429 a *RateLimitError even when its body is unusable.
func rateLimitOr(resp *http.Response, err error) error {
	if resp.StatusCode == http.StatusTooManyRequests {
		return newRateLimitError(resp, http.StatusText(http.StatusTooManyRequests))
	}
	return err
}

func newRateLimitError(resp *http.Response, msg string) *RateLimitError {
	e := &RateLimitError{StatusCode: resp.StatusCode, Message: msg}
	h := resp.Header
	e.Limit, _ = strconv.Atoi(h.Get("X-RateLimit-Limit"))
	e.Remaining, _ = strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	if ms, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil && ms > 0 {
		e.Reset = time.UnixMilli(ms)
	} else if m := waitSeconds.FindStringSubmatch(msg); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			e.Reset = time.Now().Add(time.Duration(n) * time.Second)
		}
	}
	return e
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
