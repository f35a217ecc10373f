package emulator

import (
	"time"
)

// isoDate is the JSON form of every Date: ISO-8601 UTC with milliseconds.
func isoDate(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// fullDoc is the user document as stored (minus secrets), before any projection. The projections
// below only ever remove keys from it.
func fullDoc(u *user) map[string]any {
	d := map[string]any{
		"_id": u.ID, "type": u.Type, "active": u.Active, "roles": append([]string{}, u.Roles...),
		"createdAt": isoDate(u.CreatedAt), "_updatedAt": isoDate(u.UpdatedAt),
		"status": u.Status, "utcOffset": u.UTCOffset,
	}
	set := func(k, v string) {
		if v != "" {
			d[k] = v
		}
	}
	set("username", u.Username)
	set("name", u.Name)
	set("nickname", u.Nickname)
	set("bio", u.Bio)
	set("reason", u.Reason)
	set("statusDefault", u.StatusDefault)
	set("statusConnection", u.StatusConnection)
	set("statusSource", u.StatusSource)
	set("language", u.Language)
	set("avatarETag", u.AvatarETag)
	set("avatarOrigin", u.AvatarOrigin)
	set("avatarUrl", u.AvatarURL)
	set("freeSwitchExtension", u.FreeSwitchExtension)
	d["statusText"] = u.StatusText
	if u.StatusExpiresAt != nil {
		d["statusExpiresAt"] = isoDate(*u.StatusExpiresAt)
	}
	if len(u.Emails) > 0 {
		em := make([]any, 0, len(u.Emails))
		for _, e := range u.Emails {
			em = append(em, map[string]any{"address": e.Address, "verified": e.Verified})
		}
		d["emails"] = em
	}
	if u.InactiveReason != nil {
		d["inactiveReason"] = *u.InactiveReason
	} else if u.InactiveReasonNull {
		d["inactiveReason"] = nil
	}
	if u.LastLogin != nil {
		d["lastLogin"] = isoDate(*u.LastLogin)
	}
	if u.CustomFields != nil {
		d["customFields"] = u.CustomFields
	}
	if u.Preferences != nil {
		d["settings"] = map[string]any{"preferences": u.Preferences, "profile": map[string]any{}}
	}
	d["requirePasswordChange"] = u.RequirePassChange
	return d
}

// privateFields are hidden on /v1/users.* routes from callers without view-full-other-user-info
// (parseJsonQuery's forced projection, §4); services and inviteToken are hidden from everybody.
var privateFields = []string{"avatarOrigin", "emails", "phone", "statusConnection", "createdAt", "lastLogin",
	"services", "requirePasswordChange", "requirePasswordChangeReason", "roles", "statusDefault", "_updatedAt",
	"settings", "inviteToken", "customFields"}

// forcedProjection applies §4 for the caller: what users.create/update/register return.
func (s *Server) forcedProjection(caller *user, d map[string]any) map[string]any {
	if s.can(caller, "view-full-other-user-info") {
		delete(d, "services")
		delete(d, "inviteToken")
		return d
	}
	for _, k := range privateFields {
		delete(d, k)
	}
	return d
}

// infoDoc is users.info's view (getFullUserData): a public base set for everybody; emails,
// roles, dates, custom fields for the user itself or privileged callers; services (password
// collapsed to true) only for the user itself. canViewAllInfo is always present.
func (s *Server) infoDoc(caller, u *user) map[string]any {
	full := fullDoc(u)
	self := caller != nil && caller.ID == u.ID
	all := self || s.can(caller, "view-full-other-user-info")
	d := map[string]any{}
	for _, k := range []string{"_id", "name", "username", "nickname", "status", "utcOffset", "type", "active",
		"bio", "reason", "statusText", "avatarETag", "federated", "statusLivechat", "inactiveReason"} {
		if v, ok := full[k]; ok {
			d[k] = v
		}
	}
	if v, ok := full["freeSwitchExtension"]; ok && (self || s.can(caller, "view-user-voip-extension")) {
		d["freeSwitchExtension"] = v
	}
	if all {
		for _, k := range []string{"emails", "phone", "statusConnection", "createdAt", "lastLogin",
			"requirePasswordChange", "requirePasswordChangeReason", "roles", "customFields"} {
			if v, ok := full[k]; ok {
				d[k] = v
			}
		}
	}
	if self {
		svc := map[string]any{"totp": map[string]any{"enabled": u.TOTPEnabled}, "email2fa": map[string]any{"enabled": false}}
		if u.PasswordSHA != "" {
			svc["password"] = true
		}
		d["services"] = svc
		if v, ok := full["settings"]; ok {
			d["settings"] = v
		}
		if v, ok := full["language"]; ok {
			d["language"] = v
		}
		d["statusDefault"] = u.StatusDefault
	}
	d["canViewAllInfo"] = all
	return d
}

// listItem is one users.list entry (§8.1): the aggregation's fields plus nameInsensitive, with
// emails/roles/lastLogin only for privileged callers.
func (s *Server) listItem(caller, u *user) map[string]any {
	full := fullDoc(u)
	d := map[string]any{}
	for _, k := range []string{"_id", "name", "username", "status", "active", "avatarETag", "type"} {
		if v, ok := full[k]; ok {
			d[k] = v
		}
	}
	if u.Name != "" {
		d["nameInsensitive"] = lower(u.Name)
	}
	if s.can(caller, "view-full-other-user-info") {
		for _, k := range []string{"emails", "roles", "lastLogin"} {
			if v, ok := full[k]; ok {
				d[k] = v
			}
		}
	}
	return d
}

// presenceEntry is one users.presence entry (§7.2).
func presenceEntry(u *user) map[string]any {
	d := map[string]any{"_id": u.ID, "status": u.Status, "utcOffset": u.UTCOffset, "statusText": u.StatusText}
	if u.Username != "" {
		d["username"] = u.Username
	}
	if u.Name != "" {
		d["name"] = u.Name
	}
	if u.AvatarETag != "" {
		d["avatarETag"] = u.AvatarETag
	}
	if u.StatusSource != "" {
		d["statusSource"] = u.StatusSource
	}
	if u.StatusExpiresAt != nil {
		d["statusExpiresAt"] = isoDate(*u.StatusExpiresAt)
	}
	return d
}

// ownDoc is the caller's own document with only the default exclusions (joinCode, members,
// importIds, e2e): what users.updateOwnBasicInfo returns, services included, as the real server
// does. The bcrypt value is an opaque stand-in derived from the stored digest.
func ownDoc(u *user) map[string]any {
	d := fullDoc(u)
	tokens := make([]any, 0, len(u.Tokens))
	for _, t := range u.Tokens {
		if t.PAT {
			tokens = append(tokens, map[string]any{"hashedToken": t.Hashed, "type": "personalAccessToken", "createdAt": isoDate(t.CreatedAt),
				"lastTokenPart": t.LastTokenPart, "name": t.Name, "bypassTwoFactor": t.Bypass2FA})
			continue
		}
		tokens = append(tokens, map[string]any{"when": isoDate(t.When), "hashedToken": t.Hashed})
	}
	svc := map[string]any{
		"email2fa": map[string]any{"enabled": false},
		"totp":     map[string]any{"enabled": u.TOTPEnabled},
		"resume":   map[string]any{"loginTokens": tokens},
	}
	if u.PasswordSHA != "" {
		svc["password"] = map[string]any{"bcrypt": "$2b$10$" + hashToken(u.PasswordSHA)[:43]}
	}
	d["services"] = svc
	return d
}
