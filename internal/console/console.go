package console

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"time"
)

//go:embed assets/static assets/templates
var assets embed.FS

// Options configure a console.
type Options struct {
	// Endpoint is the OSS API base URL the console calls on the user's
	// behalf, such as http://127.0.0.1:9000. Required.
	Endpoint string

	// Region is the region id the server serves; it signs V4 requests and
	// appears in ARNs. Required.
	Region string

	// AdminURL is the base URL of the listener that serves the admin API
	// under /admin/fc and /admin/ram, such as http://127.0.0.1:9001. Empty
	// leaves out the function and RAM pages.
	AdminURL string

	// HTTPClient sends the OSS API and admin API requests; nil means a
	// client with the transport defaults.
	HTTPClient *http.Client

	// SessionIdleTimeout ends a session that made no request for this long
	// (default 30 minutes); SessionMaxAge ends any session this long after
	// sign-in (default 12 hours).
	SessionIdleTimeout time.Duration
	SessionMaxAge      time.Duration

	// MaxUploadSize caps one upload through the console (default 48.8 TiB,
	// 10,000 parts of PartSize).
	MaxUploadSize int64

	// An upload larger than MultipartThreshold (default 64 MiB) goes on as
	// a multipart upload of PartSize parts (default 8 MiB), two in flight,
	// so the console holds at most about three parts in memory.
	MultipartThreshold int64
	PartSize           int64

	// Logger receives warnings and errors; nil discards them.
	Logger *slog.Logger

	// Now is the clock for session expiry; nil means time.Now.
	Now func() time.Time
}

// Console serves the web console.
type Console struct {
	opts     Options
	logger   *slog.Logger
	sessions *sessionStore
	pages    *pageSet
	mux      *http.ServeMux
}

