package io.globalfunc.runtime.library;

/**
 * The release's commit is now {@code release} (loaded at start, switched in place, or reloaded),
 * fired synchronously and in order, before the switch or reload answers.
 */
public record ReleaseChanged(CommitLibrary release) {}
