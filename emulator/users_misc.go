package emulator

import (
	"time"
)

// preferenceKinds are the keys users.setPreferences accepts (rest-typings 8.8.1, §7.5); any other
// key is a 400.
var preferenceKinds = map[string]kind{
	"newRoomNotification": kString, "newMessageNotification": kString, "clockMode": kNumber, "useEmojis": kBool,
	"convertAsciiEmoji": kBool, "alsoSendThreadToChannel": kString, "saveMobileBandwidth": kBool,
	"collapseMediaByDefault": kBool, "autoImageLoad": kBool, "emailNotificationMode": kString, "unreadAlert": kBool,
	"masterVolume": kNumber, "notificationsSoundVolume": kNumber, "voipRingerVolume": kNumber,
	"desktopNotifications": kString, "pushNotifications": kString, "enableAutoAway": kBool, "highlights": kStringArray,
	"showThreadsInMainChannel": kBool, "desktopNotificationRequireInteraction": kBool, "hideUsernames": kBool,
	"hideRoles": kBool, "displayAvatars": kBool, "hideFlexTab": kBool, "sendOnEnter": kString, "language": kString,
	"sidebarShowFavorites": kBool, "sidebarShowUnread": kBool, "statusVisibilityDenied": kStringArray,
	"sidebarSortby": kString, "sidebarViewMode": kString, "sidebarDisplayAvatar": kBool, "sidebarGroupByType": kBool,
	"muteFocusedConversations": kBool, "dontAskAgainList": kArray, "featuresPreview": kArray,
	"themeAppearence": kString, "fontSize": kString, "receiveLoginDetectionEmail": kBool, "notifyCalendarEvents": kBool,
	"idleTimeLimit": kNumber, "omnichannelTranscriptEmail": kBool, "omnichannelTranscriptPDF": kBool,
	"omnichannelHideConversationAfterClosing": kBool, "enableMobileRinging": kBool, "mentionsWithSymbol": kBool,
	"desktopNotificationVoiceCalls": kBool, "utcOffset": kNumber,
}

// preferencesOut is settings.preferences with language copied in from the user's top level.
func preferencesOut(u *user) map[string]any {
	out := map[string]any{}
	for k, v := range u.Preferences {
		out[k] = v
	}
	lang := u.Language
	if lang == "" {
		lang = "en"
	}
	out["language"] = lang
	return out
}

// handleGetPreferences is GET users.getPreferences; a user without settings gets the server's
// upper-cased "not available" failure.
func handleGetPreferences(s *Server, c *call) (map[string]any, error) {
	if c.user.Preferences == nil {
		return nil, failure("FAILED TO RETRIEVE USER PREFERENCES BECAUSE THEY HAVEN'T BEEN SET UP BY THE USER")
	}
	return map[string]any{"preferences": preferencesOut(c.user)}, nil
}

// handleSetPreferences is POST users.setPreferences: data keys validated against §7.5; another
// user needs edit-other-user-info.
func handleSetPreferences(s *Server, c *call) (map[string]any, error) {
	bs := bodySchema{strict: true, required: []string{"data"}, props: map[string]kind{"data": kObject, "userId": kString}}
	if err := bs.validate(c.body); err != nil {
		return nil, err
	}
	data := c.body["data"].(map[string]any)
	if err := (bodySchema{strict: true, props: preferenceKinds}).validate(data); err != nil {
		return nil, err
	}
	if v, ok := data["alsoSendThreadToChannel"].(string); ok && v != "default" && v != "always" && v != "never" {
		return nil, invalidParams("must be equal to one of the allowed values")
	}
	u := c.user
	if id := c.bget("userId"); id != "" && id != c.user.ID {
		if !s.can(c.user, "edit-other-user-info") {
			return nil, errActionNotAllowed("Editing_user")
		}
		if u = s.st.users[id]; u == nil {
			return nil, meteorErr("error-invalid-user", "Invalid user", nil)
		}
	}
	if u.Preferences == nil {
		u.Preferences = map[string]any{}
	}
	for k, v := range data {
		if k == "language" {
			u.Language = v.(string)
			continue
		}
		u.Preferences[k] = v
	}
	u.UpdatedAt = s.clock()
	return map[string]any{"user": map[string]any{"_id": u.ID, "settings": map[string]any{"preferences": preferencesOut(u)}}}, nil
}

