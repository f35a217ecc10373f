package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/rocketgql/rocketgql/graph/model"
	"github.com/rocketgql/rocketgql/restclient"
)

// Error codes: the stable `extensions.code` of every error the gateway answers. Clients branch on
// these, never on messages.
const (
	CodeUnauthenticated     = "UNAUTHENTICATED"
	CodeForbidden           = "FORBIDDEN"
	CodeNotFound            = "NOT_FOUND"
	CodeBadUserInput        = "BAD_USER_INPUT"
	CodeTwoFactorRequired   = "TWO_FACTOR_REQUIRED"
	CodeTwoFactorInvalid    = "TWO_FACTOR_INVALID"
	CodeRateLimited         = "RATE_LIMITED"
	CodeUpstreamUnavailable = "UPSTREAM_UNAVAILABLE"
	CodeUpstreamError       = "UPSTREAM_ERROR"
	CodeInternal            = "INTERNAL"

	// Refusals of the operation limits (graph/limits.go): the operation is refused before any
	// resolver runs, so none of them costs a REST call. extensions.limit holds the limit.
	CodeOperationTooDeep      = "OPERATION_TOO_DEEP"
	CodeOperationTooComplex   = "OPERATION_TOO_COMPLEX"
	CodeTooManyAliases        = "TOO_MANY_ALIASES"
	CodeTooManyRootFields     = "TOO_MANY_ROOT_FIELDS"
	CodeTooManyDirectives     = "TOO_MANY_DIRECTIVES"
	CodeTooManyTokens         = "TOO_MANY_TOKENS"
	CodeIntrospectionDisabled = "INTROSPECTION_DISABLED"
)

// notFoundError is the gateway's own "no such thing", e.g. an id a batch did not return.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return e.msg }

func notFoundf(format string, args ...any) error {
	return &notFoundError{msg: fmt.Sprintf(format, args...)}
}

func badInputf(format string, args ...any) error {
	return &model.InputError{Message: fmt.Sprintf(format, args...)}
}

// upstreamNotFound lists the Rocket.Chat answers that mean "no such user": 400s, as the server
// reports unknown users with a failure envelope rather than a 404.
var upstreamNotFound = map[string]bool{
	"error-invalid-user":    true,
	"error-invalid-user-id": true,
	"invalid-user":          true,
}

var upstreamForbidden = map[string]bool{
	"error-action-not-allowed": true,
	"error-not-allowed":        true,
	"not-authorized":           true,
	"error-not-authorized":     true,
	"error-forbidden":          true,
	"error-unauthorized":       true,
}

// classified is what a client may learn of an error.
type classified struct {
	code     string
	message  string
	ext      map[string]any
	internal bool // log the cause: the client only gets a generic message
}

// classify maps any error a resolver returns to its code and a message safe to show: upstream
// messages are shown without their `[code]` suffix; tokens never reach an error, and transport
// details (addresses, Go error texts) stay in the log.
func classify(err error, now time.Time) classified {
	var (
		inputErr *model.InputError
		nf       *notFoundError
		rl       *restclient.RateLimitError
		er       *restclient.ErrorResponse
		te       *restclient.TransportError
		de       *restclient.DecodeError
	)
	switch {
	case errors.As(err, &inputErr):
		return classified{code: CodeBadUserInput, message: inputErr.Message}
	case errors.As(err, &nf):
		return classified{code: CodeNotFound, message: nf.msg}
	case errors.As(err, &rl):
		secs := int(math.Ceil(rl.RetryAfter(now).Seconds()))
		if secs < 1 {
			secs = 1
		}
		return classified{code: CodeRateLimited,
			message: fmt.Sprintf("Rocket.Chat rate limit reached: retry in %d s", secs),
			ext:     map[string]any{"retryAfterSeconds": secs}}
	case errors.As(err, &er):
		return classifyResponse(er)
	case errors.As(err, &de) && isUnavailableStatus(de.StatusCode):
		return classified{code: CodeUpstreamUnavailable, message: "Rocket.Chat is unavailable", internal: true}
	case errors.As(err, &de):
		return classified{code: CodeUpstreamError, message: "Rocket.Chat sent an answer the gateway could not read", internal: true}
	case errors.Is(err, restclient.ErrCircuitOpen):
		return classified{code: CodeUpstreamUnavailable,
			message: "Rocket.Chat is unavailable: too many recent failures, the gateway is not calling it for a moment",
			ext:     map[string]any{"retryAfterSeconds": circuitRetryAfter(err, now)}}
	case errors.As(err, &te) && te.Timeout():
		return classified{code: CodeUpstreamUnavailable, message: "Rocket.Chat did not answer in time", internal: true}
	case errors.As(err, &te):
		return classified{code: CodeUpstreamUnavailable, message: "Rocket.Chat could not be reached", internal: true}
	case errors.Is(err, context.DeadlineExceeded):
		return classified{code: CodeUpstreamUnavailable, message: "Rocket.Chat did not answer in time", internal: true}
	}
	return classified{code: CodeInternal, message: "internal error", internal: true}
}

