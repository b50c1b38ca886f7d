package io.globalfunc.runtime.library;

/**
 * One call's hold on the commit serving it, with the ref the caller named ({@code null}: the
 * release's commit). Closing it lets a retired commit stop once its last call has answered.
 */
public record Lease(CommitLibrary library, String ref) implements AutoCloseable {

  /** Another lease on the same commit, for one of many calls made while this one is held. */
  public Lease share() {
    library.leaseAgain();
    return new Lease(library, ref);
  }

  @Override
  public void close() {
    library.release();
  }
}
