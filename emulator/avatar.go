package emulator

import (
	"fmt"
	"hash/fnv"
	"html"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// generatedLastModified is the Last-Modified of every generated avatar on the real server.
var generatedLastModified = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)

const avatarCacheTime = 3600 // Accounts_AvatarCacheTime

// serveAvatar is the web-app avatar route (§10), mounted at /avatar/ and, for the contract, at
// /api/v1/avatar/. Not JSON and no rate limiter. Uploaded avatars are streamed with their stored
// content type; everything else gets the generated SVG. format=png|jpg is not converted: the
// emulator always answers SVG for generated avatars. An avatarUrl set through users.setAvatar is
// recorded but never fetched, so such users also get the generated SVG.
func (s *Server) serveAvatar(w http.ResponseWriter, r *http.Request, subject string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeJSON(w, http.StatusNotFound, map[string]any{"success": false, "error": "Resource not found"})
		return
	}
	subject, _ = url.PathUnescape(subject)
	s.mu.Lock()
	var u *user
	text := subject
	switch {
	case strings.HasPrefix(subject, "uid/"):
		u = s.st.users[strings.TrimPrefix(subject, "uid/")]
		if u == nil {
			s.mu.Unlock()
			w.WriteHeader(http.StatusNotFound)
			return
		}
		text = u.Username
	case strings.HasPrefix(subject, "@"):
		text = strings.TrimPrefix(subject, "@")
	case strings.HasPrefix(subject, "room/"):
		text = strings.TrimPrefix(subject, "room/")
	default:
		u = s.st.byUsername(subject)
	}
	var blob *avatarBlob
	name := ""
	if u != nil {
		blob = u.Avatar
		name = u.Name
	}
	s.mu.Unlock()

	cache := avatarCacheTime
	if v, err := strconv.Atoi(r.URL.Query().Get("cacheTime")); err == nil && v >= 0 {
		cache = v
	}
	h := w.Header()
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(cache))
	h.Set("Content-Disposition", "inline")
	if blob != nil {
		lm := blob.UploadedAt.UTC().Format(http.TimeFormat)
		if r.Header.Get("If-Modified-Since") == lm {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Type", blob.ContentType)
		h.Set("Content-Length", strconv.Itoa(len(blob.Data)))
		h.Set("Last-Modified", lm)
		h.Set("Content-Security-Policy", "default-src 'none'")
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(blob.Data)
		}
		return
	}
	lm := generatedLastModified.Format(http.TimeFormat)
	if r.Header.Get("If-Modified-Since") == lm {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	size := 200
	if v, err := strconv.Atoi(r.URL.Query().Get("size")); err == nil {
		size = min(max(v, 16), 1024)
	}
	svg := avatarSVG(s.initials(text, name), size)
	h.Set("Content-Type", "image/svg+xml")
	h.Set("Last-Modified", lm)
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = io.WriteString(w, svg)
	}
}

// initials is the first letter of the username, or with NameAvatars up to three initials of the
// display name (UI_Use_Name_Avatar).
func (s *Server) initials(username, name string) string {
	if s.opts.NameAvatars && name != "" {
		var b strings.Builder
		for i, f := range strings.Fields(name) {
			if i == 3 {
				break
			}
			b.WriteString(strings.ToUpper(string([]rune(f)[:1])))
		}
		return b.String()
	}
	rs := []rune(username)
	if len(rs) == 0 {
		return "@"
	}
	return strings.ToUpper(string(rs[0]))
}

var avatarColors = []string{"#F44336", "#E91E63", "#9C27B0", "#673AB7", "#3F51B5", "#2196F3", "#03A9F4", "#00BCD4",
	"#009688", "#4CAF50", "#8BC34A", "#CDDC39", "#FFC107", "#FF9800", "#FF5722", "#795548", "#9E9E9E", "#607D8B"}

