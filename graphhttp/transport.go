// Package graphhttp is GraphQL over HTTP for the gateway: gqlgen transports that answer every
// refusal with a GraphQL-shaped error and a stable code, and never echo the request.
package graphhttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The gateway's own HTTP transports replace gqlgen's GET and POST so that every refusal is a
// GraphQL-shaped error with a stable code and never echoes the request (gqlgen's POST repeats an
// undecodable body, passwords included, in its error message):
//   - POST application/json: one operation per request. A JSON array (a batch) is refused with
//     400 BATCHING_NOT_SUPPORTED; a body that is not UTF-8 with 400 INVALID_UTF8, not a JSON
//     object with 400 BAD_REQUEST; a body cut by the size limit (chunked uploads) with 413
//     REQUEST_TOO_LARGE.
//   - GET: queries only; a mutation is refused with 405 METHOD_NOT_ALLOWED and Allow: POST, as
//     GraphQL over HTTP requires.
//
// Both answer application/graphql-response+json when the client accepts it (then a request that
// never executes is 400), else application/json (then 200, as GraphQL over HTTP advises).

// Codes of the HTTP-level refusals (the README's error table lists them with the rest).
const (
	CodeBatchingNotSupported = "BATCHING_NOT_SUPPORTED"
	CodeInvalidUTF8          = "INVALID_UTF8"
	CodeBadRequest           = "BAD_REQUEST"
	CodeRequestTooLarge      = "REQUEST_TOO_LARGE"
	CodeMethodNotAllowed     = "METHOD_NOT_ALLOWED"
)

// Transports are the gateway's transports: POST and GET, and multipart for avatar uploads of at
// most maxUpload bytes.
func Transports(maxUpload int64) []graphql.Transport {
	return []graphql.Transport{
		getTransport{},
		postTransport{},
		uploadTransport{transport.MultipartForm{MaxUploadSize: maxUpload, MaxMemory: maxUpload}},
	}
}

const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// postTransport serves POST application/json.
type postTransport struct{}

var _ graphql.Transport = postTransport{}

func (postTransport) Supports(r *http.Request) bool {
	if r.Method != http.MethodPost || r.Header.Get("Upgrade") != "" {
		return false
	}
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mediaType == mediaJSON
}

func (postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctype := responseType(r)
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			w.Header().Set("Connection", "close")
			writeError(w, ctype, http.StatusRequestEntityTooLarge, CodeRequestTooLarge,
				"request body is larger than the limit of "+itoa(tooLarge.Limit)+" bytes")
			return
		}
		writeError(w, ctype, http.StatusBadRequest, CodeBadRequest, "the request body could not be read")
		return
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		writeError(w, ctype, http.StatusBadRequest, CodeBatchingNotSupported,
			"batched requests are not supported: send one operation per request")
		return
	case !utf8.Valid(body):
		writeError(w, ctype, http.StatusBadRequest, CodeInvalidUTF8, "the request body is not valid UTF-8")
		return
	}
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil || dec.More() {
		writeError(w, ctype, http.StatusBadRequest, CodeBadRequest,
			`the request body must be one JSON object {"query", "variables", "operationName"}`)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	execute(w, r, exec, ctype, &params, false)
}

// getTransport serves GET with the query in the URL, for queries only.
type getTransport struct{}

var _ graphql.Transport = getTransport{}

func (getTransport) Supports(r *http.Request) bool {
	return r.Method == http.MethodGet && r.Header.Get("Upgrade") == ""
}

func (getTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctype := responseType(r)
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeError(w, ctype, http.StatusBadRequest, CodeBadRequest, "the query string could not be parsed")
		return
	}
	params := graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName"), Headers: r.Header}
	params.ReadTime.Start = graphql.Now()
	for name, dst := range map[string]*map[string]any{"variables": &params.Variables, "extensions": &params.Extensions} {
		if v := q.Get(name); v != "" {
			dec := json.NewDecoder(strings.NewReader(v))
			dec.UseNumber()
			if err := dec.Decode(dst); err != nil {
				writeError(w, ctype, http.StatusBadRequest, CodeBadRequest, name+" must be a JSON object")
				return
			}
		}
	}
	if !utf8.ValidString(params.Query) {
		writeError(w, ctype, http.StatusBadRequest, CodeInvalidUTF8, "the query is not valid UTF-8")
		return
	}
	params.ReadTime.End = graphql.Now()
	execute(w, r, exec, ctype, &params, true)
}