func classifyResponse(er *restclient.ErrorResponse) classified {
	msg := upstreamMessage(er.Message)
	var ext map[string]any
	if er.ErrorType != "" {
		ext = map[string]any{"upstreamErrorType": er.ErrorType}
	}
	if ch, ok := restclient.IsTwoFactorRequired(er); ok {
		if ext == nil {
			ext = map[string]any{}
		}
		ext["method"] = ch.Method
		if ch.Invalid {
			return classified{code: CodeTwoFactorInvalid, message: "the two-factor code is invalid", ext: ext}
		}
		methods := ch.AvailableMethods
		if methods == nil {
			methods = []string{}
		}
		ext["availableMethods"] = methods
		ext["codeGenerated"] = ch.CodeGenerated
		return classified{code: CodeTwoFactorRequired,
			message: "two-factor authentication required: retry with the twoFactor argument or the X-2fa-Code and X-2fa-Method headers",
			ext:     ext}
	}
	switch {
	case er.StatusCode == 401:
		return classified{code: CodeUnauthenticated, message: "authentication required: send X-User-Id and X-Auth-Token of a valid session", ext: ext}
	case er.StatusCode == 403 || upstreamForbidden[er.ErrorType]:
		return classified{code: CodeForbidden, message: orDefault(msg, "not allowed"), ext: ext}
	case er.StatusCode == 404 || upstreamNotFound[er.ErrorType] || strings.EqualFold(msg, "User not found."):
		return classified{code: CodeNotFound, message: orDefault(msg, "not found"), ext: ext}
	case isUnavailableStatus(er.StatusCode):
		return classified{code: CodeUpstreamUnavailable, message: "Rocket.Chat is unavailable", ext: ext, internal: true}
	case er.StatusCode >= 500:
		return classified{code: CodeUpstreamError, message: "Rocket.Chat failed to answer the request", ext: ext, internal: true}
	case er.StatusCode >= 400:
		return classified{code: CodeBadUserInput, message: orDefault(msg, "Rocket.Chat refused the request"), ext: ext}
	}
	return classified{code: CodeUpstreamError, message: "Rocket.Chat answered unexpectedly", ext: ext, internal: true}
}

func rootFieldOf(path ast.Path) string {
	if len(path) > 0 {
		if name, ok := path[0].(ast.PathName); ok {
			return string(name)
		}
	}
	return ""
}

// forRootField words an error for the root field it happened under, where the generic words would
// mislead: login is where credentials are obtained, and _entities input comes from a federation
// gateway's representations.
func forRootField(root string, c classified) classified {
	switch {
	case root == "login" && c.code == CodeUnauthenticated:
		c.message = "wrong user or password"
	case root == "login" && c.code == CodeTwoFactorRequired:
		c.message = "two-factor authentication required: retry login with the code argument (or the X-2fa-Code header)"
	case root == "_entities" && c.code == CodeInternal:
		// Not our typed errors: the generated code refusing a malformed representation.
		c = classified{code: CodeBadUserInput, message: "invalid entity representation: User needs an id or a username string"}
	}
	return c
}

// isUnavailableStatus is a proxy or server saying "not now" rather than "failed".
func isUnavailableStatus(status int) bool {
	return status == 502 || status == 503 || status == 504
}

// upstreamMessage drops the `[error-code]` suffix Rocket.Chat appends: the code is in extensions.
func upstreamMessage(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, " ["); i > 0 && strings.HasSuffix(s, "]") {
		s = s[:i]
	}
	return s
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// ErrorPresenter returns the one place where resolver errors become GraphQL errors. Errors the
// GraphQL engine itself raised (parse, validation, variables) keep their own codes. Internal
// causes are logged with the operation's request id, never sent.
func ErrorPresenter(logger *slog.Logger, requestID func(context.Context) string) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		cause := gqlErr.Unwrap()
		if cause == nil {
			return gqlErr // raised by gqlgen/gqlparser with its own code and message
		}
		c := forRootField(rootFieldOf(gqlErr.Path), classify(cause, time.Now()))
		if c.internal {
			logger.ErrorContext(ctx, "resolver error",
				slog.String("request_id", requestID(ctx)),
				slog.String("code", c.code),
				slog.String("path", gqlErr.Path.String()),
				slog.String("error", cause.Error()))
		}
		gqlErr.Message = c.message
		gqlErr.Err = nil
		ext := make(map[string]any, len(c.ext)+1)
		for k, v := range c.ext {
			ext[k] = v
		}
		ext["code"] = c.code
		gqlErr.Extensions = ext
		return gqlErr
	}
}

// circuitRetryAfter is the whole seconds until an open circuit lets a probe through (at least 1).
func circuitRetryAfter(err error, now time.Time) int {
	var co *restclient.CircuitOpenError
	if errors.As(err, &co) {
		if secs := int(math.Ceil(co.Until.Sub(now).Seconds())); secs > 1 {
			return secs
		}
	}
	return 1
}
