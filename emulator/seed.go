package emulator

import (
	"fmt"
	"strings"
	"time"
)

// Demo data. Everything below comes from one fixed seed and fixed dates, so two New() calls with
// the same Options produce identical users, ids, teams and timestamps.
//
// Fixed accounts (all with password DemoPassword):
//   - admin: roles admin,user — every permission.
//   - demo: role user.
//   - totp: role user with TOTP enabled, secret TOTPSecret (RFC 6238, SHA-1, 30 s, 6 digits).
//   - rocket.cat: the bot (roles bot), as on every Rocket.Chat server.
//
// Generated users (Options.Users, default 200): varied names, statuses online/away/busy/offline,
// about one in twelve deactivated, about one in fifteen bots, utcOffsets from -8 to +10 (a few
// fractional, like India's 5.5), createdAt/lastLogin spread over 2023-2025; some never logged in.
const (
	// DemoPassword is the plain password of the fixed demo accounts.
	DemoPassword = "demo1234"
	// TOTPSecret is the base32 TOTP secret of the demo user "totp".
	TOTPSecret = "JBSWY3DPEHPK3PXP"

	defaultGeneratedUsers = 200
	seedValue             = 20240501
)

var (
	seedBase     = time.Date(2023, 1, 2, 9, 0, 0, 0, time.UTC)
	seedUpdated  = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	seedLastSeen = time.Date(2025, 5, 30, 8, 0, 0, 0, time.UTC)
)

var (
	firstNames = []string{"Jane", "John", "Aiko", "Carlos", "Fatima", "Lars", "Priya", "Mateus", "Olga", "Wei",
		"Amara", "Diego", "Elif", "Noah", "Sofia", "Kwame", "Ingrid", "Ravi", "Yuki", "Hannah",
		"Omar", "Lucía", "Pierre", "Zanele", "Tomasz", "Mei", "Sven", "Ana", "Kofi", "Leila"}
	lastNames = []string{"Doe", "Smith", "Tanaka", "Silva", "Khan", "Jensen", "Patel", "Costa", "Ivanova", "Zhang",
		"Okafor", "García", "Yılmaz", "Müller", "Rossi", "Mensah", "Berg", "Sharma", "Sato", "Schmidt",
		"Haddad", "López", "Martin", "Dlamini", "Nowak", "Chen", "Lind", "Souza", "Boateng", "Karimi"}
	statuses  = []string{"online", "away", "busy", "offline", "offline"}
	offsets   = []float64{-8, -5, -3, 0, 0, 1, 1, 2, 3, 5.5, 8, 9, 10}
	bioLines  = []string{"", "Engineer", "Support lead", "Likes coffee", "On call this week", "Designer", ""}
	statusTxt = []string{"", "", "In a meeting", "Lunch", "Focusing", ""}
)

// defaultPreferences are the settings.preferences a seeded user starts with.
func defaultPreferences() map[string]any {
	return map[string]any{
		"newRoomNotification": "door", "newMessageNotification": "chime", "useEmojis": true,
		"convertAsciiEmoji": true, "saveMobileBandwidth": true, "collapseMediaByDefault": false,
		"autoImageLoad": true, "emailNotificationMode": "mentions", "unreadAlert": true,
		"notificationsSoundVolume": 100, "desktopNotifications": "default", "pushNotifications": "default",
		"enableAutoAway": true, "highlights": []any{}, "hideUsernames": false, "hideRoles": false,
		"displayAvatars": true, "hideFlexTab": false, "sendOnEnter": "normal", "idleTimeLimit": 300,
		"sidebarShowFavorites": true, "sidebarShowUnread": false, "sidebarSortby": "activity",
		"sidebarViewMode": "medium", "sidebarDisplayAvatar": true, "sidebarGroupByType": true,
		"muteFocusedConversations": true, "themeAppearence": "auto", "clockMode": 0,
	}
}

