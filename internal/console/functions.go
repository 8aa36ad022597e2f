package console

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ossfc/ossfc/internal/fc/fcapi"
	"github.com/ossfc/ossfc/internal/fc/fcclient"
)

// maxZipBytes caps a code upload; the function service's default cap is
// the same.
const maxZipBytes = 100 << 20

// runtimes are the runtimes the deploy form offers, with what each needs.
var runtimes = []struct{ Name, Hint string }{
	{"custom", "an HTTP server on $FC_SERVER_PORT; set the command, such as ./function"},
	{"go1", "a Go program built with FC's or AWS Lambda's runtime library; set the command"},
	{"provided", "a program that speaks the runtime API; set the command"},
	{"python3.10", "set the handler as module.function, such as index.handler"},
}

type functionList struct {
	Functions []*fcapi.Function
	NextToken string
	Runtimes  any
}

// ListFunctions shows the functions and the deploy form.
func (c *Console) ListFunctions(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.fc == nil {
		return errNoAdmin
	}
	list := &functionList{Runtimes: runtimes}
	p := page{Title: "Functions", Nav: "functions", Data: list}
	out, err := s.fc.ListFunctions(r.Context(), "", r.URL.Query().Get("token"), 100)
	if err != nil {
		p.Error = c.explain(r, err)
		c.renderStatus(w, r, s, p.Error.Status, "functions", p)
		return nil
	}
	list.Functions, list.NextToken = out.Functions, out.NextToken
	c.render(w, r, s, "functions", p)
	return nil
}

// CreateFunction deploys a function from an uploaded zip file.
func (c *Console) CreateFunction(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.fc == nil {
		return errNoAdmin
	}
	in, err := functionInput(r)
	if err != nil {
		c.redirectError(w, r, s, "/functions", err)
		return nil
	}
	fn, err := s.fc.CreateFunction(r.Context(), in)
	if err != nil {
		c.redirectError(w, r, s, "/functions", err)
		return nil
	}
	redirect(w, r, s, "/functions/"+url.PathEscape(fn.FunctionName), "Function "+fn.FunctionName+" deployed. Test it with an event below.")
	return nil
}

// functionInput reads the deploy form.
func functionInput(r *http.Request) (*fcapi.CreateFunctionInput, error) {
	name := strings.TrimSpace(r.PostFormValue("functionName"))
	if problem := functionNameProblem(name); problem != "" {
		return nil, invalidInput(problem)
	}

	in := &fcapi.CreateFunctionInput{
		FunctionName: name,
		Description:  strings.TrimSpace(r.PostFormValue("description")),
		Runtime:      r.PostFormValue("runtime"),
		Handler:      strings.TrimSpace(r.PostFormValue("handler")),
		Role:         strings.TrimSpace(r.PostFormValue("role")),
	}
	var err error
	if in.Timeout, err = optionalInt(r, "timeout", "The timeout"); err != nil {
		return nil, err
	}
	if in.MemorySize, err = optionalInt(r, "memorySize", "The memory size"); err != nil {
		return nil, err
	}
	if command := strings.Fields(r.PostFormValue("command")); len(command) > 0 {
		in.CustomRuntimeConfig = &fcapi.CustomRuntimeConfig{Command: command}
	}
	if in.EnvironmentVariables, err = parseEnvironment(r.PostFormValue("environment")); err != nil {
		return nil, err
	}

	zip, err := uploadedZip(r)
	if err != nil {
		return nil, err
	}
	in.Code = &fcapi.InputCode{ZipFile: zip}
	return in, nil
}

// uploadedZip reads the zip file of a deploy form.
func uploadedZip(r *http.Request) ([]byte, error) {
	file, header, err := r.FormFile("code")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, invalidInput("Choose the function's code: a zip file with the program at its root.")
	}
	if err != nil {
		return nil, invalidInput("The code upload could not be read: " + err.Error())
	}
	defer file.Close()
	if header.Size > maxZipBytes {
		return nil, invalidInput("The zip file is larger than " + formatBytes(maxZipBytes) + ".")
	}
	return io.ReadAll(io.LimitReader(file, maxZipBytes))
}

func optionalInt(r *http.Request, field, what string) (int, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, invalidInput(what + " must be a whole number.")
	}
	return n, nil
}

// parseEnvironment reads NAME=value lines.
func parseEnvironment(text string) (map[string]string, error) {
	env := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, invalidInput("Environment line " + strconv.Itoa(i+1) + " is not of the form NAME=value.")
		}
		env[strings.TrimSpace(name)] = value
	}
	if len(env) == 0 {
		return nil, nil
	}
	return env, nil
}

// functionNameProblem explains why name is not a valid function name, or
// returns "". Function Compute allows 1 to 64 letters, digits, underscores
// and hyphens, not starting with a digit or hyphen.
func functionNameProblem(name string) string {
	if name == "" || len(name) > 64 {
		return "A function name has 1 to 64 characters."
	}
	for i, r := range name {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_'
		if i == 0 && !letter {
			return "A function name starts with a letter or an underscore."
		}
		if !letter && !(r >= '0' && r <= '9') && r != '-' {
			return "A function name may contain only letters, digits, underscores (_) and hyphens (-)."
		}
	}
	return ""
}

// functionDetail is the function page's data.
type functionDetail struct {
	Function    *fcapi.Function
	Versions    []*fcapi.Version
	Aliases     []*fcapi.Alias
	Invocations []*fcapi.InvocationLog

	// Invoke is the result of the test invocation that InvokeFunction just
	// ran, and Event and Qualifier are the form's values for it.
	Invoke    *fcclient.InvokeOutput
	Event     string
	Qualifier string
}

