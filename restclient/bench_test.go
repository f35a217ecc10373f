package restclient_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/restclient"
)

// BenchmarkUsersList measures one users.list call end to end over loopback
// (pooled keep-alive connection, headers, 50-user page decoded into []User).
func BenchmarkUsersList(b *testing.B) {
	body := fixture(b, "users_list_50.json")
	srv := newFakeB(b, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	c, err := restclient.New(srv+basePath, restclient.WithCredentials(credsFromCtx))
	require.NoError(b, err)
	b.Cleanup(c.CloseIdleConnections)
	ctx := withCaller(b.Context())
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p, err := c.Users.List(ctx, restclient.ListOptions{Count: 50})
		if err != nil || len(p.Users) != 50 {
			b.Fatalf("list: %v", err)
		}
	}
}

// BenchmarkDecodeUserPage measures DecodeResponse alone on the same page
// (exported path: User.UnmarshalJSON per user).
func BenchmarkDecodeUserPage(b *testing.B) {
	body := fixture(b, "users_list_50.json")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var p restclient.UserPage
		resp := &http.Response{StatusCode: 200, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
		if err := restclient.DecodeResponse(resp, restclient.DefaultMaxResponseBytes, &p); err != nil || len(p.Users) != 50 {
			b.Fatalf("decode: %v", err)
		}
	}
}