func seed(generated int) *store {
	st := newStore(seedValue)
	pw := sha256Hex(DemoPassword)
	fixed := func(username, name string, roles []string, typ, status string, off float64, day int) *user {
		created := seedBase.AddDate(0, 0, day)
		last := seedLastSeen.Add(-time.Duration(day) * time.Hour)
		u := &user{
			ID: st.newID(), Username: username, Name: name, Type: typ, Active: true, Roles: roles,
			Status: status, StatusDefault: status, StatusConnection: status, UTCOffset: off,
			Language: "en", CreatedAt: created, UpdatedAt: seedUpdated, LastLogin: &last,
			Emails:      []email{{Address: username + "@example.com", Verified: true}},
			Preferences: defaultPreferences(), PasswordSHA: pw, StatusSource: "internal",
		}
		st.add(u)
		return u
	}
	admin := fixed("admin", "Administrator", []string{"admin", "user"}, "user", "online", 0, 0)
	demo := fixed("demo", "Demo User", []string{"user"}, "user", "online", 2, 1)
	totpUser := fixed("totp", "TOTP Demo", []string{"user"}, "user", "away", 1, 2)
	totpUser.TOTPEnabled, totpUser.TOTPSecret = true, TOTPSecret
	cat := fixed("rocket.cat", "Rocket.Cat", []string{"bot"}, "bot", "online", 0, 0)
	cat.Emails, cat.PasswordSHA, cat.LastLogin, cat.Preferences = nil, "", nil, nil

	rng := st.rng
	for i := range generated {
		first := firstNames[rng.IntN(len(firstNames))]
		last := lastNames[rng.IntN(len(lastNames))]
		name := first + " " + last
		username := fmt.Sprintf("%s.%s%d", asciiSlug(first), asciiSlug(last), i+1)
		typ, roles := "user", []string{"user"}
		if rng.IntN(15) == 0 {
			typ, roles = "bot", []string{"bot"}
			username = fmt.Sprintf("bot.%s%d", asciiSlug(last), i+1)
			name = last + " Bot"
		}
		status := statuses[rng.IntN(len(statuses))]
		created := seedBase.Add(time.Duration(rng.IntN(700*24)) * time.Hour)
		u := &user{
			ID: st.newID(), Username: username, Name: name, Type: typ, Active: true, Roles: roles,
			Status: status, StatusDefault: status, StatusConnection: status, StatusSource: "internal",
			UTCOffset: offsets[rng.IntN(len(offsets))], Language: "en", CreatedAt: created,
			UpdatedAt: seedUpdated, Bio: bioLines[rng.IntN(len(bioLines))], StatusText: statusTxt[rng.IntN(len(statusTxt))],
			Emails:      []email{{Address: username + "@example.com", Verified: rng.IntN(4) != 0}},
			PasswordSHA: sha256Hex("password-" + username),
		}
		if rng.IntN(6) != 0 {
			l := created.Add(time.Duration(rng.IntN(400*24)) * time.Hour)
			if l.After(seedLastSeen) {
				l = seedLastSeen
			}
			u.LastLogin = &l
		}
		if rng.IntN(10) != 0 {
			u.Preferences = defaultPreferences()
		}
		if rng.IntN(12) == 0 {
			reason := "deactivated"
			u.Active, u.InactiveReason, u.Status, u.StatusConnection = false, &reason, "offline", "offline"
		}
		if typ == "bot" {
			u.Emails, u.PasswordSHA = nil, ""
		}
		st.add(u)
	}

	st.general = &room{ID: "GENERAL", Name: "general", T: "c"}
	st.rooms[st.general.ID] = st.general
	others := st.order[4:]
	mk := func(name string, typ int, owner *user, day int, every int) {
		t := &team{ID: st.newID(), Name: name, Type: typ, RoomID: st.newID(), CreatedBy: owner.ID,
			CreatedAt: seedBase.AddDate(0, 1, day), UpdatedAt: seedUpdated, Members: map[string]bool{}}
		t.Members[owner.ID] = true
		t.Order = append(t.Order, owner.ID)
		for i, id := range others {
			if every > 0 && i%every == 0 {
				t.Members[id] = false
				t.Order = append(t.Order, id)
			}
		}
		st.teams = append(st.teams, t)
		rt := "c"
		if typ == 1 {
			rt = "p"
		}
		st.rooms[t.RoomID] = &room{ID: t.RoomID, Name: name, T: rt}
	}
	mk("engineering", 0, admin, 0, 3)
	mk("design", 1, admin, 3, 7)
	mk("support", 0, demo, 5, 5)
	mk("leadership", 1, admin, 9, 0)
	st.teams[0].Members[demo.ID] = false
	st.teams[0].Order = append(st.teams[0].Order, demo.ID)
	st.teams[2].Members[totpUser.ID] = false
	st.teams[2].Order = append(st.teams[2].Order, totpUser.ID)
	return st
}

// asciiSlug lower-cases and folds the few accented letters of the name lists into usernames that
// pass Rocket.Chat's default username pattern.
func asciiSlug(s string) string {
	r := strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ü", "u", "ı", "i", "ç", "c", "ã", "a")
	return r.Replace(strings.ToLower(s))
}
