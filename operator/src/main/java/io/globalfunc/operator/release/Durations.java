package io.globalfunc.operator.release;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the CRDs' Go-style durations ({@code 90s}, {@code 5m}, {@code 1h30m}). */
public final class Durations {

  private static final Pattern PART = Pattern.compile("([0-9]+)([smh])");
  private static final Pattern WHOLE = Pattern.compile("([0-9]+[smh])+");

  private Durations() {}

  /** The duration, or {@code fallback} when the text is missing or malformed. */
  public static Duration parse(String text, Duration fallback) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      return fallback;
    }
    Duration d = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              });
    }
    return d.isZero() ? fallback : d;
  }
}
