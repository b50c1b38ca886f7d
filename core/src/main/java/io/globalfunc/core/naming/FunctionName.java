package io.globalfunc.core.naming;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The three-tier name of a function: {@code space.package_branch.function}, the single owner of how
 * names, MongoDB coordinates and Redis keys are spelled.
 *
 * <p>Tier 2 joins the package and the branch with {@code _}. Packages are Python identifiers and
 * may contain {@code _}; branches may contain {@code / . _ -}. To make a full name always split
 * back into the same tiers, the branch is escaped so that it contains neither {@code _} nor {@code
 * .}: every character other than a letter, a digit or {@code -} becomes {@code ~XX} per UTF-8 byte
 * ({@code ~} can never occur in a Git ref name). So {@code release/1.2} is spelled {@code
 * release~2F1~2E2} and {@code feat_x} is spelled {@code feat~5Fx}; {@code master} stays {@code
 * master}, keeping the seed's {@code Base_master}. Tier 2 is split at its last {@code _}.
 */
public record FunctionName(String space, String pkg, String branch, String function) {

  /** The seed's space. */
  public static final String DEFAULT_SPACE = "sp_GlobalFunc";

  private static final Pattern SPACE = Pattern.compile("[A-Za-z0-9_-]{1,60}");
  private static final char ESCAPE = '~';

  public FunctionName {
    requireSpace(space);
    requireIdentifier(pkg, "package");
    requireBranch(branch);
    requireIdentifier(function, "function");
  }

  /** A name from its parts; validates every tier. */
  public static FunctionName of(String space, String pkg, String branch, String function) {
    return new FunctionName(space, pkg, branch, function);
  }

  /** Splits a full name {@code space.package_branch.function} back into its tiers. */
  public static FunctionName parse(String fullName) {
    Objects.requireNonNull(fullName, "fullName");
    String[] tiers = fullName.split("\\.", -1);
    if (tiers.length != 3) {
      throw new IllegalArgumentException(
          "a full name has three tiers space.package_branch.function: " + fullName);
    }
    PackageBranch pb = PackageBranch.parse(tiers[1]);
    return new FunctionName(tiers[0], pb.pkg(), pb.branch(), tiers[2]);
  }

  /** Tier 2: {@code <package>_<escaped branch>}. */
  public String tier2() {
    return PackageBranch.of(pkg, branch).tier2();
  }

  /** The full three-tier name, also the Redis key of the function's cached entry. */
  public String fullName() {
    return space + "." + tier2() + "." + function;
  }

  /** The short call name used by {@code POST /gfgo/}: {@code package.function}. */
  public String callName() {
    return pkg + "." + function;
  }

  /** MongoDB database (tier 1). */
  public String mongoDatabase() {
    return space;
  }

  /** MongoDB collection (tier 2). */
  public String mongoCollection() {
    return tier2();
  }

  /** MongoDB document {@code _id} (tier 3). */
  public String mongoId() {
    return function;
  }

  @Override
  public String toString() {
    return fullName();
  }

  /** Tier 2 on its own: a package at a branch. */
  public record PackageBranch(String pkg, String branch) {
    public PackageBranch {
      requireIdentifier(pkg, "package");
      requireBranch(branch);
    }

    public static PackageBranch of(String pkg, String branch) {
      return new PackageBranch(pkg, branch);
    }

    /** Splits tier 2 at its last {@code _}; the branch part is unescaped. */
    public static PackageBranch parse(String tier2) {
      int cut = tier2.lastIndexOf('_');
      if (cut <= 0 || cut == tier2.length() - 1) {
        throw new IllegalArgumentException("tier 2 must be <package>_<branch>: " + tier2);
      }
      return new PackageBranch(tier2.substring(0, cut), unescapeBranch(tier2.substring(cut + 1)));
    }

    public String tier2() {
      return pkg + "_" + escapeBranch(branch);
    }

    /** Redis key prefix of everything cached for this tier: {@code space.tier2.}. */
    public String redisPrefix(String space) {
      requireSpace(space);
      return space + "." + tier2() + ".";
    }

    /** The name of one function in this package at this branch. */
    public FunctionName function(String space, String function) {
      return new FunctionName(space, pkg, branch, function);
    }
  }

  /**
   * A call name with an optional version: {@code Package.function} (the release's commit) or {@code
   * Package@ref.function}, where ref is a branch, a tag or a full or short commit id.
   *
   * @param packFunc {@code Package.function}, the allow-list name
   * @param ref the ref as the caller spelled it, or {@code null} for the release's commit
   */
  public record RefCall(String packFunc, String ref) {