// execute runs one operation; queryOnly refuses mutations (GET).
func execute(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, ctype string, params *graphql.RawParams, queryOnly bool) {
	ctx := r.Context()
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		// A request error (parse, validation, variables, limits): GraphQL over HTTP wants 200 for
		// application/json clients and 400 for application/graphql-response+json, and no "data".
		status := http.StatusOK
		if ctype == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
		writeRequestErrors(w, ctype, status, resp)
		return
	}
	if queryOnly && opCtx.Operation.Operation != ast.Query {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, ctype, http.StatusMethodNotAllowed, CodeMethodNotAllowed,
			"GET is for queries only: send "+string(opCtx.Operation.Operation)+"s with POST")
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	writeResponse(w, ctype, http.StatusOK, responses(ctx))
}

// responseType picks application/graphql-response+json when the client accepts it.
func responseType(r *http.Request) string {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == mediaGraphQLResponse {
			return mediaGraphQLResponse
		}
	}
	return mediaJSON
}

func writeResponse(w http.ResponseWriter, ctype string, status int, resp *graphql.Response) {
	var b []byte
	var err error
	if len(resp.Errors) == 0 && len(resp.Extensions) == 0 && resp.Label == "" && resp.Path == nil && resp.HasNext == nil && len(resp.Data) > 0 {
		// The common answer: data the executor already wrote as valid JSON. Marshalling it again
		// would re-scan every byte to compact a json.RawMessage.
		b = make([]byte, 0, len(resp.Data)+10)
		b = append(append(append(b, `{"data":`...), resp.Data...), '}')
	} else {
		b, err = json.Marshal(resp)
	}
	writeBody(w, ctype, status, b, err)
}

// writeRequestErrors answers a request that never executed: errors (and extensions), no data.
func writeRequestErrors(w http.ResponseWriter, ctype string, status int, resp *graphql.Response) {
	b, err := json.Marshal(struct {
		Errors     gqlerror.List  `json:"errors"`
		Extensions map[string]any `json:"extensions,omitempty"`
	}{resp.Errors, resp.Extensions})
	writeBody(w, ctype, status, b, err)
}

// writeBody writes one JSON answer, or an INTERNAL error when it could not be encoded.
func writeBody(w http.ResponseWriter, ctype string, status int, b []byte, encodeErr error) {
	if encodeErr != nil {
		b = []byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`)
		status = http.StatusInternalServerError
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, ctype string, status int, code, message string) {
	writeRequestErrors(w, ctype, status, &graphql.Response{Errors: gqlerror.List{{
		Message:    message,
		Extensions: map[string]any{"code": code},
	}}})
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// uploadTransport is gqlgen's multipart transport, except that a body cut by a size limit (a
// chunked upload, whose size is not announced) is answered 413 REQUEST_TOO_LARGE instead of
// gqlgen's 422.
type uploadTransport struct {
	transport.MultipartForm
}

func (t uploadTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	watch := &limitWatch{ReadCloser: r.Body, limit: t.MaxUploadSize}
	r.Body = watch
	t.MultipartForm.Do(&tooLargeWriter{ResponseWriter: w, watch: watch, ctype: responseType(r)}, r, exec)
}

// limitWatch notes when a body went past limit or a size limit below it refused to read on.
type limitWatch struct {
	io.ReadCloser
	limit int64
	read  int64
	hit   bool
}

func (l *limitWatch) Read(p []byte) (int, error) {
	n, err := l.ReadCloser.Read(p)
	l.read += int64(n)
	var tooLarge *http.MaxBytesError
	if (l.limit > 0 && l.read > l.limit) || errors.As(err, &tooLarge) {
		l.hit = true
	}
	return n, err
}

// tooLargeWriter turns the transport's 422 for an over-long body into a 413.
type tooLargeWriter struct {
	http.ResponseWriter
	watch    *limitWatch
	ctype    string
	replaced bool
}

func (w *tooLargeWriter) WriteHeader(status int) {
	if status == http.StatusUnprocessableEntity && w.watch.hit {
		w.replaced = true
		w.ResponseWriter.Header().Set("Connection", "close")
		writeError(w.ResponseWriter, w.ctype, http.StatusRequestEntityTooLarge, CodeRequestTooLarge,
			"request body is larger than the upload limit of "+itoa(w.watch.limit)+" bytes")
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *tooLargeWriter) Write(p []byte) (int, error) {
	if w.replaced {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}
