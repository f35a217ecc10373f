package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/rocketgql/rocketgql/restclient"
)

// UserLookup names how users are fetched by id in a batch.
type UserLookup string

const (
	// LookupAuto tries list-query and falls back to fan-out for good once the server shows it
	// ignores `query` (Rocket.Chat >= 7.0 without ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS).
	LookupAuto UserLookup = "auto"
	// LookupListQuery is one users.list call with an `_id $in` filter per chunk.
	LookupListQuery UserLookup = "list-query"
	// LookupFanOut is parallel users.info calls with bounded concurrency.
	LookupFanOut UserLookup = "fan-out"
)

// LoaderConfig tunes the per-operation loaders. Zero values take the defaults.
type LoaderConfig struct {
	UserLookup UserLookup
	// FanOutConcurrency bounds parallel users.info calls of one batch (default 8).
	FanOutConcurrency int
	// ChunkSize bounds the ids of one users.list or users.presence call (default 100, max 100).
	ChunkSize int
	// Wait is how long a loader collects keys before it calls Rocket.Chat (default 200µs,
	// measured: see BenchmarkBatchWait and the README).
	Wait time.Duration
}

const defaultBatchWait = 200 * time.Microsecond

func (c LoaderConfig) withDefaults() (LoaderConfig, error) {
	switch c.UserLookup {
	case "":
		c.UserLookup = LookupAuto
	case LookupAuto, LookupListQuery, LookupFanOut:
	default:
		return c, fmt.Errorf("graph: user lookup %q is not one of auto, list-query, fan-out", c.UserLookup)
	}
	if c.FanOutConcurrency <= 0 {
		c.FanOutConcurrency = 8
	}
	if c.ChunkSize <= 0 || c.ChunkSize > 100 {
		c.ChunkSize = 100
	}
	if c.Wait <= 0 {
		c.Wait = defaultBatchWait
	}
	return c, nil
}

// listQueryDetector remembers, for the life of the process, whether the upstream honours
// users.list `query`: it is a property of the server, not of a caller.
type listQueryDetector struct {
	mode  UserLookup
	state atomic.Int32 // 0 unknown, 1 honoured, -1 ignored
}

func newListQueryDetector(mode UserLookup) *listQueryDetector { return &listQueryDetector{mode: mode} }

func (d *listQueryDetector) useListQuery() bool {
	switch d.mode {
	case LookupListQuery:
		return true
	case LookupFanOut:
		return false
	}
	return d.state.Load() >= 0
}

func (d *listQueryDetector) record(honoured bool) {
	if d.mode != LookupAuto {
		return
	}
	if honoured {
		d.state.CompareAndSwap(0, 1)
	} else {
		d.state.Store(-1)
	}
}

// Loaders batch the look-ups of one GraphQL operation. They are made per operation and never
// shared, so every batch carries exactly one caller's credentials.
type Loaders struct {
	UserByID       *dataloader.Loader[string, *restclient.User]
	UserByUsername *dataloader.Loader[string, *restclient.User]
	// PresenceByID answers nil for a user users.presence left out: that user is offline.
	PresenceByID *dataloader.Loader[string, *restclient.PresenceEntry]

	// The loaders' caches, read directly by the batches that complete whole lists, so a user or
	// presence already fetched in this operation is never fetched twice.
	users    *dataloader.InMemoryCache[string, *restclient.User]
	presence *dataloader.InMemoryCache[string, *restclient.PresenceEntry]
}

// cached returns what a loader holds for key once its load has finished (waiting for one in
// flight); ok is false when the key was never loaded or failed.
func cached[V any](ctx context.Context, c *dataloader.InMemoryCache[string, V], key string) (v V, ok bool) {
	thunk, found := c.Get(ctx, key)
	if !found {
		return v, false
	}
	v, err := thunk()
	return v, err == nil
}

type loadersKey struct{}

// WithLoaders returns ctx carrying fresh loaders for one operation.
func (r *Resolver) WithLoaders(ctx context.Context) context.Context {
	return context.WithValue(ctx, loadersKey{}, r.newLoaders())
}

