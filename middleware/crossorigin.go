package middleware

import "net/http"

// CrossOriginGuard refuses state-changing browser requests that come from another origin which is
// not on the CORS allow-list, with 403 and code CROSS_ORIGIN_FORBIDDEN. CORS alone only stops a
// browser from reading the answer; this stops the request from running. Detection is
// net/http.CrossOriginProtection's (Sec-Fetch-Site, else Origin against Host): GET, HEAD and
// OPTIONS pass, same-origin requests and requests without those headers (servers, curl, federation
// gateways) pass, and origins allowed by opts pass. It rejects the same bad options as CORS.
func CrossOriginGuard(opts CORSOptions) (Middleware, error) {
	m, err := compileOrigins(opts, true)
	if err != nil {
		return nil, err
	}
	protection := http.NewCrossOriginProtection()
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := protection.Check(r); err != nil && !m.allowed(r.Header.Get("Origin")) {
				WriteJSONError(w, http.StatusForbidden, "CROSS_ORIGIN_FORBIDDEN",
					"cross-origin request refused: origin not allowed")
				return
			}
			next.ServeHTTP(w, r)
		})
	}, nil
}
