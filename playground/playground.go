// Package playground serves GraphiQL, the in-browser GraphQL IDE, entirely from the binary: its
// JavaScript and CSS are embedded (see assets/README.md for versions and licences), so the playground
// works offline and the page loads nothing from any other origin.
package playground

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

// assetsPath is the path segment under which the assets are served, next to the page.
const assetsPath = "playground-assets"

// contentSecurityPolicy allows the page to load scripts, styles, fonts and images only from its own
// origin and to talk only to its own origin. Styles also need 'unsafe-inline': GraphiQL's dialogs
// (react-remove-scroll through react-style-singleton) insert <style> elements that cannot carry a nonce
// from a prebuilt bundle, and its fonts and icons are data: URLs. Scripts get no such allowance: the page
// has no inline script, its own start-up code is a served file.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; manifest-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// defaultQuery is what the editor shows on a first visit.
const defaultQuery = `# rocketgql: Rocket.Chat users as GraphQL.
# Credentials go in the Headers tab below:
# X-User-Id and X-Auth-Token (the login
# mutation returns them). Ctrl-Enter runs.
{
  me {
    username
    name
    presence {
      status
    }
  }
}
`

//go:embed assets/graphiql.min.js assets/graphiql.min.css assets/react.production.min.js assets/react-dom.production.min.js init.js
var files embed.FS

// asset is one embedded file, served at <assetsPath>/<hash>/<name> so that it can be cached forever.
type asset struct {
	name        string
	contentType string
	hash        string // first 16 hex digits of the SHA-256 of body
	body        []byte
	gzipped     []byte // nil when compression does not pay
}

func (a *asset) url() string { return assetsPath + "/" + a.hash + "/" + a.name }

// assetSet is the page's assets by name, built once per process.
type assetSet struct {
	graphiqlJS, graphiqlCSS, react, reactDOM, init *asset
	byName                                         map[string]*asset
}

var loadAssets = sync.OnceValue(func() *assetSet {
	load := func(file, contentType string) *asset {
		body, err := files.ReadFile(file)
		if err != nil {
			panic(fmt.Sprintf("playground: embedded %s: %v", file, err)) // the go:embed line guarantees it
		}
		sum := sha256.Sum256(body)
		a := &asset{name: path.Base(file), contentType: contentType, hash: hex.EncodeToString(sum[:8]), body: body}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression) // a valid level never fails
		_, _ = zw.Write(body)                                       // writes to a bytes.Buffer do not fail
		_ = zw.Close()
		if buf.Len() < len(body)*9/10 {
			a.gzipped = buf.Bytes()
		}
		return a
	}
	const js, css = "text/javascript; charset=utf-8", "text/css; charset=utf-8"
	s := &assetSet{
		graphiqlJS:  load("assets/graphiql.min.js", js),
		graphiqlCSS: load("assets/graphiql.min.css", css),
		react:       load("assets/react.production.min.js", js),
		reactDOM:    load("assets/react-dom.production.min.js", js),
		init:        load("init.js", js),
	}
	s.byName = map[string]*asset{}
	for _, a := range []*asset{s.graphiqlJS, s.graphiqlCSS, s.react, s.reactDOM, s.init} {
		s.byName[a.name] = a
	}
	return s
})

// pageConfig is handed to init.js as a JSON data block (not executed, so the CSP allows it).
type pageConfig struct {
	Endpoint     string `json:"endpoint"`
	Headers      string `json:"headers"`
	DefaultQuery string `json:"defaultQuery"`
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{.Title}}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{.CSS}}">
<style>html, body, #graphiql { height: 100%; margin: 0; overflow: hidden; }</style>
</head>
<body>
<div id="graphiql">Loading the GraphQL playground…</div>
<script id="playground-config" type="application/json">{{.Config}}</script>
{{range .Scripts}}<script src="{{.}}"></script>
{{end}}</body>
</html>
`))

// Handler serves GraphiQL at its root and its assets under <prefix>/playground-assets/... ; endpoint is
// the GraphQL URL path (e.g. "/graphql"). defaultHeaders (may be nil) prefills the headers editor (e.g.
// demo credentials when running on the emulator), as pretty JSON; the headers editor starts open.
//
// Mount it at the root of a mux, or under a prefix with http.StripPrefix: the page links its assets by
// relative URLs. Any other path is a 404, any method but GET and HEAD a 405. The page is never cached
// (it may carry credentials); the assets are named by their content hash and cached for a year.
func Handler(title, endpoint string, defaultHeaders map[string]string) http.Handler {
	assets := loadAssets()
	headers := ""
	if len(defaultHeaders) > 0 {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // shown as typed in the editor; the page escapes the whole config below
		enc.SetIndent("", "  ")
		_ = enc.Encode(defaultHeaders) // a map[string]string always encodes
		headers = strings.TrimSuffix(buf.String(), "\n")
	}
	// json.Marshal escapes <, > and & as \u003c..., so no value can close the <script> data block.
	config, _ := json.Marshal(pageConfig{Endpoint: endpoint, Headers: headers, DefaultQuery: defaultQuery})
	var page bytes.Buffer
	err := pageTemplate.Execute(&page, map[string]any{
		"Title":   title,
		"CSS":     assets.graphiqlCSS.url(),
		"Config":  template.JS(config), // valid JSON with every HTML-special character escaped
		"Scripts": []string{assets.react.url(), assets.reactDOM.url(), assets.graphiqlJS.url(), assets.init.url()},
	})
	if err != nil {
		panic(fmt.Sprintf("playground: page template: %v", err)) // a static template with string data
	}
	return &handler{page: page.Bytes(), assets: assets}
}

type handler struct {
	page   []byte
	assets *assetSet
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	switch {
	case p == "":
		// Mounted under http.StripPrefix and asked for the prefix without its slash: relative asset
		// URLs only resolve under the slash.
		// A relative Location ("./last-segment/") cannot point at another host.
		target, _, _ := strings.Cut(r.RequestURI, "?")
		w.Header().Set("Location", "./"+path.Base(target)+"/")
		w.WriteHeader(http.StatusMovedPermanently)
	case p == "/":
		h.servePage(w, r)
	case strings.HasPrefix(p, "/"+assetsPath+"/"):
		h.serveAsset(w, r, strings.TrimPrefix(p, "/"+assetsPath+"/"))
	default:
		http.NotFound(w, r)
	}
}

func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Content-Length", strconv.Itoa(len(h.page)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(h.page)
}

func (h *handler) serveAsset(w http.ResponseWriter, r *http.Request, rest string) {
	hash, name, ok := strings.Cut(rest, "/")
	a := h.assets.byName[name]
	if !ok || a == nil || hash != a.hash {
		// An old hash after an upgrade must not be cached under its immutable name.
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.contentType)
	hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	hd.Set("ETag", `"`+a.hash+`"`)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Vary", "Accept-Encoding")
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, `"`+a.hash+`"`) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if a.gzipped != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		hd.Set("Content-Encoding", "gzip")
		body = a.gzipped
	}
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

// acceptsGzip reports whether an Accept-Encoding value admits gzip (and does not refuse it with q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