func loadersFrom(ctx context.Context) (*Loaders, error) {
	l, ok := ctx.Value(loadersKey{}).(*Loaders)
	if !ok {
		return nil, fmt.Errorf("graph: no loaders in context: operation not wrapped by Resolver.WithLoaders")
	}
	return l, nil
}

func (r *Resolver) newLoaders() *Loaders {
	c := r.loaderConfig
	l := &Loaders{
		users:    dataloader.NewCache[string, *restclient.User](),
		presence: dataloader.NewCache[string, *restclient.PresenceEntry](),
	}
	l.UserByID = dataloader.NewBatchedLoader(r.batchUsersByID(l),
		dataloader.WithWait[string, *restclient.User](c.Wait),
		dataloader.WithCache[string, *restclient.User](l.users))
	l.UserByUsername = dataloader.NewBatchedLoader(r.batchUsersByUsername(l),
		dataloader.WithWait[string, *restclient.User](c.Wait))
	l.PresenceByID = dataloader.NewBatchedLoader(r.batchPresence,
		dataloader.WithWait[string, *restclient.PresenceEntry](c.Wait),
		dataloader.WithCache[string, *restclient.PresenceEntry](l.presence))
	return l
}

// batchUsersByID fetches full records by id, by list-query or fan-out; results in key order,
// each key with its own error.
func (r *Resolver) batchUsersByID(l *Loaders) dataloader.BatchFunc[string, *restclient.User] {
	return func(ctx context.Context, ids []string) []*dataloader.Result[*restclient.User] {
		return r.fetchUsersByID(ctx, l, ids)
	}
}

// fetchUsersByID is the body of the by-id batch, also called directly to prefetch a whole list.
func (r *Resolver) fetchUsersByID(ctx context.Context, l *Loaders, ids []string) []*dataloader.Result[*restclient.User] {
	var results []*dataloader.Result[*restclient.User]
	// The caller alone (`me`) is one users.info call either way, and only users.info shows the
	// caller all of their own fields.
	onlySelf := len(ids) == 1 && ids[0] == r.caller(ctx).UserID
	if r.listQueryMode.useListQuery() && !onlySelf {
		var honoured bool
		results, honoured = r.usersByListQuery(ctx, ids)
		r.listQueryMode.record(honoured)
		if !honoured {
			results = nil // the server ignored `query`: fan out instead
		}
	}
	if results == nil {
		results = r.fanOut(ctx, ids, func(ctx context.Context, id string) (*restclient.User, error) {
			return r.users.Info(ctx, restclient.InfoOptions{UserID: id})
		})
	}
	for _, res := range results {
		if res.Error == nil && res.Data != nil && res.Data.Username != "" {
			l.UserByUsername.Prime(ctx, res.Data.Username, res.Data)
		}
	}
	return results
}

func (r *Resolver) batchUsersByUsername(l *Loaders) dataloader.BatchFunc[string, *restclient.User] {
	return func(ctx context.Context, names []string) []*dataloader.Result[*restclient.User] {
		results := r.fanOut(ctx, names, func(ctx context.Context, name string) (*restclient.User, error) {
			return r.users.Info(ctx, restclient.InfoOptions{Username: name})
		})
		for _, res := range results {
			if res.Error == nil && res.Data != nil {
				l.UserByID.Prime(ctx, res.Data.ID, res.Data)
			}
		}
		return results
	}
}

// fullRecordFields asks users.list (when the server honours `fields`) for everything users.info
// would show, so a list-query record is as complete as a fan-out one.
var fullRecordFields = func() string {
	fields := map[string]int{}
	for _, f := range []string{"name", "username", "nickname", "bio", "emails", "status", "statusText",
		"active", "inactiveReason", "roles", "type", "createdAt", "lastLogin", "utcOffset", "language",
		"customFields", "avatarETag", "requirePasswordChange", "federated"} {
		fields[f] = 1
	}
	b, _ := json.Marshal(fields)
	return string(b)
}()