// New returns the console handler, to be mounted at "/" of the console
// listener. It panics if the embedded templates do not parse, which a test
// catches before release.
func New(opts Options) http.Handler {
	if opts.SessionIdleTimeout <= 0 {
		opts.SessionIdleTimeout = 30 * time.Minute
	}
	if opts.SessionMaxAge <= 0 {
		opts.SessionMaxAge = 12 * time.Hour
	}
	if opts.MultipartThreshold <= 0 {
		opts.MultipartThreshold = 64 << 20
	}
	if opts.PartSize <= 0 {
		opts.PartSize = 8 << 20
	}
	if opts.MaxUploadSize <= 0 {
		opts.MaxUploadSize = 10000 * opts.PartSize
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	c := &Console{
		opts:     opts,
		logger:   logger,
		sessions: newSessionStore(opts.SessionIdleTimeout, opts.SessionMaxAge, opts.Now),
		pages:    mustParsePages(),
		mux:      http.NewServeMux(),
	}
	c.routes()
	return securityHeaders(c.mux)
}

// routes registers every page and action. Pages are GET; actions are POST
// and pass the CSRF check in (*Console).signedIn.
func (c *Console) routes() {
	static, err := fs.Sub(assets, "assets/static")
	if err != nil {
		panic(err)
	}
	c.mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(static)))

	c.mux.HandleFunc("GET /signin", c.SignInPage)
	c.mux.HandleFunc("POST /signin", c.SignIn)
	c.mux.Handle("POST /signout", c.signedIn(c.SignOut))
	c.mux.Handle("GET /{$}", c.signedIn(func(w http.ResponseWriter, r *http.Request, s *session) error {
		http.Redirect(w, r, "/buckets", http.StatusSeeOther)
		return nil
	}))

	// Buckets and objects.
	c.mux.Handle("GET /buckets", c.signedIn(c.ListBuckets))
	c.mux.Handle("POST /buckets", c.signedIn(c.PutBucket))
	c.mux.Handle("POST /buckets/{bucket}/delete", c.signedIn(c.DeleteBucket))
	c.mux.Handle("GET /buckets/{bucket}", c.signedIn(c.ListObjects))
	c.mux.Handle("POST /buckets/{bucket}/upload", c.signedIn(c.PutObject))
	c.mux.Handle("GET /buckets/{bucket}/object", c.signedIn(c.HeadObject))
	c.mux.Handle("GET /buckets/{bucket}/preview", c.signedIn(c.PreviewObject))
	c.mux.Handle("GET /buckets/{bucket}/download", c.signedIn(c.DownloadObject))
	c.mux.Handle("POST /buckets/{bucket}/object/delete", c.signedIn(c.DeleteObject))

	// Access points and Object FC Access Points.
	c.mux.Handle("GET /accesspoints", c.signedIn(c.ListAccessPoints))
	c.mux.Handle("POST /accesspoints", c.signedIn(c.CreateAccessPoint))
	c.mux.Handle("GET /accesspoints/{bucket}/{name}", c.signedIn(c.GetAccessPoint))
	c.mux.Handle("POST /accesspoints/{bucket}/{name}/policy", c.signedIn(c.PutAccessPointPolicy))
	c.mux.Handle("POST /accesspoints/{bucket}/{name}/policy/delete", c.signedIn(c.DeleteAccessPointPolicy))
	c.mux.Handle("POST /accesspoints/{bucket}/{name}/delete", c.signedIn(c.DeleteAccessPoint))
	c.mux.Handle("GET /fcaccesspoints", c.signedIn(c.ListFCAccessPoints))
	c.mux.Handle("GET /fcaccesspoints/new", c.signedIn(c.NewFCAccessPoint))
	c.mux.Handle("POST /fcaccesspoints", c.signedIn(c.CreateFCAccessPoint))
	c.mux.Handle("GET /fcaccesspoints/{bucket}/{name}", c.signedIn(c.GetFCAccessPoint))
	c.mux.Handle("POST /fcaccesspoints/{bucket}/{name}/policy", c.signedIn(c.PutFCAccessPointPolicy))
	c.mux.Handle("POST /fcaccesspoints/{bucket}/{name}/policy/delete", c.signedIn(c.DeleteFCAccessPointPolicy))
	c.mux.Handle("POST /fcaccesspoints/{bucket}/{name}/delete", c.signedIn(c.DeleteFCAccessPoint))
	c.mux.Handle("GET /compare", c.signedIn(c.Compare))

	// Functions.
	c.mux.Handle("GET /functions", c.signedIn(c.ListFunctions))
	c.mux.Handle("POST /functions", c.signedIn(c.CreateFunction))
	c.mux.Handle("GET /functions/{function}", c.signedIn(c.GetFunction))
	c.mux.Handle("POST /functions/{function}/code", c.signedIn(c.UpdateFunctionCode))
	c.mux.Handle("POST /functions/{function}/versions", c.signedIn(c.PublishVersion))
	c.mux.Handle("POST /functions/{function}/versions/{version}/delete", c.signedIn(c.DeleteVersion))
	c.mux.Handle("POST /functions/{function}/aliases", c.signedIn(c.CreateAlias))
	c.mux.Handle("POST /functions/{function}/aliases/{alias}/delete", c.signedIn(c.DeleteAlias))
	c.mux.Handle("POST /functions/{function}/invoke", c.signedIn(c.InvokeFunction))
	c.mux.Handle("POST /functions/{function}/delete", c.signedIn(c.DeleteFunction))

	// RAM.
	c.mux.Handle("GET /ram/users", c.signedIn(c.ListUsers))
	c.mux.Handle("POST /ram/users", c.signedIn(c.CreateUser))
	c.mux.Handle("GET /ram/users/{user}", c.signedIn(c.GetUser))
	c.mux.Handle("POST /ram/users/{user}/delete", c.signedIn(c.DeleteUser))
	c.mux.Handle("POST /ram/users/{user}/keys", c.signedIn(c.CreateAccessKey))
	c.mux.Handle("POST /ram/users/{user}/keys/{key}/status", c.signedIn(c.UpdateAccessKey))
	c.mux.Handle("POST /ram/users/{user}/keys/{key}/delete", c.signedIn(c.DeleteAccessKey))
	c.mux.Handle("POST /ram/users/{user}/policies/attach", c.signedIn(c.AttachPolicy))
	c.mux.Handle("POST /ram/users/{user}/policies/detach", c.signedIn(c.DetachPolicy))
	c.mux.Handle("GET /ram/roles", c.signedIn(c.ListRoles))
	c.mux.Handle("POST /ram/roles", c.signedIn(c.CreateRole))
	c.mux.Handle("POST /ram/quick-authorize", c.signedIn(c.QuickAuthorize))
	c.mux.Handle("GET /ram/roles/{role}", c.signedIn(c.GetRole))
	c.mux.Handle("POST /ram/roles/{role}/trust", c.signedIn(c.UpdateRoleTrust))
	c.mux.Handle("POST /ram/roles/{role}/delete", c.signedIn(c.DeleteRole))
	c.mux.Handle("POST /ram/roles/{role}/policies/attach", c.signedIn(c.AttachPolicy))
	c.mux.Handle("POST /ram/roles/{role}/policies/detach", c.signedIn(c.DetachPolicy))
	c.mux.Handle("GET /ram/policies", c.signedIn(c.ListPolicies))
	c.mux.Handle("POST /ram/policies", c.signedIn(c.CreatePolicy))
	c.mux.Handle("GET /ram/policies/{type}/{policy}", c.signedIn(c.GetPolicy))
	c.mux.Handle("POST /ram/policies/Custom/{policy}", c.signedIn(c.UpdatePolicy))
	c.mux.Handle("POST /ram/policies/Custom/{policy}/delete", c.signedIn(c.DeletePolicy))

	c.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		c.renderStatus(w, r, nil, http.StatusNotFound, "notfound", page{Title: "Not found"})
	})
}

// staticHandler serves the embedded assets. They change only with the
// binary, so browsers may cache them for an hour.
func staticHandler(files fs.FS) http.Handler {
	fileServer := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fileServer.ServeHTTP(w, r)
	})
}
