// Command bench measures rocketgql against the plain REST call it stands in front of, in one run
// on this machine: requests per second, latency, REST calls per query and memory at 200 open
// connections. It starts a small static Rocket.Chat stand-in and the gateway binary as separate
// processes on loopback and drives both with the same keep-alive HTTP load.
//
//	go run ./cmd/bench -gateway bin/rocketgql -duration 10s
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
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
	if len(os.Args) > 1 && os.Args[1] == "backend" {
		if err := serveBackend(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "backend:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

const (
	benchUser  = "benchUserId000001"
	benchToken = "bench-token"
	query      = `{ users(first: 50) { nodes { id username name presence { status } } } }`
)

// serveBackend is the "small backend": precomputed users.list and users.presence answers, and a
// call counter at /calls.
func serveBackend(addr string) error {
	users := make([]map[string]any, 50)
	statuses := []string{"online", "away", "busy", "offline"}
	for i := range users {
		users[i] = map[string]any{"_id": fmt.Sprintf("user%013d", i), "username": fmt.Sprintf("user.%d", i),
			"name": fmt.Sprintf("User Number %d", i), "status": statuses[i%4], "active": true, "type": "user",
			"avatarETag": fmt.Sprintf("etag%d", i), "nameInsensitive": fmt.Sprintf("user number %d", i)}
	}
	list, _ := json.Marshal(map[string]any{"users": users, "count": 50, "offset": 0, "total": 5000, "success": true})
	var calls atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/users.list", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("X-Auth-Token") != benchToken || r.Header.Get("X-User-Id") != benchUser {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"success":false,"error":"You must be logged in to do this."}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(list)
	})
	mux.HandleFunc("/calls", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = fmt.Fprint(w, calls.Load())
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Println("backend listening on", ln.Addr())
	return http.Serve(ln, mux)
}

type result struct {
	name     string
	requests int
	errors   int
	rps      float64
	p50, p99 time.Duration
	upstream float64 // REST calls per request
	rssKiB   int
}

func run() error {
	gatewayBin := flag.String("gateway", "bin/rocketgql", "gateway binary")
	duration := flag.Duration("duration", 10*time.Second, "length of each load phase")
	concurrency := flag.Int("concurrency", 32, "concurrent keep-alive clients")
	conns := flag.Int("connections", 200, "open connections for the memory phase")
	gqlQuery := flag.String("query", query, "GraphQL query sent through the gateway")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	self, err := os.Executable()
	if err != nil {
		return err
	}
	backendAddr, backend, err := startProcess(ctx, `backend listening on (\S+)`, self, "backend", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("start backend: %w", err)
	}
	defer stopProcess(backend)
	gatewayURL, gateway, err := startProcess(ctx, `rocketgql listening on (\S+)`, *gatewayBin, "-listen", "127.0.0.1:0",
		"-rocketchat-url", "http://"+backendAddr, "-log-level", "error")
	if err != nil {
		return fmt.Errorf("start gateway: %w", err)
	}
	defer stopProcess(gateway)

	direct := &http.Request{Method: http.MethodGet, Header: authHeaders()}
	direct.URL, _ = direct.URL.Parse("http://" + backendAddr + "/api/v1/users.list?count=50")
	body, _ := json.Marshal(map[string]string{"query": *gqlQuery})
	viaGateway := func() *http.Request {
		r, _ := http.NewRequest(http.MethodPost, gatewayURL+"/graphql", bytes.NewReader(body))
		r.Header = authHeaders()
		r.Header.Set("Content-Type", "application/json")
		return r
	}

	// Warm up both paths (connection pools, parsed-query cache).
	load(ctx, func() *http.Request { return direct.Clone(ctx) }, *concurrency, time.Second)
	load(ctx, viaGateway, *concurrency, time.Second)

	before := backendCalls(backendAddr)
	rest := load(ctx, func() *http.Request { return direct.Clone(ctx) }, *concurrency, *duration)
	rest.name = "direct REST GET users.list?count=50"
	mid := backendCalls(backendAddr)
	gql := load(ctx, viaGateway, *concurrency, *duration)
	gql.name = "rocketgql: 50 users with presence"
	if *gqlQuery != query {
		gql.name = "rocketgql: -query"
	}
	after := backendCalls(backendAddr)
	gql.upstream = float64(after-mid) / float64(gql.requests+gql.errors)
	rest.upstream = float64(mid-before) / float64(rest.requests+rest.errors)

	// Added latency, measured without queueing: one client at a time on each path.
	restOne := load(ctx, func() *http.Request { return direct.Clone(ctx) }, 1, *duration/3)
	gqlOne := load(ctx, viaGateway, 1, *duration/3)

	// Memory with many open connections: `connections` clients, each with its own keep-alive
	// connection, for a short phase; RSS read at the end while they are still open.
	idle := rssKiB(gateway.Process.Pid)
	many := load(ctx, viaGateway, *conns, 3*time.Second)
	many.rssKiB = rssKiB(gateway.Process.Pid)

	latencyAdded := gqlOne.p50 - restOne.p50
	fmt.Printf("\n%-40s %10s %10s %10s %8s %12s\n", "path", "req/s", "p50", "p99", "errors", "REST/query")
	for _, r := range []result{rest, gql} {
		fmt.Printf("%-40s %10.0f %10s %10s %8d %12.2f\n", r.name, r.rps, r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.errors, r.upstream)
	}
	fmt.Printf("\nconcurrency %d, %s per phase, one machine (%d CPUs) shared by load generator, gateway and backend\n", *concurrency, *duration, runtimeCPUs())
	fmt.Printf("gateway / direct REST throughput: %.1f%%\n", 100*gql.rps/rest.rps)
	fmt.Printf("one client at a time: p50 %s direct, %s through the gateway: %s added per request\n",
		restOne.p50.Round(time.Microsecond), gqlOne.p50.Round(time.Microsecond), latencyAdded.Round(time.Microsecond))
	fmt.Printf("gateway RSS: %.1f MiB idle, %.1f MiB with %d open connections (%d req, %d errors)\n",
		float64(idle)/1024, float64(many.rssKiB)/1024, *conns, many.requests, many.errors)
	if gql.errors > 0 || rest.errors > 0 {
		return errors.New("requests failed during the run")
	}
	return nil
}

func authHeaders() http.Header {
	h := http.Header{}
	h.Set("X-User-Id", benchUser)
	h.Set("X-Auth-Token", benchToken)
	return h
}

// load runs `workers` clients, each on its own keep-alive connection, for d.
func load(ctx context.Context, newReq func() *http.Request, workers int, d time.Duration) result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      int
		wg        sync.WaitGroup
	)
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}, Timeout: 10 * time.Second}
			defer client.CloseIdleConnections()
			local := make([]time.Duration, 0, 4096)
			localErrs := 0
			for ctx.Err() == nil {
				t0 := time.Now()
				resp, err := client.Do(newReq())
				if err != nil {
					if ctx.Err() == nil {
						localErrs++
					}
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || bytes.Contains(b, []byte(`"errors"`)) {
					localErrs++
					continue
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			latencies = append(latencies, local...)
			errs += localErrs
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(latencies)
	r := result{requests: len(latencies), errors: errs, rps: float64(len(latencies)) / elapsed.Seconds()}
	if n := len(latencies); n > 0 {
		r.p50, r.p99 = latencies[n/2], latencies[n*99/100]
	}
	return r
}

func backendCalls(addr string) int64 {
	resp, err := http.Get("http://" + addr + "/calls")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	n, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return n
}

func rssKiB(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.Fields(rest)[0])
			return n
		}
	}
	return 0
}

func runtimeCPUs() int {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return strings.Count(string(b), "processor\t:")
}

// startProcess starts a command and waits for the line matching pattern on its stdout.
func startProcess(ctx context.Context, pattern string, name string, args ...string) (string, *exec.Cmd, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	re := regexp.MustCompile(pattern)
	found := make(chan string, 1)
	go func() {
		buf := make([]byte, 0, 4096)
		tmp := make([]byte, 1024)
		sent := false
		for {
			n, err := out.Read(tmp)
			if !sent {
				buf = append(buf, tmp[:n]...)
				if m := re.FindSubmatch(buf); m != nil {
					found <- string(m[1])
					sent = true
				}
			}
			if err != nil {
				return
			}
		}
	}()
	select {
	case addr := <-found:
		return addr, cmd, nil
	case <-time.After(15 * time.Second):
		stopProcess(cmd)
		return "", nil, fmt.Errorf("%s did not start", name)
	}
}

func stopProcess(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
	}
}
