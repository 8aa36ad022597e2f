package meta

import (
	"context"
	"time"
)

// Function is the LATEST state of a function of the embedded Function
// Compute. Names are unique per account.
type Function struct {
	AccountID string
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time // last change of Config or Code

	Config FunctionConfig
}

// FunctionConfig is everything a published version freezes: the code and the
// settings the runtime starts the function with.
type FunctionConfig struct {
	Description string `json:"description,omitempty"`

	// Runtime is custom, provided, go1, python3.10 or http.
	Runtime string `json:"runtime"`

	// Handler names the entry point for runtimes that load one
	// (python3.10: "module.function"); it is passed to every runtime as
	// x-fc-function-handler.
	Handler string `json:"handler,omitempty"`

	// Command and Args start a custom, provided or go1 function. An empty
	// Command means the runtime's default (an executable named "bootstrap"
	// in the code directory).
	Command []string `json:"command,omitempty"`
	Args    []string `json:"args,omitempty"`

	// Port is the port the custom runtime's configuration declared. ossfc
	// records it for clients but assigns each instance its own port through
	// FC_SERVER_PORT.
	Port int `json:"port,omitempty"`

	// HTTPURL and HTTPToken address a function of the http runtime, which
	// runs elsewhere. The token is sent as a bearer token and never logged.
	HTTPURL   string `json:"httpUrl,omitempty"`
	HTTPToken string `json:"httpToken,omitempty"`

	TimeoutSeconds      int               `json:"timeout"`
	MemorySizeMB        int               `json:"memorySize"`
	InstanceConcurrency int               `json:"instanceConcurrency"`
	MaxInstances        int               `json:"maxInstances"`
	Environment         map[string]string `json:"environmentVariables,omitempty"`
	Role                string            `json:"role,omitempty"`

	// CodeID names the immutable code directory under the code root; it is
	// empty for the http runtime. CodeSize is the unpacked size in bytes and
	// CodeChecksum the SHA-256 of the code in hex.
	CodeID       string `json:"codeId,omitempty"`
	CodeSize     int64  `json:"codeSize,omitempty"`
	CodeChecksum string `json:"codeChecksum,omitempty"`
}

// FunctionVersion is a published, immutable snapshot of a function.
type FunctionVersion struct {
	AccountID    string
	FunctionName string
	VersionID    string // "1", "2", ...: never reused within a function
	Description  string
	CreatedAt    time.Time
	Config       FunctionConfig
}

// FunctionAlias names a published version of a function.
type FunctionAlias struct {
	AccountID    string
	FunctionName string
	Name         string
	VersionID    string
	Description  string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// FunctionStore holds functions, their versions and their aliases.
type FunctionStore interface {
	// Create adds f, or returns ErrExists when the account already has a
	// function of that name.
	Create(ctx context.Context, f *Function) error

	// Get returns the function, or ErrNotFound.
	Get(ctx context.Context, accountID, name string) (*Function, error)

	// List returns the functions of accountID whose names start with prefix
	// and sort after marker, in name order, at most limit of them.
	List(ctx context.Context, accountID, prefix, marker string, limit int) ([]*Function, error)

	// Update applies fn to the stored function inside one transaction and
	// saves the result; fn's error aborts the update and is returned as is.
	// The account and name cannot change.
	Update(ctx context.Context, accountID, name string, fn func(*Function) error) error

	// Delete removes the function with all its versions and aliases, or
	// returns ErrNotFound.
	Delete(ctx context.Context, accountID, name string) error

	// PublishVersion snapshots the function's current Config as a new
	// version whose id is one more than the largest id ever published for
	// the function (deleted ids are not reused).
	PublishVersion(ctx context.Context, accountID, name, description string, now time.Time) (*FunctionVersion, error)

	// GetVersion returns one version, or ErrNotFound.
	GetVersion(ctx context.Context, accountID, name, versionID string) (*FunctionVersion, error)

	// ListVersions returns the versions of a function, newest first, or
	// ErrNotFound when the function does not exist.
	ListVersions(ctx context.Context, accountID, name string) ([]*FunctionVersion, error)

	// DeleteVersion removes one version. It returns ErrNotFound when there
	// is no such version and ErrNotEmpty while an alias points at it.
	DeleteVersion(ctx context.Context, accountID, name, versionID string) error

	// PutAlias creates or replaces an alias. The version must exist
	// (ErrNotFound otherwise). With create set, an existing alias gives
	// ErrExists; without it, a missing alias gives ErrNotFound.
	PutAlias(ctx context.Context, a *FunctionAlias, create bool) error

	// GetAlias returns one alias, or ErrNotFound.
	GetAlias(ctx context.Context, accountID, name, alias string) (*FunctionAlias, error)

	// ListAliases returns the aliases of a function in name order, or
	// ErrNotFound when the function does not exist.
	ListAliases(ctx context.Context, accountID, name string) ([]*FunctionAlias, error)

	// DeleteAlias removes one alias, or returns ErrNotFound.
	DeleteAlias(ctx context.Context, accountID, name, alias string) error

	// CodeInUse reports whether any function or version of any account
	// refers to the code directory codeID.
	CodeInUse(ctx context.Context, codeID string) (bool, error)
}
