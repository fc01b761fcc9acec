/** Model files on disk: {@code weights.npz} + {@code model.json}, written atomically, loaded with checks. */
package dev.gcl.model;
