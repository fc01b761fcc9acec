/** Marks on the public API: {@link dev.gcl.api.Internal} for public members that are not part of it. */
package dev.gcl.api;
