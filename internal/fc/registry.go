package fc

import (
	"context"
	"errors"
	"fmt"

	"github.com/ossfc/ossfc/internal/meta"
)

// mapStoreError turns the store's sentinel errors into the service's.
func mapStoreError(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, meta.ErrNotFound):
		return &missingError{subject: what, kinds: []error{ErrFunctionNotFound}}
	case errors.Is(err, meta.ErrExists):
		return fmt.Errorf("%w: %s", ErrAlreadyExists, what)
	case errors.Is(err, meta.ErrNotEmpty):
		return fmt.Errorf("%w: %v", ErrConflict, err)
	}
	return err
}

// CreateFunction adds a function to accountID and installs its code.
func (s *Service) CreateFunction(ctx context.Context, accountID string, spec FunctionSpec) (*meta.Function, error) {
	if !functionNameRE.MatchString(spec.Name) {
		return nil, fmt.Errorf("%w: functionName: %q must be 1 to 128 letters, digits, '_' or '-' and not start with a digit or '-'", ErrInvalidArgument, spec.Name)
	}
	config := configFromSpec(&spec)
	if err := normalizeConfig(&config, spec.Code != nil); err != nil {
		return nil, err
	}
	s.sealHTTPToken(accountID, spec.Name, &config)

	s.codeMu.Lock()
	defer s.codeMu.Unlock()
	if config.Runtime != RuntimeHTTP {
		ic, err := s.code.install(spec.Code)
		if err != nil {
			return nil, err
		}
		config.CodeID, config.CodeSize, config.CodeChecksum = ic.ID, ic.Size, ic.Checksum
	}

	now := s.cfg.Now().UTC()
	f := &meta.Function{AccountID: accountID, Name: spec.Name, CreatedAt: now, UpdatedAt: now, Config: config}
	if err := s.store.Create(ctx, f); err != nil {
		s.removeUnusedCodeLocked(ctx, config.CodeID)
		return nil, mapStoreError(err, "function "+spec.Name)
	}
	s.logger.Info("function created", "account", accountID, "function", spec.Name, "runtime", config.Runtime)
	return f, nil
}

// removeUnusedCodeLocked removes a tree nothing refers to; s.codeMu is held.
func (s *Service) removeUnusedCodeLocked(ctx context.Context, id string) {
	if id == "" {
		return
	}
	if used, err := s.store.CodeInUse(ctx, id); err == nil && !used {
		s.code.remove(id)
	}
}

// UpdateFunction changes the LATEST state of a function. Instances running
// the previous state finish their invocations and stop.
func (s *Service) UpdateFunction(ctx context.Context, accountID, name string, upd FunctionUpdate) (*meta.Function, error) {
	s.codeMu.Lock()
	defer s.codeMu.Unlock()

	var newCode *installedCode
	if upd.Code != nil {
		ic, err := s.code.install(upd.Code)
		if err != nil {
			return nil, err
		}
		newCode = &ic
	}

	var updated *meta.Function
	var oldCode string
	err := s.store.Update(ctx, accountID, name, func(f *meta.Function) error {
		config := f.Config
		oldCode = config.CodeID
		upd.apply(&config)
		if newCode != nil {
			config.CodeID, config.CodeSize, config.CodeChecksum = newCode.ID, newCode.Size, newCode.Checksum
		}
		if err := normalizeConfig(&config, config.CodeID != ""); err != nil {
			return err
		}
		if upd.HTTPToken != nil {
			s.sealHTTPToken(accountID, name, &config)
		}
		f.Config = config

		// UpdatedAt tells instance pools apart, so it must change.
		now := s.cfg.Now().UTC()
		if !now.After(f.UpdatedAt) {
			now = f.UpdatedAt.Add(1)
		}
		f.UpdatedAt = now
		updated = f
		return nil
	})
	if err != nil {
		if newCode != nil {
			s.removeUnusedCodeLocked(ctx, newCode.ID)
		}
		return nil, mapStoreError(err, "function "+name)
	}
	if oldCode != updated.Config.CodeID {
		s.removeUnusedCodeLocked(ctx, oldCode)
	}
	s.retirePools(accountID, name, LatestQualifier)
	s.logger.Info("function updated", "account", accountID, "function", name)
	return updated, nil
}