    /**
     * Splits {@code Package@ref.function}: the package ends at the first {@code @}, the function
     * starts after the last {@code .} (a function never holds a dot), the ref is what lies between,
     * so refs such as {@code v1.2} or {@code release/1.2} need no quoting. Returns {@code null}
     * when the ref is empty or not a valid ref name; the call name itself is checked by the
     * allow-list.
     */
    public static RefCall parseOrNull(String text) {
      if (text == null) {
        return null;
      }
      int at = text.indexOf('@');
      if (at < 0) {
        return new RefCall(text, null);
      }
      int dot = text.lastIndexOf('.');
      if (dot < at) {
        return null;
      }
      String ref = text.substring(at + 1, dot);
      return isRefName(ref) ? new RefCall(text.substring(0, at) + text.substring(dot), ref) : null;
    }

    /** {@code Package@ref.function}, or {@code Package.function} without a ref. */
    public String spelled() {
      int dot = packFunc.lastIndexOf('.');
      return ref == null
          ? packFunc
          : packFunc.substring(0, dot) + "@" + ref + packFunc.substring(dot);
    }
  }

  /**
   * True for a name Git accepts as a branch or tag (and so for a commit id): no spaces, control
   * characters, tilde, caret, colon, question mark, star, bracket or backslash, no "..", no "@{",
   * no leading or trailing slash or dot, and not "@" alone.
   */
  public static boolean isRefName(String ref) {
    if (ref == null || ref.isEmpty() || ref.length() > 255 || ref.equals("@")) {
      return false;
    }
    if (ref.contains("..") || ref.contains("@{") || ref.contains("//") || ref.endsWith(".lock")) {
      return false;
    }
    if (ref.startsWith("/") || ref.endsWith("/") || ref.startsWith(".") || ref.endsWith(".")) {
      return false;
    }
    return ref.chars().noneMatch(c -> c <= ' ' || c == 127 || "~^:?*[\\".indexOf(c) >= 0);
  }

  /** Escapes a branch so it holds no {@code _} or {@code .} (see the type's Javadoc). */
  public static String escapeBranch(String branch) {
    requireBranch(branch);
    StringBuilder out = new StringBuilder(branch.length() + 8);
    branch
        .codePoints()
        .forEach(
            cp -> {
              if (cp == '-' || (cp < 128 && Character.isLetterOrDigit(cp))) {
                out.appendCodePoint(cp);
              } else if (cp >= 128 && Character.isLetterOrDigit(cp)) {
                out.appendCodePoint(cp); // keep 中文 and other letters readable
              } else {
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                  out.append(ESCAPE).append(String.format("%02X", b & 0xff));
                }
              }
            });
    return out.toString();
  }

  /** Reverses {@link #escapeBranch}. */
  public static String unescapeBranch(String escaped) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < escaped.length()) {
      char c = escaped.charAt(i);
      if (c == ESCAPE) {
        if (i + 2 >= escaped.length()) {
          throw new IllegalArgumentException("truncated escape in branch: " + escaped);
        }
        bytes.write(Integer.parseInt(escaped.substring(i + 1, i + 3), 16));
        i += 3;
      } else {
        if (bytes.size() > 0) {
          out.append(bytes.toString(StandardCharsets.UTF_8));
          bytes.reset();
        }
        if (c == '_' || c == '.') {
          throw new IllegalArgumentException("unescaped '" + c + "' in branch: " + escaped);
        }
        out.append(c);
        i++;
      }
    }
    out.append(bytes.toString(StandardCharsets.UTF_8));
    return out.toString();
  }

  /** True when {@code s} is a Python identifier (ASCII or Unicode, e.g. Chinese). */
  public static boolean isIdentifier(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    int first = s.codePointAt(0);
    if (!(first == '_' || Character.isUnicodeIdentifierStart(first))) {
      return false;
    }
    return s.codePoints().skip(1).allMatch(Character::isUnicodeIdentifierPart)
        && s.codePoints().noneMatch(cp -> cp == '$' || Character.isIdentifierIgnorable(cp));
  }

  private static void requireIdentifier(String s, String what) {
    if (!isIdentifier(s)) {
      throw new IllegalArgumentException(what + " must be a Python identifier: " + s);
    }
  }

  private static void requireSpace(String space) {
    if (space == null || !SPACE.matcher(space).matches()) {
      throw new IllegalArgumentException(
          "space must be 1-60 characters of letters, digits, '_' or '-': " + space);
    }
  }

  private static void requireBranch(String branch) {
    if (branch == null || branch.isEmpty() || branch.indexOf(ESCAPE) >= 0) {
      throw new IllegalArgumentException("not a branch name: " + branch);
    }
  }
}
