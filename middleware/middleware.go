// Package middleware holds the HTTP concerns of the gateway: request ids, caller credentials, access
// logs, panic recovery, body limits, CSRF and CORS policy, and readiness for graceful shutdown.
//
// Every middleware has the shape func(http.Handler) http.Handler, keeps its context values behind
// private keys with XFrom(ctx) accessors, and refuses requests with a GraphQL-shaped JSON error so a
// client sees one error format whichever layer said no. The package knows nothing of GraphQL
// execution or of the Rocket.Chat REST client.
//
// A typical chain for the GraphQL route, outermost first:
//
//	middleware.Chain(graphqlHandler,
//		middleware.RequestID,
//		middleware.AccessLog(logger),
//		middleware.Recover(logger),
//		corsMiddleware,        // middleware.CORS(opts)
//		crossOriginGuard,      // middleware.CrossOriginGuard(opts), same opts
//		middleware.MaxBody(1<<20),
//		middleware.CSRF,
//		middleware.Auth,
//	)
package middleware

import (
	"encoding/json"
	"net/http"
)

// Middleware wraps a handler with one HTTP concern.
type Middleware = func(http.Handler) http.Handler

// Chain wraps h with mws; the first middleware listed is the outermost, so it sees the request first
// and the response last.
func Chain(h http.Handler, mws ...Middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

type jsonErrorBody struct {
	Errors []jsonError `json:"errors"`
}

type jsonError struct {
	Message    string         `json:"message"`
	Extensions jsonExtensions `json:"extensions"`
}

type jsonExtensions struct {
	Code string `json:"code"`
}

// WriteJSONError answers with status and a GraphQL-shaped body
// {"errors":[{"message":message,"extensions":{"code":code}}]}, so refusals made before the GraphQL
// layer look like the errors clients already handle.
func WriteJSONError(w http.ResponseWriter, status int, code, message string) {
	body, err := json.Marshal(jsonErrorBody{Errors: []jsonError{{
		Message:    message,
		Extensions: jsonExtensions{Code: code},
	}}})
	if err != nil {
		// Marshalling strings cannot fail; keep a valid body even so.
		body = []byte(`{"errors":[{"message":"internal server error","extensions":{"code":"INTERNAL"}}]}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
