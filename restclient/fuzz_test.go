package restclient_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/rocketgql/rocketgql/restclient"
)

// FuzzDecodeEnvelope feeds arbitrary status codes and bodies to
// DecodeResponse, the one envelope decoder. It must never panic, never accept
// a non-2xx answer, and only ever return the package's typed errors.
// Seed corpus: testdata/fuzz/FuzzDecodeEnvelope/.
func FuzzDecodeEnvelope(f *testing.F) {
	f.Add(200, []byte(`{"users":[],"count":0,"offset":0,"total":0,"success":true}`))
	f.Add(400, []byte(`{"success":false,"error":"TOTP Required [totp-required]","errorType":"totp-required","details":{"method":"totp"}}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			status = 100 + (status%900+900)%900
		}
		for _, target := range []any{nil, &restclient.UserPage{}, &restclient.User{}} {
			resp := &http.Response{
				StatusCode:    status,
				Header:        http.Header{"X-Ratelimit-Reset": {"1700000000000"}},
				Body:          io.NopCloser(bytes.NewReader(body)),
				ContentLength: int64(len(body)),
			}
			err := restclient.DecodeResponse(resp, 4096, target)
			ok2xx := status >= 200 && status <= 299
			if err == nil {
				if !ok2xx {
					t.Fatalf("status %d accepted", status)
				}
				continue
			}
			var (
				er *restclient.ErrorResponse
				rl *restclient.RateLimitError
				de *restclient.DecodeError
			)
			switch {
			case errors.As(err, &rl):
				if rl.StatusCode != status {
					t.Fatalf("rate limit status %d, want %d", rl.StatusCode, status)
				}
			case errors.As(err, &er):
				if er.StatusCode != status {
					t.Fatalf("error status %d, want %d", er.StatusCode, status)
				}
				if len(er.Error()) > 600 {
					t.Fatalf("unbounded error text: %d bytes", len(er.Error()))
				}
			case errors.As(err, &de):
				if len(body) > 4096 && !errors.Is(err, restclient.ErrResponseTooLarge) {
					t.Fatalf("oversized body not reported as too large: %v", err)
				}
			default:
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if status == http.StatusTooManyRequests && rl == nil {
				t.Fatalf("429 is not a *RateLimitError: %v", err)
			}
		}
	})
}
