package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"

	"github.com/rocketgql/rocketgql/graph/model"
	"github.com/rocketgql/rocketgql/restclient"
)

// fullUser wraps a record that came from a complete look-up (users.info, login, writes).
func (r *Resolver) fullUser(u *restclient.User) *model.User {
	return &model.User{ID: u.ID, Record: u, Complete: true, AvatarBase: r.avatarBase}
}

// partialUser wraps a record from a listing or a reference; materialize completes it.
func (r *Resolver) partialUser(u *restclient.User) model.User {
	return model.User{ID: u.ID, Record: u, AvatarBase: r.avatarBase}
}

// userByID resolves a user through the operation's loader, so repeated and aliased look-ups of
// one operation share one batch.
func (r *Resolver) userByID(ctx context.Context, id string) (*model.User, error) {
	l, err := loadersFrom(ctx)
	if err != nil {
		return nil, err
	}
	u, err := l.UserByID.Load(ctx, id)()
	if err != nil {
		return nil, err
	}
	return r.fullUser(u), nil
}

func (r *Resolver) userByUsername(ctx context.Context, name string) (*model.User, error) {
	l, err := loadersFrom(ctx)
	if err != nil {
		return nil, err
	}
	u, err := l.UserByUsername.Load(ctx, name)()
	if err != nil {
		return nil, err
	}
	return r.fullUser(u), nil
}

// listCarried tells, for the User fields a list item may carry, whether a record has it. A
// selected field not named here (nickname, bio, createdAt, ...) is never in list items.
var listCarried = map[string]func(u *restclient.User) bool{
	"__typename": nil, "id": nil, "avatarUrl": nil, "teams": nil,
	"username":   func(u *restclient.User) bool { return u.Username != "" },
	"name":       func(u *restclient.User) bool { return u.Name != "" },
	"status":     func(u *restclient.User) bool { return u.Status != "" },
	"active":     func(u *restclient.User) bool { return u.Active != nil },
	"type":       func(u *restclient.User) bool { return u.Type != "" },
	"avatarETag": func(u *restclient.User) bool { return u.AvatarETag != "" },
	// Carried for callers with view-full-other-user-info only.
	"emails":    func(u *restclient.User) bool { return u.Emails != nil },
	"roles":     func(u *restclient.User) bool { return u.Roles != nil },
	"lastLogin": func(u *restclient.User) bool { return u.LastLogin != nil },
}

// need is what a selection asks of a set of partial users.
type need struct {
	full     bool // a field some records lack: fetch full records
	presence bool // only statuses missing: one users.presence call
}

func needsOf(op *graphql.OperationContext, fields []graphql.CollectedField, users []model.User) need {
	var n need
	missing := func(has func(*restclient.User) bool) bool {
		for i := range users {
			if !users[i].Complete && !has(users[i].Record) {
				return true
			}
		}
		return false
	}
	for _, f := range fields {
		if f.Name == "presence" {
			for _, pf := range graphql.CollectFields(op, f.Selections, nil) {
				if pf.Name == "statusText" && missing(func(u *restclient.User) bool { return false }) {
					n.full = true // a listing does not carry the status text
				}
			}
			if missing(func(u *restclient.User) bool { return u.Status != "" }) {
				n.presence = true
			}
			continue
		}
		has, known := listCarried[f.Name]
		if !known || (has != nil && missing(has)) {
			n.full = true
		}
	}
	return n
}

// materialize makes every user carry the fields selected on it before gqlgen reads them (User
// fields are plain methods, not resolvers): when a selected field is missing from some records,
// their full records come in one batch; when only statuses are missing, one users.presence call
// gives them. A user that cannot be completed keeps what it has, with the error on the list.
func (r *Resolver) materialize(ctx context.Context, users []model.User, fields []graphql.CollectedField) {
	if len(users) == 0 || len(fields) == 0 {
		return
	}
	n := needsOf(graphql.GetOperationContext(ctx), fields, users)
	switch {
	case n.full:
		r.completeUsers(ctx, users)
	case n.presence:
		r.fillPresence(ctx, users)
	}
}

func partialIDs(users []model.User, want func(*model.User) bool) []string {
	ids := make([]string, 0, len(users))
	seen := make(map[string]bool, len(users))
	for i := range users {
		if want(&users[i]) && !seen[users[i].ID] {
			seen[users[i].ID] = true
			ids = append(ids, users[i].ID)
		}
	}
	return ids
}

