// Command image runs the image example function (package image) on Function
// Compute's custom runtime: it serves POST /invoke on $FC_SERVER_PORT.
package main

import (
	"log"

	"github.com/ossfc/ossfc/examples/functions/fcevent"
	"github.com/ossfc/ossfc/examples/functions/image"
)

func main() {
	log.Fatal(fcevent.Serve(image.Handle))
}
