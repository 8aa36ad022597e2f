#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# The console's browser tests drive Debian's chromium (headless). Install it
# when it is missing; this needs root, as on CI.
if ! command -v chromium >/dev/null 2>&1; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq chromium fonts-dejavu-core </dev/null
fi
export OSSFC_REQUIRE_BROWSER=1

go mod download
go vet ./...
go test -race -timeout 40m ./...

# Tests that move 1 GiB measure memory, which the race detector inflates;
# they are built only without it and run once here.
go test -timeout 20m -run 'Large' ./...
