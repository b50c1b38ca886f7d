package io.globalfunc.core.batch;

/** A task read by a consumer and not yet finished, with how often it was delivered. */
public record PendingTask(String streamId, String consumer, long idleMillis, long deliveries) {}
