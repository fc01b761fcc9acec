package dev.gcl.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public member of an exported type that is not part of the API: it names a type of a hidden package
 * (backends, networks, trainer state) and exists for the gcl tool, the tests and the benchmarks. It may change or
 * go in any release; code embedding the library should not call it. {@code ApiSurfaceTest} fails on any public
 * member of an exported type whose signature names a hidden package's type without this mark.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface Internal {
    /** Why the member is public at all (who uses it). */
    String value();
}
