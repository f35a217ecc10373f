package graph

import (
	"context"
	"net/url"

	"github.com/99designs/gqlgen/graphql"

	"github.com/rocketgql/rocketgql/graph/model"
	"github.com/rocketgql/rocketgql/restclient"
)

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
	return fullUser(u), nil
}

// userField reads one field of a user. A record from a listing or a reference may lack the field;
// then the full record comes through the batched user loader, once per user and operation.
func userField[T any](ctx context.Context, r *Resolver, obj *model.User, get func(*restclient.User) (T, bool)) (T, error) {
	if v, ok := get(obj.Record); ok || obj.Complete {
		return v, nil
	}
	l, err := loadersFrom(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	full, err := l.UserByID.Load(ctx, obj.ID)()
	if err != nil {
		var zero T
		return zero, err
	}
	v, _ := get(full)
	return v, nil
}

// presenceOf answers from the user's own record when it carries a status (listings and users.info
// do, so this costs nothing); otherwise from the batched users.presence loader. The status text
// of a listed user also comes from that loader, only when it is selected.
func (r *Resolver) presenceOf(ctx context.Context, u *model.User) (*model.Presence, error) {
	rec := u.Record
	if rec.Status != "" && (u.Complete || rec.StatusText != "" || !selects(ctx, "statusText")) {
		return &model.Presence{Status: statusOf(rec.Status), StatusText: strPtr(rec.StatusText)}, nil
	}
	l, err := loadersFrom(ctx)
	if err != nil {
		return nil, err
	}
	entry, err := l.PresenceByID.Load(ctx, u.ID)()
	if err != nil {
		return nil, err
	}
	if entry == nil {
		// users.presence leaves offline users out of its answer.
		return &model.Presence{Status: model.UserStatusOffline, StatusText: strPtr(rec.StatusText)}, nil
	}
	return &model.Presence{Status: statusOf(entry.Status), StatusText: strPtr(entry.StatusText)}, nil
}

func presenceEntryOf(e *restclient.PresenceEntry, id string) model.UserPresence {
	if e == nil {
		return model.UserPresence{User: partialUser(&restclient.User{ID: id}), Status: model.UserStatusOffline}
	}
	return model.UserPresence{
		User: partialUser(&restclient.User{ID: e.ID, Username: e.Username, Name: e.Name, Status: e.Status,
			StatusText: e.StatusText, AvatarETag: e.AvatarETag, UTCOffset: e.UTCOffset}),
		Status:     statusOf(e.Status),
		StatusText: strPtr(e.StatusText),
		UtcOffset:  e.UTCOffset,
	}
}

func (r *Resolver) teamsOf(ctx context.Context, userID string) ([]model.Team, error) {
	teams, err := r.users.ListTeams(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]model.Team, len(teams))
	for i, t := range teams {
		out[i] = teamOf(t)
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
	nodes := listedUsers(users)
	if needsFullRecords(connectionUserFields(ctx), nodes) {
		r.prefetchFull(ctx, nodes)
	}
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

// checkAvatarURL accepts only absolute http(s) URLs: Rocket.Chat downloads the image itself.
func (r *Resolver) checkAvatarURL(_ context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return badInputf("avatarUrl must be an absolute http(s) URL")
	}
	return nil
}

// listCarried tells, for the User fields a list item may carry, whether a record has it. Fields
// not named here (nickname, bio, createdAt, ...) are never in list items.
var listCarried = map[string]func(u *restclient.User) bool{
	"__typename": nil, "id": nil, "avatarUrl": nil, "teams": nil, "presence": nil,
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

// needsFullRecords reports whether the User selection asks for a field some of the users lack.
func needsFullRecords(fields []graphql.CollectedField, users []model.User) bool {
	for _, f := range fields {
		has, known := listCarried[f.Name]
		if !known {
			return true
		}
		if has == nil {
			continue
		}
		for i := range users {
			if !has(users[i].Record) {
				return true
			}
		}
	}
	return false
}

// connectionUserFields collects the User fields selected under `nodes` and `edges { node }`.
func connectionUserFields(ctx context.Context) []graphql.CollectedField {
	op := graphql.GetOperationContext(ctx)
	var out []graphql.CollectedField
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		switch f.Name {
		case "nodes":
			out = append(out, graphql.CollectFields(op, f.Selections, nil)...)
		case "edges":
			for _, e := range graphql.CollectFields(op, f.Selections, nil) {
				if e.Name == "node" {
					out = append(out, graphql.CollectFields(op, e.Selections, nil)...)
				}
			}
		}
	}
	return out
}
