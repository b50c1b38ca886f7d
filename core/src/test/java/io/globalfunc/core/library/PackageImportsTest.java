package io.globalfunc.core.library;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a function file imports from its own package, read from its source. */
class PackageImportsTest {

  @Test
  void relativeAbsoluteAndPlainImportsOfThePackageAreFound() {
    String source =
        """
        import os
        import json, Text.common as c
        from ._util import slug
        from . import lower, upper as up  # two siblings
        from Text.helpers.deep import x
        from Text import (shout,
        from .. import parent
        from Other.thing import y
        from collections import OrderedDict
            from ._late import late
        # from ._commented import nothing
        """;
    assertThat(PackageImports.of(source, "Text"))
        .containsExactly("common", "_util", "lower", "upper", "helpers", "shout", "_late");
  }

  @Test
  void aFileWithoutImportsOfItsPackageNeedsNothing() {
    assertThat(PackageImports.of("import time\n\n\ndef nap(s):\n    time.sleep(s)\n", "Base"))
        .isEmpty();
  }
}
