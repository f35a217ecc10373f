package restclient_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/restclient"
)

func respond(status int, body string, header map[string]string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	resetMs := time.Now().Add(90 * time.Second).UnixMilli()
	big := `{"users":[` + strings.Repeat(`{"_id":"x"},`, 200) + `{"_id":"y"}],"success":true}`
	cases := []struct {
		name    string
		handler http.HandlerFunc
		opts    []restclient.Option
		login   bool // call Login instead of users.list
		check   func(t *testing.T, err error)
	}{
		{
			name:    "401 not logged in (8.x)",
			handler: respond(401, `{"success":false,"error":"You must be logged in to do this."}`, nil),
			check: func(t *testing.T, err error) {
				var er *restclient.ErrorResponse
				require.ErrorAs(t, err, &er)
				assert.Equal(t, &restclient.ErrorResponse{StatusCode: 401, Message: "You must be logged in to do this."}, er)
			},
		},
		{
			name:    "401 legacy envelope",
			handler: respond(401, `{"status":"error","message":"You must be logged in to do this."}`, nil),
			check: func(t *testing.T, err error) {
				var er *restclient.ErrorResponse
				require.ErrorAs(t, err, &er)
				assert.Equal(t, 401, er.StatusCode)
				assert.Equal(t, "You must be logged in to do this.", er.Message)
			},
		},
		{
			name:    "403 permission with code in brackets",
			handler: respond(403, `{"success":false,"error":"User does not have the permissions required for this action [error-forbidden]"}`, nil),
			check: func(t *testing.T, err error) {
				var er *restclient.ErrorResponse
				require.ErrorAs(t, err, &er)
				assert.Equal(t, 403, er.StatusCode)
				assert.Equal(t, "error-forbidden", er.ErrorType)
				assert.Equal(t, "rocket.chat: 403 error-forbidden: User does not have the permissions required for this action [error-forbidden]", er.Error())
			},
		},
		{
			name: "400 with errorType and details",
			handler: respond(400, `{"success":false,"error":"User is last owner [user-last-owner]","errorType":"user-last-owner",
				"details":{"shouldChangeOwner":["r1"],"shouldBeRemoved":[]}}`, nil),
			check: func(t *testing.T, err error) {
				var er *restclient.ErrorResponse
				require.ErrorAs(t, err, &er)
				assert.Equal(t, &restclient.ErrorResponse{
					StatusCode: 400, Message: "User is last owner [user-last-owner]", ErrorType: "user-last-owner",
					Details: map[string]any{"shouldChangeOwner": []any{"r1"}, "shouldBeRemoved": []any{}},
				}, er)
				_, is2fa := restclient.IsTwoFactorRequired(err)
				assert.False(t, is2fa)
			},
		},
		{
			name:    "400 without errorType",
			handler: respond(400, `{"success":false,"error":"User not found."}`, nil),
			check: func(t *testing.T, err error) {
				var er *restclient.ErrorResponse
				require.ErrorAs(t, err, &er)
				assert.Equal(t, &restclient.ErrorResponse{StatusCode: 400, Message: "User not found."}, er)
				assert.Equal(t, "rocket.chat: 400: User not found.", er.Error())
			},
		},
		{
			name: "400 totp-required",
			handler: respond(400, `{"success":false,"error":"TOTP Required [totp-required]","errorType":"totp-required",
				"details":{"method":"email","codeGenerated":true,"emailOrUsername":"jane","availableMethods":["totp","email"]}}`, nil),
			check: func(t *testing.T, err error) {
				ch, ok := restclient.IsTwoFactorRequired(err)
				require.True(t, ok)
				assert.Equal(t, &restclient.TwoFactorChallenge{Method: "email", CodeGenerated: true, AvailableMethods: []string{"totp", "email"}}, ch)
				assert.False(t, restclient.IsTwoFactorInvalid(err))
			},
		},
		{
			name: "400 totp-invalid",
			handler: respond(400, `{"success":false,"error":"TOTP Invalid [totp-invalid]","errorType":"totp-invalid",
				"details":{"method":"totp","codeGenerated":false}}`, nil),
			check: func(t *testing.T, err error) {
				ch, ok := restclient.IsTwoFactorRequired(err)
				require.True(t, ok)
				assert.Equal(t, &restclient.TwoFactorChallenge{Method: "totp", Invalid: true}, ch)
				assert.True(t, restclient.IsTwoFactorInvalid(err))
			},
		},
		{
			name:  "login 401 legacy totp-required",
			login: true,
			handler: respond(401, `{"status":"error","error":"totp-required","message":"TOTP Required",
				"details":{"method":"totp","codeGenerated":false,"availableMethods":["totp"]}}`, nil),
			check: func(t *testing.T, err error) {
				var er *restclient.ErrorResponse
				require.ErrorAs(t, err, &er)
				assert.Equal(t, 401, er.StatusCode)
				assert.Equal(t, "totp-required", er.ErrorType)
				assert.Equal(t, "TOTP Required", er.Message)
				ch, ok := restclient.IsTwoFactorRequired(err)
				require.True(t, ok)
				assert.Equal(t, &restclient.TwoFactorChallenge{Method: "totp", AvailableMethods: []string{"totp"}}, ch)
			},
		},
		{
			name:    "login 401 legacy totp-invalid",
			login:   true,
			handler: respond(401, `{"status":"error","error":"totp-invalid","message":"TOTP Invalid","details":{"method":"totp"}}`, nil),
			check: func(t *testing.T, err error) {
				assert.True(t, restclient.IsTwoFactorInvalid(err))
			},
		},
		{
			name:    "login 401 wrong password",
			login:   true,
			handler: respond(401, `{"status":"error","error":"Unauthorized","message":"Unauthorized"}`, nil),
			check: func(t *testing.T, err error) {
				var er *restclient.ErrorResponse
				require.ErrorAs(t, err, &er)
				assert.Equal(t, &restclient.ErrorResponse{StatusCode: 401, Message: "Unauthorized"}, er)
			},
		},
		{
			name: "429 with X-RateLimit headers",
			handler: respond(429, `{"success":false,"error":"Error, too many requests. Please slow down. You must wait 60 seconds before trying this endpoint again. [error-too-many-requests]"}`,
				map[string]string{"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": itoa(resetMs)}),
			check: func(t *testing.T, err error) {
				var rl *restclient.RateLimitError
				require.ErrorAs(t, err, &rl)
				assert.Equal(t, 429, rl.StatusCode)
				assert.Equal(t, 10, rl.Limit)
				assert.Equal(t, 0, rl.Remaining)
				assert.Equal(t, time.UnixMilli(resetMs), rl.Reset)
				assert.Equal(t, 30*time.Second, rl.RetryAfter(time.UnixMilli(resetMs).Add(-30*time.Second)))
				assert.Equal(t, time.Duration(0), rl.RetryAfter(time.UnixMilli(resetMs).Add(time.Second)))
			},
		},
		{
			name: "429 without headers parses the wait from the text",
			handler: respond(429, `{"success":false,"error":"Error, too many requests. Please slow down. You must wait 42 seconds before trying this endpoint again. [error-too-many-requests]"}`,
				nil),
			check: func(t *testing.T, err error) {
				var rl *restclient.RateLimitError
				require.ErrorAs(t, err, &rl)
				d := rl.RetryAfter(time.Now())
				assert.LessOrEqual(t, d, 42*time.Second)
				assert.Greater(t, d, 30*time.Second)
				assert.Contains(t, rl.Message, "wait 42 seconds")
			},
		},
		{
			name:    "429 with a non-JSON body is still rate limited",
			handler: respond(429, `<html>slow down</html>`, map[string]string{"X-RateLimit-Reset": itoa(resetMs)}),
			check: func(t *testing.T, err error) {
				var rl *restclient.RateLimitError
				require.ErrorAs(t, err, &rl)
				assert.Equal(t, time.UnixMilli(resetMs), rl.Reset)
			},
		},
		{
			name:    "500",
			handler: respond(500, `{"success":false,"error":"Internal server error"}`, nil),
			check: func(t *testing.T, err error) {
				var er *restclient.ErrorResponse
				require.ErrorAs(t, err, &er)
				assert.Equal(t, &restclient.ErrorResponse{StatusCode: 500, Message: "Internal server error"}, er)
				assert.Equal(t, 500, restclient.StatusCode(err))
			},
		},
		{
			name:    "502 from a proxy (not JSON)",
			handler: respond(502, `<html><body>Bad Gateway</body></html>`, map[string]string{"Content-Type": "text/html"}),
			check: func(t *testing.T, err error) {
				var de *restclient.DecodeError
				require.ErrorAs(t, err, &de)
				assert.Equal(t, 502, de.StatusCode)
				assert.Equal(t, 502, restclient.StatusCode(err))
			},
		},
		{
			name:    "502 with JSON envelope",
			handler: respond(502, `{"success":false,"error":"upstream down"}`, nil),
			check: func(t *testing.T, err error) {
				var er *restclient.ErrorResponse
				require.ErrorAs(t, err, &er)
				assert.Equal(t, 502, er.StatusCode)
			},
		},
		{
			name:    "200 with a non-JSON body",
			handler: respond(200, `<!doctype html><p>maintenance</p>`, nil),
			check: func(t *testing.T, err error) {
				var de *restclient.DecodeError
				require.ErrorAs(t, err, &de)
				assert.Equal(t, 200, de.StatusCode)
			},
		},
		{
			name:    "200 with truncated JSON",
			handler: respond(200, `{"users":[{"_id":"u1","username":"ja`, nil),
			check: func(t *testing.T, err error) {
				var de *restclient.DecodeError
				require.ErrorAs(t, err, &de)
				assert.NotErrorIs(t, err, restclient.ErrResponseTooLarge)
			},
		},
		{
			name: "body cut short of its Content-Length",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", "500")
				w.WriteHeader(200)
				_, _ = w.Write([]byte(`{"users":[`))
			},
			check: func(t *testing.T, err error) {
				var de *restclient.DecodeError
				require.ErrorAs(t, err, &de)
			},
		},
		{
			name:    "200 of the wrong shape",
			handler: respond(200, `{"users":"nope","success":true}`, nil),
			check: func(t *testing.T, err error) {
				var de *restclient.DecodeError
				require.ErrorAs(t, err, &de)
			},
		},
		{
			name:    "200 without the result key is never (nil, nil)",
			handler: respond(200, `{"success":true}`, nil),
			check: func(t *testing.T, err error) {
				var de *restclient.DecodeError
				require.ErrorAs(t, err, &de)
			},
		},
		{
			name:    "200 with success:false",
			handler: respond(200, `{"success":false,"error":"odd [error-odd]"}`, nil),
			check: func(t *testing.T, err error) {
				var er *restclient.ErrorResponse
				require.ErrorAs(t, err, &er)
				assert.Equal(t, &restclient.ErrorResponse{StatusCode: 200, Message: "odd [error-odd]", ErrorType: "error-odd"}, er)
			},
		},
		{
			name:    "oversized body with Content-Length",
			opts:    []restclient.Option{restclient.WithMaxResponseBytes(1024)},
			handler: respond(200, big, nil),
			check: func(t *testing.T, err error) {
				var de *restclient.DecodeError
				require.ErrorAs(t, err, &de)
				assert.ErrorIs(t, err, restclient.ErrResponseTooLarge)
			},
		},
		{
			name: "oversized chunked body",
			opts: []restclient.Option{restclient.WithMaxResponseBytes(1024)},
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(200)
				for i := 0; i < 4; i++ {
					_, _ = w.Write([]byte(big[i*len(big)/4 : (i+1)*len(big)/4]))
					w.(http.Flusher).Flush()
				}
			},
			check: func(t *testing.T, err error) {
				assert.ErrorIs(t, err, restclient.ErrResponseTooLarge)
			},
		},
		{
			name: "timeout",
			opts: []restclient.Option{restclient.WithTimeout(50 * time.Millisecond)},
			handler: func(_ http.ResponseWriter, r *http.Request) {
				<-r.Context().Done()
			},
			check: func(t *testing.T, err error) {
				var te *restclient.TransportError
				require.ErrorAs(t, err, &te)
				assert.True(t, te.Timeout())
				assert.ErrorIs(t, err, context.DeadlineExceeded)
				assert.Equal(t, "GET users.list", te.Op)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, tc.handler)
			c := newClient(t, srv.URL, tc.opts...)
			ctx := restclient.WithTwoFactor(withCaller(t.Context()), restclient.TwoFactor{Code: "999888", Method: "totp"})
			var err error
			if tc.login {
				var res *restclient.LoginResult
				res, err = c.Login(ctx, restclient.LoginRequest{User: "jane", Password: "pw-secret"})
				assert.Nil(t, res)
			} else {
				var page *restclient.UserPage
				page, err = c.Users.List(ctx, restclient.ListOptions{Count: 5})
				assert.Nil(t, page)
			}
			require.Error(t, err)
			for _, secret := range []string{testToken, testUser, "999888", "pw-secret"} {
				assert.NotContains(t, err.Error(), secret)
			}
			tc.check(t, err)
		})
	}
}

