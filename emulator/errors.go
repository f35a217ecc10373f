package emulator

import (
	"errors"
	"net/http"
	"strings"
)

// apiError is every failure the emulator answers, shaped like Rocket.Chat's API.v1.failure and its
// Meteor.Error conversion (behaviour doc §3): status, error text, optional errorType and details.
type apiError struct {
	Status  int
	Msg     string
	Type    string
	Details map[string]any
}

func (e *apiError) Error() string { return e.Msg }

var (
	// errHandled tells serveAPI the handler already wrote the response.
	errHandled = errors.New("response already written")
	// errUnknownUser is returned by IssueLoginToken for a username that does not exist.
	errUnknownUser = errors.New("emulator: unknown user")
)

// failure is API.v1.failure(text): 400 without errorType.
func failure(msg string) *apiError { return &apiError{Status: http.StatusBadRequest, Msg: msg} }

// meteorErr is a thrown Meteor.Error(code, reason, details): 400, text "<reason> [<code>]".
func meteorErr(code, reason string, details map[string]any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Msg: reason + " [" + code + "]", Type: code, Details: details}
}

// invalidParams is the legacy validateParams failure: ajv messages joined by "\n " plus the code.
func invalidParams(msgs ...string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Msg: strings.Join(msgs, "\n ") + " [invalid-params]", Type: "invalid-params"}
}

// typedInvalidParams is the typed-route (router.ts) failure, raised before authentication.
func typedInvalidParams(msgs ...string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Msg: strings.Join(msgs, "\n"), Type: "error-invalid-params"}
}

// forbidden is the handler-level API.v1.forbidden() helper (8.x default text).
func forbidden() *apiError { return &apiError{Status: http.StatusForbidden, Msg: "forbidden"} }

func errUserParamNotProvided() *apiError {
	return meteorErr("error-user-param-not-provided", `The required "userId" or "username" param was not provided`, nil)
}

func errInvalidUser() *apiError {
	return meteorErr("error-invalid-user", `The required "userId" or "username" param provided does not match any users`, nil)
}

func errActionNotAllowed(action string) *apiError {
	text := strings.ReplaceAll(action, "_", " ")
	text = strings.ToUpper(text[:1]) + strings.ToLower(text[1:]) + " is not allowed"
	return meteorErr("error-action-not-allowed", text, map[string]any{"method": "insertOrUpdateUser", "action": action})
}

func errNotAllowed() *apiError { return meteorErr("error-not-allowed", "Not allowed", nil) }

func writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"success": false, "error": "Internal server error"})
		return
	}
	body := map[string]any{"success": false, "error": ae.Msg}
	if ae.Type != "" {
		body["errorType"] = ae.Type
	}
	if ae.Details != nil {
		body["details"] = ae.Details
	}
	writeJSON(w, ae.Status, body)
}