func (r *Resolver) completeUsers(ctx context.Context, users []model.User) {
	l, err := loadersFrom(ctx)
	if err != nil {
		graphql.AddError(ctx, err)
		return
	}
	full := make(map[string]*restclient.User, len(users))
	var ids []string // not fetched yet in this operation
	for _, id := range partialIDs(users, func(u *model.User) bool { return !u.Complete }) {
		if rec, ok := cached(ctx, l.users, id); ok {
			full[id] = rec
		} else {
			ids = append(ids, id)
		}
	}
	for i, res := range r.fetchUsersByID(ctx, l, ids) {
		if res.Error != nil {
			graphql.AddError(ctx, fmt.Errorf("user %s: %w", ids[i], res.Error))
			continue
		}
		full[ids[i]] = res.Data
		l.UserByID.Prime(ctx, ids[i], res.Data)
	}
	for i := range users {
		if rec, ok := full[users[i].ID]; ok && !users[i].Complete {
			users[i].Record, users[i].Complete = rec, true
		}
	}
}

func (r *Resolver) fillPresence(ctx context.Context, users []model.User) {
	ids := partialIDs(users, func(u *model.User) bool { return u.Record.Status == "" })
	entries, err := r.loadPresence(ctx, ids)
	if err != nil {
		graphql.AddError(ctx, err)
		return
	}
	for i := range users {
		if users[i].Record.Status != "" {
			continue
		}
		rec := *users[i].Record // records may be shared: copy, never write through
		rec.Status = "offline"  // users.presence leaves offline users out
		if e := entries[users[i].ID]; e != nil {
			rec.Status = e.Status
		}
		users[i].Record = &rec
	}
}

// loadPresence fetches the presence of ids in one users.presence call per chunk of distinct ids,
// directly rather than through the loader's timing window, and primes the loader with the answers.
// A nil entry means offline.
func (r *Resolver) loadPresence(ctx context.Context, ids []string) (map[string]*restclient.PresenceEntry, error) {
	distinct := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			distinct = append(distinct, id)
		}
	}
	l, err := loadersFrom(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*restclient.PresenceEntry, len(distinct))
	missing := distinct[:0:0]
	for _, id := range distinct {
		if e, ok := cached(ctx, l.presence, id); ok {
			out[id] = e
		} else {
			missing = append(missing, id)
		}
	}
	for i, res := range r.batchPresence(ctx, missing) {
		if res.Error != nil {
			return nil, res.Error
		}
		out[missing[i]] = res.Data
		l.PresenceByID.Prime(ctx, missing[i], res.Data)
	}
	return out, nil
}

// subfields collects the selection under the named field of the current field's selection,
// following `path` (e.g. "edges", "node").
func subfields(ctx context.Context, path ...string) []graphql.CollectedField {
	op := graphql.GetOperationContext(ctx)
	fields := graphql.CollectFieldsCtx(ctx, nil)
	for _, name := range path {
		var next []graphql.CollectedField
		for _, f := range fields {
			if f.Name == name {
				next = append(next, graphql.CollectFields(op, f.Selections, nil)...)
			}
		}
		fields = next
	}
	return fields
}

func presenceEntryOf(r *Resolver, e *restclient.PresenceEntry, id string) model.UserPresence {
	if e == nil {
		u := r.partialUser(&restclient.User{ID: id, Status: "offline"})
		return model.UserPresence{User: &u, Status: model.UserStatusOffline}
	}
	u := r.partialUser(&restclient.User{ID: e.ID, Username: e.Username, Name: e.Name, Status: e.Status,
		StatusText: e.StatusText, AvatarETag: e.AvatarETag, UTCOffset: e.UTCOffset})
	return model.UserPresence{User: &u, Status: model.StatusOf(e.Status), StatusText: strPtr(e.StatusText), UtcOffset: e.UTCOffset}
}

// materializePresenceUsers completes the `user` of every feed entry for its selection.
func (r *Resolver) materializePresenceUsers(ctx context.Context, feed *model.PresenceFeed) {
	users := make([]model.User, len(feed.Users))
	for i := range feed.Users {
		users[i] = *feed.Users[i].User
	}
	r.materialize(ctx, users, subfields(ctx, "users", "user"))
	for i := range feed.Users {
		feed.Users[i].User = &users[i]
	}
}

