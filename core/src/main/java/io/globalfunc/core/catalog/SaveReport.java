package io.globalfunc.core.catalog;

import java.time.Duration;
import java.util.List;

/**
 * What a save did.
 *
 * @param saved functions written (upserted) at {@code commit}
 * @param changed functions and other files whose content differs from what the catalog held (new
 *     included)
 * @param removed functions and other files marked removed because the release no longer has them
 * @param notCallable saved {@code package/name.py} files that define no callable of their name
 * @param files other files (not {@code package/name.py}) catalogued at {@code commit}; never
 *     callable
 * @param warnings non-fatal problems (e.g. the cache could not be invalidated)
 */
public record SaveReport(
    String space,
    String branch,
    String commit,
    int saved,
    int changed,
    int removed,
    int notCallable,
    int files,
    List<String> warnings,
    Duration elapsed) {}
