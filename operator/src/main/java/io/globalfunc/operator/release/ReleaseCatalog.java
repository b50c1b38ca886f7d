package io.globalfunc.operator.release;

import io.globalfunc.core.catalog.RepositoryClaim;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.Library;
import java.util.Map;

/**
 * The catalog step of a FunctionRelease: write the library read at its commit into MongoDB and the
 * Redis cache. Implemented over core's catalog ({@code io.globalfunc.core.catalog.Catalog}); the
 * operator holds no catalog logic of its own.
 */
public interface ReleaseCatalog {

  /**
   * Saves the release idempotently into {@code space}, claimed for {@code repository} first;
   * returns how many function documents were written.
   *
   * @throws RepositoryClaim.Refused when the space belongs to another repository (nothing written)
   */
  int save(
      String space,
      RepositoryClaim repository,
      Library library,
      Map<FunctionRef, FunctionInfo> infos);
}
