package io.globalfunc.core.naming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Batch keys are spelled once per batch, and the same as per key. */
class BatchKeysTest {

  private final BatchKeys keys = new BatchKeys("sp", "feature/x");

  @Test
  void aBatchsKeysAreSpelledUnderTheReleasesPrefix() {
    String base = "sp.~batch_" + FunctionName.escapeBranch("feature/x") + ".";
    assertEquals(base + "tasks", keys.tasks());
    assertEquals(base + "functions", keys.functions());
    assertEquals(base + "b-1:meta", keys.meta("b-1"));
    assertEquals(base + "b-1:dead", keys.deadLetters("b-1"));
    assertEquals(base + "b-1:progress", keys.progress("b-1"));
    assertEquals(base + "b-1:results:0", keys.results("b-1", 1023));
    assertEquals(base + "b-1:results:1", keys.results("b-1", 1024));
  }

  @Test
  void aBatchsKeysAreTheSameThroughItsBatchAndSpelledOnce() {
    BatchKeys.Batch b = keys.batch("b-1");
    assertSame(b, keys.batch("b-1"));
    assertEquals(keys.meta("b-1"), b.meta());
    assertEquals(keys.deadLetters("b-1"), b.deadLetters());
    assertEquals(keys.progress("b-1"), b.progress());
    assertEquals(keys.results("b-1", 5 * BatchKeys.RESULTS_PER_KEY), b.resultsHash(5));
    BatchKeys.Batch other = keys.batch("b-2");
    assertNotEquals(b.meta(), other.meta());
    assertEquals(keys.meta("b-1"), keys.batch("b-1").meta()); // back to the first after another
  }

  @Test
  void badBatchIdsAreRefusedEvenAfterAGoodOne() {
    keys.batch("b-1");
    assertThrows(IllegalArgumentException.class, () -> keys.batch("b.1"));
    assertThrows(IllegalArgumentException.class, () -> keys.meta(null));
    assertThrows(IllegalArgumentException.class, () -> keys.results("b-1", -1));
  }

  @Test
  void keysOfTheSameSpaceAndBranchAreEqual() {
    assertEquals(new BatchKeys("sp", "feature/x"), keys);
    assertEquals(new BatchKeys("sp", "feature/x").hashCode(), keys.hashCode());
    assertNotEquals(new BatchKeys("sp", "main"), keys);
    assertEquals("feature/x", keys.branch());
    assertEquals("sp", keys.space());
  }
}