// handleRequestDataDownload is GET users.requestDataDownload: a new export operation unless one
// of the same kind was requested in the last 24 hours (then requested:false and that one).
func handleRequestDataDownload(s *Server, c *call) (map[string]any, error) {
	full := false
	if v, ok := c.q.str("fullExport"); ok {
		if v != "true" && v != "false" {
			return nil, invalidParams("must be equal to one of the allowed values")
		}
		full = v == "true"
	} else if c.q.has("fullExport") {
		return nil, invalidParams("must be string")
	}
	now := s.clock()
	for i := len(s.st.exports) - 1; i >= 0; i-- {
		op := s.st.exports[i]
		if op.UserID == c.user.ID && op.FullExport == full && now.Sub(op.CreatedAt) < 24*time.Hour {
			return s.exportResponse(op, false), nil
		}
	}
	op := &exportOp{ID: s.st.newID(), UserID: c.user.ID, FullExport: full, CreatedAt: now}
	s.st.exports = append(s.st.exports, op)
	return s.exportResponse(op, true), nil
}

func (s *Server) exportResponse(op *exportOp, requested bool) map[string]any {
	pending := 0
	for _, o := range s.st.exports {
		if o != op && o.CreatedAt.Before(op.CreatedAt) && s.clock().Sub(o.CreatedAt) < 24*time.Hour {
			pending++
		}
	}
	return map[string]any{
		"requested": requested,
		"exportOperation": map[string]any{
			"_id": op.ID, "createdAt": isoDate(op.CreatedAt), "_updatedAt": isoDate(op.CreatedAt), "userId": op.UserID,
			"fullExport": op.FullExport, "status": "pending", "roomList": []any{}, "fileList": []any{},
			"exportPath": "/tmp/userData/" + op.ID, "assetsPath": "/tmp/userData/" + op.ID + "/assets",
		},
		"url": nil, "pendingOperationsBeforeMyRequest": pending,
	}
}

// handleForgotPassword is POST users.forgotPassword (no auth): always success, whether or not an
// account has that address.
func handleForgotPassword(s *Server, c *call) (map[string]any, error) {
	if _, ok := c.body["email"].(string); !ok {
		return nil, failure("The 'email' param is required")
	}
	return nil, nil
}

// handleSendWelcomeEmail is POST users.sendWelcomeEmail; SMTP counts as configured, so the only
// failures are a malformed address and an unknown one.
func handleSendWelcomeEmail(s *Server, c *call) (map[string]any, error) {
	bs := bodySchema{strict: true, required: []string{"email"}, props: map[string]kind{"email": kString}}
	if err := bs.validate(c.body); err != nil {
		return nil, err
	}
	mail := c.bget("email")
	if !emailPattern.MatchString(mail) {
		return nil, invalidParams(`must match format "email"`)
	}
	if s.st.byEmail(mail) == nil {
		return nil, meteorErr("error-invalid-user", "Invalid user", map[string]any{"method": "sendWelcomeEmail"})
	}
	return nil, nil
}

// preReportUser is moderation.reportUser's typed body validation (before auth).
func preReportUser(c *call) error {
	bs := bodySchema{strict: true, required: []string{"userId", "description"}, props: map[string]kind{"userId": kString, "description": kNonEmptyString}}
	if msgs := bs.check(c.body); len(msgs) > 0 {
		return typedInvalidParams(msgs...)
	}
	return nil
}

// handleReportUser is POST moderation.reportUser: any logged-in user may report another.
func handleReportUser(s *Server, c *call) (map[string]any, error) {
	target := s.st.users[c.bget("userId")]
	if target == nil {
		return nil, failure("Invalid user id provided.")
	}
	s.st.reports = append(s.st.reports, report{ReporterID: c.user.ID, TargetID: target.ID, Description: c.bget("description"), At: s.clock()})
	return nil, nil
}
