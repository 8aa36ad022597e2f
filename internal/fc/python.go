package fc

import _ "embed"

// pythonBootstrap is the runtime of python3.10 functions: a client of FC's
// runtime API that calls handler(event, context). New writes it into the
// runtime directory, where the function user can read it.
//
//go:embed python/bootstrap.py
var pythonBootstrap []byte