// GetFunction returns the LATEST state of a function.
func (s *Service) GetFunction(ctx context.Context, accountID, name string) (*meta.Function, error) {
	f, err := s.store.Get(ctx, accountID, name)
	return f, mapStoreError(err, "function "+name)
}

// ListFunctions returns up to limit functions of accountID whose names start
// with prefix and sort after marker, in name order.
func (s *Service) ListFunctions(ctx context.Context, accountID, prefix, marker string, limit int) ([]*meta.Function, error) {
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	return s.store.List(ctx, accountID, prefix, marker, limit)
}

// DeleteFunction removes a function with its versions and aliases and stops
// its instances.
func (s *Service) DeleteFunction(ctx context.Context, accountID, name string) error {
	var codes []string
	if f, err := s.store.Get(ctx, accountID, name); err == nil {
		codes = append(codes, f.Config.CodeID)
	}
	if vs, err := s.store.ListVersions(ctx, accountID, name); err == nil {
		for _, v := range vs {
			codes = append(codes, v.Config.CodeID)
		}
	}
	if err := s.store.Delete(ctx, accountID, name); err != nil {
		return mapStoreError(err, "function "+name)
	}
	s.retirePools(accountID, name, "")
	if err := s.collectCode(ctx, codes...); err != nil {
		s.logger.Warn("function code not removed", "function", name, "error", err)
	}
	s.logger.Info("function deleted", "account", accountID, "function", name)
	return nil
}

// PublishVersion freezes the LATEST code and settings as a new version.
func (s *Service) PublishVersion(ctx context.Context, accountID, name, description string) (*meta.FunctionVersion, error) {
	if len(description) > maxDescriptionBytes {
		return nil, fmt.Errorf("%w: description: longer than %d bytes", ErrInvalidArgument, maxDescriptionBytes)
	}
	v, err := s.store.PublishVersion(ctx, accountID, name, description, s.cfg.Now().UTC())
	if err != nil {
		return nil, mapStoreError(err, "function "+name)
	}
	s.logger.Info("function version published", "account", accountID, "function", name, "version", v.VersionID)
	return v, nil
}

// GetVersion returns one published version.
func (s *Service) GetVersion(ctx context.Context, accountID, name, versionID string) (*meta.FunctionVersion, error) {
	v, err := s.store.GetVersion(ctx, accountID, name, versionID)
	return v, notFound(err, ErrVersionNotFound, fmt.Sprintf("function %s version %s", name, versionID))
}

// ListVersions returns the versions of a function, newest first.
func (s *Service) ListVersions(ctx context.Context, accountID, name string) ([]*meta.FunctionVersion, error) {
	vs, err := s.store.ListVersions(ctx, accountID, name)
	return vs, mapStoreError(err, "function "+name)
}

// DeleteVersion removes a version that no alias points at.
func (s *Service) DeleteVersion(ctx context.Context, accountID, name, versionID string) error {
	v, err := s.store.GetVersion(ctx, accountID, name, versionID)
	if err != nil {
		return notFound(err, ErrVersionNotFound, fmt.Sprintf("function %s version %s", name, versionID))
	}
	if err := s.store.DeleteVersion(ctx, accountID, name, versionID); err != nil {
		return mapStoreError(err, fmt.Sprintf("function %s version %s", name, versionID))
	}
	s.retirePools(accountID, name, versionID)
	if err := s.collectCode(ctx, v.Config.CodeID); err != nil {
		s.logger.Warn("function code not removed", "function", name, "error", err)
	}
	return nil
}

// Alias is the input of CreateAlias and UpdateAlias.
type Alias struct {
	Name        string
	VersionID   string
	Description string
}

