package io.globalfunc.core.catalog;

import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.library.LibraryFile;
import io.globalfunc.core.naming.CatalogKeys;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.core.naming.FunctionName.PackageBranch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a save lands where, decided before anything is written: every document goes to its home
 * collection (functions and the files of a package to the package's tier 2, root-level files to the
 * branch's files collection, see {@link CatalogKeys}), and — for a whole release — what the branch
 * held that the release no longer has is marked removed. A pure value.
 *
 * @param homes the collections the save writes, by name
 * @param slots the documents of each home, by collection name
 * @param wholeRelease true for a whole release (removals apply), false for chosen functions
 * @param warnings non-fatal problems found while planning
 */
record SavePlan(
    String space,
    String branch,
    String commit,
    Map<String, Home> homes,
    Map<String, List<Slot>> slots,
    int functions,
    int files,
    boolean wholeRelease,
    List<String> warnings) {

  /** One collection a save writes: a package's tier 2 ({@code pb}) or root-level files. */
  record Home(String collection, PackageBranch pb) {}

  /** One document a save writes: a function ({@code function}) or another file ({@code other}). */
  record Slot(String id, LibraryFile file, FunctionName function, CatalogKeys.FileName other) {}

  /**
   * What the removals of a whole release do.
   *
   * @param gone per collection, the ids to mark removed
   * @param emptyManifests collections the release has nothing in: they get an empty manifest
   * @param cacheKeys cache entries of removed functions
   * @param unindexed full names to drop from the search index
   */
  record Removals(
      Map<String, List<String>> gone,
      List<String> emptyManifests,
      Set<String> cacheKeys,
      List<String> unindexed) {}

  /** Documents a save writes in all. */
  int total() {
    return functions + files;
  }

  /**
   * The plan for {@code library} (read through Git, so with a branch and a commit); {@code
   * onlyPaths} null for a whole release, else the function files to save.
   */
  static SavePlan of(String space, Library library, Set<String> onlyPaths) {
    if (library.branch() == null || library.commit() == null) {
      throw new CatalogException(
          CatalogException.Reason.INVALID,
          "a release needs a branch and a commit: read the library through Git");
    }
    String branch = library.branch();
    Map<String, Home> homes = new TreeMap<>();
    Map<String, List<Slot>> slots = new TreeMap<>();
    Set<String> keys = new HashSet<>();
    List<String> warnings = new ArrayList<>();
    int functions = 0;
    for (LibraryFile f : library.files()) {
      Optional<FunctionRef> ref = f.functionRef();
      if (ref.isEmpty() || (onlyPaths != null && !onlyPaths.contains(f.path()))) {
        continue;
      }
      keys.add(f.key());
      PackageBranch pb = PackageBranch.of(ref.get().pkg(), branch);
      FunctionName name = pb.function(space, ref.get().function());
      place(homes, slots, new Home(pb.tier2(), pb), new Slot(name.mongoId(), f, name, null));
      functions++;
    }
    int files = onlyPaths == null ? placeFiles(space, library, homes, slots, keys, warnings) : 0;
    return new SavePlan(
        space,
        branch,
        library.commit(),
        homes,
        slots,
        functions,
        files,
        onlyPaths == null,
        warnings);
  }

  /** Places every file that is not a function; returns how many. */
  private static int placeFiles(
      String space,
      Library library,
      Map<String, Home> homes,
      Map<String, List<Slot>> slots,
      Set<String> keys,
      List<String> warnings) {
    int files = 0;
    for (LibraryFile f : library.files()) {
      if (f.functionRef().isPresent()) {
        continue;
      }
      CatalogKeys.FileName name = CatalogKeys.FileName.ofPath(space, library.branch(), f.path());
      if (!keys.add(name.key())) {
        // The seed keys its scan by this key too: one of two such files can be catalogued.
        warnings.add(
            f.path() + " has the scan key " + name.key() + " of another file; not catalogued");
        continue;
      }
      Home home =
          name.pkg() != null
              ? new Home(name.mongoCollection(), PackageBranch.of(name.pkg(), library.branch()))
              : new Home(name.mongoCollection(), null);
      place(homes, slots, home, new Slot(name.mongoId(), f, null, name));
      files++;
    }
    return files;
  }

  private static void place(
      Map<String, Home> homes, Map<String, List<Slot>> slots, Home home, Slot slot) {
    homes.putIfAbsent(home.collection(), home);
    slots.computeIfAbsent(home.collection(), k -> new ArrayList<>()).add(slot);
  }

  /**
   * What a whole release marks removed: every id that {@code held} (the branch's collections) had
   * before the save, is not removed yet, and is not in this plan.
   *
   * @param before what each held collection held before the save, by id
   */
  Removals removals(
      Collection<Home> held, Map<String, Map<String, MongoCatalogStore.Held>> before) {
    Map<String, List<String>> gone = new TreeMap<>();
    List<String> emptyManifests = new ArrayList<>();
    Set<String> cacheKeys = new HashSet<>();
    List<String> unindexed = new ArrayList<>();
    if (!wholeRelease) {
      return new Removals(gone, emptyManifests, cacheKeys, unindexed);
    }
    for (Home home : held) {
      Set<String> keep = new HashSet<>();
      slots.getOrDefault(home.collection(), List.of()).forEach(sl -> keep.add(sl.id()));
      List<String> ids = new ArrayList<>();
      before
          .getOrDefault(home.collection(), Map.of())
          .forEach(
              (id, h) -> {
                if (!keep.contains(id) && !h.removed()) {
                  ids.add(id);
                  forget(home, id, cacheKeys, unindexed);
                }
              });
      if (!ids.isEmpty()) {
        gone.put(home.collection(), ids);
      }
      if (!homes.containsKey(home.collection())) {
        emptyManifests.add(home.collection());
      }
    }
    return new Removals(gone, emptyManifests, cacheKeys, unindexed);
  }

  /** The cache key and search name of a removed document. */
  private void forget(Home home, String id, Set<String> cacheKeys, List<String> unindexed) {
    if (home.pb() != null && FunctionName.isIdentifier(id)) {
      FunctionName fn = home.pb().function(space, id);
      cacheKeys.add(CatalogKeys.cacheKey(fn));
      unindexed.add(fn.fullName());
    } else {
      unindexed.add(
          new CatalogKeys.FileName(space, branch, id, home.pb() == null ? null : home.pb().pkg())
              .fullName());
    }
  }
}
