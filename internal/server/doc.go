// Package server assembles an ossfc server from its configuration: it lays
// out the data directory, opens the metadata and blob stores, sweeps orphan
// blobs, bootstraps the first account's credentials, and runs the OSS API,
// internal and console listeners until it is shut down.
//
// Data directory layout (mode 0700):
//
//	<data>/credentials     the generated root key pair and account id (0600)
//	<data>/ram.key         the key that seals access key secrets (0600)
//	<data>/callback.key    the RSA key that signs upload callbacks (0600)
//	<data>/meta/ossfc.db   SQLite metadata in WAL mode (with -wal and -shm files)
//	<data>/objects/        object data blobs (see package blob)
//	<data>/objects/tmp/    uploads in progress; emptied at start-up
//
// server is imported only by cmd/ossfc and by tests that need a live server.
package server
