package io.globalfunc.core.catalog.search;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;

/**
 * Text analysis for Chinese and English alike: Unicode word breaking, full/half-width folding,
 * lower case, CJK runs as overlapping bigrams (plus unigrams when indexing, so a one-character
 * query still matches), English stop words and Porter stemming ({@code averages} finds {@code
 * average}). Code identifiers are split into their words by {@link #identifierWords}.
 */
public final class CodeAnalyzer extends Analyzer {

  private static final Pattern IDENTIFIER = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_]*");
  private static final Pattern PART =
      Pattern.compile("[\\p{Lu}]?[\\p{Ll}\\p{Lo}\\p{N}]+|[\\p{Lu}]+(?![\\p{Ll}])");

  private final boolean unigrams;

  /**
   * @param forIndexing true to also emit single CJK characters (index side); queries use bigrams
   *     only so that {@code 时间戳} ranks documents containing the whole word first
   */
  public CodeAnalyzer(boolean forIndexing) {
    this.unigrams = forIndexing;
  }

  @Override
  protected TokenStreamComponents createComponents(String fieldName) {
    StandardTokenizer source = new StandardTokenizer();
    TokenStream ts = new CJKWidthFilter(source);
    ts = new LowerCaseFilter(ts);
    ts =
        new CJKBigramFilter(
            ts,
            CJKBigramFilter.HAN
                | CJKBigramFilter.HIRAGANA
                | CJKBigramFilter.KATAKANA
                | CJKBigramFilter.HANGUL,
            unigrams);
    ts = new StopFilter(ts, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
    ts = new PorterStemFilter(ts);
    return new TokenStreamComponents(source, ts);
  }

  @Override
  protected TokenStream normalize(String fieldName, TokenStream in) {
    return new LowerCaseFilter(new CJKWidthFilter(in));
  }

  /**
   * The words inside the identifiers of {@code text}, space-separated: {@code inverse_time_str}
   * gives {@code inverse time str}, {@code parseHTTPHeader} gives {@code parse HTTP Header}.
   */
  public static String identifierWords(String text) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    Matcher m = IDENTIFIER.matcher(text);
    while (m.find()) {
      String id = m.group();
      List<String> parts = split(id);
      if (parts.size() > 1) {
        for (String p : parts) {
          out.append(p).append(' ');
        }
      }
    }
    return out.toString();
  }

  private static List<String> split(String identifier) {
    List<String> parts = new ArrayList<>();
    for (String chunk : identifier.split("_+")) {
      Matcher m = PART.matcher(chunk);
      while (m.find()) {
        parts.add(m.group());
      }
    }
    return parts;
  }
}
