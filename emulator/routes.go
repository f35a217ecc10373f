package emulator

// buildRoutes is the endpoint table: auth, route-level permissions, 2FA and query validators as
// registered in users.ts / moderation.ts (behaviour doc §8). Handlers live in users_*.go.
func buildRoutes() map[string]*route {
	list := []*route{
		{name: "login", method: "POST", h: handleLogin},

		// lookup and listing (users_read.go)
		{name: "users.info", method: "GET", auth: true, h: handleInfo,
			queryKeys: []string{"userId", "username", "importId", "email", "freeSwitchExtension", "includeUserRooms", "fields"}},
		{name: "users.list", method: "GET", auth: true, perms: []string{"view-d-room"}, h: handleList,
			queryKeys: []string{"fields", "query", "count", "offset", "sort", "email"}},
		{name: "users.listByStatus", method: "GET", auth: true, perms: []string{"view-d-room"}, h: handleListByStatus},
		{name: "users.autocomplete", method: "GET", auth: true, h: handleAutocomplete},
		{name: "users.listTeams", method: "GET", auth: true, h: handleListTeams},
		{name: "users.checkUsernameAvailability", method: "GET", auth: true, h: handleCheckUsername},
		{name: "users.getUsernameSuggestion", method: "GET", auth: true, h: handleUsernameSuggestion},

		// presence and status (users_presence.go)
		{name: "users.presence", method: "GET", auth: true, h: handlePresence, queryKeys: []string{"from", "ids"}},
		{name: "users.getPresence", method: "GET", auth: true, h: handleGetPresence, queryKeys: []string{"userId", "username", "user"}},
		{name: "users.getStatus", method: "GET", auth: true, h: handleGetStatus, queryKeys: []string{"userId", "username", "user"}},
		{name: "users.setStatus", method: "POST", auth: true, h: handleSetStatus, limitCalls: 5},

		// avatar (avatar.go)
		{name: "users.getAvatar", method: "GET", auth: true, h: handleGetAvatar, queryKeys: []string{"userId", "username", "user"}},
		{name: "users.setAvatar", method: "POST", auth: true, h: handleSetAvatar},
		{name: "users.resetAvatar", method: "POST", auth: true, h: handleResetAvatar},

		// create / update (users_write.go)
		{name: "users.create", method: "POST", auth: true, h: handleCreate},
		{name: "users.register", method: "POST", h: handleRegister, limitCalls: 1},
		{name: "users.update", method: "POST", auth: true, twoFactor: true, h: handleUpdate},
		{name: "users.updateOwnBasicInfo", method: "POST", auth: true, h: handleUpdateOwnBasicInfo, limitCalls: 1},
		{name: "users.setActiveStatus", method: "POST", auth: true,
			anyPerm: []string{"edit-other-user-active-status", "manage-moderation-actions"}, h: handleSetActiveStatus},
		{name: "users.deactivateIdle", method: "POST", auth: true, perms: []string{"edit-other-user-active-status"}, h: handleDeactivateIdle},
		{name: "users.delete", method: "POST", auth: true, perms: []string{"delete-user"}, h: handleDelete},
		{name: "users.deleteOwnAccount", method: "POST", auth: true, h: handleDeleteOwnAccount},

		// preferences, data, mail, moderation (users_misc.go)
		{name: "users.getPreferences", method: "GET", auth: true, h: handleGetPreferences},
		{name: "users.setPreferences", method: "POST", auth: true, h: handleSetPreferences},
		{name: "users.requestDataDownload", method: "GET", auth: true, h: handleRequestDataDownload, queryKeys: []string{"fullExport"}},
		{name: "users.forgotPassword", method: "POST", h: handleForgotPassword},
		{name: "users.sendWelcomeEmail", method: "POST", auth: true, perms: []string{"send-mail"}, h: handleSendWelcomeEmail},
		{name: "moderation.reportUser", method: "POST", auth: true, preAuth: preReportUser, h: handleReportUser},

		// tokens and sessions (users_tokens.go)
		{name: "users.createToken", method: "POST", auth: true, preAuth: preCreateToken, h: handleCreateToken},
		{name: "users.generatePersonalAccessToken", method: "POST", auth: true, twoFactor: true, h: handleGeneratePAT},
		{name: "users.regeneratePersonalAccessToken", method: "POST", auth: true, twoFactor: true, h: handleRegeneratePAT},
		{name: "users.removePersonalAccessToken", method: "POST", auth: true, twoFactor: true, h: handleRemovePAT},
		{name: "users.getPersonalAccessTokens", method: "GET", auth: true, perms: []string{"create-personal-access-tokens"}, h: handleListPATs},
		{name: "users.logout", method: "POST", auth: true, h: handleLogout},
		{name: "users.logoutOtherClients", method: "POST", auth: true, h: handleLogoutOtherClients},
		{name: "users.removeOtherTokens", method: "POST", auth: true, h: handleRemoveOtherTokens},
		{name: "users.resetE2EKey", method: "POST", auth: true, twoFactor: true, h: handleResetE2EKey},
		{name: "users.resetTOTP", method: "POST", auth: true, twoFactor: true, h: handleResetTOTP},
	}
	m := make(map[string]*route, len(list))
	for _, r := range list {
		m[r.method+" "+r.name] = r
	}
	return m
}