// teamsOf lists a user's teams, with their creators materialized for the selection.
func (r *Resolver) teamsOf(ctx context.Context, userID string) ([]model.Team, error) {
	teams, err := r.users.ListTeams(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]model.Team, len(teams))
	creators := make([]model.User, 0, len(teams))
	at := make([]int, 0, len(teams))
	for i, t := range teams {
		out[i] = teamOf(t)
		if t.CreatedBy.ID != "" {
			creators = append(creators, r.partialUser(&restclient.User{ID: t.CreatedBy.ID, Username: t.CreatedBy.Username}))
			at = append(at, i)
		}
	}
	r.materialize(ctx, creators, subfields(ctx, "createdBy"))
	for j, i := range at {
		out[i].CreatedBy = &creators[j]
	}
	return out, nil
}

const (
	defaultPageSize = 50
	maxPageSize     = 100
)

// listUsers pages through users.list, or users.listByStatus when a filter is set, mapping
// Rocket.Chat's offset/count/total to a Relay connection.
func (r *Resolver) listUsers(ctx context.Context, first *int, after *string, filter *model.UserFilter, orderBy *model.UserOrder) (*model.UserConnection, error) {
	size := defaultPageSize
	if first != nil {
		if *first < 0 {
			return nil, badInputf("first must not be negative")
		}
		size = min(*first, maxPageSize)
	}
	offset := 0
	if after != nil {
		n, err := decodeCursor(*after)
		if err != nil {
			return nil, err
		}
		offset = n + 1
	}
	// count=0 means "everything" on some servers: never send it. first: 0 still asks for one
	// user, to learn the total.
	count := max(size, 1)
	var (
		page *restclient.UserPage
		err  error
	)
	if filter != nil && !emptyFilter(filter) {
		if err := checkSize("filter.roles", filter.Roles...); err != nil {
			return nil, err
		}
		if err := checkSize("filter.searchTerm", deref(filter.SearchTerm)); err != nil {
			return nil, err
		}
		if err := checkSize("filter.type", deref(filter.Type)); err != nil {
			return nil, err
		}
		opts := restclient.ListByStatusOptions{
			HasLoggedIn: filter.HasLoggedIn, Type: deref(filter.Type), Roles: filter.Roles,
			SearchTerm: deref(filter.SearchTerm), Sort: sortOf(orderBy), Offset: offset, Count: count,
		}
		if filter.State != nil {
			opts.Status = map[model.AccountState]string{model.AccountStateActive: "active", model.AccountStateDeactivated: "deactivated"}[*filter.State]
		}
		for _, reason := range filter.InactiveReasons {
			opts.InactiveReason = append(opts.InactiveReason, restInactiveReason(reason))
		}
		page, err = r.users.ListByStatus(ctx, opts)
	} else {
		page, err = r.users.List(ctx, restclient.ListOptions{Sort: sortOf(orderBy), Offset: offset, Count: count})
	}
	if err != nil {
		return nil, err
	}
	users := page.Users
	if len(users) > size {
		users = users[:size]
	}
	nodes := make([]model.User, len(users))
	for i := range users {
		nodes[i] = r.partialUser(&users[i])
	}
	r.materialize(ctx, nodes, append(subfields(ctx, "nodes"), subfields(ctx, "edges", "node")...))
	conn := &model.UserConnection{
		TotalCount: page.Total,
		Nodes:      nodes,
		Edges:      make([]model.UserEdge, len(nodes)),
		PageInfo: &model.PageInfo{
			HasNextPage:     offset+len(nodes) < page.Total,
			HasPreviousPage: offset > 0,
		},
	}
	for i := range nodes {
		conn.Edges[i] = model.UserEdge{Cursor: encodeCursor(offset + i), Node: &nodes[i]}
	}
	if len(nodes) > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[len(nodes)-1].Cursor
	}
	return conn, nil
}

func emptyFilter(f *model.UserFilter) bool {
	return f.State == nil && f.HasLoggedIn == nil && f.Type == nil && f.Roles == nil && f.SearchTerm == nil && f.InactiveReasons == nil
}

// checkAvatarURL refuses avatar URLs Rocket.Chat must not fetch (see AvatarURLPolicy).
func (r *Resolver) checkAvatarURL(ctx context.Context, raw string) error {
	return r.avatarURLs.Check(ctx, raw)
}
