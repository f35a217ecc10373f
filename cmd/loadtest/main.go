// Command loadtest is the bounded load test of rocketgql (make loadtest; not part of make test).
//
// It builds the gateway binary, starts it on loopback in front of a stand-in Rocket.Chat that
// knows two identities and injects random faults (503, 500, 429, malformed JSON, slow and hung
// answers), runs concurrent clients for a fixed time, and reports requests/s, p50/p99 latency,
// answers by code, the gateway's own 5xx and panics, cross-identity answers, and the gateway's
// memory (RSS) at start and end. It exits 1 when the gateway failed: any 5xx of its own, any
// panic, any answer carrying the other identity's data.
//
//	go run ./cmd/loadtest -duration 30s -clients 64 -fault-rate 0.05
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type identity struct {
	id, username, token string
}

var identities = []identity{
	{"uA1111111111111111", "alice", "token-alice-0123456789"},
	{"uB2222222222222222", "bob", "token-bob-9876543210"},
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	duration := fs.Duration("duration", 30*time.Second, "how long the clients send")
	clients := fs.Int("clients", 64, "concurrent clients (half per identity)")
	faultRate := fs.Float64("fault-rate", 0.05, "share of upstream calls that fail (503, 500, 429, malformed, hung)")
	binary := fs.String("binary", "", "gateway binary (default: go build it)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	backend, err := startBackend(*faultRate)
	if err != nil {
		return err
	}
	defer backend.Close()

	bin := *binary
	if bin == "" {
		dir, err := os.MkdirTemp("", "rocketgql-loadtest")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "rocketgql")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build gateway: %w", err)
		}
	}
	gw, err := startGateway(ctx, bin, backend.URL)
	if err != nil {
		return err
	}
	defer gw.stop()

	warm(gw.base)
	rssStart := rssKiB(gw.cmd.Process.Pid)

	stats := &results{codes: map[string]int{}}
	runCtx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	tr := &http.Transport{MaxIdleConnsPerHost: *clients}
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	start := time.Now()
	for i := range *clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client(runCtx, hc, gw.base, identities[i%2], stats)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	tr.CloseIdleConnections()
	rssEnd := rssKiB(gw.cmd.Process.Pid)
	panics := gw.stop()

	stats.report(stdout, elapsed, *clients, *faultRate, backend.calls.Load(), rssStart, rssEnd, panics)
	if stats.gateway5xx.Load() > 0 || panics > 0 || stats.crossIdentity.Load() > 0 || stats.transportErrs.Load() > 0 {
		return errors.New("the gateway failed under load (see above)")
	}
	return nil
}

// query asks for the caller, a user by id (batched through the loader) and a listing: every
// user record the backend sends says whose token fetched it.
const query = `query($id: ID!) { me { id username statusText } other: user(id: $id) { id statusText } users(first: 2) { nodes { id username } } }`

func client(ctx context.Context, hc *http.Client, base string, who identity, stats *results) {
	other := identities[0]
	if other.id == who.id {
		other = identities[1]
	}
	body, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"id": other.id}})
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodPost, base+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-User-Id", who.id)
		req.Header.Set("X-Auth-Token", who.token)
		t0 := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			stats.transportErrs.Add(1)
			continue
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		lat := time.Since(t0)
		if err != nil {
			stats.transportErrs.Add(1)
			continue
		}
		stats.observe(who, resp.StatusCode, raw, lat)
	}
}

type results struct {
	mu            sync.Mutex
	latencies     []time.Duration
	codes         map[string]int
	ok            atomic.Int64
	gateway5xx    atomic.Int64
	crossIdentity atomic.Int64
	transportErrs atomic.Int64
}

type answer struct {
	Data struct {
		Me    *struct{ ID, Username, StatusText string } `json:"me"`
		Other *struct{ ID, StatusText string }           `json:"other"`
	} `json:"data"`
	Errors []struct {
		Extensions struct{ Code string } `json:"extensions"`
	} `json:"errors"`
}

func (r *results) observe(who identity, status int, raw []byte, lat time.Duration) {
	if status >= 500 {
		r.gateway5xx.Add(1)
	}
	var a answer
	_ = json.Unmarshal(raw, &a)
	seenBy := "seen by " + who.username
	if (a.Data.Me != nil && (a.Data.Me.ID != who.id || a.Data.Me.StatusText != seenBy)) ||
		(a.Data.Other != nil && a.Data.Other.StatusText != seenBy) {
		r.crossIdentity.Add(1)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.latencies = append(r.latencies, lat)
	if len(a.Errors) == 0 && status == http.StatusOK {
		r.ok.Add(1)
		r.codes["OK"]++
		return
	}
	seen := map[string]bool{}
	for _, e := range a.Errors {
		if !seen[e.Extensions.Code] {
			seen[e.Extensions.Code] = true
			r.codes[e.Extensions.Code]++
		}
	}
	if len(a.Errors) == 0 {
		r.codes["HTTP "+strconv.Itoa(status)]++
	}
}

func (r *results) report(w io.Writer, elapsed time.Duration, clients int, faultRate float64, upstream int64, rssStart, rssEnd int64, panics int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	slices.Sort(r.latencies)
	pct := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[min(int(p*float64(len(r.latencies))), len(r.latencies)-1)]
	}
	n := len(r.latencies)
	fmt.Fprintf(w, "rocketgql load test: %d clients (2 identities), %s, upstream fault rate %.0f%%\n", clients, elapsed.Round(time.Millisecond), faultRate*100)
	fmt.Fprintf(w, "  requests:            %d (%.0f/s), fully successful %d\n", n, float64(n)/elapsed.Seconds(), r.ok.Load())
	fmt.Fprintf(w, "  latency:             p50 %s  p99 %s  max %s\n", pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), pct(1).Round(time.Millisecond))
	fmt.Fprintf(w, "  upstream calls:      %d (%.2f per request)\n", upstream, float64(upstream)/float64(max(n, 1)))
	keys := make([]string, 0, len(r.codes))
	for k := range r.codes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fmt.Fprintf(w, "  answers by code:    ")
	for _, k := range keys {
		fmt.Fprintf(w, " %s=%d", k, r.codes[k])
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  gateway 5xx:         %d\n", r.gateway5xx.Load())
	fmt.Fprintf(w, "  gateway panics:      %d\n", panics)
	fmt.Fprintf(w, "  cross-identity:      %d\n", r.crossIdentity.Load())
	fmt.Fprintf(w, "  client errors:       %d\n", r.transportErrs.Load())
	fmt.Fprintf(w, "  gateway RSS:         start %.1f MiB, end %.1f MiB\n", float64(rssStart)/1024, float64(rssEnd)/1024)
}

