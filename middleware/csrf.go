package middleware

import (
	"mime"
	"net/http"
	"strings"
)

// Headers that a browser cannot send cross-site without a CORS preflight; any of them, non-empty,
// proves a multipart request was not forged by a plain HTML form.
var preflightHeaders = []string{"GraphQL-Require-Preflight", "Apollo-Require-Preflight", "X-Requested-With"}

// CSRF refuses requests a browser could send cross-site without a CORS preflight. GET, HEAD and
// OPTIONS pass (the GraphQL layer runs only queries over GET). Any other method must send
// Content-Type application/json (a charset parameter, if any, must be utf-8), else 415 with code
// UNSUPPORTED_MEDIA_TYPE: text/plain, application/x-www-form-urlencoded and a missing content type
// are what cross-site forms and simple fetches send. multipart/form-data (file uploads) passes only
// with a non-empty GraphQL-Require-Preflight, Apollo-Require-Preflight or X-Requested-With header,
// else 400 with code CSRF_PREFLIGHT_REQUIRED.
func CSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		values := r.Header.Values("Content-Type")
		if len(values) != 1 {
			unsupportedMediaType(w)
			return
		}
		mediaType, params, err := mime.ParseMediaType(values[0])
		if err != nil {
			unsupportedMediaType(w)
			return
		}
		switch mediaType {
		case "application/json":
			if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
				WriteJSONError(w, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
					"unsupported charset: request bodies must be utf-8")
				return
			}
		case "multipart/form-data":
			if !hasPreflightHeader(r) {
				WriteJSONError(w, http.StatusBadRequest, "CSRF_PREFLIGHT_REQUIRED",
					"multipart requests need a non-empty GraphQL-Require-Preflight header")
				return
			}
		default:
			unsupportedMediaType(w)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func unsupportedMediaType(w http.ResponseWriter) {
	w.Header().Set("Accept-Post", "application/json")
	WriteJSONError(w, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
		"unsupported content type: send application/json")
}

func hasPreflightHeader(r *http.Request) bool {
	for _, name := range preflightHeaders {
		if strings.TrimSpace(r.Header.Get(name)) != "" {
			return true
		}
	}
	return false
}
