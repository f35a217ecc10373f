package playground

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var demoHeaders = map[string]string{"X-User-Id": "u-admin", "X-Auth-Token": "tok-123"}

// get sends one request to h and returns the recorded response.
func get(t *testing.T, h http.Handler, method, target string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, target, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func readBody(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	return string(b)
}

var configBlock = regexp.MustCompile(`(?s)<script id="playground-config" type="application/json">(.*?)</script>`)

// pageConfigOf extracts and decodes the JSON data block init.js reads.
func pageConfigOf(t *testing.T, page string) pageConfig {
	t.Helper()
	m := configBlock.FindStringSubmatch(page)
	require.NotNil(t, m, "config data block missing from page:\n%s", page)
	var cfg pageConfig
	require.NoError(t, json.Unmarshal([]byte(m[1]), &cfg))
	return cfg
}

var assetRef = regexp.MustCompile(`(?:src|href)="([^"]+)"`)

// assetURLs lists the URLs the page loads from the server, as written in the page. The only other
// reference allowed is the empty data: icon, which spares the browser a /favicon.ico request.
func assetURLs(t *testing.T, page string) []string {
	t.Helper()
	var urls []string
	for _, m := range assetRef.FindAllStringSubmatch(page, -1) {
		if m[1] == "data:," {
			continue
		}
		urls = append(urls, m[1])
	}
	return urls
}

func TestPage(t *testing.T) {
	t.Parallel()
	h := Handler("rocketgql playground", "/graphql", demoHeaders)
	res := get(t, h, http.MethodGet, "/", nil)
	page := readBody(t, res)

	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	csp := res.Header.Get("Content-Security-Policy")
	assert.Contains(t, csp, "default-src 'none'")
	assert.Contains(t, csp, "script-src 'self';")
	assert.Contains(t, csp, "connect-src 'self';")
	assert.NotContains(t, csp, "unsafe-eval")
	assert.Contains(t, page, "<title>rocketgql playground</title>")
	assert.Contains(t, page, `<link rel="icon" href="data:,">`)

	cfg := pageConfigOf(t, page)
	assert.Equal(t, "/graphql", cfg.Endpoint)
	assert.Equal(t, "{\n  \"X-Auth-Token\": \"tok-123\",\n  \"X-User-Id\": \"u-admin\"\n}", cfg.Headers)
	var headers map[string]string
	require.NoError(t, json.Unmarshal([]byte(cfg.Headers), &headers))
	assert.Equal(t, demoHeaders, headers)
	assert.Contains(t, cfg.DefaultQuery, "me {")

	// Every script is either a served file or the inert JSON data block: nothing inline to execute.
	for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(page, -1) {
		assert.True(t, strings.Contains(tag, ` src="`) || strings.Contains(tag, `type="application/json"`), tag)
	}
	assert.Len(t, assetURLs(t, page), 5, "stylesheet, React, ReactDOM, GraphiQL, init.js")
}

func TestPageEscapesHostileValues(t *testing.T) {
	t.Parallel()
	hostile := map[string]string{"X-Evil": `</script><script>alert(1)</script><!--`, "X-Amp": `a&b "q" 'q' \ ` + "\u2028"}
	h := Handler(`<b>title</b>`, `/graphql?x="</script>`, hostile)
	page := readBody(t, get(t, h, http.MethodGet, "/", nil))

	assert.NotContains(t, page, "<script>alert")
	assert.NotContains(t, page, "<b>title</b>")
	assert.Contains(t, page, "<title>&lt;b&gt;title&lt;/b&gt;</title>")
	assert.Equal(t, 5, strings.Count(page, "</script>"), "one data block and four script files, nothing more")

	cfg := pageConfigOf(t, page)
	assert.Equal(t, `/graphql?x="</script>`, cfg.Endpoint)
	var headers map[string]string
	require.NoError(t, json.Unmarshal([]byte(cfg.Headers), &headers))
	assert.Equal(t, hostile, headers)
	assert.Contains(t, cfg.Headers, `</script>`, "the editor shows the value as typed")
}

func TestPageWithoutHeaders(t *testing.T) {
	t.Parallel()
	for _, headers := range []map[string]string{nil, {}} {
		page := readBody(t, get(t, Handler("t", "/graphql", headers), http.MethodGet, "/", nil))
		assert.Empty(t, pageConfigOf(t, page).Headers)
	}
}

func TestAssetsReferencedByThePageAreServed(t *testing.T) {
	t.Parallel()
	h := Handler("t", "/graphql", demoHeaders)
	page := readBody(t, get(t, h, http.MethodGet, "/", nil))
	wantType := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	onDisk := map[string]string{
		"graphiql.min.js": "assets/graphiql.min.js", "graphiql.min.css": "assets/graphiql.min.css",
		"react.production.min.js": "assets/react.production.min.js", "react-dom.production.min.js": "assets/react-dom.production.min.js",
		"init.js": "init.js",
	}
	seen := map[string]bool{}
	for _, ref := range assetURLs(t, page) {
		t.Run(ref, func(t *testing.T) {
			u, err := url.Parse(ref)
			require.NoError(t, err)
			require.False(t, u.IsAbs(), "asset URLs are relative to the page")
			target := (&url.URL{Path: "/"}).ResolveReference(u).String()
			require.True(t, strings.HasPrefix(target, "/playground-assets/"), target)
			name := target[strings.LastIndex(target, "/")+1:]
			seen[name] = true
			want, err := os.ReadFile(onDisk[name])
			require.NoError(t, err, "page references an unknown asset %s", name)

			res := get(t, h, http.MethodGet, target, nil)
			body := readBody(t, res)
			require.Equal(t, http.StatusOK, res.StatusCode)
			assert.Equal(t, wantType[name[strings.LastIndex(name, "."):]], res.Header.Get("Content-Type"))
			assert.Equal(t, "public, max-age=31536000, immutable", res.Header.Get("Cache-Control"))
			assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
			assert.Empty(t, res.Header.Get("Content-Encoding"))
			assert.Equal(t, string(want), body)

			gz := get(t, h, http.MethodGet, target, http.Header{"Accept-Encoding": {"br, gzip;q=0.8"}})
			if gz.Header.Get("Content-Encoding") == "gzip" {
				zr, err := gzip.NewReader(strings.NewReader(readBody(t, gz)))
				require.NoError(t, err)
				plain, err := io.ReadAll(zr)
				require.NoError(t, err)
				assert.Equal(t, string(want), string(plain))
			} else {
				assert.Less(t, len(want), 4096, "large assets are served compressed")
			}

			etag := res.Header.Get("ETag")
			require.NotEmpty(t, etag)
			notModified := get(t, h, http.MethodGet, target, http.Header{"If-None-Match": {etag}})
			assert.Equal(t, http.StatusNotModified, notModified.StatusCode)
		})
	}
	assert.Len(t, seen, len(onDisk))
}

func TestNothingOutsideTheOrigin(t *testing.T) {
	t.Parallel()
	h := Handler("t", "/graphql", demoHeaders)
	page := readBody(t, get(t, h, http.MethodGet, "/", nil))
	ours := page + readBody(t, get(t, h, http.MethodGet, "/"+loadAssets().init.url(), nil))
	for _, word := range []string{"http://", "https://", "//", "unpkg", "jsdelivr", "cdn"} {
		if word == "//" {
			// Protocol-relative URLs in attributes; init.js comments start with "// ".
			assert.NotRegexp(t, `(?:src|href)="//`, ours)
			continue
		}
		assert.NotContains(t, strings.ToLower(ours), word)
	}
	// The vendored bundles mention URLs in comments and error messages; none may name a CDN host.
	cdnURL := regexp.MustCompile(`(?i)(?:https?:)?//[a-z0-9.-]*(?:unpkg|jsdelivr|cdn|googleapis|cloudflare|esm\.sh)[a-z0-9.-]*`)
	for _, a := range loadAssets().byName {
		assert.Empty(t, cdnURL.FindAllString(string(a.body), 5), a.name)
	}
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	h := Handler("t", "/graphql", nil)
	js := loadAssets().graphiqlJS
	tests := []struct {
		name, method, target string
		wantStatus           int
		wantHeader           map[string]string
		wantEmptyBody        bool
	}{
		{"page", http.MethodGet, "/", http.StatusOK, nil, false},
		{"page head", http.MethodHead, "/", http.StatusOK, map[string]string{"Content-Type": "text/html; charset=utf-8"}, true},
		{"asset head", http.MethodHead, "/" + js.url(), http.StatusOK, map[string]string{"Content-Type": "text/javascript; charset=utf-8"}, true},
		{"post page", http.MethodPost, "/", http.StatusMethodNotAllowed, map[string]string{"Allow": "GET, HEAD"}, false},
		{"unknown path", http.MethodGet, "/index.html", http.StatusNotFound, nil, false},
		{"stale hash", http.MethodGet, "/playground-assets/0000000000000000/graphiql.min.js", http.StatusNotFound, nil, false},
		{"unknown asset", http.MethodGet, "/playground-assets/" + js.hash + "/secret.js", http.StatusNotFound, nil, false},
		{"embedded but unlisted", http.MethodGet, "/playground-assets/" + js.hash + "/../init.js", http.StatusNotFound, nil, false},
		{"no hash", http.MethodGet, "/playground-assets/graphiql.min.js", http.StatusNotFound, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := get(t, h, tt.method, tt.target, nil)
			body := readBody(t, res)
			assert.Equal(t, tt.wantStatus, res.StatusCode)
			for k, v := range tt.wantHeader {
				assert.Equal(t, v, res.Header.Get(k), k)
			}
			if tt.wantEmptyBody {
				assert.Empty(t, body)
				assert.NotEqual(t, "0", res.Header.Get("Content-Length"))
			}
		})
	}
}

