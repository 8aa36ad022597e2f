// Package maskpython holds the Python mask function, index.py, so that Go
// programs can deploy it without the source tree: "ossfc demo" deploys it
// from the ossfc binary. Its handler is index.handler on the python3.10
// runtime.
package maskpython

import "embed"

// Code is the function's code directory: index.py at its root.
//
//go:embed index.py
var Code embed.FS

// Handler is the function's handler setting.
const Handler = "index.handler"
