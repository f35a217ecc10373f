package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	mrand "math/rand/v2"
	"sort"
	"strings"
	"time"
)

// user is the emulator's record of one Rocket.Chat user (core-typings IUser, §7.1). JSON is built
// from it by the projections in project.go, never by marshalling it directly, so private fields
// cannot leak by accident.
type user struct {
	ID                  string
	Username            string
	Name                string
	Nickname            string
	Bio                 string
	Emails              []email
	Type                string // user | bot
	Active              bool
	InactiveReason      *string
	InactiveReasonNull  bool // inactiveReason explicitly null after re-activation
	Reason              string
	Roles               []string
	Status              string
	StatusDefault       string
	StatusConnection    string
	StatusText          string
	StatusSource        string
	StatusExpiresAt     *time.Time
	UTCOffset           float64
	Language            string
	CreatedAt           time.Time
	UpdatedAt           time.Time
	LastLogin           *time.Time
	AvatarETag          string
	AvatarOrigin        string
	AvatarURL           string
	Avatar              *avatarBlob
	CustomFields        map[string]any
	Preferences         map[string]any // nil: the user has no settings at all
	PasswordSHA         string         // lower-case hex SHA-256 of the plain password; "" = no password
	TOTPSecret          string         // base32; used only when TOTPEnabled
	TOTPEnabled         bool
	E2EKey              bool
	RequirePassChange   bool
	FreeSwitchExtension string
	Tokens              []*loginToken
}

type email struct {
	Address  string
	Verified bool
}

// loginToken is an entry of services.resume.loginTokens: a login token or a personal access token
// (PAT). Only the Meteor hash of the secret is kept, like the real server.
type loginToken struct {
	Hashed        string
	When          time.Time // login tokens
	PAT           bool
	Name          string
	CreatedAt     time.Time
	LastTokenPart string
	Bypass2FA     bool
}

type avatarBlob struct {
	ContentType string
	Data        []byte
	UploadedAt  time.Time
}

// team is a Rocket.Chat team with its main room; Members maps user id → owner flag.
type team struct {
	ID        string
	Name      string
	Type      int // 0 public, 1 private
	RoomID    string
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
	Members   map[string]bool
	Order     []string
}

// room is a channel a user can be subscribed to (GENERAL plus one per team).
type room struct {
	ID   string
	Name string
	T    string // c | p
}

type exportOp struct {
	ID         string
	UserID     string
	FullExport bool
	CreatedAt  time.Time
}

type report struct {
	ReporterID, TargetID, Description string
	At                                time.Time
}

// store is all emulator state. Every access happens with Server.mu held.
type store struct {
	rng     *mrand.Rand // deterministic ids, also for records created at run time
	users   map[string]*user
	order   []string // insertion order, for stable iteration
	teams   []*team
	rooms   map[string]*room
	general *room
	exports []*exportOp
	reports []report
	subIDs  map[string]string // user+room → subscription id
}

func newStore(seed uint64) *store {
	return &store{
		rng:    mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		users:  map[string]*user{},
		rooms:  map[string]*room{},
		subIDs: map[string]string{},
	}
}

// unmistakable is Meteor's Random.id alphabet.
const unmistakable = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"

// newID returns a 17-character Meteor-style id from the store's deterministic generator.
func (st *store) newID() string {
	var b strings.Builder
	for range 17 {
		b.WriteByte(unmistakable[st.rng.IntN(len(unmistakable))])
	}
	return b.String()
}

func (st *store) add(u *user) {
	st.users[u.ID] = u
	st.order = append(st.order, u.ID)
}

func (st *store) remove(id string) {
	delete(st.users, id)
	for i, v := range st.order {
		if v == id {
			st.order = append(st.order[:i], st.order[i+1:]...)
			break
		}
	}
	for _, t := range st.teams {
		if _, ok := t.Members[id]; ok {
			delete(t.Members, id)
			for i, v := range t.Order {
				if v == id {
					t.Order = append(t.Order[:i], t.Order[i+1:]...)
					break
				}
			}
		}
	}
}

// all returns users in insertion order.
func (st *store) all() []*user {
	out := make([]*user, 0, len(st.order))
	for _, id := range st.order {
		out = append(out, st.users[id])
	}
	return out
}

// byUsername matches case-insensitively, like getUserFromParams.
func (st *store) byUsername(name string) *user {
	for _, id := range st.order {
		if u := st.users[id]; strings.EqualFold(u.Username, name) {
			return u
		}
	}
	return nil
}

func (st *store) byEmail(addr string) *user {
	for _, id := range st.order {
		for _, e := range st.users[id].Emails {
			if strings.EqualFold(e.Address, addr) {
				return st.users[id]
			}
		}
	}
	return nil
}

func (st *store) teamsOf(uid string) []*team {
	var out []*team
	for _, t := range st.teams {
		if _, ok := t.Members[uid]; ok {
			out = append(out, t)
		}
	}
	return out
}

// soleOwnerTeams lists the teams where uid is the only owner and other members exist: the
// "last owner" rule of setActiveStatus/delete.
func (st *store) soleOwnerTeams(uid string) []*team {
	var out []*team
	for _, t := range st.teams {
		if !t.Members[uid] {
			continue
		}
		owners := 0
		for _, owner := range t.Members {
			if owner {
				owners++
			}
		}
		if owners == 1 && len(t.Members) > 1 {
			out = append(out, t)
		}
	}
	return out
}

// sharesRoom reports whether two users are members of a common room (GENERAL counts only for
// active users, who all join it).
func (st *store) sharesRoom(a, b string) bool {
	for _, t := range st.teams {
		_, okA := t.Members[a]
		_, okB := t.Members[b]
		if okA && okB {
			return true
		}
	}
	return false
}

func (st *store) subscriptionID(uid, rid string) string {
	k := uid + "/" + rid
	if id, ok := st.subIDs[k]; ok {
		return id
	}
	id := st.newID()
	st.subIDs[k] = id
	return id
}

// hashToken is Meteor's Accounts._hashLoginToken: base64(SHA-256(token)).
func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// sha256Hex is the digest the password 2FA method and deleteOwnAccount expect.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// newSecret is Meteor's Random.secret(): 43 characters from a base64url alphabet, from crypto/rand.
func newSecret() (string, error) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var b strings.Builder
	for range 43 {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", err
		}
		b.WriteByte(alphabet[n.Int64()])
	}
	return b.String(), nil
}

// newETag returns a fresh avatarETag (random, so a changed avatar never reuses an old cache key).
func newETag() string {
	s, err := newSecret()
	if err != nil {
		return "etag"
	}
	return s[:17]
}

func hasRole(u *user, role string) bool {
	for _, r := range u.Roles {
		if r == role {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
