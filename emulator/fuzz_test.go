package emulator_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rocketgql/rocketgql/emulator"
)

// FuzzServeHTTP throws arbitrary method/path/query/body at the handler as the admin (so requests
// reach the handlers, not just the auth check): it must never panic (the recover would answer
// 500) and every API answer must be JSON. It calls ServeHTTP directly for speed.
func FuzzServeHTTP(f *testing.F) {
	f.Add("GET", "users.list", "count=5&sort=%7B%22name%22%3A1%7D", "")
	f.Add("POST", "users.create", "", `{"email":"a@b.co","name":"A","password":"p","username":"aa"}`)
	f.Add("POST", "users.setPreferences", "", `{"data":{"highlights":[1,2]}}`)
	f.Add("GET", "users.autocomplete", `selector={"term":"a","conditions":{"$and":[{"status":{"$ne":"x"}}]}}`, "")
	f.Add("GET", "users.presence", "ids[]=a&ids=b,c&from=2020-01-01", "")
	f.Add("POST", "users.update", "", `{"userId":"x","data":{"roles":[null]}}`)
	f.Add("POST", "login", "", `{"user":"totp","password":{"digest":"00"},"code":"1"}`)
	f.Add("GET", "../avatar/uid/%zz", "size=-5", "")

	srv := emulator.New(emulator.Options{Users: 20, AllowUnsafeQuery: true, CreateTokensSecret: "s"})
	uid, tok, err := srv.IssueLoginToken("admin")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, path, query, body string) {
		if method == "" || strings.ContainsAny(method, " \t\r\n()<>@,;:\\\"/[]?={}") {
			method = "POST"
		}
		target := "/api/v1/" + path
		req := httptest.NewRequest("GET", "/", nil)
		req.Method = method
		req.URL.Path = target
		req.URL.RawQuery = query
		req.Body = http.NoBody
		if body != "" {
			req.Body = httpBody(body)
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("X-User-Id", uid)
		req.Header.Set("X-Auth-Token", tok)
		req.Header.Set("x-2fa-code", "x")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code == http.StatusInternalServerError {
			t.Fatalf("500 for %s %s?%s %q: %s", method, target, query, body, rec.Body.String())
		}
		if rec.Header().Get("Content-Type") == "application/json" && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("invalid JSON for %s %s: %s", method, target, rec.Body.String())
		}
	})
}

func httpBody(s string) *readCloser { return &readCloser{bytes.NewReader([]byte(s))} }

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }
