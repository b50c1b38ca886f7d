package io.globalfunc.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.library.LibraryFile;
import io.globalfunc.core.library.ScanRules;
import io.globalfunc.core.naming.CatalogKeys;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.core.naming.FunctionName.PackageBranch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** What a save lands where and what it marks removed, decided without a database. */
class SavePlanTest {

  static final String SPACE = "sp_Test";
  static final String BASE = PackageBranch.of("Base", "master").tier2();
  static final String UTIL = PackageBranch.of("Util", "master").tier2();
  static final String ROOT = CatalogKeys.filesCollection("master");

  static LibraryFile file(String path, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return new LibraryFile(path, bytes, ScanRules.meta(path, bytes, Instant.EPOCH, ZoneOffset.UTC));
  }

  static Library library(LibraryFile... files) {
    return new Library("test", "master", "c0ffee1", List.of(files));
  }

  static final Library LIB =
      library(
          file("Base/odd.py", "def odd(x):\n    return x % 2\n"),
          file("Base/notes.md", "# notes\n"),
          file("Util/clear.py", "def clear():\n    pass\n"),
          file("remark.md", "remark\n"));

  static Map<String, MongoCatalogStore.Held> held(String... idsAndHashes) {
    Map<String, MongoCatalogStore.Held> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < idsAndHashes.length; i += 2) {
      out.put(idsAndHashes[i], new MongoCatalogStore.Held(idsAndHashes[i + 1], false, true));
    }
    return out;
  }

  @Test
  void functionsAndPackageFilesLandInTheirPackageTierAndRootFilesInTheBranchFiles() {
    SavePlan plan = SavePlan.of(SPACE, LIB, null);
    assertThat(plan.homes()).containsOnlyKeys(BASE, UTIL, ROOT);
    assertThat(plan.slots().get(BASE))
        .extracting(SavePlan.Slot::id)
        .containsExactly("odd", "Base.notes.md");
    assertThat(plan.slots().get(BASE).get(0).function())
        .isEqualTo(FunctionName.of(SPACE, "Base", "master", "odd"));
    assertThat(plan.slots().get(BASE).get(1).other().pkg()).isEqualTo("Base");
    assertThat(plan.slots().get(UTIL)).extracting(SavePlan.Slot::id).containsExactly("clear");
    assertThat(plan.slots().get(ROOT)).extracting(SavePlan.Slot::id).containsExactly("remark.md");
    assertThat(plan.homes().get(ROOT).pb()).isNull();
    assertThat(plan.functions()).isEqualTo(2);
    assertThat(plan.files()).isEqualTo(2);
    assertThat(plan.total()).isEqualTo(4);
    assertThat(plan.wholeRelease()).isTrue();
    assertThat(plan.warnings()).isEmpty();
    assertThat(plan.commit()).isEqualTo("c0ffee1");
  }

  @Test
  void choosingFunctionsSavesOnlyThemAndNoOtherFile() {
    SavePlan plan = SavePlan.of(SPACE, LIB, Set.of("Util/clear.py"));
    assertThat(plan.homes()).containsOnlyKeys(UTIL);
    assertThat(plan.functions()).isEqualTo(1);
    assertThat(plan.files()).isZero();
    assertThat(plan.wholeRelease()).isFalse();
  }

  @Test
  void aFileWithTheScanKeyOfAFunctionIsNotCataloguedAndSaysWhy() {
    SavePlan plan =
        SavePlan.of(
            SPACE,
            library(file("Base/odd.py", "def odd():\n  pass\n"), file("Base.odd.py", "x")),
            null);
    assertThat(plan.functions()).isEqualTo(1);
    assertThat(plan.files()).isZero();
    assertThat(plan.warnings())
        .containsExactly(
            "Base.odd.py has the scan key Base.odd.py of another file; not catalogued");
  }

  @Test
  void aLibraryWithoutACommitCannotBeSaved() {
    Library working = new Library("dir", null, null, List.of());
    assertThatThrownBy(() -> SavePlan.of(SPACE, working, null))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("needs a branch and a commit");
  }

  @Test
  void whatTheBranchHeldAndTheReleaseLacksIsMarkedRemoved() {
    SavePlan plan = SavePlan.of(SPACE, LIB, null);
    String gone = PackageBranch.of("Gone", "master").tier2();
    List<SavePlan.Home> branchHolds =
        List.of(
            new SavePlan.Home(BASE, PackageBranch.of("Base", "master")),
            new SavePlan.Home(gone, PackageBranch.of("Gone", "master")),
            new SavePlan.Home(ROOT, null));
    Map<String, MongoCatalogStore.Held> goneHeld = held("old", "h1");
    goneHeld.put("older", new MongoCatalogStore.Held("h2", true, true)); // removed already
    SavePlan.Removals r =
        plan.removals(
            branchHolds,
            Map.of(
                BASE, held("odd", "x", "even", "y", "Base.old.md", "z"),
                gone, goneHeld,
                ROOT, held("remark.md", "r")));
    assertThat(r.gone()).containsOnlyKeys(BASE, gone);
    assertThat(r.gone().get(BASE)).containsExactlyInAnyOrder("even", "Base.old.md");
    assertThat(r.gone().get(gone)).containsExactly("old");
    assertThat(r.emptyManifests()).containsExactly(gone);
    assertThat(r.cacheKeys())
        .containsExactlyInAnyOrder(
            CatalogKeys.cacheKey(FunctionName.of(SPACE, "Base", "master", "even")),
            CatalogKeys.cacheKey(FunctionName.of(SPACE, "Gone", "master", "old")));
    assertThat(r.unindexed())
        .containsExactlyInAnyOrder(
            FunctionName.of(SPACE, "Base", "master", "even").fullName(),
            FunctionName.of(SPACE, "Gone", "master", "old").fullName(),
            new CatalogKeys.FileName(SPACE, "master", "Base.old.md", "Base").fullName());
  }

  @Test
  void savingChosenFunctionsRemovesNothing() {
    SavePlan plan = SavePlan.of(SPACE, LIB, Set.of("Util/clear.py"));
    SavePlan.Removals r =
        plan.removals(
            List.of(new SavePlan.Home(BASE, PackageBranch.of("Base", "master"))),
            Map.of(BASE, held("odd", "x")));
    assertThat(r.gone()).isEmpty();
    assertThat(r.emptyManifests()).isEmpty();
  }

  @Test
  void aHomeWritesOnlyWhatChangedAndKeepsDisplacedContents() {
    SavePlan plan = SavePlan.of(SPACE, LIB, null);
    List<SavePlan.Slot> slots = plan.slots().get(BASE);
    String oddHash = slots.get(0).file().meta().hash();
    FunctionRef odd = new FunctionRef("Base", "odd");
    FunctionInfo info = new FunctionInfo(odd, true, "function", null, "Odd.", null);

    // First save: everything is new.
    HomeWrite first = HomeWrite.plan(slots, Map.of(), Map.of(odd, info), "c1");
    assertThat(first.docs())
        .extracting(d -> d.getString("_id"))
        .containsExactly("odd", "Base.notes.md");
    assertThat(first.newIds()).containsExactlyInAnyOrder("odd", "Base.notes.md");
    assertThat(first.displaced()).isEmpty();
    assertThat(first.changed()).isEqualTo(2);
    assertThat(first.unchanged()).isZero();
    assertThat(first.notCallable()).isZero();
    assertThat(first.manifest()).containsOnlyKeys("odd");
    assertThat(first.fileManifest())
        .extracting(d -> d.getString("key"))
        .containsExactly("Base.notes.md");
    assertThat(first.cacheKeys())
        .containsExactly(CatalogKeys.cacheKey(FunctionName.of(SPACE, "Base", "master", "odd")));
    assertThat(first.indexed()).hasSize(2);

    // Again with odd unchanged and the notes changed: only the notes are written, the old notes
    // move to _blobs first, and the manifest still lists both.
    HomeWrite again =
        HomeWrite.plan(slots, held("odd", oddHash, "Base.notes.md", "stale"), Map.of(), "c2");
    assertThat(again.docs()).extracting(d -> d.getString("_id")).containsExactly("Base.notes.md");
    assertThat(again.docs().get(0).getString("commit")).isEqualTo("c2");
    assertThat(again.newIds()).isEmpty();
    assertThat(again.displaced()).containsExactly("Base.notes.md");
    assertThat(again.unchanged()).isEqualTo(1);
    assertThat(again.notCallable()).isEqualTo(1); // no introspection result: not callable
    assertThat(again.manifest().get("odd").get("meta", Document.class).getString("hash"))
        .isEqualTo(oddHash);
    assertThat(again.cacheKeys()).isEmpty();
  }

  @Test
  void aCurrentFunctionSavedBeforeSchemasExistedGetsItsSchemaAndNothingElse() {
    SavePlan plan = SavePlan.of(SPACE, LIB, null);
    List<SavePlan.Slot> slots = plan.slots().get(BASE);
    String oddHash = slots.get(0).file().meta().hash();
    String notesHash = slots.get(1).file().meta().hash();
    FunctionRef odd = new FunctionRef("Base", "odd");
    FunctionInfo info = new FunctionInfo(odd, true, "function", null, "Odd.", null);
    Map<String, MongoCatalogStore.Held> old =
        Map.of(
            "odd", new MongoCatalogStore.Held(oddHash, false, false),
            "Base.notes.md", new MongoCatalogStore.Held(notesHash, false, false));
    HomeWrite w = HomeWrite.plan(slots, old, Map.of(odd, info), "c2");
    assertThat(w.docs()).as("no document rewritten: their commits stay").isEmpty();
    assertThat(w.unchanged()).isEqualTo(2);
    assertThat(w.schemas()).containsOnlyKeys("odd"); // a plain file has no schema
    assertThat(w.cacheKeys())
        .containsExactly(CatalogKeys.cacheKey(FunctionName.of(SPACE, "Base", "master", "odd")));
    assertThat(HomeWrite.plan(slots, held("odd", oddHash), Map.of(odd, info), "c3").schemas())
        .as("a function that has its schema gets none")
        .isEmpty();
  }

  @Test
  void aRemovedDocumentWithTheSameContentIsWrittenBack() {
    SavePlan plan = SavePlan.of(SPACE, LIB, null);
    List<SavePlan.Slot> slots = plan.slots().get(UTIL);
    String hash = slots.get(0).file().meta().hash();
    HomeWrite w =
        HomeWrite.plan(
            slots, Map.of("clear", new MongoCatalogStore.Held(hash, true, true)), Map.of(), "c3");
    assertThat(w.docs()).hasSize(1);
    assertThat(w.displaced()).isEmpty();
    assertThat(w.newIds()).isEmpty();
  }
}
