/**
 * The TenantRoute wire proxy: PostgreSQL (frontend/backend protocol 3.0) and MySQL (client/server protocol)
 * listeners that route every transaction of a non-JVM app by the live tenant map, with the driver's routing,
 * fence, freeze and throttle semantics. {@code io.tenantroute.proxy.pg} and {@code io.tenantroute.proxy.mysql}
 * hold each protocol's codecs and sessions; {@code io.tenantroute.proxy.internal} what both share.
 */
package io.tenantroute.proxy;