func functionPage(name string) string { return "/functions/" + url.PathEscape(name) }

// GetFunction shows a function: configuration, versions, aliases, the test
// invocation form and the logs of recent invocations. After
// InvokeFunction it shows the invocation's result, once. A failed read
// shows the error in place of the part it concerns.
func (c *Console) GetFunction(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.fc == nil {
		return errNoAdmin
	}
	name := r.PathValue("function")
	d, ok := s.takeResult(functionPage(name)).(*functionDetail)
	if !ok {
		d = &functionDetail{Event: `{"key": "value"}`}
	}
	p := page{Title: name, Nav: "functions", Data: d}
	fn, err := s.fc.GetFunction(r.Context(), name, "")
	if err != nil {
		p.Error = c.explain(r, err)
		c.renderStatus(w, r, s, p.Error.Status, "function", p)
		return nil
	}
	d.Function = fn

	versions, err := s.fc.ListVersions(r.Context(), name)
	if err == nil {
		d.Versions = versions.Versions
	}
	aliases, aliasErr := s.fc.ListAliases(r.Context(), name)
	if aliasErr == nil {
		d.Aliases = aliases.Aliases
	}
	logs, logErr := s.fc.InvocationLogs(r.Context(), name, "", 10)
	if logErr == nil {
		d.Invocations = logs.Invocations
	}
	if err = errors.Join(err, aliasErr, logErr); err != nil && p.Error == nil {
		p.Error = c.explain(r, err)
	}
	c.render(w, r, s, "function", p)
	return nil
}

// UpdateFunctionCode deploys a new zip file to a function's LATEST.
func (c *Console) UpdateFunctionCode(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.fc == nil {
		return errNoAdmin
	}
	name := r.PathValue("function")
	back := "/functions/" + url.PathEscape(name)
	zip, err := uploadedZip(r)
	if err == nil {
		_, err = s.fc.UpdateFunction(r.Context(), name, &fcapi.UpdateFunctionInput{Code: &fcapi.InputCode{ZipFile: zip}})
	}
	if err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	redirect(w, r, s, back, "New code deployed to LATEST.")
	return nil
}

// PublishVersion freezes LATEST as a new version.
func (c *Console) PublishVersion(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.fc == nil {
		return errNoAdmin
	}
	name := r.PathValue("function")
	back := "/functions/" + url.PathEscape(name)
	v, err := s.fc.PublishVersion(r.Context(), name, strings.TrimSpace(r.PostFormValue("description")))
	if err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	redirect(w, r, s, back, "Version "+v.VersionID+" published.")
	return nil
}

// DeleteVersion deletes a version no alias points at.
func (c *Console) DeleteVersion(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.fc == nil {
		return errNoAdmin
	}
	name, version := r.PathValue("function"), r.PathValue("version")
	back := "/functions/" + url.PathEscape(name)
	if err := s.fc.DeleteVersion(r.Context(), name, version); err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	redirect(w, r, s, back, "Version "+version+" deleted.")
	return nil
}

// CreateAlias points an alias at a version, creating the alias or moving
// it when it exists.
func (c *Console) CreateAlias(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.fc == nil {
		return errNoAdmin
	}
	name := r.PathValue("function")
	back := "/functions/" + url.PathEscape(name)
	in := &fcapi.AliasInput{
		AliasName:   strings.TrimSpace(r.PostFormValue("aliasName")),
		VersionID:   r.PostFormValue("versionId"),
		Description: strings.TrimSpace(r.PostFormValue("description")),
	}
	if in.AliasName == "" || in.VersionID == "" {
		c.redirectError(w, r, s, back, invalidInput("Enter an alias name and choose a version."))
		return nil
	}
	_, err := s.fc.CreateAlias(r.Context(), name, in)
	if serviceCode(err) == "ResourceAlreadyExists" {
		_, err = s.fc.UpdateAlias(r.Context(), name, in.AliasName, in)
	}
	if err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	redirect(w, r, s, back, "Alias "+in.AliasName+" now points at version "+in.VersionID+".")
	return nil
}

// DeleteAlias deletes an alias.
func (c *Console) DeleteAlias(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.fc == nil {
		return errNoAdmin
	}
	name, alias := r.PathValue("function"), r.PathValue("alias")
	back := "/functions/" + url.PathEscape(name)
	if err := s.fc.DeleteAlias(r.Context(), name, alias); err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	redirect(w, r, s, back, "Alias "+alias+" deleted.")
	return nil
}

// InvokeFunction runs a test invocation with the event from the form and
// redirects to the function page, which shows the result with the log tail
// once. Reloading that page does not invoke the function again.
func (c *Console) InvokeFunction(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.fc == nil {
		return errNoAdmin
	}
	name := r.PathValue("function")
	back := functionPage(name)
	d := &functionDetail{Event: r.PostFormValue("event"), Qualifier: r.PostFormValue("qualifier")}
	out, err := s.fc.Invoke(r.Context(), name, d.Qualifier, []byte(d.Event), true)
	d.Invoke = out
	s.keepResult(back, d)
	if err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// DeleteFunction deletes a function with its versions and aliases.
func (c *Console) DeleteFunction(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.fc == nil {
		return errNoAdmin
	}
	name := r.PathValue("function")
	if err := s.fc.DeleteFunction(r.Context(), name); err != nil {
		c.redirectError(w, r, s, "/functions/"+url.PathEscape(name), err)
		return nil
	}
	redirect(w, r, s, "/functions", "Function "+name+" deleted.")
	return nil
}

// errNoAdmin is returned by admin pages of a console started without an
// admin URL.
var errNoAdmin = &userError{status: http.StatusNotFound,
	text: "This console has no admin API configured, so functions and RAM cannot be managed here."}