// avatarSVG renders Rocket.Chat's letter avatar: a coloured square with centred text.
func avatarSVG(text string, size int) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(text))
	color := avatarColors[h.Sum32()%uint32(len(avatarColors))]
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" pointer-events="none" width="%d" height="%d" viewBox="0 0 200 200">`+
		`<rect width="100%%" height="100%%" fill="%s"/>`+
		`<text x="50%%" y="50%%" dy="0.36em" text-anchor="middle" pointer-events="none" fill="#ffffff" `+
		`font-family="'Helvetica', 'Arial', 'Lucida Grande', 'sans-serif'" font-size="125">%s</text></svg>`,
		size, size, color, html.EscapeString(text))
}

// handleGetAvatar is GET users.getAvatar: 307 to <Site_Url>/avatar/<username> with the URL as a
// JSON string body.
func handleGetAvatar(s *Server, c *call) (map[string]any, error) {
	u, err := s.userFromParams(c.qget)
	if err != nil {
		return nil, err
	}
	base := s.siteURL
	if base == "" {
		scheme := "http"
		if c.r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + c.r.Host
	}
	loc := base + "/avatar/" + url.PathEscape(u.Username)
	c.w.Header().Set("Location", loc)
	writeJSON(c.w, http.StatusTemporaryRedirect, loc)
	return nil, errHandled
}

// handleSetAvatar is POST users.setAvatar, JSON ({avatarUrl}, recorded, not fetched) or multipart
// (file field "image").
func handleSetAvatar(s *Server, c *call) (map[string]any, error) {
	ct, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		if avatarURL := c.bget("avatarUrl"); avatarURL != "" {
			target := c.user
			if !isUserFromParams(c.bget, c.user) {
				if !s.can(c.user, "edit-other-user-avatar") {
					return nil, forbidden()
				}
				u, err := s.userFromParams(c.bget)
				if err != nil {
					return nil, err
				}
				target = u
			}
			target.AvatarURL, target.AvatarOrigin, target.Avatar = avatarURL, "url", nil
			target.AvatarETag, target.UpdatedAt = newETag(), s.clock()
			return nil, nil
		}
		return nil, failure("The 'image' param is required")
	}
	c.r.Body = http.MaxBytesReader(c.w, c.r.Body, maxBodyBytes)
	if err := c.r.ParseMultipartForm(maxBodyBytes); err != nil {
		return nil, failure("The 'image' param is required")
	}
	get := func(k string) string { return c.r.FormValue(k) }
	target := c.user
	if !isUserFromParams(get, c.user) {
		u, err := s.userFromParams(get)
		if err != nil {
			return nil, err
		}
		if !s.can(c.user, "edit-other-user-avatar") {
			return nil, errNotAllowed()
		}
		target = u
	}
	f, fh, err := c.r.FormFile("image")
	if err != nil {
		return nil, failure("The 'image' param is required")
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil || len(data) == 0 {
		return nil, failure("The 'image' param is required")
	}
	typ := fh.Header.Get("Content-Type")
	if typ == "" {
		typ = http.DetectContentType(data)
	}
	now := s.clock()
	target.Avatar = &avatarBlob{ContentType: typ, Data: data, UploadedAt: now.Truncate(time.Second)}
	target.AvatarOrigin, target.AvatarURL = "upload", ""
	target.AvatarETag, target.UpdatedAt = newETag(), now
	return nil, nil
}

// handleResetAvatar is POST users.resetAvatar: the target must be named, even for yourself.
func handleResetAvatar(s *Server, c *call) (map[string]any, error) {
	u, err := s.userFromParams(c.bget)
	if err != nil {
		return nil, err
	}
	if u != c.user && !s.canAny(c.user, []string{"edit-other-user-avatar", "manage-moderation-actions"}) {
		return nil, meteorErr("error-not-allowed", "Reset avatar is not allowed", nil)
	}
	u.Avatar, u.AvatarOrigin, u.AvatarURL, u.AvatarETag = nil, "", "", ""
	u.UpdatedAt = s.clock()
	return nil, nil
}
