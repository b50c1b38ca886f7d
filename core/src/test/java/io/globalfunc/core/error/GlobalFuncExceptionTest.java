package io.globalfunc.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.batch.BatchStoreException;
import io.globalfunc.core.catalog.CatalogException;
import io.globalfunc.core.library.LibraryException;
import io.vertx.redis.client.impl.types.ErrorType;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Every GlobalFunc failure shares one base with a reason; Redis errors are told by type. */
class GlobalFuncExceptionTest {

  @Test
  void everyFailureIsAGlobalFuncExceptionWithItsReason() {
    GlobalFuncException catalog =
        new CatalogException(CatalogException.Reason.NOT_FOUND, "Base.f is not in the catalog");
    GlobalFuncException library =
        new LibraryException(LibraryException.Reason.BRANCH_NOT_FOUND, "no branch x");
    assertThat(catalog.reason()).isEqualTo(CatalogException.Reason.NOT_FOUND);
    assertThat(library.reason()).isEqualTo(LibraryException.Reason.BRANCH_NOT_FOUND);
    assertThat(catalog.getMessage()).isEqualTo("Base.f is not in the catalog");
  }

  @Test
  void aRedisErrorReplyIsRefusedAndToldByItsKind() {
    var busy =
        new BatchStoreException(
            "BUSYGROUP Consumer Group name already exists",
            ErrorType.create("BUSYGROUP Consumer Group name already exists"));
    assertThat(busy.reason()).isEqualTo(BatchStoreException.Reason.REFUSED);
    assertThat(busy.isRedisError("BUSYGROUP")).isTrue();
    assertThat(busy.isRedisError("WRONGTYPE")).isFalse();
  }

  @Test
  void noAnswerIsUnavailableEvenWhenTheMessageLooksLikeAnError() {
    var timeout = new BatchStoreException("BUSYGROUP", new TimeoutException());
    assertThat(timeout.reason()).isEqualTo(BatchStoreException.Reason.UNAVAILABLE);
    assertThat(timeout.isRedisError("BUSYGROUP")).isFalse();
  }
}
