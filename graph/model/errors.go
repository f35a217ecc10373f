package model

// InputError is bad input the gateway refuses itself, before any REST call: it becomes a
// BAD_USER_INPUT error with Message shown as is.
type InputError struct {
	Message string
}

func (e *InputError) Error() string { return e.Message }