// usersByListQuery asks users.list for the ids with an `_id $in` filter, a chunk per call. It
// reports honoured=false when the answer shows the server ignored the filter.
func (r *Resolver) usersByListQuery(ctx context.Context, ids []string) ([]*dataloader.Result[*restclient.User], bool) {
	found := make(map[string]*restclient.User, len(ids))
	for start := 0; start < len(ids); start += r.loaderConfig.ChunkSize {
		chunk := ids[start:min(start+r.loaderConfig.ChunkSize, len(ids))]
		query, err := json.Marshal(map[string]any{"_id": map[string]any{"$in": chunk}})
		if err != nil {
			return errorResults[*restclient.User](len(ids), err), true
		}
		page, err := r.users.List(ctx, restclient.ListOptions{Query: string(query), Fields: fullRecordFields, Count: len(chunk)})
		if err != nil {
			return errorResults[*restclient.User](len(ids), err), true
		}
		want := make(map[string]bool, len(chunk))
		for _, id := range chunk {
			want[id] = true
		}
		if page.Total > len(chunk) {
			return nil, false
		}
		for i := range page.Users {
			u := &page.Users[i]
			if !want[u.ID] {
				return nil, false
			}
			found[u.ID] = u
		}
	}
	// A listing's projection hides emails, roles and dates from unprivileged callers, the caller's
	// own included, while users.info shows them to the user itself: fetch the caller's record
	// there when the listing left its emails out (a privileged caller's listing has them).
	self := r.caller(ctx).UserID
	if u, ok := found[self]; ok && u.Emails == nil {
		if info, err := r.users.Info(ctx, restclient.InfoOptions{UserID: self}); err == nil {
			found[self] = info
		}
	}
	results := make([]*dataloader.Result[*restclient.User], len(ids))
	for i, id := range ids {
		if u, ok := found[id]; ok {
			results[i] = &dataloader.Result[*restclient.User]{Data: u}
		} else {
			results[i] = &dataloader.Result[*restclient.User]{Error: notFoundf("no user with id %q", id)}
		}
	}
	return results, true
}

// fanOut calls fetch for every key with at most FanOutConcurrency calls in flight; one failing
// key never fails or shifts the others.
func (r *Resolver) fanOut(ctx context.Context, keys []string, fetch func(context.Context, string) (*restclient.User, error)) []*dataloader.Result[*restclient.User] {
	results := make([]*dataloader.Result[*restclient.User], len(keys))
	sem := make(chan struct{}, r.loaderConfig.FanOutConcurrency)
	var wg sync.WaitGroup
	for i, key := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			u, err := fetch(ctx, key)
			results[i] = &dataloader.Result[*restclient.User]{Data: u, Error: err}
		}()
	}
	wg.Wait()
	return results
}

// batchPresence is one users.presence call per chunk of ids. The endpoint leaves offline users
// out of its answer, so a missing id means offline (nil), never an error.
func (r *Resolver) batchPresence(ctx context.Context, ids []string) []*dataloader.Result[*restclient.PresenceEntry] {
	found := make(map[string]*restclient.PresenceEntry, len(ids))
	for start := 0; start < len(ids); start += r.loaderConfig.ChunkSize {
		chunk := ids[start:min(start+r.loaderConfig.ChunkSize, len(ids))]
		res, err := r.users.Presence(ctx, restclient.PresenceOptions{IDs: chunk})
		if err != nil {
			return errorResults[*restclient.PresenceEntry](len(ids), err)
		}
		for i := range res.Users {
			found[res.Users[i].ID] = &res.Users[i]
		}
	}
	results := make([]*dataloader.Result[*restclient.PresenceEntry], len(ids))
	for i, id := range ids {
		results[i] = &dataloader.Result[*restclient.PresenceEntry]{Data: found[id]}
	}
	return results
}

func errorResults[V any](n int, err error) []*dataloader.Result[V] {
	results := make([]*dataloader.Result[V], n)
	for i := range results {
		results[i] = &dataloader.Result[V]{Error: err}
	}
	return results
}
