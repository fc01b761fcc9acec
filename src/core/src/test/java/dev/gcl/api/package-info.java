/** Tests of the public surface: which packages are API and what their signatures may name. */
package dev.gcl.api;