// CreateAlias adds an alias that names a published version.
func (s *Service) CreateAlias(ctx context.Context, accountID, function string, a Alias) (*meta.FunctionAlias, error) {
	return s.putAlias(ctx, accountID, function, a, true)
}

// UpdateAlias points an existing alias at another version.
func (s *Service) UpdateAlias(ctx context.Context, accountID, function string, a Alias) (*meta.FunctionAlias, error) {
	return s.putAlias(ctx, accountID, function, a, false)
}

func (s *Service) putAlias(ctx context.Context, accountID, function string, a Alias, create bool) (*meta.FunctionAlias, error) {
	switch {
	case a.Name == LatestQualifier || !aliasNameRE.MatchString(a.Name):
		return nil, fmt.Errorf("%w: aliasName: %q must be 1 to 128 letters, digits, '_' or '-', start with a letter or '_' and not be LATEST", ErrInvalidArgument, a.Name)
	case !versionRE.MatchString(a.VersionID):
		return nil, fmt.Errorf("%w: versionId: %q is not a published version number", ErrInvalidArgument, a.VersionID)
	case len(a.Description) > maxDescriptionBytes:
		return nil, fmt.Errorf("%w: description: longer than %d bytes", ErrInvalidArgument, maxDescriptionBytes)
	}

	now := s.cfg.Now().UTC()
	rec := &meta.FunctionAlias{AccountID: accountID, FunctionName: function, Name: a.Name,
		VersionID: a.VersionID, Description: a.Description, CreatedAt: now, UpdatedAt: now}
	if !create {
		old, err := s.store.GetAlias(ctx, accountID, function, a.Name)
		if err != nil {
			return nil, notFound(err, ErrAliasNotFound, fmt.Sprintf("function %s alias %s", function, a.Name))
		}
		rec.CreatedAt = old.CreatedAt
	}
	err := s.store.PutAlias(ctx, rec, create)
	switch {
	case errors.Is(err, meta.ErrExists):
		return nil, fmt.Errorf("%w: function %s alias %s", ErrAlreadyExists, function, a.Name)
	case errors.Is(err, meta.ErrNotFound) && !create:
		if _, gerr := s.store.GetAlias(ctx, accountID, function, a.Name); gerr != nil {
			return nil, notFound(gerr, ErrAliasNotFound, fmt.Sprintf("function %s alias %s", function, a.Name))
		}
		return nil, notFound(err, ErrVersionNotFound, fmt.Sprintf("function %s version %s", function, a.VersionID))
	case errors.Is(err, meta.ErrNotFound):
		if _, gerr := s.store.Get(ctx, accountID, function); gerr != nil {
			return nil, notFound(gerr, ErrFunctionNotFound, "function "+function)
		}
		return nil, notFound(err, ErrVersionNotFound, fmt.Sprintf("function %s version %s", function, a.VersionID))
	case err != nil:
		return nil, err
	}
	return rec, nil
}

// GetAlias returns one alias.
func (s *Service) GetAlias(ctx context.Context, accountID, function, alias string) (*meta.FunctionAlias, error) {
	a, err := s.store.GetAlias(ctx, accountID, function, alias)
	return a, notFound(err, ErrAliasNotFound, fmt.Sprintf("function %s alias %s", function, alias))
}

// ListAliases returns the aliases of a function in name order.
func (s *Service) ListAliases(ctx context.Context, accountID, function string) ([]*meta.FunctionAlias, error) {
	as, err := s.store.ListAliases(ctx, accountID, function)
	return as, mapStoreError(err, "function "+function)
}

// DeleteAlias removes an alias.
func (s *Service) DeleteAlias(ctx context.Context, accountID, function, alias string) error {
	err := s.store.DeleteAlias(ctx, accountID, function, alias)
	return notFound(err, ErrAliasNotFound, fmt.Sprintf("function %s alias %s", function, alias))
}
