package graph_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rocketgql/rocketgql/graph"
	"github.com/rocketgql/rocketgql/restclient"
)

// knownCodes is every code the presenter may give a resolver error.
var knownCodes = map[string]bool{
	graph.CodeUnauthenticated: true, graph.CodeForbidden: true, graph.CodeNotFound: true,
	graph.CodeBadUserInput: true, graph.CodeTwoFactorRequired: true, graph.CodeTwoFactorInvalid: true,
	graph.CodeRateLimited: true, graph.CodeUpstreamUnavailable: true, graph.CodeUpstreamError: true,
	graph.CodeInternal: true,
}

// FuzzErrorPresenter feeds arbitrary upstream answers (status, body, rate-limit header) through
// the REST decoder and the error presenter: every failure gets a known code and a non-empty
// UTF-8 message; internal failures never show Go error texts; RATE_LIMITED always carries
// retryAfterSeconds ≥ 1; the presenter never panics.
func FuzzErrorPresenter(f *testing.F) {
	f.Add(400, []byte(`{"success":false,"error":"User not found. [error-invalid-user]","errorType":"error-invalid-user"}`), "")
	f.Add(401, []byte(`{"status":"error","message":"You must be logged in to do this."}`), "")
	f.Add(429, []byte(`{"success":false,"error":"Error, too many requests. You must wait 12 seconds"}`), "1700000000000")
	f.Add(400, []byte(`{"success":false,"error":"totp-required","errorType":"totp-required","details":{"method":"totp","availableMethods":["totp"]}}`), "")
	f.Add(502, []byte(`<html>bad gateway</html>`), "")
	f.Add(200, []byte(`{"success":true,"user":{"_id":`), "")
	f.Add(500, []byte(`{"success":false,"error":"Internal error"}`), "")
	presenter := graph.ErrorPresenter(slog.New(slog.DiscardHandler), func(context.Context) string { return "req" })
	f.Fuzz(func(t *testing.T, status int, body []byte, reset string) {
		if status < 100 || status > 999 {
			status = 200 + (status%800+800)%800
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: -1}
		if reset != "" {
			resp.Header.Set("X-RateLimit-Reset", reset)
		}
		err := restclient.DecodeResponse(resp, 1<<16, &struct {
			Success *bool `json:"success"`
		}{})
		if err == nil {
			return
		}
		gqlErr := presenter(context.Background(), err)
		code, _ := gqlErr.Extensions["code"].(string)
		if !knownCodes[code] {
			t.Fatalf("unknown code %q for %v", code, err)
		}
		if gqlErr.Message == "" || !utf8.ValidString(gqlErr.Message) {
			t.Fatalf("bad message %q", gqlErr.Message)
		}
		if code == graph.CodeUpstreamError || code == graph.CodeUpstreamUnavailable || code == graph.CodeInternal {
			for _, internal := range []string{"restclient:", "decode response", "invalid character", "unexpected end"} {
				if strings.Contains(gqlErr.Message, internal) {
					t.Fatalf("internal detail %q in %q", internal, gqlErr.Message)
				}
			}
		}
		if code == graph.CodeRateLimited {
			if secs, ok := gqlErr.Extensions["retryAfterSeconds"].(int); !ok || secs < 1 {
				t.Fatalf("retryAfterSeconds %v", gqlErr.Extensions["retryAfterSeconds"])
			}
		}
	})
}