// backend is the stand-in Rocket.Chat.
type backend struct {
	*http.Server
	URL   string
	calls atomic.Int64
}

func startBackend(faultRate float64) (*backend, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b := &backend{URL: "http://" + ln.Addr().String()}
	byToken := map[string]identity{}
	byID := map[string]identity{}
	for _, id := range identities {
		byToken[id.token], byID[id.id] = id, id
	}
	b.Server = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/api/info" {
			_, _ = io.WriteString(w, `{"success":true,"version":"7.0.0"}`)
			return
		}
		if f := rand.Float64(); f < faultRate {
			switch int(f / faultRate * 5) {
			case 0:
				w.WriteHeader(http.StatusServiceUnavailable)
			case 1:
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = io.WriteString(w, `{"success":false,"error":"Internal server error"}`)
			case 2:
				w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(5*time.Second).UnixMilli(), 10))
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = io.WriteString(w, `{"success":false,"error":"Error, too many requests. [error-too-many-requests]"}`)
			case 3:
				_, _ = io.WriteString(w, `{"success":true,"user":{"_id":`)
			default:
				select { // hung past the gateway's REST timeout
				case <-r.Context().Done():
				case <-time.After(3 * time.Second):
				}
			}
			return
		}
		caller, ok := byToken[r.Header.Get("X-Auth-Token")]
		if !ok || r.Header.Get("X-User-Id") != caller.id {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"status":"error","message":"You must be logged in to do this."}`)
			return
		}
		record := func(u identity) string {
			return fmt.Sprintf(`{"_id":%q,"username":%q,"name":%q,"status":"online","statusText":"seen by %s","active":true,"type":"user","roles":["user"]}`,
				u.id, u.username, u.username, caller.username)
		}
		switch {
		case strings.HasSuffix(r.URL.Path, "/users.info"):
			id := r.URL.Query().Get("userId")
			u, ok := byID[id]
			if !ok {
				w.WriteHeader(http.StatusBadRequest)
				_, _ = io.WriteString(w, `{"success":false,"error":"User not found. [error-invalid-user]","errorType":"error-invalid-user"}`)
				return
			}
			_, _ = io.WriteString(w, `{"success":true,"user":`+record(u)+`}`)
		case strings.HasSuffix(r.URL.Path, "/users.list"):
			_, _ = fmt.Fprintf(w, `{"success":true,"users":[%s,%s],"count":2,"offset":0,"total":2}`, record(identities[0]), record(identities[1]))
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"success":false,"error":"not found"}`)
		}
	})}
	go func() { _ = b.Serve(ln) }()
	return b, nil
}

func (b *backend) Close() { _ = b.Server.Close() }

// gateway is the running binary.
type gateway struct {
	cmd    *exec.Cmd
	base   string
	mu     sync.Mutex
	panics int
	done   chan struct{}
}

var listening = regexp.MustCompile(`rocketgql listening on (http://\S+)`)

func startGateway(ctx context.Context, bin, backendURL string) (*gateway, error) {
	cmd := exec.CommandContext(ctx, bin, "-listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "ROCKETCHAT_URL="+backendURL, "LOG_LEVEL=warn", "REST_TIMEOUT=1s",
		"GRAPHQL_INTROSPECTION=false", "BREAKER_FAILURES=20", "BREAKER_OPEN=1s")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	g := &gateway{cmd: cmd, done: make(chan struct{})}
	baseCh := make(chan string, 1)
	go func() {
		defer close(g.done)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if m := listening.FindStringSubmatch(line); m != nil {
				baseCh <- m[1]
			}
			if strings.Contains(line, "panic") {
				g.mu.Lock()
				g.panics++
				g.mu.Unlock()
			}
		}
	}()
	select {
	case g.base = <-baseCh:
		return g, nil
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		return nil, errors.New("gateway did not start")
	}
}

// stop sends SIGTERM, waits for a clean exit and returns the panics seen in the log.
func (g *gateway) stop() int {
	if g.cmd.ProcessState == nil {
		_ = g.cmd.Process.Signal(syscall.SIGTERM)
		<-g.done
		if err := g.cmd.Wait(); err != nil {
			fmt.Fprintln(os.Stderr, "loadtest: gateway exit:", err)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.panics
}

// warm sends a few requests so the start RSS is the serving process, not the empty one.
func warm(base string) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"id": identities[1].id}})
	for range 50 {
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-User-Id", identities[0].id)
		req.Header.Set("X-Auth-Token", identities[0].token)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
}

// rssKiB reads VmRSS of pid from /proc (Linux); 0 elsewhere.
func rssKiB(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n
		}
	}
	return 0
}