func TestMountedUnderAPrefix(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.Handle("/tools/play/", http.StripPrefix("/tools/play", Handler("t", "/graphql", nil)))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	res, err := client.Get(srv.URL + "/tools/play/")
	require.NoError(t, err)
	page := readBody(t, res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	base, err := url.Parse(srv.URL + "/tools/play/")
	require.NoError(t, err)
	for _, ref := range assetURLs(t, page) {
		u, err := url.Parse(ref)
		require.NoError(t, err)
		res, err := client.Get(base.ResolveReference(u).String())
		require.NoError(t, err)
		_ = readBody(t, res)
		assert.Equal(t, http.StatusOK, res.StatusCode, ref)
	}

	// Without the trailing slash the relative asset URLs would miss the prefix: redirect.
	h := http.StripPrefix("/tools/play", Handler("t", "/graphql", nil))
	res = get(t, h, http.MethodGet, "/tools/play?x=1", nil)
	assert.Equal(t, http.StatusMovedPermanently, res.StatusCode)
	loc, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "/tools/play/", (&url.URL{Path: "/tools/play"}).ResolveReference(loc).Path)
}

func TestAcceptsGzip(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"": false, "gzip": true, "GZIP": true, "br, gzip": true, "gzip;q=0.5": true, "deflate, gzip ; q=0": false,
		"gzip;q=0.000": false, "br": false, "x-gzip": false,
	}
	for header, want := range tests {
		assert.Equal(t, want, acceptsGzip(header), "%q", header)
	}
}

func TestGzipPays(t *testing.T) {
	t.Parallel()
	a := loadAssets().graphiqlJS
	require.NotNil(t, a.gzipped)
	assert.Less(t, len(a.gzipped), len(a.body)/3)
	assert.False(t, bytes.Equal(a.gzipped, a.body))
}