func TestTransportErrors(t *testing.T) {
	t.Parallel()
	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		c := newClient(t, url)
		_, err := c.Users.Info(withCaller(t.Context()), restclient.InfoOptions{Username: "jane"})
		var te *restclient.TransportError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, "GET users.info", te.Op)
		assert.False(t, te.Timeout())
		assert.Equal(t, 0, restclient.StatusCode(err))
		assert.NotContains(t, err.Error(), "jane", "the URL (user input) is not in the error")
	})
	t.Run("context canceled", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, respond(200, `{"success":true}`, nil))
		c := newClient(t, srv.URL)
		ctx, cancel := context.WithCancel(withCaller(t.Context()))
		cancel()
		err := c.Users.SetStatus(ctx, restclient.SetStatusRequest{Status: "away"})
		var te *restclient.TransportError
		require.ErrorAs(t, err, &te)
		assert.ErrorIs(t, err, context.Canceled)
	})
	t.Run("context canceled while the server is answering", func(t *testing.T) {
		t.Parallel()
		started := make(chan struct{})
		srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"users":[`))
			w.(http.Flusher).Flush()
			close(started)
			<-r.Context().Done()
		})
		c := newClient(t, srv.URL)
		ctx, cancel := context.WithCancel(withCaller(t.Context()))
		go func() { <-started; cancel() }()
		_, err := c.Users.List(ctx, restclient.ListOptions{})
		var te *restclient.TransportError
		require.ErrorAs(t, err, &te)
		assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
	})
}

func TestAvatarErrors(t *testing.T) {
	t.Parallel()
	srv := newFake(t, respond(404, ``, nil))
	c := newClient(t, srv.URL)
	img, err := c.Users.Avatar(withCaller(t.Context()), "uid/unknown", restclient.AvatarOptions{})
	assert.Nil(t, img)
	var er *restclient.ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, 404, er.StatusCode)
}

func TestGetAvatarErrors(t *testing.T) {
	t.Parallel()
	srv := newFake(t, respond(400, `{"success":false,"error":"The required \"userId\" or \"username\" param provided does not match any users [error-invalid-user]","errorType":"error-invalid-user"}`, nil))
	c := newClient(t, srv.URL)
	u, err := c.Users.GetAvatar(withCaller(t.Context()), restclient.UserSelector{Username: "ghost"})
	assert.Empty(t, u)
	var er *restclient.ErrorResponse
	require.ErrorAs(t, err, &er)
	assert.Equal(t, "error-invalid-user", er.ErrorType)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
