package io.globalfunc.core.catalog;

import java.time.Duration;
import java.util.List;

/**
 * What a save did.
 *
 * @param saved functions written (upserted) at {@code commit}
 * @param changed of those, how many had different content than the catalog held (new included)
 * @param removed functions marked removed because the release no longer has them
 * @param notCallable saved files that define no callable of their name
 * @param skippedFiles catalogued files outside {@code package/name.py}, not stored as functions
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
    int skippedFiles,
    List<String> warnings,
    Duration elapsed) {}
