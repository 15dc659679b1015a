/**
 * What the PostgreSQL and MySQL listeners share: the users file ({@link io.tenantroute.proxy.internal.UsersFile}),
 * TLS towards clients ({@link io.tenantroute.proxy.internal.TlsContexts}) and channel helpers
 * ({@link io.tenantroute.proxy.internal.Channels}). Protocol-specific credentials (SCRAM keys, md5 hashes, MySQL
 * digests) are derived by each protocol from the users' passwords and kept there, not here.
 */
package io.tenantroute.proxy.internal;
