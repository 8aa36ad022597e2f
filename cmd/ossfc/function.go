package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ossfc/ossfc/examples/functions/csv2json"
	"github.com/ossfc/ossfc/examples/functions/fcevent"
	"github.com/ossfc/ossfc/examples/functions/identity"
	imagefn "github.com/ossfc/ossfc/examples/functions/image"
	"github.com/ossfc/ossfc/examples/functions/mask"
)

// exampleFunctions are the example transform functions built into the
// binary, so that "ossfc demo" and "ossfc bench" can deploy them without a
// Go toolchain.
var exampleFunctions = map[string]fcevent.HandlerFunc{
	"identity": identity.Handle,
	"mask":     mask.Handle,
	"csv2json": csv2json.Handle,
	"image":    imagefn.Handle,
}

// functionCommand serves one example function on Function Compute's custom
// runtime (POST /invoke on $FC_SERVER_PORT) until the process is stopped.
// The command is left out of the usage text: a custom-runtime function runs
// it, people do not.
func functionCommand(args []string, stderr io.Writer) int {
	names := make([]string, 0, len(exampleFunctions))
	for name := range exampleFunctions {
		names = append(names, name)
	}
	slices.Sort(names)
	if len(args) != 1 || exampleFunctions[args[0]] == nil {
		fmt.Fprintf(stderr, "Usage: ossfc function <name>\n\nServes an example function on the custom runtime; name is one of %s.\n",
			strings.Join(names, ", "))
		return 2
	}
	err := fcevent.Serve(exampleFunctions[args[0]])
	fmt.Fprintf(stderr, "ossfc function %s: %v\n", args[0], err)
	return 1
}
