#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests need, installed when missing; this needs root,
# as on CI. The console's browser tests drive chromium (headless), and the
# python3.10 runtime and the Python example run /usr/bin/python3.
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium fonts-dejavu-core)
[ -x /usr/bin/python3 ] || packages+=(python3)
if [ ${#packages[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq "${packages[@]}" </dev/null
fi
export OSSFC_REQUIRE_BROWSER=1

go mod download
unformatted=$(gofmt -l cmd internal examples)
if [ -n "$unformatted" ]; then
	echo "gofmt would change these files:" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...
go test -race -timeout 40m ./...

# Tests that move 1 GiB measure memory, which the race detector inflates;
# they are built only without it and run once here.
go test -timeout 20m -run 'Large' ./...
